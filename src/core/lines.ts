// The core's one line splitter. Pure, with no imports: the client bundle carries it (the php --ini output parser).
// Line ends are \n, \r\n and a lone \r, as in VS Code and LSP ('any'); some file kinds are read as their own tools
// read them: 'crlf-lf' (\n or \r\n: a lone \r stays in the line, as docker and the dotenv libraries read it) and
// 'lf' (\n only: a text joined with \n and split back).

export type LineEnds = 'any' | 'crlf-lf' | 'lf';

/**
 * Calls fn for each line of text (terminators removed), with its 0-based number. With `emptyLast` false, the empty
 * piece after a final terminator (or an empty text) is not a line.
 */
export function forEachLine(text: string, fn: (line: string, lineNo: number) => void, emptyLast = true): number {
  const n = text.length;
  let start = 0;
  let no = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      fn(text.slice(start, i), no++);
      if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (emptyLast || start < n) fn(text.slice(start), no++);
  return no;
}

/** The lines of text, as String.split would cut them (the piece after a final terminator is an empty last line). */
export function splitLines(text: string, ends: LineEnds = 'any'): string[] {
  const out: string[] = [];
  if (ends === 'any') {
    forEachLine(text, (l) => out.push(l));
    return out;
  }
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    out.push(text.slice(start, ends === 'crlf-lf' && i > start && text.charCodeAt(i - 1) === 13 ? i - 1 : i));
    start = i + 1;
  }
  out.push(text.slice(start));
  return out;
}
