// ini-unwritable-path (src/core/ini/rules/unwritable-path.ts): annotated fixtures (test/support/annotated.ts) for its diagnostics and
// boundaries, and its fixes applied byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../support/lspClient';
import { codes, find, preferred } from './helpers';
import { checkDiagnostics } from '../../support/annotated';

test('ini-unwritable-path: checked on disk for local files only, moved to /var/run/ddappsec/', () => {
  const text =
    'datadog.appsec.helper_runtime_path = /nonexistent-asm-test/run/\nddappsec.helper_socket_path = /nonexistent-asm-test/ddappsec.sock\ndatadog.appsec.helper_log_file = /nonexistent-asm-test/helper.log\ndatadog.appsec.helper_log_file = /etc/hostname/helper.log\ndatadog.appsec.helper_runtime_path = /tmp/\n';
  assert.deepEqual(
    codes(text).filter((c) => c.includes('unwritable')),
    [],
    'no path: untitled or remote',
  );
  const f = find(text, 'ini-unwritable-path', { path: '/tmp/98-ddappsec.ini' });
  assert.deepEqual(
    f.map((x) => x.range.start.line),
    [0, 1, 2, 3],
  );
  assert.match(f[0]!.message, /does not exist/);
  assert.match(f[3]!.message, /is not a directory/);
  assert.equal(applyEdits(text, preferred(f[0]!).edits).split('\n')[0], 'datadog.appsec.helper_runtime_path = /var/run/ddappsec/');
  assert.equal(applyEdits(text, preferred(f[1]!).edits).split('\n')[1], 'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock');
  assert.equal(applyEdits(text, preferred(f[2]!).edits).split('\n')[2], 'datadog.appsec.helper_log_file = /tmp/helper.log');
});

test('ini-unwritable-path (annotated): the path is the range, only with a local path; an existing directory is fine', () => {
  const text = `
    datadog.appsec.helper_runtime_path = /nonexistent-asm-test/run/
                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^ error ini-unwritable-path
    [PATH=/x]
    datadog.appsec.helper_runtime_path = /tmp/
  `;
  checkDiagnostics('ini', text, { path: '/tmp/98-ddappsec.ini' });
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.helper_runtime_path = /nonexistent-asm-test/run/
  `,
  );
});
