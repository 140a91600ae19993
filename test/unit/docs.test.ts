// The reference docs are generated from the knowledge base and package.json: they must be up to date, and the check
// must be able to fail (an emptied generated section of the README used to pass it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const check = (...extra: string[]) => spawnSync(process.execPath, ['scripts/gen-docs.mjs', '--check', ...extra], { encoding: 'utf8' });

test('README.md and docs/reference.md match kb/*.yaml and package.json (node scripts/gen-docs.mjs)', () => {
  const r = check();
  assert.equal(r.status, 0, r.stderr);
});

test('every generated section of the README is filled: an emptied, shortened or unknown section fails the check', () => {
  const readme = readFileSync('README.md', 'utf8');
  const names = [...readme.matchAll(/<!-- generated:([\w-]+) -->\n/g)].map((m) => m[1]!);
  assert.ok(names.includes('diagnostics') && names.includes('settings'), names.join(', '));
  for (const name of names) {
    const section = new RegExp(`(<!-- generated:${name} -->\\n)[^]*?(<!-- /generated -->)`);
    assert.match(readme, section);
    assert.ok(readme.match(section)![0].split('\n').length > 4, `${name} has no table rows`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-docs-'));
  const stale = (text: string) => {
    const f = path.join(dir, 'README.md');
    writeFileSync(f, text);
    return check('--readme', f);
  };
  assert.equal(stale(readme).status, 0, 'the copy itself is fresh');
  const emptied = readme.replace(/(<!-- generated:diagnostics -->\n)[^]*?(<!-- \/generated -->)/, '$1$2');
  assert.notEqual(emptied, readme);
  assert.equal(stale(emptied).status, 1, 'an empty diagnostics section');
  const shortened = readme.replace(/(<!-- generated:diagnostics -->\n[^\n]*\n[^\n]*\n)[^\n]*\n/, '$1');
  assert.notEqual(shortened, readme);
  assert.equal(stale(shortened).status, 1, 'a row missing');
  assert.notEqual(stale(readme.replace('<!-- generated:diagnostics -->', '<!-- generated:nonsense -->')).status, 0, 'an unknown section');
});
