// ini-unknown-setting (src/core/ini/rules/unknown-setting.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { find, fixAll } from './helpers';
import { checkDiagnostics, checkFix, checkNoFix } from '../../support/annotated';

test('ini-unknown-setting: did-you-mean for typos, near-miss prefixes and case; tracer keys are left alone', () => {
  const text =
    'datadog.appsec.log_levl = debug\nddapsec.enabled = 1\ndatadog.appsec_enabled = 1\nDatadog.AppSec.Enabled = 1\ndatadog.trace.enabled = 1\nddtrace.request_init_hook = /x.php\ndatadog.appsec.frobnicate = 1\n';
  const f = find(text, 'ini-unknown-setting');
  assert.deepEqual(
    f.map((x) => [x.range.start.line, (x.data as { suggestions: string[] }).suggestions]),
    [
      [0, ['datadog.appsec.log_level']],
      [1, ['ddappsec.enabled']],
      [2, ['datadog.appsec.enabled']],
      [3, ['datadog.appsec.enabled']],
      [6, []],
    ],
  );
  assert.match(f[3]!.message, /case-sensitive/);
  assert.match(f[0]!.message, /Did you mean `datadog\.appsec\.log_level`/);
  assert.equal(
    fixAll(text, 'ini-unknown-setting'),
    'datadog.appsec.log_level = debug\nddappsec.enabled = 1\ndatadog.appsec.enabled = 1\ndatadog.appsec.enabled = 1\ndatadog.trace.enabled = 1\nddtrace.request_init_hook = /x.php\ndatadog.appsec.frobnicate = 1\n',
  );
});

test('ini-unknown-setting (annotated): the key is the range; a near miss gets a fix, a stranger none, tracer keys nothing', () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.log_levl = debug
    ^^^^^^^^^^^^^^^^^^^^^^^ warning ini-unknown-setting
    datadog.appsec.frobnicate = 1
    ^^^^^^^^^^^^^^^^^^^^^^^^^ warning ini-unknown-setting
    datadog.trace.enabled = 1
  `,
  );
  checkFix('ini', 'ini-unknown-setting', `datadog.appsec.log_levl = debug`, `datadog.appsec.log_level = debug`);
  checkNoFix('ini', 'ini-unknown-setting', `datadog.appsec.frobnicate = 1`);
});
