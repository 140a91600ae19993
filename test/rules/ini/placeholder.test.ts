// ini-placeholder (src/core/ini/rules/placeholder.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { find, fixAll } from './helpers';
import { analyzeIni } from '../../../src/core/ini/analyze';
import { applyEdits } from '../../support/lspClient';
import { checkDiagnostics, checkFix, checkNoFix } from '../../support/annotated';

test("ini-placeholder: the guide's /<directory with compatible permissions>/ moved to /var/run/ddappsec/", () => {
  const text =
    'ddappsec.helper_socket_path = /<directory with compatible permissions>/ddappsec.sock\nddappsec.helper_lock_path = "/<directory with compatible permissions>/ddappsec.lock"\ndatadog.appsec.helper_runtime_path = /<dir>/\ndatadog.appsec.rules = /<path to rules>.json\n';
  const f = find(text, 'ini-placeholder');
  assert.equal(f.length, 4);
  assert.equal(f[3]!.fixes, undefined, 'no guess for the rules file');
  assert.equal(
    fixAll(text, 'ini-placeholder'),
    'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock\nddappsec.helper_lock_path = "/var/run/ddappsec/ddappsec.lock"\ndatadog.appsec.helper_runtime_path = /var/run/ddappsec/\ndatadog.appsec.rules = /<path to rules>.json\n',
  );
});

test('ini-placeholder (annotated): the <…> is the range; an empty <> is not a placeholder; no guess for the rules file', () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.rules = /<path to rules>.json
                            ^^^^^^^^^^^^^^^ error ini-placeholder
    datadog.appsec.helper_runtime_path = /<dir>/
                                          ^^^^^ error ini-placeholder
    datadog.appsec.log_file = /tmp/<>.log
  `,
  );
  checkFix('ini', 'ini-placeholder', `datadog.appsec.helper_runtime_path = /<dir>/`, `datadog.appsec.helper_runtime_path = /var/run/ddappsec/`);
  checkNoFix('ini', 'ini-placeholder', `datadog.appsec.rules = /<path to rules>.json`);
});

test('ini-placeholder: a placeholder in the file name (old-style socket and lock paths) is replaced too, so the diagnostic goes (issue 18 point 13)', () => {
  checkFix('ini', 'ini-placeholder', `ddappsec.helper_socket_path = /var/run/<socket name>`, `ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock`);
  checkFix('ini', 'ini-placeholder', `ddappsec.helper_lock_path = "/<dir>/<lock file>"`, `ddappsec.helper_lock_path = "/var/run/ddappsec/ddappsec.lock"`);
  checkFix('ini', 'ini-placeholder', `ddappsec.helper_socket_path = /<dir>/ddappsec.sock`, `ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock`);
});

test('ini-placeholder: after any preferred placeholder fix, no placeholder is left on that line', () => {
  const keys = ['ddappsec.helper_socket_path', 'ddappsec.helper_lock_path', 'datadog.appsec.helper_runtime_path'];
  const values = ['/var/run/<socket name>', '/<dir>/<x>', '<a>', '/<dir>/', '"/<d>/<s>.sock"', '/tmp/<n>/x.sock', '/<a><b>'];
  for (const k of keys) {
    for (const v of values) {
      const text = `${k} = ${v}\n`;
      const f = analyzeIni(text).findings.find((x) => x.code === 'ini-placeholder');
      const fix = f?.fixes?.find((x) => x.isPreferred);
      if (!fix) continue;
      const after = applyEdits(text, fix.edits);
      assert.deepEqual(
        analyzeIni(after).findings.filter((x) => x.code === 'ini-placeholder'),
        [],
        `${text.trim()} → ${after.trim()}`,
      );
    }
  }
});
