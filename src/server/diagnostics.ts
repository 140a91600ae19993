// Diagnostics: analyse open documents (debounced), publish, and keep the last analysis for code actions and the client.
//
// Logs are re-analysed incrementally: each run keeps the analyzer's state (a snapshot, see LogAnalyzer.snapshot) at
// line boundaries every 256 KiB or so and at the last complete line. An edit resumes from the last checkpoint before
// it: a tailed log growing costs the new lines, an edit in the middle the lines from the checkpoint before it on;
// only an edit above the first checkpoint costs a full run. Full runs of big documents are cut into slices
// with setImmediate in between, so hovers and completions still answer, and a newer edit abandons the run.
import { isDeepStrictEqual } from 'node:util';
import type { Connection, Diagnostic, Range, TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { agentArtifactAnalysis, analyzeText, type DocAnalysis, type DocKind } from '../core/analyze';
import { compareFindings, countBySeverity } from '../core/finding';
import { LogAnalyzer, type AnalyzerSnapshot, type LogAnalyzerOptions } from '../core/log/analyzer';
import { LiteralMatcher } from '../core/log/literals';
import { LOG_RULES } from '../core/log/rules';
import { pathOption } from './uri';
import { Notifications, notify, type SummaryNotification } from './protocol';
import { problemDiagnostics } from './problems';
import { summarizeByCode } from './findingsSummary';

/**
 * How each language the client sends is analysed. `ruby`: the client only sends Ruby initializers
 * (config/initializers/*.rb), where the log rules find a manual `c.use :rack` (ruby-rack-manual).
 */
export const LANGUAGE_KIND: Record<string, DocKind> = { 'asm-log': 'log', 'asm-ini': 'ini', ini: 'php-ini', ruby: 'log' };

export type { SummaryNotification };

/** Where the analysis can resume: after line `line - 1`'s terminator, at `offset`. */
interface Checkpoint {
  line: number;
  offset: number;
  /** The terminator before `offset` is a lone \r: a \n inserted right there would join it. */
  afterCR: boolean;
  snap: AnalyzerSnapshot;
  /** One of the checkpoints taken every checkpointEvery characters; false for the one where a run ended. */
  spaced: boolean;
}

interface DocState {
  /** Bumped by every change: a run started for an older generation is abandoned. */
  gen: number;
  /** Checkpoints of the current text, in line order (the last one is where the last run ended its complete lines). */
  cps: Checkpoint[];
  timer?: NodeJS.Timeout;
  /** The version whose analysis is scheduled without debounce (just opened), until its run starts. */
  immediate?: number;
  /**
   * The last complete log analysis, while every change since left it valid (see neutralChange): the next run
   * returns it without analysing. Any other change clears it.
   */
  result?: DocAnalysis;
  /** The report-order findings and kept times of the run that made `result` (a snapshot after finish()). */
  raw?: Pick<AnalyzerSnapshot, 'findings' | 'timeLines' | 'timeValues'>;
  /**
   * After one edit within a line that the analysis reads (see lineOf): the checkpoints after that line, moved with
   * the text, and the analysis before the edit. The next run compares its state with theirs: where it is the same,
   * the rest of the previous run stands (see runLog).
   */
  ahead?: Checkpoint[];
  prev?: DocAnalysis;
}

/** What the runs cost, for tests and the bench (lines analysed: given to the analyzer or skipped by its prefilter; runs by kind). */
export interface DiagnosticsStats {
  linesPushed: number;
  fullRuns: number;
  incrementalRuns: number;
  abandonedRuns: number;
  /** Runs that returned the previous analysis: every change since was on lines no rule reads (see neutralChange). */
  reusedRuns: number;
  /** Runs that stopped where their state was again the previous run's, and took the rest from it. */
  convergedRuns: number;
}

type Conn = Pick<Connection, 'sendDiagnostics' | 'sendNotification' | 'console'>;

/** Characters analysed between two yields to the event loop. */
const SLICE = 256 * 1024;
/** Characters of whole lines scanned for literals at once. */
const SCAN_BLOCK = 64 * 1024;
/** Checkpoints kept per document at most (older ones are thinned out: memory stays bounded for any size). */
const MAX_CHECKPOINTS = 64;

export class DiagnosticsService {
  private readonly last = new Map<string, DocAnalysis>();
  private readonly lastVersion = new Map<string, number | undefined>();
  /** The diagnostics published with the last analysis of each URI. */
  private readonly lastDiagnostics = new Map<string, Diagnostic[]>();
  private readonly docs = new Map<string, DocState>();
  readonly stats: DiagnosticsStats = { linesPushed: 0, fullRuns: 0, incrementalRuns: 0, abandonedRuns: 0, reusedRuns: 0, convergedRuns: 0 };
  /** Every rule's literals, and the analyzer's limits (see neutralChange); null when a rule reads every line. */
  private skip?: { all: LiteralMatcher; maxLine: number; headLines: number } | null;
  /** Called after each publish (the server refreshes the code lenses). */
  onPublish?: (uri: string) => void;

  /** Sees every complete analysis published (and every close): the steps' evidence, never the capped notification. */
  listener?: { published(uri: string, kind: DocKind, a: DocAnalysis): void; closed(uri: string): void };

  /** `checkpointEvery`: characters between two checkpoints of a run (tests make it small). */
  constructor(
    private readonly connection: Conn,
    private readonly delayMs = 120,
    private readonly logOptions: LogAnalyzerOptions = {},
    private readonly checkpointEvery = SLICE,
  ) {}

  /**
   * The last analysis of `uri`. With `version` (the open document's), only when it was made for that version: fixes
   * computed for an older text would edit the wrong bytes, so a code action request during the debounce gets none
   * (VS Code asks again once the new diagnostics arrive).
   */
  analysis(uri: string, version?: number): DocAnalysis | undefined {
    if (version !== undefined && this.lastVersion.get(uri) !== version) return undefined;
    return this.last.get(uri);
  }

  /** The TextDocuments configuration: documents as usual, plus a look at each change's range (to keep or drop checkpoints). */
  documentsConfig(): TextDocumentsConfiguration<TextDocument> {
    return {
      create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
      update: (doc, changes, version) => this.applyChanges(doc, changes, version),
    };
  }

  /**
   * Applies changes in order (as TextDocument.update does), noting where each starts as an offset of the text it
   * applies to: checkpoints before it stay valid (nothing before them moved), the others are dropped. Offsets, not
   * line numbers: after some incremental edits TextDocument counts a \r\n pair split by an edit as two lines.
   */
  applyChanges(doc: TextDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): TextDocument {
    const st = this.docs.get(doc.uri);
    if (!st || !changes.length) {
      if (st) st.gen++;
      return TextDocument.update(doc, changes as TextDocumentContentChangeEvent[], version);
    }
    st.gen++;
    let d = doc;
    for (const c of changes) {
      const prev = st.result;
      st.ahead = st.prev = undefined;
      if (!('range' in c) || !c.range) {
        st.cps = [];
        st.result = undefined;
      } else if (st.cps.length && this.neutralChange(d, c, st)) {
        // Nothing the analysis reads moved: checkpoints after the edited line keep their lines, their offsets shift.
        const delta = c.text.length - (d.offsetAt(c.range.end) - d.offsetAt(c.range.start));
        const off = d.offsetAt(c.range.start);
        if (delta) for (const cp of st.cps) if (cp.offset > off) cp.offset += delta;
      } else if (st.cps.length) {
        st.result = undefined;
        const off = d.offsetAt(c.range.start);
        // A checkpoint right at the change is stale when a lone \r ends the line before it (a \n could join it).
        let keep = st.cps.length;
        while (keep > 0 && (st.cps[keep - 1]!.offset > off || (st.cps[keep - 1]!.offset === off && st.cps[keep - 1]!.afterCR))) keep--;
        // One edit within a line, after a complete analysis: the checkpoints after its line move with the text.
        const line = prev && st.raw ? lineOf(d, c) : null;
        if (line && prev) {
          const delta = c.text.length - (line.e - line.s);
          const ahead = st.cps.slice(keep).filter((cp) => cp.offset > line.le);
          if (ahead.length) {
            st.ahead = ahead.map((cp) => ({ ...cp, offset: cp.offset + delta }));
            st.prev = prev;
          }
        }
        st.cps.length = keep;
      } else st.result = undefined;
      d = TextDocument.update(d, [c], version);
    }
    return d;
  }

  /**
   * Whether a change leaves the log analysis as it was: it stays within one complete line (no terminator removed or
   * added, none joined), past the head lines and a checkpoint, and that line, before and after, holds no literal of
   * any rule and is not over-long. A run never gives such a line to the analyzer (see runLog's prefilter), whatever
   * the analyzer's state, and every other line keeps its number: the previous analysis is the new one.
   */
  private neutralChange(d: TextDocument, c: { range: Range; text: string }, st: DocState): boolean {
    if (this.skip === undefined) {
      const rules = this.logOptions.rules ?? LOG_RULES;
      const a = new LogAnalyzer(this.logOptions);
      const lits = rules.flatMap((r) => r.literals);
      this.skip =
        a.matcher && !lits.some((l) => /[\r\n]/.test(l))
          ? { all: new LiteralMatcher(rules.map((r) => r.literals)), maxLine: a.maxLineLength, headLines: a.headLines }
          : null;
    }
    if (!this.skip || !st.result) return false;
    const l = lineOf(d, c);
    // The sniffed head of an Agent artifact (agentArtifactAnalysis) stays out of it.
    if (!l || l.s < 8192) return false;
    const { ls, before, after } = l;
    // A checkpoint at or before the line, past the head lines (every head line is classified).
    let cp: Checkpoint | undefined;
    for (const x of st.cps) if (x.offset <= ls) cp = x;
    if (!cp || cp.line < this.skip.headLines) return false;
    const { all, maxLine } = this.skip;
    return before.length <= maxLine && after.length <= maxLine && !all.test(before) && !all.test(after);
  }

  schedule(doc: TextDocument): void {
    const kind = LANGUAGE_KIND[doc.languageId];
    if (!kind) return;
    // The first analysis of a document (just opened) is not debounced: there is no typing to wait for. TextDocuments
    // fires onDidOpen and then onDidChangeContent for the same version: the second call keeps it immediate.
    const st = this.docs.get(doc.uri);
    const now = !st || (st.timer !== undefined && st.immediate === doc.version);
    const s = st ?? this.state(doc.uri);
    clearTimeout(s.timer);
    s.immediate = now ? doc.version : undefined;
    s.timer = setTimeout(() => void this.run(doc, kind), now ? 0 : this.delayMs);
  }

  private state(uri: string): DocState {
    let st = this.docs.get(uri);
    if (!st) this.docs.set(uri, (st = { gen: 0, cps: [] }));
    return st;
  }

  /** Analyses the document now; resolves when published (or abandoned for a newer version). */
  async run(doc: TextDocument, kind: DocKind = LANGUAGE_KIND[doc.languageId] ?? 'log'): Promise<void> {
    const st = this.state(doc.uri);
    clearTimeout(st.timer);
    st.timer = undefined;
    st.immediate = undefined;
    let a: DocAnalysis | null;
    try {
      a = kind === 'log' ? (agentArtifactAnalysis(doc.getText()) ?? (await this.runLog(doc, st))) : analyzeText(kind, doc.getText(), pathOption(doc.uri));
    } catch (e) {
      this.connection.console.error(`analysis of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
      return;
    }
    if (a && this.docs.get(doc.uri) === st) this.publish(doc.uri, doc.version, kind, a);
  }

  private async runLog(doc: TextDocument, st: DocState): Promise<DocAnalysis | null> {
    if (st.result) {
      this.stats.reusedRuns++;
      return st.result;
    }
    const gen = st.gen;
    const text = doc.getText();
    const n = text.length;
    const a = new LogAnalyzer(this.logOptions);
    // The previous run's checkpoints after a one-line edit, compared at most twice (see DocState.ahead).
    let ahead = st.ahead;
    const prev = st.prev;
    const raw = st.raw;
    st.ahead = st.prev = undefined;
    let tries = 0;
    let { line, offset, afterCR } = { line: 0, offset: 0, afterCR: false };
    // The last checkpoint of the current text (noteChanges dropped those after the first change).
    while (st.cps.length && st.cps[st.cps.length - 1]!.offset > n) st.cps.pop();
    const cp = st.cps.at(-1);
    if (cp) {
      a.restore(cp.snap);
      ({ line, offset, afterCR } = cp);
      this.stats.incrementalRuns++;
    } else this.stats.fullRuns++;
    // The run adds its checkpoints after the one it resumes from (the last valid one). Spaced checkpoints are
    // every checkpointEvery characters from the previous spaced one; the one where a run ended is replaced by the
    // next run's.
    const cps = st.cps;
    // Every complete line after the checkpoint goes to the analyzer, but those its prefilter would skip (as the file
    // reader does: no literal of its matcher, not over-long, past the head), found by one literal scan per block of
    // lines instead of one per line. The run yields between slices when the work is big.
    const firstLine = line;
    const maxLine = a.maxLineLength;
    let start = offset;
    let sliceEnd = offset + SLICE;
    let lastSpaced = 0;
    for (const c of cps) if (c.spaced) lastSpaced = c.offset;
    let cpEnd = lastSpaced + this.checkpointEvery;
    // Next \n and \r at or after `start` (n when none), each searched once per occurrence.
    let lf = -1;
    let cr = -1;
    // The literal hits of text[start, scanned) (a block of whole lines), and the first not yet passed.
    let scanned = offset;
    let m = a.matcher;
    let hits: Int32Array | null = null;
    let h = 0;
    while (start < n) {
      if (lf < start) {
        lf = text.indexOf('\n', start);
        if (lf === -1) lf = n;
      }
      if (cr < start) {
        cr = text.indexOf('\r', start);
        if (cr === -1) cr = n;
      }
      const t = lf < cr ? lf : cr;
      if (t >= n) break; // the unfinished last line
      if (t >= scanned) {
        // A new block: up to the first terminator SCAN_BLOCK characters on (or the text's last one).
        m = a.matcher;
        // (lf and cr are the next \n and \r from `start`, n when none: reused, so a text without \r is not searched
        // to its end once per block.)
        const want = Math.min(n - 1, t + SCAN_BLOCK);
        const nl = lf >= want ? lf : text.indexOf('\n', want);
        const ncr = cr >= want ? cr : text.indexOf('\r', want);
        scanned = Math.min(nl === -1 ? n : nl, ncr === -1 ? n : ncr) + 1;
        hits = m ? m.scanText(text, start, Math.min(n, scanned)) : null;
        h = 0;
      }
      let keep = true;
      if (m && line >= a.headLines && t - start <= maxLine && hits) {
        while (h < hits.length && hits[h]! < start) h++;
        keep = h < hits.length && hits[h]! < t;
      }
      if (keep) a.push(text.slice(start, t), line);
      line++;
      let i = t;
      afterCR = text.charCodeAt(t) === 13;
      if (afterCR && t + 1 < n && text.charCodeAt(t + 1) === 10) {
        i++;
        afterCR = false;
      }
      start = i + 1;
      if (ahead && prev && raw && start >= ahead[0]!.offset) {
        const o = ahead[0]!;
        if (start === o.offset && line === o.line) {
          a.advance(line);
          const snap = a.snapshot();
          if (sameContinuation(snap, o.snap)) {
            this.stats.convergedRuns++;
            this.stats.linesPushed += line - firstLine;
            return this.converge(st, snap, { line, offset: start, afterCR }, ahead.slice(1), prev, raw);
          }
        }
        ahead.shift();
        if (++tries >= 2 || !ahead.length) ahead = undefined;
      }
      if (start >= cpEnd && start < n) {
        cpEnd = start + this.checkpointEvery;
        a.advance(line);
        if (cps.at(-1)?.spaced === false) cps.pop();
        addCheckpoint(cps, { line, offset: start, afterCR, snap: a.snapshot(), spaced: true });
      }
      if (i >= sliceEnd) {
        sliceEnd = i + SLICE;
        await new Promise((r) => setImmediate(r));
        if (st.gen !== gen || this.docs.get(doc.uri) !== st) {
          this.stats.abandonedRuns++;
          this.stats.linesPushed += line - firstLine;
          return null;
        }
      }
    }
    a.advance(line);
    // The next run resumes here; the unfinished last line (if any) is analysed now and again next time.
    if (cps.at(-1)?.offset !== start) {
      if (cps.at(-1)?.spaced === false) cps.pop();
      addCheckpoint(cps, { line, offset: start, afterCR, snap: a.snapshot(), spaced: false });
    }
    if (start < n) a.push(text.slice(start), line);
    this.stats.linesPushed += line - firstLine + (start < n ? 1 : 0);
    const r = a.finish();
    st.raw = a.snapshot();
    return (st.result = { kind: 'log', findings: r.findings, summary: r.summary, dropped: r.dropped, timeline: r.timeline });
  }

  /**
   * The run's state at `at` is the previous run's there (sameContinuation), and the lines from there on did not
   * change: the previous run's findings and times from there on follow this run's, and its final summary, counts and
   * dropped findings stand. The previous checkpoints after `at` keep their state, onto the merged lists.
   */
  private converge(
    st: DocState,
    snap: AnalyzerSnapshot,
    at: { line: number; offset: number; afterCR: boolean },
    rest: Checkpoint[],
    prev: DocAnalysis,
    raw: NonNullable<DocState['raw']>,
  ): DocAnalysis {
    const n = snap.findingsCount;
    const t = snap.timesCount;
    const findings = snap.findings.slice(0, n).concat(raw.findings.slice(n));
    const timeLines = snap.timeLines.slice(0, t).concat(raw.timeLines.slice(t));
    const timeValues = snap.timeValues.slice(0, t).concat(raw.timeValues.slice(t));
    const cps = st.cps;
    if (cps.at(-1)?.spaced === false) cps.pop();
    addCheckpoint(cps, { ...at, snap, spaced: true });
    for (const c of rest) addCheckpoint(cps, { ...c, snap: { ...c.snap, findings, timeLines, timeValues } });
    const times: Record<number, number> = {};
    for (let i = 0; i < timeLines.length; i++) times[timeLines[i]!] = timeValues[i]!;
    st.raw = { findings, timeLines, timeValues };
    return (st.result = {
      kind: 'log',
      findings: findings.slice().sort(compareFindings),
      summary: prev.summary,
      dropped: prev.dropped,
      timeline: { starts: prev.timeline?.starts ?? [], times, codes: prev.timeline?.codes ?? {} },
    });
  }

  /** The checkpoints of a document (tests). */
  checkpoints(uri: string): readonly { line: number; offset: number }[] {
    return (this.docs.get(uri)?.cps ?? []).map(({ line, offset }) => ({ line, offset }));
  }

  /**
   * Publishes an analysis: the problems on the URI (one per cause, no evidence of health: see problems.ts) and the
   * asm/analysis summary with every finding for the client (tree, status bar, code lens).
   */
  publish(uri: string, version: number | undefined, kind: DocKind, a: DocAnalysis): void {
    // The same analysis again (an edit no rule reads, see neutralChange): the same diagnostics for the new version,
    // and the client and the steps already have the rest.
    const again = this.last.get(uri) === a && this.lastDiagnostics.has(uri);
    this.last.set(uri, a);
    this.lastVersion.set(uri, version);
    const diagnostics = again ? this.lastDiagnostics.get(uri)! : problemDiagnostics(uri, a.findings, kind, a.dropped);
    this.lastDiagnostics.set(uri, diagnostics);
    void this.connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
    if (again) return this.onPublish?.(uri);
    const counts = countBySeverity(a.findings);
    const note: SummaryNotification = {
      uri,
      version: version ?? 0,
      kind,
      summary: a.summary,
      counts,
      ...(a.dropped && Object.keys(a.dropped).length ? { dropped: a.dropped } : {}),
      byCode: summarizeByCode(a.findings, a.dropped, a.timeline?.codes),
      findings: a.findings.slice(0, 500).map((f) => ({
        code: f.code,
        severity: f.severity,
        step: f.step,
        line: f.range.start.line,
        message: f.message,
        ...(f.data ? { data: f.data } : {}),
        range: f.range,
        ...(f.docUrl ? { docUrl: f.docUrl } : {}),
      })),
    };
    notify(this.connection, Notifications.analysis, note);
    this.listener?.published(uri, kind, a);
    this.onPublish?.(uri);
  }

  /** Forgets the results of a file analysed from disk (Clear Results): Problems and the client's views empty. */
  clear(uri: string): void {
    if (this.docs.has(uri)) return this.close(uri);
    this.last.delete(uri);
    this.lastVersion.delete(uri);
    this.lastDiagnostics.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    notify(this.connection, Notifications.closed, { uri });
  }

  close(uri: string): void {
    clearTimeout(this.docs.get(uri)?.timer);
    this.docs.delete(uri);
    this.last.delete(uri);
    this.lastVersion.delete(uri);
    this.lastDiagnostics.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    notify(this.connection, Notifications.closed, { uri });
    this.listener?.closed(uri);
  }
}

/** Appends a checkpoint; past MAX_CHECKPOINTS, every other older one goes (the newest ones stay dense). */
function addCheckpoint(cps: Checkpoint[], cp: Checkpoint): void {
  cps.push(cp);
  if (cps.length <= MAX_CHECKPOINTS) return;
  const keep = cps.filter((_, i) => i % 2 === 1 || i >= cps.length - MAX_CHECKPOINTS / 4);
  cps.length = 0;
  cps.push(...keep);
}

/**
 * Where a change falls when it stays within one complete line: no terminator in the removed range or the inserted
 * text, the line has its terminator (the unfinished last line is analysed on every run), and emptying it does not
 * join a lone \r before it to a \n after it. `ls`/`le`: the line's start and terminator; `s`/`e`: the range.
 */
function lineOf(d: TextDocument, c: { range: Range; text: string }): { s: number; e: number; ls: number; le: number; before: string; after: string } | null {
  if (/[\r\n]/.test(c.text)) return null;
  const text = d.getText();
  const s = d.offsetAt(c.range.start);
  const e = d.offsetAt(c.range.end);
  if (e < s) return null;
  const nl = text.indexOf('\n', s);
  const cr = text.indexOf('\r', s);
  const le = nl === -1 ? cr : cr === -1 ? nl : Math.min(nl, cr);
  if (le === -1 || le < e) return null;
  // (s inside a \r\n pair: le === s, and the line is the \r's; inserting there would split the pair)
  if (s > 0 && text.charCodeAt(s - 1) === 13 && text.charCodeAt(s) === 10) return null;
  const ls = Math.max(text.lastIndexOf('\n', s - 1), text.lastIndexOf('\r', s - 1)) + 1;
  const before = text.slice(ls, le);
  const after = before.slice(0, s - ls) + c.text + before.slice(e - ls);
  if (!after.length && text.charCodeAt(ls - 1) === 13 && text.charCodeAt(le) === 10) return null;
  return { s, e, ls, le, before, after };
}

/**
 * Whether two snapshots at the same line lead to the same analysis of the same following lines: everything the
 * analyzer carries forward is equal; the findings and times before may differ (they are only appended to, and only
 * their number and the last time's line are read on).
 */
function sameContinuation(a: AnalyzerSnapshot, b: AnalyzerSnapshot): boolean {
  return (
    a.findingsCount === b.findingsCount &&
    a.timesCount === b.timesCount &&
    a.timeLines[a.timesCount - 1] === b.timeLines[b.timesCount - 1] &&
    a.longLineReported === b.longLineReported &&
    a.lastTime === b.lastTime &&
    isDeepStrictEqual(a.retired, b.retired) &&
    isDeepStrictEqual(a.dialects, b.dialects) &&
    isDeepStrictEqual(a.internalErrors, b.internalErrors) &&
    isDeepStrictEqual(a.dropped, b.dropped) &&
    isDeepStrictEqual(a.codes, b.codes) &&
    isDeepStrictEqual(a.summary, b.summary) &&
    isDeepStrictEqual(a.state, b.state)
  );
}
