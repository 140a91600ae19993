// Small linear helpers shared by the configuration-file parsers.

/** Offsets where each line starts (line i starts at result[i]). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line of an offset: binary search in lineStarts. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Quoted value: the text between the quotes; otherwise (stripComment) the text before a ` #` comment, trimmed. */
export function unquote(v: string, stripComment: boolean): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2) {
    const end = v.indexOf(q, 1);
    if (end > 0) return v.slice(1, end);
  }
  if (!stripComment) return v;
  // A comment starts at a `#` after whitespace. A plain search, not /\s+#.*$/: that one backtracks over every run
  // of spaces (quadratic: a 1 MiB line of spaces took minutes on the server's thread).
  const k = v.search(/\s#/);
  return (k >= 0 ? v.slice(0, k) : v).trim();
}

const WS = /\s*/y;

/** The index of the first non-whitespace (JavaScript `\s`) character at or after `from`. Linear. */
export function skipSpace(s: string, from: number): number {
  WS.lastIndex = from;
  WS.exec(s);
  return WS.lastIndex;
}

/** A character `.` does not match (a line terminator): a regex `(.*)$` cannot cross it. */
export function hasLineTerminator(s: string, from = 0): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}
