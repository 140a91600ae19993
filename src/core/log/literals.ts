// The one-pass prefilter: finds the rules' literals in raw bytes (streamed files) or in a line (open documents).
//
// Measured on the 100 MB bench log with 30 literals (node 20, see `npm run bench`, "prefilter" table):
//   per line, N × String#includes ........ ~720 ms      per line, one RegExp alternation ...... ~225 ms
//   per line, first-char table ........... ~1250 ms     whole chunk, N × Buffer#indexOf ....... ~990 ms
//   whole chunk, RegExp alternation ...... ~215 ms      whole chunk, Wu-Manber on bytes ....... ~75 ms
// So streamed files use Wu-Manber over the bytes (a 2-byte block shift table: most positions are skipped by
// m-1 bytes; only blocks that end a literal's first m bytes are verified), and single lines use one alternation.
// Literals shorter than LONG bytes would cap the shift, so they are searched apart with Buffer#indexOf (memchr-fast).

const LONG = 8;
const MAX_M = 16;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class LiteralMatcher {
  readonly literals: readonly string[];
  /** For one line: true when the line holds any literal (linear: an alternation of plain strings). */
  private readonly lineRe: RegExp | null;
  /** All literals, longest first, as one global alternation: which literal starts at each position. */
  private readonly markRe: RegExp | null;
  /** For each literal (by its text): the groups to mark when it occurs — its own, and those of its substrings. */
  private readonly groupsOf = new Map<string, number[]>();
  private readonly long: Uint8Array[];
  private readonly short: Buffer[];
  private readonly m: number;
  private readonly shift: Uint8Array;
  private readonly cand: (number[] | undefined)[];

  /** `groups`: one list of literals per rule (mark() says which rules a line is for). */
  constructor(groups: readonly (readonly string[])[]) {
    this.literals = [...new Set(groups.flat())].filter((l) => l.length > 0);
    this.lineRe = this.literals.length ? new RegExp(this.literals.map(escapeRe).join('|')) : null;
    const longestFirst = [...this.literals].sort((a, z) => z.length - a.length || (a < z ? -1 : 1));
    this.markRe = longestFirst.length ? new RegExp(longestFirst.map(escapeRe).join('|'), 'g') : null;
    for (const l of longestFirst) this.groupsOf.set(l, groups.flatMap((g, gi) => (g.some((x) => x.length > 0 && l.includes(x)) ? [gi] : [])));
    const bytes = this.literals.map((l) => Buffer.from(l, 'utf8'));
    this.long = bytes.filter((b) => b.length >= LONG).map((b) => new Uint8Array(b));
    this.short = bytes.filter((b) => b.length < LONG);
    this.m = Math.min(MAX_M, ...this.long.map((b) => b.length));
    this.shift = new Uint8Array(65536).fill(this.m - 1);
    this.cand = new Array(65536);
    this.long.forEach((p, pi) => {
      for (let j = 1; j < this.m; j++) {
        const h = (p[j - 1]! << 8) | p[j]!;
        const s = this.m - 1 - j;
        if (s < this.shift[h]!) this.shift[h] = s;
        if (s === 0) (this.cand[h] ??= []).push(pi);
      }
    });
  }

  /** Does the line contain one of the literals? */
  test(line: string): boolean {
    return this.lineRe !== null && this.lineRe.test(line);
  }

  /**
   * Marks hit[g] = 1 for each group g with a literal in the line (hit is cleared first); true when any.
   * One regex pass: at each position the longest literal starting there is found, and the literals it contains
   * (the shorter ones at the same place) are covered by its group list; stepping one character past each match
   * start finds overlapping literals too. Measured: ~1 regex pass per line instead of one per rule.
   */
  mark(line: string, hit: Uint8Array): boolean {
    hit.fill(0);
    const re = this.markRe;
    if (!re) return false;
    re.lastIndex = 0;
    let any = false;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line))) {
      any = true;
      for (const g of this.groupsOf.get(m[0])!) hit[g] = 1;
      re.lastIndex = m.index + 1;
    }
    return any;
  }

  /**
   * Start offsets (ascending, possibly repeated) of literal occurrences in buf[from, to).
   * Occurrences are found in the bytes; callers decide per line.
   */
  scan(buf: Uint8Array, from: number, to: number): number[] {
    const hits: number[] = [];
    if (this.long.length) this.scanLong(buf, from, to, hits);
    if (this.short.length) {
      const b = Buffer.from(buf.buffer, buf.byteOffset + from, to - from);
      for (const lit of this.short) {
        for (let i = b.indexOf(lit); i !== -1; i = b.indexOf(lit, i + 1)) {
          hits.push(from + i);
          // One hit per line is enough: skip to the next line.
          const nl = b.indexOf(10, i);
          if (nl === -1) break;
          i = nl;
        }
      }
      if (this.long.length) hits.sort((a, z) => a - z);
    }
    return hits;
  }

  private scanLong(c: Uint8Array, from: number, to: number, hits: number[]): void {
    const { m, shift, cand, long } = this;
    let pos = from + m - 1;
    while (pos < to) {
      const h = (c[pos - 1]! << 8) | c[pos]!;
      const s = shift[h]!;
      if (s !== 0) {
        pos += s;
        continue;
      }
      const st = pos - m + 1;
      const cs = cand[h]!;
      for (let k = 0; k < cs.length; k++) {
        const p = long[cs[k]!]!;
        const n = p.length;
        if (st + n > to) continue;
        let j = 0;
        while (j < n && c[st + j] === p[j]) j++;
        if (j === n) {
          hits.push(st);
          break;
        }
      }
      pos++;
    }
  }
}
