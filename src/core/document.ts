// A text with a line index: offsets <-> positions. Line breaks are \r\n, \n or a lone \r, as in VS Code and LSP.
import type { Position } from './finding';

export class TextDoc {
  readonly text: string;
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    const starts = [0];
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line's text without its terminator. */
  lineText(line: number): string {
    const start = this.lineStarts[line];
    if (start === undefined) return '';
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(pos.line, 0)]!;
    const lineEnd = start + this.lineText(Math.max(pos.line, 0)).length;
    return Math.min(start + Math.max(pos.character, 0), lineEnd);
  }

  positionAt(offset: number): Position {
    const o = Math.min(Math.max(offset, 0), this.text.length);
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]! };
  }
}

/** The core's line splitter lives in lines.ts (pure: the client bundle carries it). */
export { forEachLine } from './lines';
