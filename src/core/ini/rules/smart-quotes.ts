// ini-smart-quotes: ‘ ’ ‚ “ ” „ around or inside a value (the seed's snippet has `‘debug’` and `’tmp/extension.log’`).
// PHP's ini scanner only knows " and ' as quotes; typographic ones stay in the value.
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import { kb } from '../../kb';
import type { IniRule } from '../analyze';
import { q } from '../model';

const SMART = /[‘’‚“”„]/g;
const TO_STRAIGHT: Record<string, string> = { '‘': "'", '’': "'", '‚': "'", '“': '"', '”': '"', '„': '"' };

/** The value with typographic quotes made straight, and a lone pair of wrapping quotes kept balanced. */
export function straighten(raw: string): string {
  let v = raw.replace(SMART, (c) => TO_STRAIGHT[c]!);
  // ’tmp/extension.log’ → 'tmp/extension.log'; a value opened by one quote and closed by another kind gets matching ones
  if (v.length >= 2 && (v[0] === "'" || v[0] === '"') && (v.at(-1) === "'" || v.at(-1) === '"') && v[0] !== v.at(-1)) v = v[0] + v.slice(1, -1) + v[0];
  return v;
}

/** What the typographic quotes do to this setting, in words. */
function consequence(key: string, raw: string): string {
  const s = kb().setting(key);
  if (!s) return 'PHP keeps them as part of the value';
  if (s.key.endsWith('.log_level')) return `the extension reads the level ${q(raw)}, which is not a level, and falls back to error: no debug logs`;
  if (s.type === 'bool') return `the value ${q(raw)} is not a boolean`;
  if (s.type === 'path' || s.type === 'log-file') return `the path becomes ${q(raw)}, quotes included, which is not the file you meant`;
  return `the setting receives ${q(raw)}, quotes included`;
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
          detail: `${e.key} = ${e.rawValue} has typographic quotes, which PHP does not treat as quotes: ${consequence(e.key, e.rawValue)}`,
          fix: `Use ${fixed} instead (straight quotes).`,
          data: { key: e.key, value: e.rawValue, replacement: fixed },
          fixes: [{ title: `Straighten quotes: ${fixed}`, edits: [{ range: r, newText: fixed }], isPreferred: true }],
        }),
      );
    }
  },
};
