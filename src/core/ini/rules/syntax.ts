// ini-syntax: lines PHP cannot read as `key = value`, a [section] or a comment. In a dedicated AppSec file every such
// line; in any other ini file only those that mention an AppSec prefix (the rest is not this extension's business).
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import { kb } from '../../kb';
import type { IniRule } from '../analyze';
import { q } from '../model';

const MENTIONS_APPSEC = /ddappsec|datadog\.appsec/i;
/** `ddappsec.log_level debug` / `ddappsec.log_level: debug`: a known key followed by a value without `=`. */
const KEY_THEN_VALUE = /^(\s*)([A-Za-z0-9_.]+)(\s*:\s*|\s+)(\S.*)$/;

export const syntaxRule: IniRule = {
  id: 'ini-syntax',
  run(ctx) {
    for (const l of ctx.file.lines) {
      if (l.kind !== 'garbage') continue;
      if (!ctx.dedicated && !MENTIONS_APPSEC.test(l.text)) continue;
      const t = l.text;
      const lead = t.length - t.trimStart().length;
      const r = range(l.line, lead, t.trimEnd().length);
      const shown = t.trim().length > 80 ? t.trim().slice(0, 77) + '…' : t.trim();
      let detail: string;
      let fix: string | undefined;
      const fixes = [];
      const m = t.length <= 4096 ? KEY_THEN_VALUE.exec(t) : null;
      if (t.trimStart().startsWith('[')) {
        detail = `${q(shown)} opens a [section] that is never closed: PHP reports a syntax error and stops reading the file here, so the settings below this line are lost`;
        fix = 'Close it with ] or remove the line.';
      } else if (m && kb().setting(m[2]!)) {
        const sep = m[3]!;
        const start = m[1]!.length + m[2]!.length;
        detail = `${q(shown)} has no = between ${m[2]} and its value, so PHP does not set ${m[2]}`;
        fix = `Write ${q(`${m[2]} = ${m[4]}`)}.`;
        fixes.push({ title: `Insert = after ${m[2]}`, edits: [{ range: range(l.line, start, start + sep.length), newText: ' = ' }], isPreferred: true });
      } else if (!t.includes('=')) {
        detail = `${q(shown)} is not key = value: PHP reads a bare word as a setting without a value, which sets nothing`;
      } else {
        detail = `${q(shown)} is not key = value (the name before = is empty or has quotes or spaces): PHP reports a syntax error and may stop reading the file here`;
      }
      ctx.report(makeFinding('ini-syntax', r, { detail, ...(fix ? { fix } : {}), data: { text: shown }, ...(fixes.length ? { fixes } : {}) }));
    }
  },
};
