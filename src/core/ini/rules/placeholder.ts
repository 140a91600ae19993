// ini-placeholder: a documentation placeholder left in a value, such as the guide's
// `/<directory with compatible permissions>/ddappsec.sock`. PHP takes it literally, so the helper cannot create its
// socket or lock there. For the socket, lock and runtime paths the fix puts them in WRITABLE_DIR (see model.ts why).
import { range, type Fix } from '../../finding';
import { makeFinding } from '../../findings';
import type { IniRule } from '../analyze';
import { q, WRITABLE_DIR, WRITABLE_DIR_HOWTO } from '../model';
import { writableDirEdit } from './unwritable-path';

const PLACEHOLDER_G = /<[^<>\r\n]{1,200}>/g;

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
      const move = writableDirEdit(l);
      if (move) fixes.push({ title: `Use ${move.shown} (then ${WRITABLE_DIR_HOWTO.split(',')[0]})`, edits: [move.edit], isPreferred: true });
      ctx.report(
        makeFinding('ini-placeholder', range(l.line, at, at + m[0].length), {
          detail: `${e.key} still holds the documentation placeholder ${q(m[0])}; PHP takes it literally, so ${move ? 'the helper cannot create its socket or lock there and AppSec does not start' : 'the setting points nowhere'}`,
          fix: move ? `Replace it with a directory the PHP user can write, e.g. ${q(WRITABLE_DIR)} — ${WRITABLE_DIR_HOWTO}.` : 'Replace it with the real value.',
          data: { key: e.key, placeholder: m[0] },
          ...(fixes.length ? { fixes } : {}),
        }),
      );
    }
  },
};
