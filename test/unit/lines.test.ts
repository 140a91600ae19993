// The core's line splitting, tested once: forEachLine (the analyzers) and TextDoc (positions ↔ offsets) agree, and
// \n, \r\n and a lone \r each end one line, as in LSP and VS Code; splitLines cuts as String.split would with each
// kind of line ends (the regexes the call sites used before they moved onto it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDoc } from '../../src/core/document';
import { forEachLine, splitLines } from '../../src/core/lines';

const pieces = (text: string, emptyLast = true) => {
  const out: string[] = [];
  forEachLine(text, (l) => out.push(l), emptyLast);
  return out;
};

test('forEachLine: every terminator ends a line; the empty piece after a final one is kept or left out', () => {
  assert.deepEqual(pieces('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(pieces('a\r\r\nb\n'), ['a', '', 'b', '']);
  assert.deepEqual(pieces('a\r\r\nb\n', false), ['a', '', 'b']);
  assert.deepEqual(pieces(''), ['']);
  assert.deepEqual(pieces('', false), []);
  assert.deepEqual(pieces('\n\r'), ['', '', '']);
});

test("property: TextDoc's line starts cut the text into exactly forEachLine's lines", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', ' '), { maxLength: 40 }).map((a) => a.join('')),
      (text) => {
        const d = new TextDoc(text);
        const got = d.lineStarts.map((s, i) => text.slice(s, i + 1 < d.lineStarts.length ? d.lineStarts[i + 1] : text.length).replace(/\r\n$|\n$|\r$/, ''));
        assert.deepEqual(got, pieces(text));
        assert.equal(d.lineCount, pieces(text).length);
      },
    ),
    { numRuns: 2000 },
  );
});

const texts = fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', ' ', 'ü', '😀'), { maxLength: 40 }).map((a) => a.join(''));

test('splitLines: \n, \r\n and a lone \r (any), \n and \r\n only (crlf-lf: a lone \r stays in its line), \n only (lf)', () => {
  assert.deepEqual(splitLines('a\nb\r\nc\rd\n'), ['a', 'b', 'c', 'd', '']);
  assert.deepEqual(splitLines('a\nb\r\nc\rd\n', 'crlf-lf'), ['a', 'b', 'c\rd', '']);
  assert.deepEqual(splitLines('a\r\r\nb', 'crlf-lf'), ['a\r', 'b']);
  assert.deepEqual(splitLines('a\nb\r\nc\rd\n', 'lf'), ['a', 'b\r', 'c\rd', '']);
  for (const ends of ['any', 'crlf-lf', 'lf'] as const) assert.deepEqual(splitLines('', ends), ['']);
});

test('property: splitLines is String.split on /\r\n|\n|\r/, /\r?\n/ and \n, and agrees with forEachLine', () => {
  fc.assert(
    fc.property(texts, (text) => {
      assert.deepEqual(splitLines(text), text.split(/\r\n|\n|\r/));
      assert.deepEqual(splitLines(text), pieces(text));
      assert.deepEqual(splitLines(text, 'crlf-lf'), text.split(/\r?\n/));
      assert.deepEqual(splitLines(text, 'lf'), text.split('\n'));
    }),
    { numRuns: 2000 },
  );
});
