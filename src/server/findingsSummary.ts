// The findings of one analysed file by code: how many, the first and the last line, and how many were over the
// per-file cap (counted, not kept). For the client's "ASM Findings" view, which lists what Problems cannot show.
import type { Finding, Severity } from '../core/finding';
import { kb } from '../core/kb';
import type { CodeExtent } from '../core/log/types';

export interface CodeSummary {
  code: string;
  title: string;
  severity: Severity;
  /** Kept and counted. */
  count: number;
  /**
   * 0-based lines of the first and last occurrence in the file, kept or not, when the analysis tracked them (a log's
   * timeline); else of the first and last kept one (null: none kept, all over the cap).
   */
  first: number | null;
  last: number | null;
  /** Occurrences over the cap: counted, not in Problems. */
  notKept: number;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** `extents`: every occurrence's first and last line per code (Timeline.codes), which the cap does not cut. */
export function summarizeByCode(
  findings: readonly Finding[],
  dropped: Record<string, number> = {},
  extents: Readonly<Record<string, CodeExtent>> = {},
): CodeSummary[] {
  const by = new Map<string, CodeSummary>();
  const get = (code: string, severity: Severity) => {
    let s = by.get(code);
    if (!s) by.set(code, (s = { code, title: titleOf(code), severity, count: 0, first: null, last: null, notKept: 0 }));
    return s;
  };
  for (const f of findings) {
    const s = get(f.code, f.severity);
    s.count++;
    const l = f.range.start.line;
    if (s.first === null || l < s.first) s.first = l;
    if (s.last === null || l > s.last) s.last = l;
  }
  for (const [code, n] of Object.entries(dropped)) {
    const s = get(code, severityOf(code));
    s.count += n;
    s.notKept += n;
  }
  for (const s of by.values()) {
    const e = extents[s.code];
    if (!e) continue;
    if (s.first === null || e.firstLine < s.first) s.first = e.firstLine;
    if (s.last === null || e.lastLine > s.last) s.last = e.lastLine;
  }
  return [...by.values()].sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count || a.code.localeCompare(b.code));
}

function titleOf(code: string): string {
  try {
    return kb().finding(code).title;
  } catch {
    return code;
  }
}
function severityOf(code: string): Severity {
  try {
    return kb().finding(code).severity;
  } catch {
    return 'information';
  }
}
