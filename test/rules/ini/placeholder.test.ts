// ini-placeholder (src/core/ini/rules/placeholder.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { find, fixAll } from './helpers';
import { checkDiagnostics, checkFix, checkNoFix } from '../../support/annotated';

test('ini-placeholder: the guide\'s /<directory with compatible permissions>/ moved to /var/run/ddappsec/', () => {
  const text = 'ddappsec.helper_socket_path = /<directory with compatible permissions>/ddappsec.sock\nddappsec.helper_lock_path = "/<directory with compatible permissions>/ddappsec.lock"\ndatadog.appsec.helper_runtime_path = /<dir>/\ndatadog.appsec.rules = /<path to rules>.json\n';
  const f = find(text, 'ini-placeholder');
  assert.equal(f.length, 4);
  assert.equal(f[3]!.fixes, undefined, 'no guess for the rules file');
  assert.equal(fixAll(text, 'ini-placeholder'), 'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock\nddappsec.helper_lock_path = "/var/run/ddappsec/ddappsec.lock"\ndatadog.appsec.helper_runtime_path = /var/run/ddappsec/\ndatadog.appsec.rules = /<path to rules>.json\n');
});

test('ini-placeholder (annotated): the <…> is the range; an empty <> is not a placeholder; no guess for the rules file', () => {
  checkDiagnostics('ini', `
    datadog.appsec.rules = /<path to rules>.json
                            ^^^^^^^^^^^^^^^ error ini-placeholder
    datadog.appsec.helper_runtime_path = /<dir>/
                                          ^^^^^ error ini-placeholder
    datadog.appsec.log_file = /tmp/<>.log
  `);
  checkFix('ini', 'ini-placeholder', `datadog.appsec.helper_runtime_path = /<dir>/`, `datadog.appsec.helper_runtime_path = /var/run/ddappsec/`);
  checkNoFix('ini', 'ini-placeholder', `datadog.appsec.rules = /<path to rules>.json`);
});
