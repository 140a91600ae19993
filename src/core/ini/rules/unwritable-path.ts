// ini-unwritable-path: the directory of the helper's socket or lock, the runtime directory, or a log file's place does
// not exist or is not writable — checked on disk, for local files only (the analysis gets `path` only for file: URIs;
// never for untitled or remote documents). The check runs as the user running the editor or CLI; the PHP user
// (www-data…) needs the same access, which the message says.
import { accessSync, constants, statSync } from 'node:fs';
import { range, type Fix, type TextEdit } from '../../finding';
import { makeFinding } from '../../findings';
import { kb } from '../../kb';
import type { IniRule } from '../analyze';
import type { IniLine } from '../parse';
import { innerValue, q, WRITABLE_DIR, WRITABLE_DIR_HOWTO } from '../model';
import { pathValues, PLACEHOLDER } from './paths';

const HELPER_PATH = /\.helper_(socket|lock|runtime)_path$/;

/** The edit that moves a socket/lock/runtime path into WRITABLE_DIR, touching only the directory part of the value. */
export function writableDirEdit(l: IniLine): { edit: TextEdit; shown: string } | null {
  const e = l.entry!;
  const s = kb().setting(e.key);
  if (!s || !HELPER_PATH.test(s.key)) return null;
  const inner = innerValue(e);
  const t = inner.text;
  if (s.writable === 'dir') return { edit: { range: range(l.line, inner.start, inner.end), newText: WRITABLE_DIR }, shown: WRITABLE_DIR };
  const slash = t.lastIndexOf('/');
  const base = t.slice(slash + 1) || (s.key.endsWith('lock_path') ? 'ddappsec.lock' : 'ddappsec.sock');
  if (slash < 0 || !t.slice(slash + 1))
    return { edit: { range: range(l.line, inner.start, inner.end), newText: WRITABLE_DIR + base }, shown: WRITABLE_DIR + base };
  return { edit: { range: range(l.line, inner.start, inner.start + slash + 1), newText: WRITABLE_DIR }, shown: WRITABLE_DIR + base };
}

type Problem = { dir: string; what: string } | null;

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'does not exist'
    : code === 'ENOTDIR'
      ? 'is not a directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'is not accessible'
        : code === 'EROFS'
          ? 'is on a read-only file system'
          : `cannot be checked (${code ?? String(e)})`;
}

function checkDir(dir: string): Problem {
  try {
    if (!statSync(dir).isDirectory()) return { dir, what: 'is not a directory' };
  } catch (e) {
    return { dir, what: errText(e) };
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    return { dir, what: `is not writable (${(e as NodeJS.ErrnoException).code ?? 'denied'})` };
  }
  return null;
}

function checkFile(file: string, mustOwnDir: boolean): Problem {
  const dir = file.slice(0, file.lastIndexOf('/') + 1) || '/';
  if (!mustOwnDir) {
    try {
      const st = statSync(file);
      if (st.isDirectory()) return { dir: file, what: 'is a directory, not a file' };
      accessSync(file, constants.W_OK);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { dir: file, what: `exists but is not writable (${code ?? 'denied'})` };
    }
  }
  return checkDir(dir);
}

export const unwritablePathRule: IniRule = {
  id: 'ini-unwritable-path',
  run(ctx) {
    if (!ctx.path) return;
    for (const { line: l, setting: s, inner } of pathValues(ctx.appsecLines)) {
      if (!s.writable || inner.smart) continue;
      const p = inner.text.trim();
      if (!p.startsWith('/') || PLACEHOLDER.test(p) || p.length > 4096) continue;
      // The socket is unlinked and bound again at each start: its directory must be writable, not only the file.
      const problem = s.writable === 'dir' ? checkDir(p) : checkFile(p, s.key.endsWith('helper_socket_path'));
      if (!problem) continue;
      const fixes: Fix[] = [];
      // Already in the dedicated directory: moving it there changes nothing; the directory must be created.
      const inWritable = p === WRITABLE_DIR || p === WRITABLE_DIR.slice(0, -1) || p.startsWith(WRITABLE_DIR);
      const move = inWritable ? null : writableDirEdit(l);
      if (move) fixes.push({ title: `Move to ${move.shown}`, edits: [move.edit], isPreferred: true });
      else if (!inWritable && !p.startsWith('/tmp/')) {
        const alt = '/tmp/' + (p.slice(p.lastIndexOf('/') + 1) || 'extension.log');
        fixes.push({ title: `Log to ${alt}`, edits: [{ range: range(l.line, inner.start, inner.end), newText: alt }], isPreferred: true });
      }
      let uid = '';
      try {
        uid = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
      } catch {
        uid = '';
      }
      const what =
        s.writable === 'dir' ? 'runtime directory' : HELPER_PATH.test(s.key) ? `${s.key.includes('lock') ? 'lock' : 'socket'} directory` : 'log file location';
      ctx.report(
        makeFinding('ini-unwritable-path', range(l.line, inner.start, inner.end), {
          detail: `${q(problem.dir)} ${problem.what} (checked on this machine as the current user${uid}), so the ${what} of ${e(l)} is unusable${HELPER_PATH.test(s.key) ? ' and the helper cannot start ("Could not open lock file", "Call to bind() failed")' : ''}. The PHP user (e.g. www-data) needs write access too`,
          fix: move
            ? `Create ${q(problem.dir)} writable for the PHP user, or move it to ${q(WRITABLE_DIR)} — ${WRITABLE_DIR_HOWTO}.`
            : inWritable
              ? `Create ${q(WRITABLE_DIR)} for the PHP user: ${WRITABLE_DIR_HOWTO.replace(/^create it for the PHP user, /, '')}.`
              : 'Create the directory writable for the PHP user, or log somewhere writable.',
          data: { key: l.entry!.key, path: p, problem: problem.what, dir: problem.dir },
          ...(fixes.length ? { fixes } : {}),
        }),
      );
    }
  },
};

function e(l: IniLine): string {
  return q(l.entry!.key);
}
