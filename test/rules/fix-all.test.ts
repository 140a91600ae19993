// "Fix all <code> in file" (src/server/codeActions.ts mergeEdits): the preferred fixes of one code merged into one
// workspace edit. Overlapping edits must never be merged (a client applies them in an undefined order, or rejects
// the whole edit); touching edits and inserts at different places are all kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextEdit } from '../../src/core/finding';
import { range } from '../../src/core/finding';
import { mergeEdits } from '../../src/server/codeActions';
import { applyEdits } from '../support/lspClient';

const edit = (line: number, start: number, end: number, newText: string, endLine = line): TextEdit => ({ range: range(line, start, end, endLine), newText });
const spans = (edits: TextEdit[]) =>
  edits.map((e) => `${e.range.start.line}:${e.range.start.character}-${e.range.end.line}:${e.range.end.character}=${e.newText}`);

test('overlapping, nested and same-place edits: the first (by position) wins, the others are dropped', () => {
  assert.deepEqual(spans(mergeEdits([edit(0, 2, 6, 'B'), edit(0, 0, 4, 'A')])), ['0:0-0:4=A'], 'overlap');
  assert.deepEqual(spans(mergeEdits([edit(0, 0, 10, 'A'), edit(0, 3, 5, 'B')])), ['0:0-0:10=A'], 'nested');
  assert.deepEqual(spans(mergeEdits([edit(0, 3, 3, '/'), edit(0, 3, 3, '/')])), ['0:3-0:3=/'], 'two inserts at one place');
  assert.deepEqual(spans(mergeEdits([edit(0, 0, 6, 'A'), edit(0, 3, 3, '/')])), ['0:0-0:6=A'], 'an insert inside a replaced range');
  assert.deepEqual(spans(mergeEdits([edit(0, 0, 0, 'A', 2), edit(1, 0, 4, 'B')])), ['0:0-2:0=A'], 'a whole-line deletion over another edit');
});

test("touching edits, an insert at a range's edge and edits on other lines are all kept, in order", () => {
  assert.deepEqual(spans(mergeEdits([edit(0, 4, 8, 'B'), edit(0, 0, 4, 'A')])), ['0:0-0:4=A', '0:4-0:8=B']);
  assert.deepEqual(spans(mergeEdits([edit(0, 0, 4, 'A'), edit(0, 4, 4, '/'), edit(0, 0, 0, '^')])).sort(), ['0:0-0:0=^', '0:0-0:4=A', '0:4-0:4=/']);
  assert.deepEqual(spans(mergeEdits([edit(2, 0, 1, 'C'), edit(0, 0, 1, 'A'), edit(1, 0, 1, 'B')])), ['0:0-0:1=A', '1:0-1:1=B', '2:0-2:1=C']);
});

test('a merged fix-all applies to exactly the text the kept edits describe', () => {
  const text = 'abcdefgh\n';
  const merged = mergeEdits([edit(0, 0, 4, 'WXYZ'), edit(0, 2, 6, '??'), edit(0, 6, 8, 'GH')]);
  assert.equal(applyEdits(text, merged), 'WXYZefGH\n');
});
