// Tests are shaped like the rules: every rule module of src/core/log/rules and src/core/ini/rules has its own
// test/rules/<log|ini>/<rule>.test.ts (index.ts lists the rules; common.ts and paths.ts are their shared helpers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';

const HELPERS = new Set(['index.ts', 'common.ts', 'paths.ts']);

test('every log and ini rule has its own test file under test/rules/', () => {
  const missing: string[] = [];
  for (const kind of ['log', 'ini']) {
    const rules = readdirSync(`src/core/${kind}/rules`).filter((f) => f.endsWith('.ts') && !HELPERS.has(f));
    assert.ok(rules.length > 5, `${kind}: ${rules.join(', ')}`);
    for (const f of rules)
      if (!existsSync(`test/rules/${kind}/${f.replace(/\.ts$/, '.test.ts')}`))
        missing.push(`src/core/${kind}/rules/${f} → test/rules/${kind}/${f.replace(/\.ts$/, '.test.ts')}`);
  }
  assert.deepEqual(missing, []);
});
