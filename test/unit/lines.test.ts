// The core's line splitting, tested once: forEachLine (the analyzers) and TextDoc (positions ↔ offsets) agree, and
// \n, \r\n and a lone \r each end one line, as in LSP and VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachLine, TextDoc } from '../../src/core/document';

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

test('property: TextDoc\'s line starts cut the text into exactly forEachLine\'s lines', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', ' '), { maxLength: 40 }).map((a) => a.join('')), (text) => {
      const d = new TextDoc(text);
      const got = d.lineStarts.map((s, i) => text.slice(s, i + 1 < d.lineStarts.length ? d.lineStarts[i + 1] : text.length).replace(/\r\n$|\n$|\r$/, ''));
      assert.deepEqual(got, pieces(text));
      assert.equal(d.lineCount, pieces(text).length);
    }),
    { numRuns: 2000 },
  );
});
