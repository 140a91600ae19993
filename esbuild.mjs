// Bundles the extension client, the language server and the CLI into dist/, and (with --tests) every
// test/**/*.test.ts into out/test/. YAML knowledge-base files are parsed at build time into JSON modules.
import * as esbuild from 'esbuild';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');

/** @type {esbuild.Plugin} */
const yamlPlugin = {
  name: 'yaml',
  setup(build) {
    build.onLoad({ filter: /\.ya?ml$/ }, async (a) => {
      const text = await readFile(a.path, 'utf8');
      try {
        return { contents: JSON.stringify(parse(text)), loader: 'json' };
      } catch (e) {
        return { errors: [{ text: `${path.relative(process.cwd(), a.path)}: ${e.message}` }] };
      }
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  plugins: [yamlPlugin],
  legalComments: 'none',
  metafile: true,
};

async function listTests(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listTests(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && (e.name.endsWith('.test.ts') || p.includes(`${path.sep}host${path.sep}suite${path.sep}`)))
      out.push(p);
  }
  return out;
}

const configs = [
  { ...common, entryPoints: { extension: 'src/client/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  // dist/server-start.js, what the VS Code client starts: dist/server.js from V8's code cache (src/server/launcher.ts).
  { ...common, entryPoints: { 'server-start': 'src/server/launcher.ts' }, outdir: 'dist' },
  // dist/cli.js is a small launcher that runs dist/cli-bundle.js from V8's code cache (src/cli/launcher.ts).
  { ...common, entryPoints: { 'cli-bundle': 'src/cli/main.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli/launcher.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];
if (tests) {
  configs.push({
    ...common,
    entryPoints: await listTests('test'),
    outdir: 'out/test',
    outbase: 'test',
    sourcemap: 'inline',
    minify: false,
    external: ['vscode', 'dd-trace', 'express', 'playwright-core', '@vscode/test-electron', 'vscode-tmgrammar-test', 'fast-check'],
  });
}

// Validate the knowledge base before bundling: a malformed kb/*.yaml entry fails the build with its path.
async function validateKnowledgeBase() {
  const r = await esbuild.build({ ...common, entryPoints: ['src/core/kb/validate-cli.ts'], write: false, metafile: false, sourcemap: false, minify: false });
  const m = { exports: {} };
  new Function('module', 'exports', 'require', r.outputFiles[0].text)(m, m.exports, require_);
  const errors = await m.exports.check();
  if (errors) {
    console.error(errors);
    process.exit(1);
  }
}
import { createRequire } from 'node:module';
const require_ = createRequire(import.meta.url);
await validateKnowledgeBase();

if (watch) {
  const ctxs = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('[esbuild] watching');
} else {
  const results = await Promise.all(configs.map((c) => esbuild.build(c)));
  if (args.has('--sizes')) {
    for (const r of results)
      for (const [f, o] of Object.entries(r.metafile.outputs)) if (f.endsWith('.js') && f.startsWith('dist')) console.log(`${f}\t${o.bytes}`);
  }
}
