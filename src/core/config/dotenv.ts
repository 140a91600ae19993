// .env files: KEY=VALUE lines as docker compose and the dotenv libraries read them.
import type { AgentVar } from './model';
import { endOfLine, eolOf, syspropSettings, type ConfigFile, type Setting, type Span } from './settings';
import { hasLineTerminator, skipSpace, unquote } from './text';
import { splitLines } from '../lines';

/** KEY=VALUE lines (optional `export`, quotes, trailing `# comment` on unquoted values). */
export function parseDotEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = splitLines(text, 'crlf-lf');
  for (let i = 0; i < lines.length; i++) {
    const m = matchAssignment(lines[i]);
    if (!m) continue;
    out.push({ name: m[0], value: unquote(m[1].trim(), true), file, line: i });
  }
  return out;
}

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46;

/**
 * What /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/ captures, in linear time: that regex backtracks
 * `\s*` against `(.*)` when the value holds a line terminator `.` cannot match (`FOO=<tabs>A\rB`: quadratic, 15 s
 * at 200 KB). Such a line still does not match.
 */
function matchAssignment(l: string): [string, string] | null {
  const m = assignmentAt(l);
  return m ? [l.slice(m.nameStart, m.nameEnd), l.slice(m.valueStart)] : null;
}

/** Where matchAssignment's name and value are in the line. */
export function assignmentAt(l: string): { nameStart: number; nameEnd: number; valueStart: number } | null {
  const from = (j: number) => {
    if (!isNameStart(l.charCodeAt(j))) return null;
    let k = j + 1;
    while (k < l.length && isNameChar(l.charCodeAt(k))) k++;
    const nameEnd = k;
    k = skipSpace(l, k);
    if (l[k] !== '=') return null;
    k = skipSpace(l, k + 1);
    return hasLineTerminator(l, k) ? null : { nameStart: j, nameEnd, valueStart: k };
  };
  const i = skipSpace(l, 0);
  if (l.startsWith('export', i)) {
    const j = skipSpace(l, i + 6);
    const m = j > i + 6 ? from(j) : null;
    if (m) return m;
  }
  return from(i);
}

// ---- the deployment-file model -------------------------------------------------------------------------------

/** The span of a value as unquote() reads it: inside the quotes, or before a ` #` comment, trimmed. */
export function valueSpanOf(line: string, from: number, base: number, stripComment: boolean): Span {
  let s = skipSpace(line, from);
  let e = line.length;
  while (e > s && /\s/.test(line[e - 1]!)) e--;
  const q = line[s];
  if ((q === '"' || q === "'") && e - s >= 2) {
    const end = line.indexOf(q, s + 1);
    if (end > 0 && end < e) return { start: base + s + 1, end: base + end };
  }
  if (stripComment) {
    const k = line.slice(s, e).search(/\s#/);
    if (k >= 0) e = s + k;
    while (e > s && /\s/.test(line[e - 1]!)) e--;
  }
  return { start: base + s, end: base + e };
}

/** A .env file: one service (the file), a setting per KEY=VALUE line. */
export function dotenvFile(text: string, service = '.env'): ConfigFile {
  const settings: Setting[] = [];
  let off = 0;
  while (off <= text.length) {
    const nl = text.indexOf('\n', off);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(off, end > off && text[end - 1] === '\r' ? end - 1 : end);
    const m = assignmentAt(line);
    if (m) {
      const name = line.slice(m.nameStart, m.nameEnd);
      const vs = valueSpanOf(line, m.valueStart, off, true);
      settings.push({
        name,
        env: name,
        value: unquote(line.slice(m.valueStart).trim(), true),
        nameSpan: { start: off + m.nameStart, end: off + m.nameEnd },
        valueSpan: vs,
        form: 'env',
        service,
      });
      if (name === 'JAVA_TOOL_OPTIONS' || name === 'JAVA_OPTS') settings.push(...syspropSettings(text.slice(vs.start, vs.end), vs.start, service));
    }
    if (nl < 0) break;
    off = nl + 1;
  }
  const eol = eolOf(text);
  const endsWithBreak = text.length === 0 || text.endsWith('\n');
  const first = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return {
    kind: 'dotenv',
    eol,
    services: [
      {
        name: service,
        span: {
          start: first,
          end: Math.max(first, endOfLine(text, 0) - (text.startsWith('\r\n', endOfLine(text, 0) - 2) ? 2 : text[endOfLine(text, 0) - 1] === '\n' ? 1 : 0)),
        },
        kind: 'dotenv',
        settings,
        traced: settings.some((s) => s.env.startsWith('DD_')),
        insert: { offset: text.length, lead: endsWithBreak ? undefined : eol, template: `NAME=VALUE${eol}` },
      },
    ],
  };
}
