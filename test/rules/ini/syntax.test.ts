// ini-syntax (src/core/ini/rules/syntax.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../support/lspClient';
import { find, preferred } from './helpers';
import { checkDiagnostics, checkFix } from '../../support/annotated';

test('ini-syntax: unclosed section, a key without =, an empty name; the = fix', () => {
  const text = '[appsec\ndatadog.appsec.enabled 1\n= 1\nbare\n';
  const f = find(text, 'ini-syntax');
  assert.deepEqual(
    f.map((x) => x.range.start.line),
    [0, 1, 2, 3],
  );
  assert.match(f[0]!.message, /stops reading the file/);
  assert.equal(applyEdits(text, preferred(f[1]!).edits), '[appsec\ndatadog.appsec.enabled = 1\n= 1\nbare\n');
});

test('ini-syntax (annotated): the trimmed line is the range; in a php.ini only lines that mention AppSec', () => {
  checkDiagnostics(
    'ini',
    `
    [appsec
    ^^^^^^^ warning ini-syntax
      datadog.appsec.enabled 1
      ^^^^^^^^^^^^^^^^^^^^^^^^ warning ini-syntax
    bare
    ^^^^ warning ini-syntax
  `,
  );
  checkDiagnostics(
    'php-ini',
    `
    bare
    ddappsec bare
    ^^^^^^^^^^^^^ warning ini-syntax
  `,
  );
  checkFix('ini', 'ini-syntax', `ddappsec.log_level: debug`, `ddappsec.log_level = debug`);
});
