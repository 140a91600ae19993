// A lossless parser for PHP ini files: every byte of the input is kept, so print(parse(x)) === x for any x.
// Positions are 0-based line / UTF-16 character, counted after a leading BOM (as VS Code does).

export type IniLineKind = 'blank' | 'comment' | 'section' | 'entry' | 'garbage';

export interface IniEntry {
  /** Key as written (trimmed). */
  key: string;
  keyStart: number;
  keyEnd: number;
  /** Raw value text after `=`, trimmed of surrounding white space and of a trailing ; comment. */
  rawValue: string;
  valueStart: number;
  valueEnd: number;
  /** The value with one pair of straight quotes removed. */
  value: string;
  /** The quote character around the value, if any (straight or typographic). */
  quote: string | null;
}

export interface IniLine {
  kind: IniLineKind;
  /** 0-based line number. */
  line: number;
  /** Offset of the line's first character in the text (after the BOM). */
  offset: number;
  /** The line without its terminator. */
  text: string;
  /** The terminator: '\n', '\r\n', '\r' or '' (last line). */
  eol: string;
  section?: string;
  entry?: IniEntry;
  /** Offset of a trailing `;` comment inside an entry line. */
  commentStart?: number;
}

export interface IniFile {
  bom: string;
  lines: IniLine[];
}

const OPEN_QUOTES = new Set(['"', "'", '‘', '’', '“', '”', '‚', '„', '`']);

function parseEntry(text: string): IniEntry | null {
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  const rawKey = text.slice(0, eq);
  const key = rawKey.trim();
  if (!key || /[\s"'=]/.test(key) || /^[;#\[]/.test(key)) return null;
  const keyStart = rawKey.length - rawKey.trimStart().length;
  const keyEnd = keyStart + key.length;
  // value: from after '=' to a ';' comment that is outside straight double quotes
  let end = text.length;
  let inDq = false;
  for (let i = eq + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inDq = !inDq;
    else if (c === ';' && !inDq) {
      end = i;
      break;
    }
  }
  const rawPart = text.slice(eq + 1, end);
  const lead = rawPart.length - rawPart.trimStart().length;
  const rawValue = rawPart.trim();
  const valueStart = eq + 1 + lead;
  const valueEnd = valueStart + rawValue.length;
  let value = rawValue;
  let quote: string | null = null;
  if (rawValue.length >= 1 && OPEN_QUOTES.has(rawValue[0]!)) {
    quote = rawValue[0]!;
    const last = rawValue[rawValue.length - 1]!;
    if ((quote === '"' || quote === "'") && rawValue.length >= 2 && last === quote) value = rawValue.slice(1, -1);
  }
  return { key, keyStart, keyEnd, rawValue, valueStart, valueEnd, value, quote };
}

export function parseIni(input: string): IniFile {
  const bom = input.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const text = bom ? input.slice(1) : input;
  const lines: IniLine[] = [];
  const n = text.length;
  let start = 0;
  let lineNo = 0;
  let section: string | undefined;
  const push = (end: number, eol: string) => {
    const t = text.slice(start, end);
    const trimmed = t.trim();
    const l: IniLine = { kind: 'garbage', line: lineNo++, offset: start, text: t, eol };
    if (trimmed === '') l.kind = 'blank';
    else if (trimmed[0] === ';' || trimmed[0] === '#') l.kind = 'comment';
    else if (trimmed[0] === '[') {
      const close = trimmed.indexOf(']');
      if (close > 0) {
        l.kind = 'section';
        section = trimmed.slice(1, close).trim();
      }
    } else {
      const e = parseEntry(t);
      if (e) {
        l.kind = 'entry';
        l.entry = e;
        const semi = t.indexOf(';', e.valueEnd);
        if (semi !== -1) l.commentStart = semi;
      }
    }
    if (section !== undefined) l.section = section;
    lines.push(l);
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      push(i, '\n');
      start = i + 1;
    } else if (c === 13) {
      if (i + 1 < n && text.charCodeAt(i + 1) === 10) {
        push(i, '\r\n');
        i++;
      } else push(i, '\r');
      start = i + 1;
    }
  }
  push(n, '');
  return { bom, lines };
}

export function printIni(file: IniFile): string {
  let out = file.bom;
  for (const l of file.lines) out += l.text + l.eol;
  return out;
}
