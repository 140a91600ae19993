// PHP AppSec extension <-> helper (seed, PHP tab): "Connection to helper failed …" and the three warnings that
// explain it (lock file, bind(), unlink). The message says which file, why, and the ini settings that move the
// files: ddappsec.helper_socket_path / helper_lock_path (extension v0.1, /tmp/ddappsec.sock|.lock) or
// datadog.appsec.helper_runtime_path (v0.2 and later, ddappsec_<version>… files in the runtime directory).
import type { LogRule } from '../types';
import { clip, emit, lineRange, messageRule, messagesOfRule } from './common';

// The findings this rule raises are those naming it in kb/findings.yaml (`rule: php-helper`).
const pred = messagesOfRule('php-helper');
const key = 'php-helper';

/** Which era's settings move the helper's files, judged from the file name. */
export function helperIniFix(path: string | undefined): string {
  const v01 = 'ddappsec.helper_socket_path = /<writable dir>/ddappsec.sock and ddappsec.helper_lock_path = /<writable dir>/ddappsec.lock (extension v0.1)';
  const v02 = 'datadog.appsec.helper_runtime_path = /<writable dir>/ (extension v0.2 and later)';
  const base = path?.split('/').pop() ?? '';
  const where = /^ddappsec\.(sock|lock)$/.test(base) ? v01 : /^ddappsec_/.test(base) ? v02 : `${v01}, or ${v02}`;
  return `Delete the file and restart Apache/PHP-FPM, or give it the user:group of Apache/PHP-FPM (for example www-data), or move the helper's files to a directory the PHP user can write with ${where} in the extension's ini file (98-ddappsec.ini).`;
}

export const phpHelperRule: LogRule = messageRule({
  id: 'php-helper',
  key,
  pred,
  onMessage(ctx, hit) {
    if (!ctx.summary.tracer) ctx.summary.tracer = 'php';
    const r = lineRange(ctx, hit.start, hit.end);
    const g = hit.groups;
    const reason = g.reason ? clip(g.reason.replace(/ in Unknown on line \d+$/, ''), 120) : '';
    const cause = `${reason ? `${reason}: ` : ''}the file has invalid permissions, or the user running PHP cannot write to its directory (usually /tmp)`;
    switch (hit.m.id) {
      case 'php-helper-connection-failed': {
        const res = /: (dd_\w+|unknown)\s*$/.exec(g.detail ?? '')?.[1];
        emit(ctx, 'php-helper-connection-failed', r, {
          detail: `The PHP AppSec extension could not connect to its helper process${res ? ` (${res})` : ''}${/tried to launch/.test(g.detail ?? '') ? ' even after launching it again' : ''}, so requests are not analysed`,
          data: { result: res ?? null },
        });
        return;
      }
      case 'php-helper-lock-file':
        emit(ctx, 'php-helper-permission', r, {
          detail: `The helper's lock file ${g.path} cannot be opened — ${cause}`,
          fix: helperIniFix(g.path),
          data: { which: 'lock', path: g.path, reason },
        });
        return;
      case 'php-helper-bind':
        emit(ctx, 'php-helper-permission', r, {
          detail: `The helper's socket file cannot be created (bind() failed) — ${cause}`,
          fix: helperIniFix(undefined),
          data: { which: 'bind', reason },
        });
        return;
      case 'php-helper-unlink':
        emit(ctx, 'php-helper-permission', r, {
          detail: `The stale helper socket ${g.path} cannot be removed (unlink failed) — ${cause}`,
          fix: helperIniFix(g.path),
          data: { which: 'unlink', path: g.path, reason },
        });
    }
  },
});
