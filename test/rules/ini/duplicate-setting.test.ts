// ini-duplicate-setting (src/core/ini/rules/duplicate-setting.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../support/lspClient';
import { find, preferred, fixAll } from './helpers';
import { checkDiagnostics, checkFixAll } from '../../support/annotated';

test('ini-duplicate-setting: on the earlier line, says which value wins; the fix deletes the whole line and keeps CRLF', () => {
  const text =
    '\ufeffdatadog.appsec.log_level = info\r\ndatadog.appsec.enabled = 1\r\ndatadog.appsec.log_level = warn\r\n[PATH=/var/www]\r\ndatadog.appsec.log_level = debug';
  const f = find(text, 'ini-duplicate-setting');
  assert.equal(f.length, 1, '[PATH=] is its own scope');
  assert.match(f[0]!.message, /line 3; PHP keeps the last value \(`warn`\)/);
  assert.equal(f[0]!.range.start.character, 1, 'line 0 counts the BOM');
  assert.equal(
    applyEdits(text, preferred(f[0]!).edits),
    '\ufeffdatadog.appsec.enabled = 1\r\ndatadog.appsec.log_level = warn\r\n[PATH=/var/www]\r\ndatadog.appsec.log_level = debug',
  );
  const three = 'x.y=1\ndatadog.appsec.enabled = 1\ndatadog.appsec.enabled = 0\ndatadog.appsec.enabled = true\n';
  assert.equal(fixAll(three, 'ini-duplicate-setting'), 'x.y=1\ndatadog.appsec.enabled = true\n', 'adjacent deletions do not clash');
});

test('ini-duplicate-setting (annotated): the earlier key is the range; a [PATH=] section starts a new scope', () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.enabled = 1
    [PATH=/x]
    datadog.appsec.enabled = 0
    ^^^^^^^^^^^^^^^^^^^^^^ warning ini-duplicate-setting
    datadog.appsec.enabled = 1
  `,
  );
  checkFixAll(
    'ini',
    'ini-duplicate-setting',
    `
    datadog.appsec.enabled = 0
    datadog.appsec.enabled = 1
    datadog.appsec.enabled = true
  `,
    `
    datadog.appsec.enabled = true
  `,
  );
});
