// Findings at the same position are ordered by code with compareCodes, which must give exactly the order of
// String#localeCompare (what it replaced) without loading ICU's collator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCodes, compareFindings, range, type Finding } from '../../src/core/finding';
import { kb } from '../../src/core/kb';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

test('compareCodes orders every pair of knowledge-base codes as localeCompare does', () => {
  const codes = [...kb().data.findings.map((f) => f.code), ...kb().data.ddas.map((d) => d.code)];
  assert.ok(codes.length > 50, `${codes.length} codes`);
  for (const a of codes) for (const b of codes) assert.equal(compareCodes(a, b), sign(a.localeCompare(b)), `${a} vs ${b}`);
});

test('compareCodes agrees with localeCompare on random strings of letters, digits and hyphens (case and prefix ties included)', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const alphabet = '-0123456789aAbBcCdDeEmMsSzZ';
  const word = () => Array.from({ length: rnd(7) }, () => alphabet[rnd(alphabet.length)]).join('');
  for (let i = 0; i < 50_000; i++) {
    const a = word();
    // Half of the pairs share a prefix or differ only in case, where the secondary rules decide.
    const b = rnd(2) ? word() : rnd(2) ? a.toUpperCase() + word().slice(0, rnd(2)) : a.slice(0, rnd(a.length + 1)) + word();
    assert.equal(compareCodes(a, b), sign(a.localeCompare(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});

test('other characters are left to localeCompare', () => {
  for (const [a, b] of [
    ['a_b', 'a-b'],
    ['é', 'e'],
    ['a.b', 'ab'],
    ['x', 'x y'],
  ])
    assert.equal(compareCodes(a!, b!), sign(a!.localeCompare(b!)), `${a} vs ${b}`);
});

test('compareFindings: line, then character, then code', () => {
  const f = (line: number, ch: number, code: string) => ({ code, range: range(line, ch, ch + 1) }) as Finding;
  const sorted = [f(2, 0, 'a'), f(1, 5, 'b'), f(1, 5, 'DDAS-0010-00'), f(1, 5, 'appsec-enabled'), f(1, 0, 'z')].sort(compareFindings);
  assert.deepEqual(
    sorted.map((x) => `${x.range.start.line}:${x.range.start.character} ${x.code}`),
    ['1:0 z', '1:5 appsec-enabled', '1:5 b', '1:5 DDAS-0010-00', '2:0 a'],
  );
});
