// `asm-troubleshooter check --json` on ini files: each broken fixture gives its code (and only codes from the ini
// catalogue), the clean fixtures give nothing and exit 0, an error finding exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

interface Out {
  files: { path: string; kind: string; findings: { code: string; severity: string; line: number; column: number; message: string }[] }[];
}

function check(...paths: string[]): { status: number | null; out: Out } {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'check', '--json', ...paths], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, out: JSON.parse(r.stdout) as Out };
}

test('check --json: every broken fixture gives its own code; nothing but ini-* codes', () => {
  const dir = 'test/fixtures/ini/broken';
  const files = readdirSync(dir).filter((f) => f.endsWith('.ini'));
  assert.equal(files.length, 9);
  const { status, out } = check(dir);
  assert.equal(status, 1);
  for (const f of out.files) {
    const expected =
      'ini-' +
      f.path
        .split('/')
        .pop()!
        .replace(/-98-ddappsec\.ini$/, '');
    assert.equal(f.kind, 'ini');
    const codes = new Set(f.findings.map((x) => x.code));
    assert.ok(codes.has(expected), `${f.path}: ${[...codes].join(', ')}`);
    assert.deepEqual([...codes], [expected], `${f.path} has only ${expected}`);
    for (const x of f.findings) assert.ok(x.line >= 1 && x.column >= 1 && x.message.length > 20);
  }
});

test("check --json: the seed's pasted snippet (demo) is caught at the right columns", () => {
  const { out } = check('demo/98-ddappsec.ini');
  const f = out.files[0]!.findings;
  const at = (code: string) => f.filter((x) => x.code === code).map((x) => `${x.line}:${x.column}`);
  assert.deepEqual(at('ini-smart-quotes'), ['8:20', '9:28', '10:26', '13:19']);
  assert.deepEqual(at('ini-relative-path'), ['13:20']);
  assert.deepEqual(at('ini-placeholder'), ['17:32', '18:30']);
});

test('check --json: clean ini files give nothing and exit 0', () => {
  const { status, out } = check('test/fixtures/ini/clean');
  assert.equal(out.files.length, 3);
  for (const f of out.files) assert.deepEqual(f.findings, [], f.path);
  assert.equal(status, 0);
});
