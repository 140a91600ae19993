// Annotated fixtures, in the style of rust-analyzer's check_diagnostics / check_fix: a test is its input and its
// expectation on one screen.
//
//   checkDiagnostics('ini', `
//   datadog.appsec.enabled = maybe
//                            ^^^^^ error ini-invalid-value
//   `);
//
// A marker line sits under the line it describes: spaces up to the range's first character, then one `^` per
// character (`^$`: up to the end of the line; `|`: an empty range at that column), then the severity and the code.
// Marker lines are removed before the real analyzer (the one the server runs: core/analyze's analyzeText) sees the
// text; every finding must be marked, and every marker must be found, with its exact range, severity and code.
// The fixture's first line break (after the opening backtick) and the common indentation are removed, so fixtures
// can be indented with the test; the text ends with "\n" unless `final: false`.
//
// checkFix(kind, before, after): `$0` in `before` marks where the finding is; its preferred fix (or the one whose
// title matches) must turn the text into `after`, byte for byte. checkFixAll does what "Fix all <code> in file" does
// in the server (the preferred quick fixes, merged by mergeEdits).
import assert from 'node:assert/strict';
import { analyzeText, type DocAnalysis, type DocKind } from '../../src/core/analyze';
import type { Finding, Fix, Range } from '../../src/core/finding';
import { mergeEdits } from '../../src/server/codeActions';
import { applyEdits } from './lspClient';

export interface FixtureOptions {
  /** The file's path (ini rules that read the disk, the file-name dialects). */
  path?: string;
  /** Keep the text's last line without a line break. */
  final?: boolean;
  /** Only these codes are compared (the others a fixture would have to mark are ignored). */
  only?: string[];
}

interface Marker {
  line: number;
  start: number;
  end: number;
  severity: string;
  code: string;
}

const MARKER = /^( *)(\^+\$?|\|) (error|warning|information|hint) (\S+) *$/;

/** Removes the first line break and the common indentation of a template-literal fixture. */
export function dedent(fixture: string, final = true): string {
  let lines = fixture.split('\n');
  if (lines[0]!.trim() === '') lines = lines.slice(1);
  if (lines.length && lines[lines.length - 1]!.trim() === '') lines = lines.slice(0, -1);
  let indent = Infinity;
  for (const l of lines) if (l.trim()) indent = Math.min(indent, /^ */.exec(l)![0].length);
  if (!Number.isFinite(indent)) indent = 0;
  const text = lines.map((l) => l.slice(indent)).join('\n');
  return final ? `${text}\n` : text;
}

/** Splits an annotated fixture into the analyzed text and the markers (line numbers in that text). */
export function parseFixture(fixture: string, final = true): { text: string; markers: Marker[] } {
  const lines = dedent(fixture, false).split('\n');
  const out: string[] = [];
  const markers: Marker[] = [];
  for (const l of lines) {
    const m = MARKER.exec(l);
    if (!m) {
      out.push(l);
      continue;
    }
    assert.ok(out.length > 0, `a marker before any line: ${l}`);
    const line = out.length - 1;
    const src = out[line]!;
    const start = m[1]!.length;
    const carets = m[2]!;
    const end = carets === '|' ? start : carets.endsWith('$') ? src.length : start + carets.length;
    assert.ok(start <= src.length && end <= src.length, `marker past the end of line ${line}: ${JSON.stringify(src)}\n${l}`);
    markers.push({ line, start, end, severity: m[3]!, code: m[4]! });
  }
  const text = out.join('\n');
  return { text: final ? `${text}\n` : text, markers };
}

const key = (m: Marker) => `${m.line}:${m.start}-${m.end} ${m.severity} ${m.code}`;

function toMarker(f: Finding, text: string): Marker {
  const line = f.range.start.line;
  // A range over several lines is shown up to the end of its first line (with its real end in the message).
  const lineLength = text.split('\n')[line]?.replace(/\r$/, '').length ?? 0;
  const end = f.range.end.line === line ? f.range.end.character : lineLength;
  return {
    line,
    start: f.range.start.character,
    end,
    severity: f.severity,
    code: f.range.end.line === line ? f.code : `${f.code}(to ${f.range.end.line}:${f.range.end.character})`,
  };
}

/** The text with the findings drawn as markers: what the fixture should have been. */
export function render(text: string, findings: Finding[]): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
  const byLine = new Map<number, Marker[]>();
  for (const f of findings) {
    const m = toMarker(f, text);
    byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    for (const m of (byLine.get(i) ?? []).sort((a, b) => a.start - b.start || a.code.localeCompare(b.code))) {
      const width = m.end - m.start;
      const carets = width === 0 ? '|' : m.end === l.replace(/\r$/, '').length && width > 60 ? '^$' : '^'.repeat(width);
      out.push(`${' '.repeat(m.start)}${carets} ${m.severity} ${m.code}`);
    }
  });
  return out.join('\n');
}

/** Runs the real analyzer on the fixture's text and compares every finding with the markers. Returns the analysis. */
export function checkDiagnostics(kind: DocKind, fixture: string, opts: FixtureOptions = {}): DocAnalysis {
  const { text, markers } = parseFixture(fixture, opts.final ?? true);
  const a = analyzeText(kind, text, opts.path ? { path: opts.path } : {});
  const findings = opts.only ? a.findings.filter((f) => opts.only!.includes(f.code)) : a.findings;
  const got = findings.map((f) => key(toMarker(f, text))).sort();
  const want = markers
    .filter((m) => !opts.only || opts.only.includes(m.code))
    .map(key)
    .sort();
  assert.deepEqual(got, want, `the analyzer's findings, drawn on the fixture:\n${render(text, findings)}\n`);
  return a;
}

/** Splits `before` at its `$0` cursor. */
function cursor(before: string, final: boolean): { text: string; at: { line: number; character: number } | null } {
  const text = dedent(before, final);
  const i = text.indexOf('$0');
  if (i < 0) return { text, at: null };
  const head = text.slice(0, i).split('\n');
  return { text: text.slice(0, i) + text.slice(i + 2), at: { line: head.length - 1, character: head[head.length - 1]!.length } };
}

const contains = (r: Range, p: { line: number; character: number }) =>
  (r.start.line < p.line || (r.start.line === p.line && r.start.character <= p.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export interface FixOptions extends FixtureOptions {
  /** The fix to apply, by title; the preferred one when absent. */
  title?: RegExp;
}

/**
 * Applies one finding's fix: the finding of `code` under the `$0` cursor (or the only one of that code), its
 * preferred fix or the one whose title matches. `after` is compared byte for byte (dedented like `before`).
 */
export function checkFix(kind: DocKind, code: string, before: string, after: string, opts: FixOptions = {}): Fix {
  const final = opts.final ?? true;
  const { text, at } = cursor(before, final);
  const all = analyzeText(kind, text, opts.path ? { path: opts.path } : {}).findings.filter((f) => f.code === code);
  const here = at ? all.filter((f) => contains(f.range, at)) : all;
  assert.equal(
    here.length,
    1,
    `${here.length} ${code} findings ${at ? `under $0 (${at.line}:${at.character})` : 'in the text (mark one with $0)'}:\n${render(text, all)}`,
  );
  const f = here[0]!;
  const fix = opts.title ? f.fixes?.find((x) => opts.title!.test(x.title)) : f.fixes?.find((x) => x.isPreferred);
  assert.ok(fix, `${code} has no ${opts.title ? `fix ${opts.title}` : 'preferred fix'}: ${JSON.stringify(f.fixes?.map((x) => x.title) ?? [])}`);
  assert.equal(applyEdits(text, fix.edits), dedent(after, final));
  return fix;
}

/** Asserts the finding under `$0` (or the only one of `code`) offers no preferred fix (a choice left to the user). */
export function checkNoFix(kind: DocKind, code: string, before: string, opts: FixtureOptions = {}): void {
  const { text, at } = cursor(before, opts.final ?? true);
  const all = analyzeText(kind, text, opts.path ? { path: opts.path } : {}).findings.filter((f) => f.code === code);
  const here = at ? all.filter((f) => contains(f.range, at)) : all;
  assert.equal(here.length, 1, `${here.length} ${code} findings:\n${render(text, all)}`);
  assert.equal(here[0]!.fixes?.some((x) => x.isPreferred) ?? false, false, `${code} offers a preferred fix: ${JSON.stringify(here[0]!.fixes)}`);
}

/** "Fix all <code> in file", as the server builds it: every preferred quick fix of that code, merged. */
export function checkFixAll(kind: DocKind, code: string, before: string, after: string, opts: FixtureOptions = {}): void {
  const final = opts.final ?? true;
  const text = dedent(before, final);
  const findings = analyzeText(kind, text, opts.path ? { path: opts.path } : {}).findings.filter((f) => f.code === code);
  const edits = mergeEdits(findings.flatMap((f) => f.fixes?.find((x) => x.isPreferred && (x.kind ?? 'quickfix') === 'quickfix')?.edits ?? []));
  assert.equal(applyEdits(text, edits), dedent(after, final));
}
