// ini-relative-path (src/core/ini/rules/relative-path.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { find, preferred, fixAll } from './helpers';
import { checkDiagnostics, checkFix, checkNoFix } from '../../support/annotated';

test("ini-relative-path: the seed's ’tmp/extension.log’, fixed by inserting / only", () => {
  const text = 'ddappsec.log_file=’tmp/extension.log’\r\ndatadog.appsec.helper_log_file = helper.log\r\ndatadog.appsec.log_file = syslog\r\n';
  const f = find(text, 'ini-relative-path');
  assert.equal(f.length, 2);
  assert.deepEqual(preferred(f[0]!).edits, [{ range: { start: { line: 0, character: 19 }, end: { line: 0, character: 19 } }, newText: '/' }]);
  assert.equal(
    fixAll(text, 'ini-relative-path'),
    'ddappsec.log_file=’/tmp/extension.log’\r\ndatadog.appsec.helper_log_file = /tmp/helper.log\r\ndatadog.appsec.log_file = syslog\r\n',
  );
});

test('ini-relative-path (annotated): a top-level directory gets a /, another log file goes to /tmp, a rules file gets no guess', () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.log_file = tmp/a.log
                              ^^^^^^^^^ warning ini-relative-path
    datadog.appsec.helper_log_file = ./h.log
                                     ^^^^^^^ warning ini-relative-path
    datadog.appsec.rules = r.json
                           ^^^^^^ warning ini-relative-path
    datadog.appsec.helper_runtime_path = /var/run/ddappsec/
  `,
  );
  checkFix('ini', 'ini-relative-path', `datadog.appsec.log_file = tmp/a.log`, `datadog.appsec.log_file = /tmp/a.log`);
  checkFix('ini', 'ini-relative-path', `datadog.appsec.helper_log_file = ./h.log`, `datadog.appsec.helper_log_file = /tmp/h.log`);
  checkNoFix('ini', 'ini-relative-path', `datadog.appsec.rules = r.json`);
});
