// The prefilter's scans (core/log/literals.ts) against a naive search: scan() over UTF-8 bytes (the file reader) and
// scanText() over a string (open documents) report exactly the start offsets of every literal occurrence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LiteralMatcher } from '../../src/core/log/literals';
import { LOG_RULES } from '../../src/core/log/rules';
import { sampleLines } from '../../scripts/bench-gen.mjs';

const naive = (hay: string, lits: readonly string[]) => {
  const out = new Set<number>();
  for (const l of lits) for (let i = hay.indexOf(l); i !== -1; i = hay.indexOf(l, i + 1)) out.add(i);
  return [...out].sort((a, b) => a - b);
};
const uniq = (a: Int32Array) => [...new Set(a)];

test('literals: scanText and scan find every occurrence, in order (random literal sets, non-ASCII text)', () => {
  const alphabet = fc.constantFrom('a', 'b', 'c', 'D', 'A', 'S', '-', ' ', 'é', '€', '\n');
  const word = fc.array(alphabet, { minLength: 1, maxLength: 14 }).map((a) => a.join('').replace(/\n/g, ''));
  fc.assert(
    fc.property(
      fc.array(
        word.filter((w) => w.length > 0),
        { minLength: 1, maxLength: 6 },
      ),
      fc.array(fc.oneof(alphabet, word), { maxLength: 300 }),
      fc.nat(),
      fc.nat(),
      (lits, parts, a, b) => {
        const text = parts.join('');
        const m = new LiteralMatcher([lits]);
        const from = a % (text.length + 1);
        const to = from + (b % (text.length - from + 1));
        // Occurrences lying wholly inside [from, to).
        const inside = naive(text.slice(from, to), lits).map((i) => i + from);
        assert.deepEqual(uniq(m.scanText(text, from, to)), inside);
        if (/^[\x00-\x7f]*$/.test(text + lits.join(''))) {
          const buf = Buffer.from(text, 'latin1');
          assert.deepEqual(uniq(m.scan(buf, from, to)), inside);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test("literals: on real log lines with the rules' literals, scanText finds what a naive search finds", () => {
  const lits = [...new Set(LOG_RULES.flatMap((r) => r.literals))];
  const text = sampleLines(11, 3000).join('\n');
  const m = new LiteralMatcher(LOG_RULES.map((r) => r.literals));
  const got = uniq(m.scanText(text, 0, text.length));
  assert.deepEqual(got, naive(text, lits));
  assert.ok(got.length > 100, String(got.length));
  const buf = Buffer.from(text, 'utf8');
  // Byte offsets differ from string offsets on non-ASCII text: compare the count of distinct hits.
  assert.equal(uniq(m.scan(buf, 0, buf.length)).length, got.length);
});

test('literals: scan after a first scan of other bytes (which chose where short literals are searched from) still finds every occurrence', () => {
  const alphabet = fc.constantFrom('a', 'b', 'D', 'A', 'S', '-', ' ', '\n');
  const word = fc.array(alphabet, { minLength: 1, maxLength: 7 }).map((a) => a.join('').replace(/\n/g, ''));
  fc.assert(
    fc.property(
      fc.array(
        word.filter((w) => w.length > 0),
        { minLength: 1, maxLength: 5 },
      ),
      fc.array(fc.oneof(alphabet, word), { maxLength: 200 }),
      fc.array(fc.oneof(alphabet, word), { maxLength: 300 }),
      (lits, first, parts) => {
        const m = new LiteralMatcher([lits]);
        m.scan(Buffer.from(first.join(''), 'latin1'), 0, first.join('').length);
        const text = parts.join('');
        assert.deepEqual(uniq(m.scan(Buffer.from(text, 'latin1'), 0, text.length)), naive(text, lits));
      },
    ),
    { numRuns: 2000 },
  );
});

test('literals: markKeys over a line’s scanKeys keys marks the groups mark() marks on its text', () => {
  const alphabet = fc.constantFrom('a', 'b', 'c', 'D', 'A', 'S', '-', ' ', 'é', '€', '\n', '\r');
  const word = fc.array(alphabet, { minLength: 1, maxLength: 12 }).map((a) => a.join('').replace(/[\r\n]/g, ''));
  const asciiWord = word.map((w) => w.replace(/[^\x00-\x7f]/g, 'x')).filter((w) => w.length > 0);
  fc.assert(
    fc.property(
      fc.array(fc.array(asciiWord, { maxLength: 4 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.oneof(alphabet, word), { maxLength: 300 }),
      (groups, parts) => {
        const m = new LiteralMatcher(groups);
        assert.ok(m.keysMarkLines);
        const buf = Buffer.from(parts.join(''), 'utf8');
        const keys = m.scanKeys(buf, 0, buf.length).slice();
        const k = m.literals.length;
        const viaKeys = new Uint8Array(groups.length);
        const viaText = new Uint8Array(groups.length);
        for (let ls = 0, h = 0; ls <= buf.length;) {
          let nl = buf.indexOf(10, ls);
          if (nl === -1) nl = buf.length;
          let e = h;
          while (e < keys.length && keys[e]! < nl * k) e++;
          const lo = h;
          while (h < e && keys[h]! < ls * k) h++;
          assert.equal(lo, h);
          const anyKeys = m.markKeys(keys, h, e, viaKeys);
          const anyText = m.mark(buf.toString('utf8', ls, nl), viaText);
          assert.equal(anyKeys, anyText);
          assert.deepEqual([...viaKeys], [...viaText]);
          h = e;
          ls = nl + 1;
        }
      },
    ),
    { numRuns: 1000 },
  );
});
