// ini-duplicate-setting: an AppSec setting set twice. PHP applies entries in order, so the last one wins and the
// earlier ones do nothing; the finding sits on each earlier line and says which value wins. [PATH=…] and [HOST=…]
// sections of php.ini apply to some requests only, so each is its own scope; other section names do not scope.
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import type { IniRule } from '../analyze';
import type { IniLine } from '../parse';
import { deleteLine, q } from '../model';

function scopeOf(l: IniLine): string {
  return l.section && /^(PATH|HOST)\s*=/i.test(l.section) ? l.section : '';
}

export const duplicateSettingRule: IniRule = {
  id: 'ini-duplicate-setting',
  run(ctx) {
    const byKey = new Map<string, IniLine[]>();
    for (const l of ctx.appsecLines) {
      const id = `${scopeOf(l)}\u0000${l.entry!.key}`;
      const list = byKey.get(id);
      if (list) list.push(l);
      else byKey.set(id, [l]);
    }
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      const winner = list[list.length - 1]!;
      for (const l of list.slice(0, -1)) {
        const e = l.entry!;
        const r = range(l.line, e.keyStart, e.keyEnd);
        ctx.report(
          makeFinding('ini-duplicate-setting', r, {
            detail: `${q(e.key)} is set again on line ${winner.line + 1}; PHP keeps the last value (${q(winner.entry!.rawValue)}), so this line (${q(e.rawValue)}) has no effect`,
            fix: 'Remove this line, or move the value you want to the last one.',
            data: { key: e.key, winnerLine: winner.line, winnerValue: winner.entry!.rawValue },
            fixes: [{ title: `Remove this ${e.key} (line ${winner.line + 1} wins)`, edits: [deleteLine(ctx.file, l)], isPreferred: true }],
          }),
        );
      }
    }
  },
};
