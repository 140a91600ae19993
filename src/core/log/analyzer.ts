// Streams log lines through the rules: one pass, a literal prefilter per rule, findings capped per file.
import type { Finding } from '../finding';
import { compareFindings, range } from '../finding';
import { makeFinding } from '../findings';
import { kb } from '../kb';
import { classifyLine } from './dialect';
import { LOG_RULES } from './rules';
import { emptySummary, type LineContext, type LogRule, type LogSummary } from './types';

export interface LogAnalysis {
  findings: Finding[];
  summary: LogSummary;
  /** Findings not kept because of the cap, by code. */
  dropped: Record<string, number>;
  /** Rule failures (bugs), reported instead of thrown. */
  internalErrors: string[];
}

export interface LogAnalyzerOptions {
  /** Findings kept per file (the rest are counted in `dropped`). */
  maxFindings?: number;
  /** Longest line analysed; longer lines are cut (and reported once). */
  maxLineLength?: number;
  rules?: readonly LogRule[];
}

export const DEFAULT_MAX_FINDINGS = 5000;
export const DEFAULT_MAX_LINE = 1 << 20;

export class LogAnalyzer {
  private readonly rules: readonly LogRule[];
  private readonly maxFindings: number;
  private readonly maxLine: number;
  private readonly findings: Finding[] = [];
  private readonly dropped: Record<string, number> = {};
  private readonly state = new Map<string, unknown>();
  private readonly summary = emptySummary();
  private readonly dialects = new Set<string>();
  private readonly literalIndex: { literal: string; rules: LogRule[] }[];
  private readonly everyLine: LogRule[];
  private longLineReported = false;
  private readonly internalErrors: string[] = [];
  private readonly report = (f: Finding) => {
    if (this.findings.length < this.maxFindings) this.findings.push(f);
    else this.dropped[f.code] = (this.dropped[f.code] ?? 0) + 1;
  };

  constructor(opts: LogAnalyzerOptions = {}) {
    kb(); // validate the knowledge base before the first line
    this.rules = opts.rules ?? LOG_RULES;
    this.maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
    this.maxLine = opts.maxLineLength ?? DEFAULT_MAX_LINE;
    const byLit = new Map<string, LogRule[]>();
    this.everyLine = [];
    for (const r of this.rules) {
      if (!r.literals.length) this.everyLine.push(r);
      for (const l of r.literals) byLit.set(l, [...(byLit.get(l) ?? []), r]);
    }
    this.literalIndex = [...byLit].map(([literal, rules]) => ({ literal, rules }));
  }

  /** Analyses one line (without its terminator). Lines must come in order. */
  push(text: string, lineNo: number): void {
    this.summary.lines = lineNo + 1;
    if (text.length > this.maxLine) {
      if (!this.longLineReported) {
        this.longLineReported = true;
        this.report(makeFinding('file-too-large', range(lineNo, 0, 0), { detail: `Line ${lineNo + 1} is ${text.length} characters long; only its first ${this.maxLine} were analysed` }));
      }
      text = text.slice(0, this.maxLine);
    }
    let matched: Set<LogRule> | null = null;
    for (const e of this.literalIndex) {
      if (text.includes(e.literal)) {
        matched ??= new Set();
        for (const r of e.rules) matched.add(r);
      }
    }
    if (!matched && !this.everyLine.length) {
      // The summary's dialects come from the lines rules saw plus the head of the file.
      if (lineNo < 1000 && text.length) this.noteDialect(text);
      return;
    }
    const cls = classifyLine(text);
    if (cls.dialect) this.dialects.add(cls.dialect);
    const ctx: LineContext = { text, lineNo, cls, summary: this.summary, report: this.report, state: this.state };
    for (const r of this.rules) {
      if (!(matched?.has(r) || this.everyLine.includes(r))) continue;
      try {
        r.line(ctx);
      } catch (e) {
        // A rule's bug must not stop the analysis of the rest of the file: note it and go on.
        if (this.internalErrors.length < 5) this.internalErrors.push(`rule ${r.id} failed on line ${lineNo + 1}: ${(e as Error).message}`);
      }
    }
  }

  private noteDialect(text: string) {
    const d = classifyLine(text).dialect;
    if (d) this.dialects.add(d);
  }

  finish(): LogAnalysis {
    const ctx = { summary: this.summary, report: this.report, state: this.state };
    for (const r of this.rules) r.finish?.(ctx);
    this.summary.dialects = [...this.dialects].sort() as LogSummary['dialects'];
    this.findings.sort(compareFindings);
    return { findings: this.findings, summary: this.summary, dropped: this.dropped, internalErrors: this.internalErrors };
  }
}

/** Analyses a whole text (an open document). */
export function analyzeLogText(text: string, opts?: LogAnalyzerOptions): LogAnalysis {
  const a = new LogAnalyzer(opts);
  const n = text.length;
  let start = 0;
  let no = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      a.push(text.slice(start, i), no++);
      if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < n) a.push(text.slice(start), no);
  return a.finish();
}
