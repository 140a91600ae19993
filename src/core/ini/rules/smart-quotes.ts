// ini-smart-quotes: ‘ ’ “ ” around or inside a value (the seed's snippet has `‘debug’` and `’tmp/extension.log’`).
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import type { IniRule } from '../analyze';

const SMART = /[‘’‚“”„]/g;
const TO_STRAIGHT: Record<string, string> = { '‘': "'", '’': "'", '‚': "'", '“': '"', '”': '"', '„': '"' };

/** The value with typographic quotes made straight, and a lone pair of wrapping quotes kept balanced. */
export function straighten(raw: string): string {
  let v = raw.replace(SMART, (c) => TO_STRAIGHT[c]!);
  // ’tmp/extension.log’ → 'tmp/extension.log'; a value opened by one quote and closed by another kind gets matching ones
  if (v.length >= 2 && (v[0] === "'" || v[0] === '"') && (v.at(-1) === "'" || v.at(-1) === '"') && v[0] !== v.at(-1)) v = v[0] + v.slice(1, -1) + v[0];
  return v;
}

export const smartQuotesRule: IniRule = {
  id: 'ini-smart-quotes',
  run(ctx) {
    const lines = ctx.dedicated ? ctx.file.lines.filter((l) => l.kind === 'entry') : ctx.appsecLines;
    for (const l of lines) {
      const e = l.entry!;
      if (!/[‘’‚“”„]/.test(e.rawValue)) continue;
      const fixed = straighten(e.rawValue);
      const r = range(l.line, e.valueStart, e.valueEnd);
      ctx.report(
        makeFinding('ini-smart-quotes', r, {
          detail: `${e.key} = ${e.rawValue} has typographic quotes, which PHP keeps as part of the value`,
          fix: `Use ${fixed} instead.`,
          data: { key: e.key, value: e.rawValue, replacement: fixed },
          fixes: [{ title: `Straighten quotes: ${fixed}`, edits: [{ range: r, newText: fixed }], isPreferred: true }],
        }),
      );
    }
  },
};
