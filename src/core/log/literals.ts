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

/**
 * Hash of a block of three units (each unit's low byte) to 16 bits. Three-unit blocks: on the bench log, 5× fewer
 * windows to verify than with two-unit blocks (common pairs such as "e " end few blocks of three), and a longer
 * average shift; the whole scan is ~10% faster.
 */
const block = (a: number, b: number, c: number) => (((a & 255) << 8) ^ ((b & 255) << 4) ^ (c & 255) ^ ((a & 255) >> 3)) & 0xffff;

/**
 * Wu-Manber tables over one alphabet (UTF-8 bytes for streamed files, UTF-16 code units for lines): `shift[h]` says
 * how far the window may move when its last three units hash to h, and where it is 0, `cand[candOf[h] - 1]` lists
 * the patterns whose first m units end with such a block. Hash collisions only lower shifts (verification is exact).
 * 64 KB + 128 KB of typed arrays (a 65536-slot JS array would be 512 KB of heap).
 */
class WuManber {
  readonly m: number;
  readonly shift = new Uint8Array(65536);
  readonly candOf = new Uint16Array(65536);
  readonly cand: number[][] = [];

  constructor(readonly pats: readonly ArrayLike<number>[]) {
    this.m = Math.min(MAX_M, ...pats.map((p) => p.length));
    this.shift.fill(this.m - 2);
    pats.forEach((p, pi) => {
      for (let j = 2; j < this.m; j++) {
        const h = block(p[j - 2]!, p[j - 1]!, p[j]!);
        const s = this.m - 1 - j;
        if (s < this.shift[h]!) this.shift[h] = s;
        if (s !== 0) continue;
        if (!this.candOf[h]) this.candOf[h] = this.cand.push([]);
        this.cand[this.candOf[h]! - 1]!.push(pi);
      }
    });
  }
}

/** How often each byte value occurs in the first 64 KB of `data`. */
function byteCounts(data: Uint8Array): Uint32Array {
  const count = new Uint32Array(256);
  const n = Math.min(data.length, 65536);
  for (let i = 0; i < n; i++) count[data[i]!]!++;
  return count;
}

/**
 * Where to start searching a short literal from: the offset of its byte that is rarest by `count` (the first bytes
 * scanned; ties: the earliest). Buffer#indexOf stops at every occurrence of the needle's first byte, so searching
 * the tail that starts with a rare byte, then checking the bytes before it, stops far less often: on the bench log,
 * "AS-" for "DAS-" ("D" starts DEBUG, Datadog, DD_…) halves that literal's search. Only the speed depends on the
 * sample: every occurrence is found either way.
 */
function rareAnchor(lit: Uint8Array, count: Uint32Array): number {
  let best = 0;
  for (let j = 1; j < lit.length; j++) if (count[lit[j]!]! < count[lit[best]!]!) best = j;
  return best;
}

const units = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

export class LiteralMatcher {
  readonly literals: readonly string[];
  /** For one line: true when the line holds any literal (linear: an alternation of plain strings). */
  private readonly lineRe: RegExp | null;
  /** Long literals (≥ LONG units) for mark(), and for each the groups that list it. */
  private readonly longText: readonly string[];
  private readonly longGroups: readonly (readonly number[])[];
  private wmTextMemo: WuManber | null | undefined;
  /** Short literals, searched with String#includes, and their groups. */
  private readonly shortText: readonly string[];
  private readonly shortGroups: readonly (readonly number[])[];
  private readonly long: Uint8Array[];
  private readonly short: Buffer[];
  /** The index in `literals` of each long and each short byte literal. */
  private readonly longId: number[];
  private readonly shortId: number[];
  /** For each literal (index in `literals`), the groups that list it. */
  private readonly litGroups: readonly (readonly number[])[];
  private wmBytesMemo: WuManber | null | undefined;
  /** All literals are ASCII: UTF-8 bytes and UTF-16 code units coincide. */
  private readonly ascii: boolean;
  /** Number of groups (mark()'s hit array has one entry per group). */
  readonly groupCount: number;
  /**
   * scanKeys() results can stand for mark() on a line: the literals are ASCII without \r or \n, so a line's bytes hold
   * one exactly when its decoded text does (an ASCII byte is never part of a multi-byte sequence, and decoding
   * never yields an ASCII character from anything else).
   */
  readonly keysMarkLines: boolean;

  /** `groups`: one list of literals per rule (mark() says which rules a line is for). */
  constructor(groups: readonly (readonly string[])[]) {
    this.literals = [...new Set(groups.flat())].filter((l) => l.length > 0);
    this.lineRe = this.literals.length ? new RegExp(this.literals.map(escapeRe).join('|')) : null;
    const groupsOf = (l: string) => groups.flatMap((g, gi) => (g.includes(l) ? [gi] : []));
    this.longText = this.literals.filter((l) => l.length >= LONG);
    this.longGroups = this.longText.map(groupsOf);
    this.shortText = this.literals.filter((l) => l.length < LONG);
    this.shortGroups = this.shortText.map(groupsOf);
    const bytes = this.literals.map((l) => Buffer.from(l, 'utf8'));
    const ids = bytes.map((_, i) => i);
    this.longId = ids.filter((i) => bytes[i]!.length >= LONG);
    this.shortId = ids.filter((i) => bytes[i]!.length < LONG);
    this.long = this.longId.map((i) => new Uint8Array(bytes[i]!));
    this.short = this.shortId.map((i) => bytes[i]!);
    this.litGroups = this.literals.map(groupsOf);
    this.ascii = this.literals.every((l) => /^[\x00-\x7f]*$/.test(l));
    this.groupCount = groups.length;
    this.keysMarkLines = this.ascii && !this.literals.some((l) => l.includes('\n') || l.includes('\r'));
  }

  // Tables are built on first use (a matcher may only ever serve test(), or only lines, or only bytes); for ASCII
  // literals, code units and bytes are the same, so both searches share one table.
  private get wmBytes(): WuManber | null {
    if (this.wmBytesMemo === undefined) {
      this.wmBytesMemo = this.ascii && this.wmTextMemo !== undefined ? this.wmTextMemo : this.long.length ? new WuManber(this.long) : null;
    }
    return this.wmBytesMemo;
  }

  private get wmText(): WuManber | null {
    if (this.wmTextMemo === undefined) {
      this.wmTextMemo = this.ascii && this.wmBytesMemo !== undefined ? this.wmBytesMemo : this.longText.length ? new WuManber(this.longText.map(units)) : null;
    }
    return this.wmTextMemo;
  }

  /** Does the line contain one of the literals? */
  test(line: string): boolean {
    return this.lineRe !== null && this.lineRe.test(line);
  }

  /**
   * Marks hit[g] = 1 for each group g with a literal in the line (hit is cleared first); true when any.
   * Wu-Manber over the line's code units finds every occurrence of every long literal (all candidates are verified
   * at each aligned window), String#includes the short ones. Measured on the bench log: about 4× cheaper than one
   * pass of a global alternation regex (which this replaced), itself far cheaper than one includes per literal.
   */
  mark(line: string, hit: Uint8Array): boolean {
    hit.fill(0);
    let any = false;
    const wm = this.wmText;
    if (wm) {
      const { m, shift, candOf, cand, pats } = wm;
      const groups = this.longGroups;
      const to = line.length;
      let pos = m - 1;
      while (pos < to) {
        const h = block(line.charCodeAt(pos - 2), line.charCodeAt(pos - 1), line.charCodeAt(pos));
        const s = shift[h]!;
        if (s !== 0) {
          pos += s;
          continue;
        }
        const st = pos - m + 1;
        const cs = cand[candOf[h]! - 1]!;
        for (let k = 0; k < cs.length; k++) {
          const pi = cs[k]!;
          const p = pats[pi]!;
          const n = p.length;
          if (st + n > to) continue;
          let j = 0;
          while (j < n && line.charCodeAt(st + j) === p[j]) j++;
          if (j === n) {
            any = true;
            const gs = groups[pi]!;
            for (let g = 0; g < gs.length; g++) hit[gs[g]!] = 1;
          }
        }
        pos++;
      }
    }
    for (let i = 0; i < this.shortText.length; i++) {
      if (!line.includes(this.shortText[i]!)) continue;
      any = true;
      const gs = this.shortGroups[i]!;
      for (let g = 0; g < gs.length; g++) hit[gs[g]!] = 1;
    }
    return any;
  }

  /**
   * Start offsets (ascending, possibly repeated) of literal occurrences in buf[from, to).
   * Occurrences are found in the bytes; callers decide per line. The result is a view of a buffer the matcher
   * reuses (valid until the next scan): a streamed gigabyte allocates no per-chunk hit lists.
   */
  scan(buf: Uint8Array, from: number, to: number): Int32Array {
    const keys = this.scanKeys(buf, from, to);
    const k = this.literals.length;
    this.nHits = 0;
    for (let i = 0; i < keys.length; i++) this.addHit(Math.floor(keys[i]! / k));
    return this.hitBuf.subarray(0, this.nHits);
  }

  /**
   * Every occurrence of every literal in buf[from, to), as ascending keys `offset × literals.length + literal index`
   * (the literal's index in `literals`): scan() that also says which literal, so that a reader can mark a line's
   * groups from the bytes (markKeys) instead of searching its decoded text again (mark). Same reused buffer rule.
   */
  scanKeys(buf: Uint8Array, from: number, to: number): Float64Array {
    this.nKeys = 0;
    if (this.wmBytes) this.scanLong(this.wmBytes, buf, from, to);
    if (this.short.length) {
      const b = Buffer.from(buf.buffer, buf.byteOffset + from, to - from);
      const k = this.literals.length;
      if (!this.anchors) {
        const count = byteCounts(b);
        this.anchors = this.short.map((lit) => rareAnchor(lit, count));
      }
      // Every occurrence: one native call per occurrence of the literal's rarest tail (see rareAnchor), not two.
      for (let s = 0; s < this.short.length; s++) {
        const lit = this.short[s]!;
        const id = this.shortId[s]!;
        const a = this.anchors[s]!;
        if (a === 0) {
          for (let i = b.indexOf(lit); i !== -1; i = b.indexOf(lit, i + 1)) this.addKey((from + i) * k + id);
          continue;
        }
        const tail = this.tails[s] ?? (this.tails[s] = lit.subarray(a));
        for (let i = b.indexOf(tail, a); i !== -1; i = b.indexOf(tail, i + 1)) {
          let j = 0;
          while (j < a && b[i - a + j] === lit[j]) j++;
          if (j === a) this.addKey((from + i - a) * k + id);
        }
      }
      if (this.wmBytes || this.short.length > 1) return this.keyBuf.subarray(0, this.nKeys).sort();
    }
    return this.keyBuf.subarray(0, this.nKeys);
  }

  /**
   * mark() for a line from its scanKeys() keys (keys[from, to): those of the line's bytes): hit[g] = 1 for each
   * group g with a literal in it (hit is cleared first); true when any. Exact only when keysMarkLines.
   */
  markKeys(keys: Float64Array, from: number, to: number, hit: Uint8Array): boolean {
    hit.fill(0);
    const k = this.literals.length;
    for (let i = from; i < to; i++) {
      const key = keys[i]!;
      const gs = this.litGroups[key - Math.floor(key / k) * k]!;
      for (let g = 0; g < gs.length; g++) hit[gs[g]!] = 1;
    }
    return to > from;
  }

  /**
   * Start offsets (ascending, possibly repeated) of literal occurrences in text[from, to): scan() for a string (an
   * open document), over its UTF-16 code units. Same reused result buffer as scan().
   */
  scanText(text: string, from: number, to: number): Int32Array {
    this.nHits = 0;
    const wm = this.wmText;
    if (wm) {
      const { m, shift, candOf, cand, pats } = wm;
      let pos = from + m - 1;
      while (pos < to) {
        let h = block(text.charCodeAt(pos - 2), text.charCodeAt(pos - 1), text.charCodeAt(pos));
        let s = shift[h]!;
        if (s !== 0) {
          do {
            pos += s;
            if (pos >= to) break;
            h = block(text.charCodeAt(pos - 2), text.charCodeAt(pos - 1), text.charCodeAt(pos));
            s = shift[h]!;
          } while (s !== 0);
          if (pos >= to) break;
        }
        const st = pos - m + 1;
        const cs = cand[candOf[h]! - 1]!;
        for (let k = 0; k < cs.length; k++) {
          const p = pats[cs[k]!]!;
          const n = p.length;
          if (st + n > to) continue;
          let j = 0;
          while (j < n && text.charCodeAt(st + j) === p[j]) j++;
          if (j === n) {
            this.addHit(st);
            break;
          }
        }
        pos++;
      }
    }
    if (this.shortText.length) {
      for (const lit of this.shortText) {
        for (let i = text.indexOf(lit, from); i !== -1 && i + lit.length <= to; i = text.indexOf(lit, i + 1)) this.addHit(i);
      }
      if (wm || this.shortText.length > 1) return this.hitBuf.subarray(0, this.nHits).sort();
    }
    return this.hitBuf.subarray(0, this.nHits);
  }

  /** Per short literal: where the tail searched for starts (rareAnchor), chosen on the first bytes scanned. */
  private anchors: number[] | null = null;
  private readonly tails: Buffer[] = [];
  private hitBuf = new Int32Array(1024);
  private nHits = 0;
  private keyBuf = new Float64Array(1024);
  private nKeys = 0;

  private addKey(key: number) {
    if (this.nKeys === this.keyBuf.length) {
      const bigger = new Float64Array(this.keyBuf.length * 2);
      bigger.set(this.keyBuf);
      this.keyBuf = bigger;
    }
    this.keyBuf[this.nKeys++] = key;
  }

  private addHit(at: number) {
    if (this.nHits === this.hitBuf.length) {
      const bigger = new Int32Array(this.hitBuf.length * 2);
      bigger.set(this.hitBuf);
      this.hitBuf = bigger;
    }
    this.hitBuf[this.nHits++] = at;
  }

  private scanLong(wm: WuManber, c: Uint8Array, from: number, to: number): void {
    const { m, shift, candOf, cand } = wm;
    const long = this.long;
    const longId = this.longId;
    const nLits = this.literals.length;
    let pos = from + m - 1;
    while (pos < to) {
      let h = block(c[pos - 2]!, c[pos - 1]!, c[pos]!);
      let s = shift[h]!;
      if (s !== 0) {
        // The hot loop: skip windows until one may end a literal's head.
        do {
          pos += s;
          if (pos >= to) return;
          h = block(c[pos - 2]!, c[pos - 1]!, c[pos]!);
          s = shift[h]!;
        } while (s !== 0);
      }
      const st = pos - m + 1;
      const cs = cand[candOf[h]! - 1]!;
      for (let k = 0; k < cs.length; k++) {
        const p = long[cs[k]!]!;
        const n = p.length;
        if (st + n > to) continue;
        let j = 0;
        while (j < n && c[st + j] === p[j]) j++;
        // Every literal that starts here (one may be a prefix of another): each names its own groups.
        if (j === n) this.addKey(st * nLits + longId[cs[k]!]!);
      }
      pos++;
    }
  }
}
