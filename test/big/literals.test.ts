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
