// `asm/excerpt`: the lines around a line of a file on disk, for a read-only excerpt document in the client. Works on
// any size (VS Code does not open files above 50 MB for extensions): the file is streamed up to the wanted lines and
// no further, and each line is clipped, so memory stays bounded whatever the file holds.
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ResponseError, type Connection, type RequestType } from 'vscode-languageserver/node';

export interface ExcerptParams {
  uri: string;
  /** 0-based line to centre on. */
  line: number;
  /** Lines before and after (at most 200). */
  context?: number;
}

export interface ExcerptResult {
  /** 0-based number of the excerpt's first line in the file. */
  firstLine: number;
  lines: string[];
  /** Lines that were longer than MAX_LINE and were cut. */
  clipped: number;
  /** The file ended before the wanted line. */
  pastEnd: boolean;
}

/** Characters kept per line. */
export const MAX_LINE = 4000;

export async function readExcerpt(file: string, line: number, context = 20): Promise<ExcerptResult> {
  const ctx = Math.max(0, Math.min(200, Math.floor(context)));
  const want = Math.max(0, Math.floor(line));
  const first = Math.max(0, want - ctx);
  const last = want + ctx;
  const lines: string[] = [];
  let clipped = 0;
  let no = 0;
  let cur = '';
  let curLen = 0;
  let prevCR = false;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const take = () => {
    if (no >= first && no <= last) {
      if (curLen > MAX_LINE) clipped++;
      lines.push(cur);
    }
    no++;
    cur = '';
    curLen = 0;
  };
  try {
    outer: for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        if (c === 10 && prevCR && i === start && cur === '' && curLen === 0) {
          // \r\n split over the loop: the \n closes nothing new.
          prevCR = false;
          start = i + 1;
          continue;
        }
        add(chunk, start, i);
        take();
        prevCR = c === 13;
        if (c === 13 && i + 1 < chunk.length && chunk.charCodeAt(i + 1) === 10) {
          i++;
          prevCR = false;
        }
        start = i + 1;
        if (no > last) break outer;
      }
      add(chunk, start, chunk.length);
      if (start < chunk.length) prevCR = false;
    }
  } finally {
    stream.destroy();
  }
  if (no <= last && (cur !== '' || curLen > 0)) take();
  return { firstLine: first, lines, clipped, pastEnd: no <= want };

  function add(chunk: string, from: number, to: number) {
    if (no < first || no > last) return;
    const n = to - from;
    if (n <= 0) return;
    if (curLen < MAX_LINE) cur += chunk.slice(from, Math.min(to, from + (MAX_LINE - curLen)));
    curLen += n;
  }
}

export function registerExcerpts(connection: Pick<Connection, 'onRequest'>, type: RequestType<ExcerptParams, ExcerptResult, void>): void {
  connection.onRequest(type, async (p: ExcerptParams): Promise<ExcerptResult> => {
    if (!p?.uri?.startsWith('file:') || typeof p.line !== 'number') throw new ResponseError(-32602, `${type.method} needs a file: URI and a line`);
    try {
      return await readExcerpt(fileURLToPath(p.uri), p.line, p.context);
    } catch (e) {
      throw new ResponseError(-32603, `Could not read ${p.uri}: ${(e as Error).message}`);
    }
  });
}
