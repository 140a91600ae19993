// ESLint (typescript-eslint, type-aware): the rules that catch real bugs, not style (Prettier owns the layout,
// `npm run format:check`). `npm run lint`; a stage of scripts/test.mjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'bench-data/**', '.vscode-test/**', 'test/host/.code-server/**', '**/*.d.ts', '**/*.d.mts'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits or catches: its rejection is lost (or crashes the process).
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return a promise the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      // A promise where a boolean or a void callback is expected (if (p), emitter.on('x', async …)).
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // A switch over a union that forgets a member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Not bugs in this code base: non-null assertions after checks, `as never` fakes in tests, control characters in
      // regexes that parse binary and terminal input on purpose.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Style, not bugs (and Prettier's business or a matter of taste): defensive initial values before a try,
      // escapes that are harmless in a character class, let for a variable assigned in a closure.
      'no-useless-assignment': 'off',
      'no-useless-escape': 'off',
      'prefer-const': 'off',
    },
  },
  {
    // The host test runner loads the compiled suites by path at run time.
    files: ['test/host/suite/index.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
