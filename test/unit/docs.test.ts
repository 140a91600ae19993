// The reference docs are generated from the knowledge base and package.json: they must be up to date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('README.md and docs/reference.md match kb/*.yaml and package.json (node scripts/gen-docs.mjs)', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-docs.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
