// ini-placeholder: a documentation placeholder left in a value, such as the guide's
// `/<directory with compatible permissions>/ddappsec.sock`. PHP takes it literally, so the helper cannot create its
// socket or lock there. For the socket, lock and runtime paths the fix puts them in WRITABLE_DIR (see model.ts why).
import { range, type Fix } from '../../finding';
import { makeFinding } from '../../findings';
import type { IniRule } from '../analyze';
import type { IniLine } from '../parse';
import { innerValue, q, WRITABLE_DIR, WRITABLE_DIR_HOWTO } from '../model';
import { PLACEHOLDER } from './paths';
import { writableDirEdit } from './unwritable-path';

const PLACEHOLDER_G = /<[^<>\r\n]{1,200}>/g;

/**
 * The move into WRITABLE_DIR keeps the file name; when that name is a placeholder too (old-style
 * `ddappsec.helper_socket_path = /var/run/<socket name>`), the whole value becomes WRITABLE_DIR + the default name,
 * so the fix leaves no placeholder (and the diagnostic goes).
 */
function placeholderFree(l: IniLine, move: ReturnType<typeof writableDirEdit>): ReturnType<typeof writableDirEdit> {
  if (!move || !PLACEHOLDER.test(move.shown)) return move;
  const inner = innerValue(l.entry!);
  const shown = WRITABLE_DIR + (l.entry!.key.endsWith('lock_path') ? 'ddappsec.lock' : 'ddappsec.sock');
  return { edit: { range: range(l.line, inner.start, inner.end), newText: shown }, shown };
}

export const placeholderRule: IniRule = {
  id: 'ini-placeholder',
  run(ctx) {
    for (const l of ctx.appsecLines) {
      const e = l.entry!;
      if (e.rawValue.length > 10000) continue;
      PLACEHOLDER_G.lastIndex = 0;
      const m = PLACEHOLDER_G.exec(e.rawValue);
      if (!m) continue;
      const at = e.valueStart + m.index;
      const fixes: Fix[] = [];
      const move = placeholderFree(l, writableDirEdit(l));
      if (move) fixes.push({ title: `Use ${move.shown} (then ${WRITABLE_DIR_HOWTO.split(',')[0]})`, edits: [move.edit], isPreferred: true });
      ctx.report(
        makeFinding('ini-placeholder', range(l.line, at, at + m[0].length), {
          detail: `${e.key} still holds the documentation placeholder ${q(m[0])}; PHP takes it literally, so ${move ? 'the helper cannot create its socket or lock there and AppSec does not start' : 'the setting points nowhere'}`,
          fix: move
            ? `Replace it with a directory the PHP user can write, e.g. ${q(WRITABLE_DIR)} — ${WRITABLE_DIR_HOWTO}.`
            : 'Replace it with the real value.',
          data: { key: e.key, placeholder: m[0] },
          ...(fixes.length ? { fixes } : {}),
        }),
      );
    }
  },
};
