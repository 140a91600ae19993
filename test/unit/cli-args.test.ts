// The CLI's one argument parser (src/cli/io.ts parseArgs), which every command uses; tested here once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intOption, parseArgs, UsageError } from '../../src/cli/io';
import { parseStepsArgs } from '../../src/cli/steps';

const spec = { flags: ['--json'], valued: ['--url', '--timeout'], lists: ['--logs'], positionals: true };
const parse = (...a: string[]) => {
  const p = parseArgs('cmd', a, spec);
  return { options: Object.fromEntries(p.options), lists: Object.fromEntries(p.lists), positionals: p.positionals };
};
const usage = (re: RegExp, ...a: string[]) =>
  assert.throws(
    () => parseArgs('cmd', a, spec),
    (e: Error) => e instanceof UsageError && re.test(e.message),
    a.join(' '),
  );

test('flags, --name value and --name=value, lists up to the next option, positionals and --', () => {
  assert.deepEqual(parse('--json', '--url', 'http://x', 'a.log', '--timeout=5', '--logs', '1', '2', '--logs=3', '--', '--json', '-x'), {
    options: { '--json': 'true', '--url': 'http://x', '--timeout': '5' },
    lists: { '--logs': ['1', '2', '3'] },
    positionals: ['a.log', '--json', '-x'],
  });
  assert.deepEqual(parse('--url=--odd', '--url', 'last').options, { '--url': 'last' }, 'the last value wins; = allows a leading --');
  assert.deepEqual(parse('--url=a=b').options, { '--url': 'a=b' });
});

test('usage errors: unknown options, a missing value, a value that is an option, a flag with a value, stray arguments', () => {
  usage(/^cmd: unknown option --frob$/, '--frob');
  usage(/^cmd: unknown option -x$/, '-x');
  usage(/^cmd: --url needs a value$/, '--url');
  usage(/^cmd: --url needs a value$/, '--url', '--json');
  usage(/^cmd: --logs needs at least one value$/, '--logs', '--json');
  usage(/^cmd: --json takes no value$/, '--json=1');
  assert.throws(() => parseArgs('cmd', ['file'], { flags: ['--json'] }), /^Error: cmd: unexpected argument file$|unexpected argument file/);
});

test('intOption: integers within the bounds, else a usage error naming them', () => {
  const o = new Map([
    ['--n', '7'],
    ['--bad', '7.5'],
    ['--neg', '-1'],
  ]);
  assert.equal(intOption('cmd', o, '--n', 1, 10), 7);
  assert.equal(intOption('cmd', o, '--missing', 1, 10), undefined);
  assert.throws(() => intOption('cmd', o, '--n', 8, 10), /--n must be an integer from 8 to 10/);
  assert.throws(() => intOption('cmd', o, '--bad', 1, 10), UsageError);
  assert.throws(() => intOption('cmd', o, '--neg', 0, 10), UsageError);
});

test('steps: its options through the shared parser (lists, validation kept)', () => {
  const o = parseStepsArgs(['--json', '--logs', 'a/*.log', 'b.log', '--language', 'php', '--workspace', 'w', '--timeout=900'], '/base', {});
  assert.deepEqual([o.json, o.logs, o.language, o.workspace, o.timeoutMs, o.agent], [true, ['a/*.log', 'b.log'], 'php', '/base/w', 900, null]);
  assert.throws(() => parseStepsArgs(['--language', 'cobol'], '/base', {}), /--language must be one of/);
  assert.throws(() => parseStepsArgs(['--timeout', '0'], '/base', {}), /between 1 and 60000/);
  assert.throws(() => parseStepsArgs(['--logs'], '/base', {}), /--logs needs at least one value/);
});
