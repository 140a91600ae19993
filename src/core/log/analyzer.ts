// Streams log lines through the rules: one pass, a literal prefilter per rule, findings capped per file.
import type { Finding } from '../finding';
import { compareFindings, range } from '../finding';
import { makeFinding } from '../findings';
import { forEachLine } from '../document';
import { kb } from '../kb';
import { classifyLine, DIALECTS, type Dialect } from './dialect';
import { LiteralMatcher } from './literals';
import { LOG_RULES } from './rules';
import { lineTime } from '../evidence/time';
import { emptySummary, STARTS_STATE, type CodeExtent, type LineContext, type LogRule, type LogSummary, type Timeline, type TracerStart } from './types';

export interface LogAnalysis {
  findings: Finding[];
  summary: LogSummary;
  /** Findings not kept because of the cap, by code. */
  dropped: Record<string, number>;
  /** Rule failures (bugs), reported instead of thrown. */
  internalErrors: string[];
  /** When: tracer starts and the time of the findings' lines (core/evidence). */
  timeline: Timeline;
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
/** The head of a file where every line is classified (for the summary's dialects), matched or not. */
export const DIALECT_HEAD_LINES = 1000;

/**
 * Everything an analysis has accumulated after some lines, as plain cloneable data: restore it into a new
 * analyzer and push the following lines to get the same result as a full run (incremental re-analysis).
 * Findings are shared, not copied: a reported finding is frozen and never changes. The findings list and the times
 * only grow (until finish()), so a snapshot shares the analyzer's arrays and keeps their length: taking one costs no
 * copy of up to 5,000 findings and their times (restore copies that prefix).
 */
export interface AnalyzerSnapshot {
  /** Shared with the analyzer that took the snapshot: its first findingsCount entries are the snapshot's. */
  findings: Finding[];
  findingsCount: number;
  dropped: Record<string, number>;
  state: Map<string, unknown>;
  summary: LogSummary;
  dialects: string[];
  /** Ids of the rules retired (LogRule.done): they see no more lines. */
  retired: string[];
  longLineReported: boolean;
  internalErrors: string[];
  /** Lines of kept findings and their times, in line order (shared like findings: the first timesCount). */
  timeLines: number[];
  timeValues: number[];
  timesCount: number;
  codes: Record<string, CodeExtent>;
  lastTime: number | null;
}

export class LogAnalyzer {
  private readonly rules: readonly LogRule[];
  private readonly maxFindings: number;
  private readonly maxLine: number;
  private findings: Finding[] = [];
  private dropped: Record<string, number> = {};
  private state = new Map<string, unknown>();
  private summary = emptySummary();
  private dialects = new Set<string>();
  private everyLine: LogRule[];
  /** retired[i]: rule i said it is done (LogRule.done); it sees no more lines. */
  private retired: boolean[];
  /** The prefilter over the literals of the rules still active (see literals.ts for the measurements behind it). */
  private active: LiteralMatcher;
  /** Every rule's literals (the readers' prefilter while retired literals may still name a new dialect). */
  private readonly all: LiteralMatcher;
  /** The literals of retired rules only, or null when none is retired. */
  private retiredLits: LiteralMatcher | null = null;
  /** A retired rule wanted every line (no literals): every line may still name a dialect. */
  private retiredEveryLine = false;
  /** The dialects the retired rules' literals can reveal (LogRule.revealsDialects; all when one does not say). */
  private retiredReveal: readonly Dialect[] = DIALECTS;
  /** hit[i] = 1 when rule i has a literal in the current line (reused: no allocation per line). */
  private readonly hit: Uint8Array;
  /** filtered[i]: rule i has literals (read once: some rules compute them in a getter). */
  private readonly filtered: boolean[];
  private longLineReported = false;
  private internalErrors: string[] = [];
  /** Lines given to push() by this instance: what incremental re-analysis is measured by. */
  linesPushed = 0;
  /** The times of kept findings' lines (Timeline.times, built by finish()): append-only, lines in order. */
  private timeLines: number[] = [];
  private timeValues: number[] = [];
  private codes: Record<string, CodeExtent> = {};
  /** The last timestamp read on a reported line (lines without their own stamp take it). */
  private lastTime: number | null = null;
  /** The line being analysed, for the time of what it reports (-1: none, e.g. in finish()). */
  private curLine = -1;
  private curText = '';
  private curTimeLine = -2;
  private curTime: number | null = null;
  private readonly report = (f: Finding) => {
    this.note(f.code, f.range.start.line, true);
    if (this.findings.length < this.maxFindings) this.findings.push(Object.freeze(f));
    else this.dropped[f.code] = (this.dropped[f.code] ?? 0) + 1;
  };
  private readonly reportLazy = (code: string, build: () => Finding) => {
    if (this.findings.length < this.maxFindings) this.report(build());
    else {
      this.note(code, this.curLine, false);
      this.dropped[code] = (this.dropped[code] ?? 0) + 1;
    }
  };

  /** The current line's time: its own stamp (or startup "date"), else the last one seen. Read once per line. */
  private timeOf(line: number): number | null {
    if (line !== this.curLine || line < 0) return null;
    if (this.curTimeLine !== line) {
      this.curTimeLine = line;
      let t = lineTime(this.curText);
      if (t === null) {
        const d = this.curText.indexOf('"date":"');
        if (d !== -1 && d < 400) t = lineTime(this.curText.slice(d, d + 60));
      }
      if (t !== null) this.lastTime = t;
      this.curTime = t ?? this.lastTime;
    }
    return this.curTime;
  }

  private note(code: string, line: number, kept: boolean): void {
    // Past the cap (94% of the bench log's findings) the time is read on every 64th line of a code only: the last
    // time of a counted code is then at most 63 of its lines old, and the hot path stays a counter update.
    const c0 = this.codes[code];
    const t = kept || !c0 || (c0.count & 63) === 63 ? this.timeOf(line) : null;
    if (kept && t !== null && this.findings.length < this.maxFindings) {
      // Several findings on one line have its one time (timeOf reads it once per line).
      if (this.timeLines[this.timeLines.length - 1] !== line) {
        this.timeLines.push(line);
        this.timeValues.push(t);
      }
    }
    const c = c0;
    if (!c) this.codes[code] = { count: 1, firstLine: line, lastLine: line, firstTime: t, lastTime: t };
    else {
      c.count++;
      if (line >= c.lastLine) {
        c.lastLine = line;
        if (t !== null) c.lastTime = t;
      }
    }
  }

  constructor(opts: LogAnalyzerOptions = {}) {
    kb(); // validate the knowledge base before the first line
    this.rules = opts.rules ?? LOG_RULES;
    this.maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
    this.maxLine = opts.maxLineLength ?? DEFAULT_MAX_LINE;
    this.retired = this.rules.map(() => false);
    this.everyLine = this.rules.filter((r) => !r.literals.length);
    this.all = this.active = new LiteralMatcher(this.rules.map((r) => r.literals));
    this.hit = new Uint8Array(this.rules.length);
    this.filtered = this.rules.map((r) => r.literals.length > 0);
  }

  /**
   * The literals a reader must not skip a line with (null: every line is needed). A line that only holds retired
   * rules' literals can still name a dialect the summary lacks (every line a rule sees is classified), so they stay
   * in until every dialect has been seen.
   */
  get matcher(): LiteralMatcher | null {
    if (this.everyLine.length) return null;
    if (!this.revealPending()) return this.active;
    if (this.retiredEveryLine) return null;
    return this.retiredLits ? this.all : this.active;
  }

  /** Readers pass the head of the file whole: its lines are classified for the summary's dialects. */
  get headLines(): number {
    return DIALECT_HEAD_LINES;
  }

  /** Rebuilds the prefilters after a retirement (rare: at most once per rule and analysis, and on restore). */
  private rebuild() {
    if (!this.retired.includes(true)) {
      this.active = this.all;
      this.retiredLits = null;
      this.retiredEveryLine = false;
      this.retiredReveal = DIALECTS;
      this.everyLine = this.rules.filter((r) => !r.literals.length);
      return;
    }
    const live = this.rules.map((r, i) => (this.retired[i] ? [] : r.literals));
    this.active = new LiteralMatcher(live);
    const gone = this.rules.filter((r, i) => this.retired[i]);
    this.retiredLits = new LiteralMatcher(gone.map((r) => r.literals));
    this.retiredEveryLine = gone.some((r) => !r.literals.length);
    this.retiredReveal = gone.some((r) => !r.revealsDialects) ? DIALECTS : [...new Set(gone.flatMap((r) => r.revealsDialects!))];
    this.everyLine = this.rules.filter((r, i) => !r.literals.length && !this.retired[i]);
  }

  get maxLineLength(): number {
    return this.maxLine;
  }

  /**
   * Notes that the input has `lines` lines so far, for readers that skip the lines no rule would look at.
   * A skipped line must hold no literal, be no longer than maxLineLength, and lie after DIALECT_HEAD_LINES.
   */
  advance(lines: number): void {
    if (lines > this.summary.lines) this.summary.lines = lines;
  }

  /** Everything accumulated so far (call before finish()). Cheap: findings are shared, state is cloned. */
  snapshot(): AnalyzerSnapshot {
    return {
      findings: this.findings,
      findingsCount: this.findings.length,
      dropped: { ...this.dropped },
      state: structuredClone(this.state),
      summary: structuredClone(this.summary),
      dialects: [...this.dialects],
      retired: this.rules.flatMap((r, i) => (this.retired[i] ? [r.id] : [])),
      longLineReported: this.longLineReported,
      internalErrors: this.internalErrors.slice(),
      timeLines: this.timeLines,
      timeValues: this.timeValues,
      timesCount: this.timeLines.length,
      codes: structuredClone(this.codes),
      lastTime: this.lastTime,
    };
  }

  /** Continues from a snapshot taken with the same options and rules (the snapshot stays usable). */
  restore(s: AnalyzerSnapshot): this {
    this.findings = s.findings.slice(0, s.findingsCount);
    this.dropped = { ...s.dropped };
    this.state = structuredClone(s.state);
    this.summary = structuredClone(s.summary);
    this.dialects = new Set(s.dialects);
    this.retired = this.rules.map((r) => s.retired.includes(r.id));
    this.rebuild();
    this.longLineReported = s.longLineReported;
    this.internalErrors = s.internalErrors.slice();
    this.timeLines = s.timeLines.slice(0, s.timesCount);
    this.timeValues = s.timeValues.slice(0, s.timesCount);
    this.codes = structuredClone(s.codes);
    this.lastTime = s.lastTime;
    return this;
  }

  /**
   * Analyses one line (without its terminator). Lines must come in order. `marks`: what mark() of the line by a
   * matcher this analyzer gave (see `matcher`) since the line's chunk began says, from a reader that found the
   * literals in the bytes (LineSink); the line is then not searched again. Such a matcher has the literals of every
   * rule not retired when it was taken, so its marks restricted to the rules not retired now are the active ones'.
   */
  push(text: string, lineNo: number, marks?: Uint8Array): void {
    this.linesPushed++;
    this.summary.lines = lineNo + 1;
    // Marks are for the whole line: a cut line is searched again.
    if (text.length > this.maxLine) {
      marks = undefined;
      // The message must not depend on the full length: a streaming reader only passes the head of such a line.
      if (!this.longLineReported) {
        this.longLineReported = true;
        this.report(
          makeFinding('file-too-large', range(lineNo, 0, 0), {
            detail: `Line ${lineNo + 1} is longer than ${this.maxLine} characters; only its first ${this.maxLine} were analysed`,
          }),
        );
      }
      text = text.slice(0, this.maxLine);
    }
    // One combined test rejects almost every line; only the rare matching line pays for the per-rule checks.
    let any = false;
    if (marks) {
      const hit = this.hit;
      for (let i = 0; i < hit.length; i++) {
        const v = marks[i] === 1 && !this.retired[i] ? 1 : 0;
        hit[i] = v;
        if (v) any = true;
      }
    } else any = this.active.mark(text, this.hit);
    if (!any && !this.everyLine.length) {
      // The summary's dialects come from the lines rules saw plus the head of the file. A line that only a retired
      // rule would have seen is still classified, as before its retirement, until no dialect is left to add.
      if (
        text.length &&
        (lineNo < DIALECT_HEAD_LINES || (this.retiredLits && this.revealPending() && (this.retiredEveryLine || this.retiredLits.test(text))))
      ) {
        this.noteDialect(text);
      }
      return;
    }
    const cls = classifyLine(text);
    if (cls.dialect) this.dialects.add(cls.dialect);
    this.curLine = lineNo;
    this.curText = text;
    const ctx: LineContext = {
      text,
      lineNo,
      cls,
      summary: this.summary,
      report: this.report,
      reportLazy: this.reportLazy,
      state: this.state,
      capped: this.findings.length >= this.maxFindings,
    };
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      if ((!this.hit[i] && this.filtered[i]) || this.retired[i]) continue;
      try {
        r.line(ctx);
        if (r.done?.(this.summary, this.state)) {
          this.retired[i] = true;
          this.rebuild();
        }
      } catch (e) {
        // A rule's bug must not stop the analysis of the rest of the file: note it and go on.
        if (this.internalErrors.length < 5) this.internalErrors.push(`rule ${r.id} failed on line ${lineNo + 1}: ${(e as Error).message}`);
      }
    }
    this.curLine = -1;
    this.curText = '';
  }

  /** A dialect that a retired rule's lines could reveal is still missing from the summary. */
  private revealPending(): boolean {
    if (this.dialects.size >= DIALECTS.length) return false;
    for (const d of this.retiredReveal) if (!this.dialects.has(d)) return true;
    return false;
  }

  private noteDialect(text: string) {
    const d = classifyLine(text).dialect;
    if (d) this.dialects.add(d);
  }

  finish(): LogAnalysis {
    const ctx = { summary: this.summary, report: this.report, reportLazy: this.reportLazy, state: this.state };
    for (const r of this.rules) r.finish?.(ctx);
    this.summary.dialects = [...this.dialects].sort() as LogSummary['dialects'];
    // Sorted as a copy: snapshots share this.findings in report order.
    const findings = this.findings.slice().sort(compareFindings);
    const times: Record<number, number> = {};
    for (let i = 0; i < this.timeLines.length; i++) times[this.timeLines[i]!] = this.timeValues[i]!;
    const starts = (this.state.get(STARTS_STATE) as TracerStart[] | undefined) ?? [];
    const timeline: Timeline = { starts: starts.slice(), times, codes: this.codes };
    return { findings, summary: this.summary, dropped: this.dropped, internalErrors: this.internalErrors, timeline };
  }
}

/** Analyses a whole text (an open document). */
export function analyzeLogText(text: string, opts?: LogAnalyzerOptions): LogAnalysis {
  const a = new LogAnalyzer(opts);
  forEachLine(text, (line, no) => a.push(line, no), false);
  return a.finish();
}
