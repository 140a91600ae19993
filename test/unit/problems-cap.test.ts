// Problems gets at most the 1,000 diagnostics VS Code shows per file: the most severe first, in line order, and one
// entry saying how many are not shown and where they are (the ASM Findings view). Up to 1,000, nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFinding } from '../../src/core/findings';
import type { Finding, Severity } from '../../src/core/finding';
import { MAX_PUBLISHED, problemDiagnostics } from '../../src/server/problems';
import { toDiagnostic } from '../../src/server/convert';

/** `n` findings, each its own cause (a different file), on lines 0..n-1, with the severity `sev(i)`. */
function causes(n: number, sev: (i: number) => Severity): Finding[] {
  return Array.from({ length: n }, (_, i) =>
    makeFinding(
      'php-helper-permission',
      { start: { line: i, character: 0 }, end: { line: i, character: 5 } },
      { severity: sev(i), data: { path: `/var/run/f${i}` } },
    ),
  );
}
const SEV = { error: 1, warning: 2, information: 3, hint: 4 } as const;

test('1,500 causes: 999 published, every error then the first warnings, in line order, and one entry saying 501 are not shown', () => {
  // Lines 0..1499: every 5th an error (300), the others warnings (900) and hints (300) in turn.
  const sev = (i: number): Severity => (i % 5 === 0 ? 'error' : i % 5 === 4 ? 'hint' : 'warning');
  const fs = causes(1500, sev);
  const d = problemDiagnostics('file:///x.log', fs, 'log');
  assert.equal(d.length, MAX_PUBLISHED);
  assert.equal(d[0]!.code, 'findings-not-listed');
  assert.equal(
    d[0]!.message,
    '501 more problem(s) are not shown here (php-helper-permission 501): Problems shows the 999 most severe. The ASM Findings view lists every code with its count and first and last line.',
  );
  const rest = d.slice(1);
  const lines = rest.map((x) => x.range.start.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
    'line order',
  );
  assert.equal(rest.filter((x) => x.severity === SEV.error).length, 300);
  assert.equal(rest.filter((x) => x.severity === SEV.hint).length, 0);
  // The warnings kept are the first 699 in line order.
  const warnings = fs.map((f, i) => (f.severity === 'warning' ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(
    rest.filter((x) => x.severity === SEV.warning).map((x) => x.range.start.line),
    warnings.slice(0, 699),
  );
  // Each kept diagnostic is the finding's own (nothing rebuilt differently).
  for (const x of rest) assert.deepEqual(x, toDiagnostic(fs[x.range.start.line]!));
  // Ini documents are not cut (each finding carries its own line's fix; VS Code keeps the most severe itself).
  assert.equal(problemDiagnostics('file:///x.ini', fs, 'php-ini').length, 1500);
});

test('up to 1,000 the published set is every cause, as before (no entry added), also with the per-file cap note', () => {
  const fs = causes(1000, (i) => (i % 2 ? 'warning' : 'error'));
  assert.deepEqual(problemDiagnostics('file:///x.log', fs, 'log'), fs.map(toDiagnostic));
  // 999 causes and findings over the per-file cap: 999 + the note = 1,000, none left out.
  const d = problemDiagnostics('file:///x.log', fs.slice(0, 999), 'log', { 'attack-detected': 7 });
  assert.equal(d.length, 1000);
  assert.match(d[0]!.message, /^7 more finding\(s\) in this file are not listed here \(attack-detected 7\)\. The ASM Findings view/);
  // 1,000 causes and the note: the least severe cause makes room, and the note says both.
  const e = problemDiagnostics('file:///x.log', fs, 'log', { 'attack-detected': 7 });
  assert.equal(e.length, 1000);
  assert.equal(
    e[0]!.message,
    '7 more finding(s) in this file are not listed here (attack-detected 7). 1 more problem(s) are not shown here (php-helper-permission 1): Problems shows the 999 most severe. The ASM Findings view lists every code with its count and first and last line.',
  );
  assert.equal(e.at(-1)!.range.start.line, 998, 'the last warning (line 999) is the one left out');
});
