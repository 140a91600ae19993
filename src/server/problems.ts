// What goes to the Problems panel: what needs doing, once per cause.
//
// Evidence of health or of detection (information findings: "ASM is running", "the Agent answered", "Attack
// detected") is shown by the tree, the status bar and the code lens, not as problems: a healthy log has none.
// One cause is one diagnostic: findings with the same code and the same subject (integration, rule, file) are
// grouped; the first occurrence carries the diagnostic and the others are its related information.
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { Finding } from '../core/finding';
import { SOURCE, toDiagnostic } from './convert';

/** Information findings that still belong in Problems: they say that results are missing and where the rest is. */
const INFORMATION_IN_PROBLEMS = new Set(['file-too-large']);

/** Whether a finding is a problem (something to act on) rather than evidence. */
export function isProblem(f: Pick<Finding, 'code' | 'severity'>): boolean {
  return f.severity === 'error' || f.severity === 'warning' || f.severity === 'hint' || INFORMATION_IN_PROBLEMS.has(f.code);
}

/** The subject that tells two causes of the same code apart (two integrations, two files, two rules). */
function subject(f: Finding): string {
  const d = f.data ?? {};
  const parts = [d.integration, Array.isArray(d.rules) ? d.rules.join(',') : undefined, d.which, d.path, d.key, d.setting];
  return parts.map((p) => (typeof p === 'string' ? p : '')).join('\u0000');
}

/** The key of a finding's cause: findings with the same key are one problem. */
export function causeKey(f: Finding): string {
  return `${f.code}\u0000${subject(f)}`;
}

/** Findings grouped by cause, in document order of their first occurrence; only problems (see isProblem). */
export function groupProblems(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!isProblem(f)) continue;
    const k = causeKey(f);
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  return [...groups.values()];
}

/** Related entries per diagnostic (the message counts them all). */
const MAX_RELATED = 50;

/**
 * Diagnostics VS Code shows per file at most: past it, the editor keeps the most severe and adds "Not showing N
 * further errors and warnings". The server publishes no more than that for a log, the most severe first, and says
 * where the rest is (the ASM Findings view counts every code).
 */
export const MAX_PUBLISHED = 1000;

/** The Problems entries of a document: one diagnostic per cause, the other occurrences as related information. */
export function problemDiagnostics(uri: string, findings: readonly Finding[], kind: string, dropped: Record<string, number> = {}): Diagnostic[] {
  // Ini findings carry per-line fixes: each stays its own diagnostic so its quick fix applies to its line.
  const all = kind !== 'log' ? findings.filter(isProblem).map(toDiagnostic) : groupedDiagnostics(uri, findings);
  // Log findings over the per-file cap: Problems says they exist and where they are listed.
  const over = kind === 'log' ? Object.entries(dropped).filter(([, n]) => n > 0) : [];
  // (Logs only: an ini file is short, each finding its own fix; past 1,000 VS Code keeps the most severe itself.)
  const { shown, notShown } =
    kind === 'log' && all.length + (over.length ? 1 : 0) > MAX_PUBLISHED ? mostSevere(all, MAX_PUBLISHED - 1) : { shown: all, notShown: [] };
  if (!over.length && !notShown.length) return shown;
  const parts: string[] = [];
  if (over.length) {
    const total = over.reduce((a, [, n]) => a + n, 0);
    parts.push(`${total.toLocaleString('en-US')} more finding(s) in this file are not listed here (${countList(over)}).`);
  }
  if (notShown.length) {
    const by = new Map<string, number>();
    for (const d of notShown) by.set(String(d.code), (by.get(String(d.code)) ?? 0) + 1);
    parts.push(
      `${notShown.length.toLocaleString('en-US')} more problem(s) are not shown here (${countList([...by])}): Problems shows the ${shown.length.toLocaleString('en-US')} most severe.`,
    );
  }
  shown.unshift({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 3,
    code: 'findings-not-listed',
    source: SOURCE,
    message: `${parts.join(' ')} The ASM Findings view lists every code with its count and first and last line.`,
  });
  return shown;
}

/** "code n, code n, …": the five biggest counts. */
function countList(counts: [string, number][]): string {
  const list = counts
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([c, n]) => `${c} ${n.toLocaleString('en-US')}`)
    .join(', ');
  return `${list}${counts.length > 5 ? ', …' : ''}`;
}

/** The `room` most severe diagnostics (errors first; in document order among equals), kept in document order. */
function mostSevere(ds: Diagnostic[], room: number): { shown: Diagnostic[]; notShown: Diagnostic[] } {
  const order = ds.map((_, i) => i).sort((a, b) => (ds[a]!.severity ?? 1) - (ds[b]!.severity ?? 1) || a - b);
  const keep = new Uint8Array(ds.length);
  for (const i of order.slice(0, room)) keep[i] = 1;
  return { shown: ds.filter((_, i) => keep[i]), notShown: ds.filter((_, i) => !keep[i]) };
}

/** A log's problems: one diagnostic per cause, the other occurrences as related information. */
function groupedDiagnostics(uri: string, findings: readonly Finding[]): Diagnostic[] {
  return groupProblems(findings).map((g) => {
    const d = toDiagnostic(g[0]!);
    if (g.length > 1) {
      const related: DiagnosticRelatedInformation[] = g
        .slice(1, 1 + MAX_RELATED)
        .map((o) => ({ location: { uri, range: o.range }, message: `Same cause, line ${o.range.start.line + 1}: ${o.message}` }));
      d.relatedInformation = related;
      const lines = g
        .slice(0, 6)
        .map((o) => o.range.start.line + 1)
        .join(', ');
      d.message = `${d.message} (${g.length} lines show this: ${lines}${g.length > 6 ? ', …' : ''})`;
    }
    return d;
  });
}
