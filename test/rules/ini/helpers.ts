// Shared by the ini rule tests: the codes of a text, the findings of one code, a finding's preferred fix, and
// "fix all" of one code as the server merges it (mergeEdits).
import assert from 'node:assert/strict';
import { analyzeIni } from '../../../src/core/ini/analyze';
import { mergeEdits } from '../../../src/server/codeActions';
import type { Finding, Fix } from '../../../src/core/finding';
import { applyEdits } from '../../support/lspClient';

export const codes = (text: string, opts: { dedicated?: boolean; path?: string } = {}) =>
  analyzeIni(text, opts).findings.map((f) => `${f.range.start.line}:${f.code}`);
export const find = (text: string, code: string, opts: { dedicated?: boolean; path?: string } = {}) => {
  const f = analyzeIni(text, opts).findings.filter((x) => x.code === code);
  assert.ok(f.length, `no ${code} in ${JSON.stringify(text)}: ${codes(text, opts).join(', ')}`);
  return f;
};
export const preferred = (f: Finding): Fix => {
  const x = f.fixes?.find((y) => y.isPreferred);
  assert.ok(x, `${f.code} has no preferred fix: ${JSON.stringify(f.fixes)}`);
  return x;
};
/** Applies every preferred fix of `code` at once, as "Fix all in file" does. */
export const fixAll = (text: string, code: string) =>
  applyEdits(
    text,
    mergeEdits(
      analyzeIni(text)
        .findings.filter((f) => f.code === code && f.fixes?.some((x) => x.isPreferred))
        .flatMap((f) => preferred(f).edits),
    ),
  );
