// `asm-troubleshooter check` end to end (dist/cli.js): the JSON contract, exit codes, and bad input that must give
// a clear message and the right exit code, never a stack trace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');
let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'asm-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function check(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const noStack = (s: string) => assert.doesNotMatch(s, /\n\s+at .+:\d+:\d+\)?\n/, `stack trace printed:\n${s}`);

test('--json on demo/ prints exactly one object with the contract keys, 1-based positions, and exit 1 (the demo has errors)', () => {
  const r = check('--json', 'demo');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out) as { files: { path: string; kind: string; findings: Record<string, unknown>[] }[] };
  assert.ok(j.files.length >= 6, `files: ${j.files.map((f) => f.path)}`);
  const kinds = new Set(j.files.map((f) => f.kind));
  assert.ok(kinds.has('log') && kinds.has('ini'), [...kinds].join());
  const all = j.files.flatMap((f) => f.findings);
  for (const f of all) {
    for (const k of ['code', 'severity', 'line', 'column', 'endLine', 'endColumn', 'message', 'step'])
      assert.ok(k in f, `missing ${k} in ${JSON.stringify(f)}`);
    assert.match(String(f.severity), /^(error|warning|information|hint)$/);
    assert.ok((f.line as number) >= 1 && (f.column as number) >= 1);
    assert.ok(f.step === null || [1, 2, 3, 4].includes(f.step as number));
  }
  const codes = new Set(all.map((f) => f.code));
  for (const c of ['appsec-enabled', 'appsec-disabled', 'appsec-not-configured', 'integration-disabled', 'agent-unreachable', 'ini-smart-quotes'])
    assert.ok(codes.has(c), `demo lacks ${c}: ${[...codes].join(', ')}`);
});

test('a healthy log exits 0; an error finding exits 1', () => {
  const ok = path.join(dir, 'healthy.log');
  writeFileSync(ok, 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":true}\n');
  assert.equal(check(ok).code, 0);
  const bad = path.join(dir, 'off.log');
  writeFileSync(bad, 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\r\n');
  const r = check(bad);
  assert.equal(r.code, 1);
  assert.match(r.out, /1:\d+ error appsec-disabled/);
});

test('a missing file: exit 2 and a clear message', () => {
  const r = check(path.join(dir, 'nope.log'));
  assert.equal(r.code, 2);
  assert.match(r.err, /nope\.log: no such file or directory/);
  noStack(r.err);
});

test('a directory of binaries: exit 2, each file named as binary, and that nothing was analysable', () => {
  const bin = path.join(dir, 'bins');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'core.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
  writeFileSync(path.join(bin, 'dump.log.1'), Buffer.alloc(4096, 0));
  const r = check('--json', bin);
  assert.equal(r.code, 2);
  assert.match(r.err, /core\.log: binary file/);
  assert.match(r.err, /no log or ini file to analyse/);
  const j = JSON.parse(r.out);
  assert.deepEqual(
    j.files.map((f: { kind: string }) => f.kind),
    ['binary', 'binary'],
  );
  noStack(r.err);
});

test('a 10 MB single line is analysed (cut, with a note) and findings before it still count', () => {
  const f = path.join(dir, 'long.log');
  writeFileSync(f, 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n' + 'x'.repeat(10 << 20));
  const r = check('--json', f);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.ok(j.files[0].findings.some((x: { code: string }) => x.code === 'appsec-disabled'));
  assert.ok(
    j.files[0].notes.some((n: string) => /over-long|longer than/.test(n)),
    JSON.stringify(j.files[0].notes),
  );
});

test('invalid UTF-8 is replaced, noted, and the rest analysed', () => {
  const f = path.join(dir, 'latin1.log');
  writeFileSync(
    f,
    Buffer.concat([
      Buffer.from('caf\xe9 \xff\xfe\n', 'latin1'),
      Buffer.from('DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":true}\n'),
    ]),
  );
  const r = check('--json', f);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.ok(j.files[0].notes.some((n: string) => /invalid UTF-8/.test(n)));
  assert.ok(j.files[0].findings.some((x: { code: string; line: number }) => x.code === 'appsec-enabled' && x.line === 2));
});

test('usage errors exit 2 with the usage text', () => {
  const none = check();
  assert.equal(none.code, 2);
  assert.match(none.err, /name at least one file/);
  const opt = check('--frobnicate', 'demo');
  assert.equal(opt.code, 2);
  assert.match(opt.err, /unknown option --frobnicate/);
  noStack(none.err + opt.err);
});

test('check of a log loads neither the HTTP stack, zlib nor crypto; an Agent /info file does load what it needs', () => {
  // Node's own list of the built-in modules a process loaded, written at exit by a preloaded script.
  const pre = path.join(dir, 'modules.cjs');
  const list = path.join(dir, 'modules.txt');
  writeFileSync(pre, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`);
  const loaded = (file: string) => {
    const r = spawnSync(process.execPath, ['-r', pre, CLI, 'check', file], { encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return new Set(readFileSync(list, 'utf8').split('\n'));
  };
  const heavy = ['NativeModule http', 'NativeModule https', 'NativeModule zlib', 'NativeModule crypto'];
  const log = path.join(dir, 'plain.log');
  writeFileSync(log, 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":true}\n');
  const forLog = loaded(log);
  assert.ok(forLog.has('NativeModule vm'), 'the module list was not recorded');
  assert.deepEqual(
    heavy.filter((m) => forLog.has(m)),
    [],
  );
  const info = path.join(dir, 'info.json');
  writeFileSync(info, JSON.stringify({ version: '7.50.0', endpoints: ['/v0.4/traces', '/info'] }));
  assert.ok(loaded(info).has('NativeModule http'), 'an /info answer is read with the Agent module, which needs http');
});
