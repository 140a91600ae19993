// Reads a Python literal as dd-trace-py prints it: its startup line formats a dict with "%s" (repr) since v2.2.0
// (dd-trace-py commit 0800d8174f replaced json.dumps(info) by info in ddtrace/tracer.py). The repr uses single
// quotes (double when the string holds a single quote), True/False/None, and may hold objects that are not
// literals (`ddtrace...IntegrationConfig(service, …)`, `<object at 0x…>`): those are kept as their text.
// One pass over the characters, nesting capped: linear on any input, never throws.

const MAX_DEPTH = 32;

export interface PyReprResult {
  value: unknown;
  /** Where parsing stopped (the end of the literal, or where the input ran out). */
  end: number;
  /** false when the input ended (or broke) before the literal closed: the value holds what was read. */
  complete: boolean;
}

class Reader {
  i: number;
  broken = false;
  constructor(
    readonly s: string,
    from: number,
  ) {
    this.i = from;
  }
  ws() {
    const s = this.s;
    while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\n' || s[this.i] === '\t' || s[this.i] === '\r')) this.i++;
  }
}

/** Parses the Python literal that starts at `from` (after optional spaces). */
export function parsePyRepr(text: string, from = 0): PyReprResult {
  const r = new Reader(text, from);
  r.ws();
  const value = readValue(r, 0);
  return { value, end: r.i, complete: !r.broken };
}

function readValue(r: Reader, depth: number): unknown {
  const s = r.s;
  r.ws();
  if (r.i >= s.length) {
    r.broken = true;
    return undefined;
  }
  const c = s[r.i]!;
  if (c === '{' && depth < MAX_DEPTH) return readDict(r, depth + 1);
  if ((c === '[' || c === '(') && depth < MAX_DEPTH) return readList(r, depth + 1, c === '[' ? ']' : ')');
  if (c === "'" || c === '"') return readString(r);
  const word = /^(True|False|None|-?(?:\d[\d_]{0,40})(?:\.\d{1,40})?(?:[eE][+-]?\d{1,4})?|-?inf|nan)(?=[\s,}\])]|$)/.exec(s.slice(r.i, r.i + 100));
  if (word) {
    r.i += word[0].length;
    const w = word[1]!;
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    const n = Number(w.replace(/_/g, ''));
    return Number.isNaN(n) ? w : n;
  }
  return readOpaque(r);
}

function readString(r: Reader): string {
  const s = r.s;
  const q = s[r.i]!;
  r.i++;
  let out = '';
  let start = r.i;
  while (r.i < s.length) {
    const ch = s[r.i]!;
    if (ch === q) {
      out += s.slice(start, r.i);
      r.i++;
      return out;
    }
    if (ch === '\\' && r.i + 1 < s.length) {
      out += s.slice(start, r.i);
      const e = s[r.i + 1]!;
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
      if (e in map) {
        out += map[e];
        r.i += 2;
      } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(r.i + 2, r.i + 4))) {
        out += String.fromCharCode(parseInt(s.slice(r.i + 2, r.i + 4), 16));
        r.i += 4;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(r.i + 2, r.i + 6))) {
        out += String.fromCharCode(parseInt(s.slice(r.i + 2, r.i + 6), 16));
        r.i += 6;
      } else {
        out += '\\' + e;
        r.i += 2;
      }
      start = r.i;
      continue;
    }
    r.i++;
  }
  r.broken = true;
  return out + s.slice(start);
}

/** A value that is not a literal: its text up to the next `,` / closing bracket outside (), <>, [] and quotes. */
function readOpaque(r: Reader): string {
  const s = r.s;
  const start = r.i;
  let depth = 0;
  let quote = '';
  while (r.i < s.length) {
    const ch = s[r.i]!;
    if (quote) {
      if (ch === '\\') r.i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '<' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === '>' || ch === ']' || ch === '}') {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) break;
    r.i++;
  }
  if (r.i >= s.length) r.broken = true;
  return s.slice(start, r.i).trim();
}

function readDict(r: Reader, depth: number): Record<string, unknown> {
  const s = r.s;
  const out: Record<string, unknown> = {};
  r.i++; // {
  for (;;) {
    r.ws();
    if (r.i >= s.length) {
      r.broken = true;
      return out;
    }
    if (s[r.i] === '}') {
      r.i++;
      return out;
    }
    const k = readValue(r, depth);
    if (r.broken) return out;
    r.ws();
    if (s[r.i] !== ':') {
      r.broken = true;
      return out;
    }
    r.i++;
    const v = readValue(r, depth);
    const key = typeof k === 'string' ? k : String(k);
    // A scalar cut by the end of the input is not kept; a cut dict or list keeps what it read.
    if (v !== undefined && (!r.broken || (typeof v === 'object' && v !== null))) out[key] = v;
    if (r.broken) return out;
    r.ws();
    if (s[r.i] === ',') r.i++;
    else if (s[r.i] !== '}') {
      r.broken = true;
      return out;
    }
  }
}

function readList(r: Reader, depth: number, close: string): unknown[] {
  const s = r.s;
  const out: unknown[] = [];
  r.i++;
  for (;;) {
    r.ws();
    if (r.i >= s.length) {
      r.broken = true;
      return out;
    }
    if (s[r.i] === close) {
      r.i++;
      return out;
    }
    const v = readValue(r, depth);
    if (v !== undefined && (!r.broken || (typeof v === 'object' && v !== null))) out.push(v);
    if (r.broken) return out;
    r.ws();
    if (s[r.i] === ',') r.i++;
    else if (s[r.i] !== close) {
      r.broken = true;
      return out;
    }
  }
}

/** true when the text at `from` looks like a Python dict repr rather than JSON (`{'` rather than `{"`). */
export function looksLikePyDict(text: string, from: number): boolean {
  if (text[from] !== '{') return false;
  let i = from + 1;
  while (i < text.length && i < from + 8 && text[i] === ' ') i++;
  return text[i] === "'";
}
