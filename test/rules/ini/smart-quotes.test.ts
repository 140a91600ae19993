// ini-smart-quotes (src/core/ini/rules/smart-quotes.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../support/lspClient';
import { find, preferred, fixAll } from './helpers';
import { checkDiagnostics, checkFix } from '../../support/annotated';

test('ini-smart-quotes: ‘ ’ “ ” around or inside; the fix straightens only the value', () => {
  const text = 'a=1\nddappsec.log_level=‘debug’\ndatadog.appsec.log_file=’tmp/extension.log’\ndatadog.appsec.helper_extra_args = --log_level=“debug” ; c\n';
  const f = find(text, 'ini-smart-quotes');
  assert.equal(f.length, 3);
  assert.match(f[0]!.message, /falls back to error/);
  assert.equal(
    applyEdits(text, preferred(f[0]!).edits),
    "a=1\nddappsec.log_level='debug'\ndatadog.appsec.log_file=’tmp/extension.log’\ndatadog.appsec.helper_extra_args = --log_level=“debug” ; c\n",
  );
  assert.equal(
    fixAll(text, 'ini-smart-quotes'),
    "a=1\nddappsec.log_level='debug'\ndatadog.appsec.log_file='tmp/extension.log'\ndatadog.appsec.helper_extra_args = --log_level=\"debug\" ; c\n",
  );
});

test("ini-smart-quotes (annotated): the quoted value is the range; straight quotes and other rules' lines are not ours", () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.log_level = ‘debug’
                               ^^^^^^^ error ini-smart-quotes
    datadog.appsec.rules = “/etc/r.json”
                           ^^^^^^^^^^^^^ error ini-smart-quotes
    datadog.appsec.log_file = '/tmp/a.log'
    datadog.appsec.helper_log_file = "/tmp/h.log"
  `,
  );
  checkFix('ini', 'ini-smart-quotes', `datadog.appsec.rules = “/etc/$0r.json”`, `datadog.appsec.rules = "/etc/r.json"`);
});
