// ini-invalid-value (src/core/ini/rules/invalid-value.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../support/lspClient';
import { codes, find, preferred } from './helpers';
import { checkDiagnostics, checkFix } from '../../support/annotated';

test('ini-invalid-value: booleans, integers and ranges, log levels (fallback to error), args, waf_timeout in ms', () => {
  const text =
    'datadog.appsec.enabled = maybe\ndatadog.appsec.log_level = debgu\ndatadog.appsec.trace_rate_limit = -5\ndatadog.appsec.waf_timeout = 10\ndatadog.appsec.helper_extra_args = -log_level=debug\ndatadog.appsec.log_level = WARNING\ndatadog.appsec.helper_extra_args = --log_level debug --log_level=loud\n';
  const f = find(text, 'ini-invalid-value');
  assert.deepEqual(
    f.map((x) => x.range.start.line),
    [0, 1, 2, 3, 4, 6],
  );
  assert.match(f[1]!.message, /falls back to the level error/);
  assert.equal(f[3]!.severity, 'warning');
  assert.match(f[3]!.message, /microseconds/);
  assert.equal(applyEdits(text, preferred(f[1]!).edits).split('\n')[1], 'datadog.appsec.log_level = debug');
  assert.equal(applyEdits(text, preferred(f[3]!).edits).split('\n')[3], 'datadog.appsec.waf_timeout = 10000');
  assert.equal(applyEdits(text, preferred(f[4]!).edits).split('\n')[4], 'datadog.appsec.helper_extra_args = --log_level=debug');
  assert.equal(
    f[0]!.fixes!.some((x) => x.isPreferred),
    false,
    "on or off is the user's choice",
  );
});

test('ini-invalid-value: every spelling PHP reads as a boolean is accepted (none and null are off), case-insensitive', () => {
  const ok = ['1', '0', 'true', 'False', 'on', 'OFF', 'yes', 'no', 'none', 'None', 'null', 'NULL', ''];
  const text = ok.map((v) => `datadog.appsec.block = ${v}\n[PATH=/srv/${v || 'empty'}]\n`).join('');
  assert.deepEqual(
    codes(text).filter((c) => c.endsWith('ini-invalid-value')),
    [],
  );
  assert.deepEqual(codes('datadog.appsec.block = nope\n'), ['0:ini-invalid-value']);
});

test('ini-invalid-value (annotated): the value is the range; a rate limit of 0 and a timeout of 1000 µs are valid', () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.trace_rate_limit = -1
                                      ^^ error ini-invalid-value
    datadog.appsec.waf_timeout = 10
                                 ^^ warning ini-invalid-value
    [PATH=/a]
    datadog.appsec.trace_rate_limit = 0
    [PATH=/b]
    datadog.appsec.waf_timeout = 1000
  `,
  );
  checkFix('ini', 'ini-invalid-value', `datadog.appsec.waf_timeout = 10`, `datadog.appsec.waf_timeout = 10000`);
});
