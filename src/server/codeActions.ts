// Code actions: each finding's fixes as quick fixes, plus "fix all in file" per code, from the stored analysis. Log
// findings, which no edit of the log fixes, offer commands instead (logActions.ts).
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../core/analyze';
import type { Finding, Fix, TextEdit } from '../core/finding';
import { toDiagnostic } from './convert';
import { logFindingCommands } from './logActions';

function overlaps(a: Finding['range'], b: Finding['range']): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) =>
    p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

/** Whether two edit ranges share a character (ranges that only touch, e.g. two adjacent deleted lines, do not). */
function editsClash(a: Finding['range'], b: Finding['range']): boolean {
  const cmp = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line - q.line || p.character - q.character;
  const emptyA = cmp(a.start, a.end) === 0;
  const emptyB = cmp(b.start, b.end) === 0;
  if (emptyA && emptyB) return cmp(a.start, b.start) === 0;
  if (emptyA) return cmp(b.start, a.start) < 0 && cmp(a.start, b.end) < 0;
  if (emptyB) return cmp(a.start, b.start) < 0 && cmp(b.start, a.end) < 0;
  return cmp(a.start, b.end) < 0 && cmp(b.start, a.end) < 0;
}

/** Drops edits that overlap an earlier one, so a combined edit is always valid. */
export function mergeEdits(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  const out: TextEdit[] = [];
  for (const e of sorted) if (!out.some((o) => editsClash(o.range, e.range))) out.push(e);
  return out;
}

/** The fix "fix all" applies for a finding: its preferred quick fix only (a choice between fixes is the user's). */
function preferredQuickFix(f: Finding): Fix | undefined {
  return f.fixes?.find((x) => x.isPreferred && (x.kind ?? 'quickfix') === 'quickfix');
}

export function codeActions(uri: string, analysis: DocAnalysis | undefined, params: CodeActionParams): CodeAction[] {
  if (!analysis) return [];
  const only = params.context.only;
  const wants = (k: string) => !only || only.some((o) => k === o || k.startsWith(o + '.'));
  const actions: CodeAction[] = [];
  const inRange = analysis.findings.filter((f) => overlaps(f.range, params.range));
  if (wants(CodeActionKind.QuickFix)) {
    for (const f of inRange) {
      for (const fix of f.fixes ?? []) {
        if ((fix.kind ?? 'quickfix') !== 'quickfix') continue;
        actions.push(action(uri, fix, CodeActionKind.QuickFix, [toDiagnostic(f)]));
      }
    }
    // Log findings: what to do next, as client commands (one of each title, whichever line of the cause is asked).
    if (analysis.kind === 'log') {
      const titles = new Set<string>();
      for (const f of inRange) {
        for (const c of logFindingCommands(f, analysis.summary?.tracer)) {
          if (titles.has(c.title)) continue;
          titles.add(c.title);
          actions.push({ title: c.title, kind: CodeActionKind.QuickFix, command: c, diagnostics: [toDiagnostic(f)] });
        }
      }
    }
    // Fix all of the same code in the file, when there is more than one.
    const codes = new Set(inRange.filter((f) => preferredQuickFix(f)).map((f) => f.code));
    for (const code of codes) {
      const all = analysis.findings.filter((f) => f.code === code && preferredQuickFix(f));
      if (all.length < 2) continue;
      const edits = mergeEdits(all.flatMap((f) => preferredQuickFix(f)!.edits));
      actions.push({
        title: `Fix all ${code} in file (${all.length})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: all.map(toDiagnostic) as Diagnostic[],
        edit: { changes: { [uri]: edits } },
      });
    }
  }
  // Source actions (whole-file) carried by any finding of the document.
  const seen = new Set<string>();
  for (const fix of analysis.sourceFixes ?? []) {
    if (seen.has(fix.title)) continue;
    seen.add(fix.title);
    if (wants(CodeActionKind.Source)) actions.push(action(uri, fix, CodeActionKind.Source, []));
  }
  for (const f of analysis.findings) {
    for (const fix of f.fixes ?? []) {
      if (fix.kind !== 'source' || seen.has(fix.title)) continue;
      seen.add(fix.title);
      if (wants(CodeActionKind.Source)) actions.push(action(uri, fix, CodeActionKind.Source, []));
    }
  }
  return actions;
}

function action(uri: string, fix: Fix, kind: string, diagnostics: Diagnostic[]): CodeAction {
  const a: CodeAction = { title: fix.title, kind, edit: { changes: { [uri]: fix.edits } } };
  if (diagnostics.length) a.diagnostics = diagnostics;
  if (fix.isPreferred) a.isPreferred = true;
  return a;
}
