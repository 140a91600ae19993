// ini-legacy-name (src/core/ini/rules/legacy-name.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../support/lspClient';
import { find, fixAll } from './helpers';
import { checkDiagnostics, checkFix } from '../../support/annotated';

test('ini-legacy-name: v0.1 names migrate; socket + lock become one helper_runtime_path; an existing current name wins', () => {
  const text =
    '; v0.1\nddappsec.enabled = 1\nddappsec.helper_socket_path = /var/lib/dd/ddappsec.sock\nddappsec.helper_lock_path = /var/lib/dd/ddappsec.lock\ndatadog.appsec.rules_path = /etc/r.json\nddappsec.log_level = debug\ndatadog.appsec.log_level = info\ndatadog.appsec.ipheader = x-ip\nddappsec.waf_timeout = 10000';
  const f = find(text, 'ini-legacy-name');
  assert.deepEqual(
    f.map((x) => x.range.start.line),
    [1, 2, 3, 4, 5, 7, 8],
  );
  assert.match(f[5]!.message, /removed after extension 0\.4\.x; use datadog\.trace\.client_ip_header/);
  assert.equal(f[5]!.fixes, undefined);
  assert.equal(
    fixAll(text, 'ini-legacy-name'),
    '; v0.1\ndatadog.appsec.enabled = 1\ndatadog.appsec.helper_runtime_path = /var/lib/dd/\ndatadog.appsec.rules = /etc/r.json\ndatadog.appsec.log_level = info\ndatadog.appsec.ipheader = x-ip\ndatadog.appsec.waf_timeout = 10000',
  );
});

test('ini-legacy-name: two lines migrating to one name with different values: worded as the other fix, no preferred delete', () => {
  const text =
    'ddappsec.enabled = true\nddappsec.helper_socket_path = /var/run/x/ddappsec.sock\nddappsec.helper_runtime_path = /tmp/\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n';
  const f = find(text, 'ini-legacy-name');
  assert.deepEqual(
    f.map((x) => x.range.start.line),
    [0, 1, 2, 3],
  );
  assert.equal(
    f[2]!.message,
    "`ddappsec.helper_runtime_path` never existed: extension v0.1 (ddappsec.*) had no helper_runtime_path; it is `datadog.appsec.helper_runtime_path` since v0.2. Line 2's fix also migrates to `datadog.appsec.helper_runtime_path`; keep one: remove this line, or migrate this one (`datadog.appsec.helper_runtime_path = /tmp/`) and remove line 2.",
  );
  assert.doesNotMatch(f[2]!.message, /already set/);
  assert.deepEqual(
    f[2]!.fixes!.map((x) => [x.title, x.isPreferred]),
    [
      ["Remove ddappsec.helper_runtime_path (line 2's fix migrates to datadog.appsec.helper_runtime_path)", false],
      ['Rename to datadog.appsec.helper_runtime_path, keeping this value (then remove line 2)', false],
    ],
  );
  assert.equal(
    applyEdits(text, f[2]!.fixes![0]!.edits),
    'ddappsec.enabled = true\nddappsec.helper_socket_path = /var/run/x/ddappsec.sock\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n',
  );
  assert.equal(
    applyEdits(text, f[2]!.fixes![1]!.edits),
    'ddappsec.enabled = true\nddappsec.helper_socket_path = /var/run/x/ddappsec.sock\ndatadog.appsec.helper_runtime_path = /tmp/\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n',
  );
  // The lock in another directory: same wording, no preferred fix.
  assert.match(
    f[3]!.message,
    /Line 2's fix also migrates to `datadog\.appsec\.helper_runtime_path`; keep one: remove this line, or migrate this one \(`datadog\.appsec\.helper_runtime_path = \/var\/lock\/`\) and remove line 2\.$/,
  );
  assert.equal(
    f[3]!.fixes!.some((x) => x.isPreferred),
    false,
  );
  // Fix-all migrates the first and deletes no value the user set.
  assert.equal(
    fixAll(text, 'ini-legacy-name'),
    'datadog.appsec.enabled = true\ndatadog.appsec.helper_runtime_path = /var/run/x/\nddappsec.helper_runtime_path = /tmp/\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n',
  );
  // Socket and lock in one directory: removing the second loses nothing, so that stays the preferred fix.
  const same = 'ddappsec.helper_socket_path = /var/lib/dd/ddappsec.sock\nddappsec.helper_lock_path = "/var/lib/dd/ddappsec.lock"\n';
  const g = find(same, 'ini-legacy-name');
  assert.equal(
    g[1]!.message.endsWith("Line 1's fix also migrates to `datadog.appsec.helper_runtime_path = /var/lib/dd/`, the same value: remove this line."),
    true,
    g[1]!.message,
  );
  assert.equal(fixAll(same, 'ini-legacy-name'), 'datadog.appsec.helper_runtime_path = /var/lib/dd/\n');
});

test('ini-legacy-name (annotated): the key is the range; renamed keys and v0.1 prefixes, current names untouched', () => {
  checkDiagnostics(
    'ini',
    `
    ddappsec.enabled = 1
    ^^^^^^^^^^^^^^^^ warning ini-legacy-name
    datadog.appsec.rules_path = /etc/r.json
    ^^^^^^^^^^^^^^^^^^^^^^^^^ warning ini-legacy-name
    datadog.appsec.log_level = debug
  `,
  );
  checkFix('ini', 'ini-legacy-name', `datadog.appsec.rules_path = /etc/r.json`, `datadog.appsec.rules = /etc/r.json`);
});
