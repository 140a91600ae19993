// Diagnostics: analyse open documents (debounced), publish, and keep the last analysis for code actions and the client.
//
// Logs are re-analysed incrementally: after each run the analyzer's state at the last complete line is kept (a
// snapshot, see LogAnalyzer.snapshot). An edit that starts at or after that line (a tailed log growing) only
// costs the lines from there on; any other edit costs a full run. Full runs of big documents are cut into slices
// with setImmediate in between, so hovers and completions still answer, and a newer edit abandons the run.
import type { Connection, TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { analyzeText, type DocAnalysis, type DocKind } from '../core/analyze';
import { countBySeverity, type Range } from '../core/finding';
import { LogAnalyzer, type AnalyzerSnapshot, type LogAnalyzerOptions } from '../core/log/analyzer';
import { problemDiagnostics } from './problems';
import { summarizeByCode, type CodeSummary } from './findingsSummary';

/**
 * How each language the client sends is analysed. `ruby`: the client only sends Ruby initializers
 * (config/initializers/*.rb), where the log rules find a manual `c.use :rack` (ruby-rack-manual).
 */
export const LANGUAGE_KIND: Record<string, DocKind> = { 'asm-log': 'log', 'asm-ini': 'ini', ini: 'php-ini', ruby: 'log' };

export interface SummaryNotification {
  uri: string;
  /** The document version; 0 for a file analysed from disk (asm/analyzeFile). */
  version: number;
  kind: DocKind;
  summary?: DocAnalysis['summary'];
  counts: Record<string, number>;
  /** Findings over the per-file cap, by code. */
  dropped?: Record<string, number>;
  /** Every finding (kept or over the cap) by code: count, first and last line (the client's ASM Findings view). */
  byCode?: CodeSummary[];
  /** The findings, for the client's tree view (code, severity, step, line, message). */
  findings: { code: string; severity: string; step: string | null; line: number; message: string; data?: Record<string, unknown>; range?: Range; docUrl?: string }[];
}

/** Where the analysis can resume: after line `line - 1`'s terminator, at `offset`. */
interface Checkpoint {
  line: number;
  offset: number;
  /** The terminator before `offset` is a lone \r: a \n inserted right there would join it. */
  afterCR: boolean;
  snap: AnalyzerSnapshot;
}

interface DocState {
  /** Bumped by every change: a run started for an older generation is abandoned. */
  gen: number;
  cp: Checkpoint | null;
  timer?: NodeJS.Timeout;
}

/** What the runs cost, for tests and the bench (lines given to the analyzer, runs by kind). */
export interface DiagnosticsStats {
  linesPushed: number;
  fullRuns: number;
  incrementalRuns: number;
  abandonedRuns: number;
}

type Conn = Pick<Connection, 'sendDiagnostics' | 'sendNotification' | 'console'>;

/** Characters analysed between two yields to the event loop. */
const SLICE = 256 * 1024;

export class DiagnosticsService {
  private readonly last = new Map<string, DocAnalysis>();
  private readonly lastVersion = new Map<string, number | undefined>();
  private readonly docs = new Map<string, DocState>();
  readonly stats: DiagnosticsStats = { linesPushed: 0, fullRuns: 0, incrementalRuns: 0, abandonedRuns: 0 };
  /** Called after each publish (the server refreshes the code lenses). */
  onPublish?: (uri: string) => void;

  constructor(private readonly connection: Conn, private readonly delayMs = 120, private readonly logOptions: LogAnalyzerOptions = {}) {}

  /**
   * The last analysis of `uri`. With `version` (the open document's), only when it was made for that version: fixes
   * computed for an older text would edit the wrong bytes, so a code action request during the debounce gets none
   * (VS Code asks again once the new diagnostics arrive).
   */
  analysis(uri: string, version?: number): DocAnalysis | undefined {
    if (version !== undefined && this.lastVersion.get(uri) !== version) return undefined;
    return this.last.get(uri);
  }

  /** The TextDocuments configuration: documents as usual, plus a look at each change's range (to keep or drop the checkpoint). */
  documentsConfig(): TextDocumentsConfiguration<TextDocument> {
    return {
      create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
      update: (doc, changes, version) => {
        this.noteChanges(doc.uri, changes);
        return TextDocument.update(doc, changes, version);
      },
    };
  }

  /** Changes are applied in order: lines before the smallest start line of all of them are untouched. */
  noteChanges(uri: string, changes: readonly TextDocumentContentChangeEvent[]): void {
    const st = this.docs.get(uri);
    if (!st) return;
    st.gen++;
    const cp = st.cp;
    if (!cp) return;
    for (const c of changes) {
      if (!('range' in c) || !c.range) return void (st.cp = null);
      const { line, character } = c.range.start;
      if (line < cp.line || (line === cp.line && character === 0 && cp.afterCR)) return void (st.cp = null);
    }
  }

  schedule(doc: TextDocument): void {
    const kind = LANGUAGE_KIND[doc.languageId];
    if (!kind) return;
    const st = this.state(doc.uri);
    clearTimeout(st.timer);
    st.timer = setTimeout(() => void this.run(doc, kind), this.delayMs);
  }

  private state(uri: string): DocState {
    let st = this.docs.get(uri);
    if (!st) this.docs.set(uri, (st = { gen: 0, cp: null }));
    return st;
  }

  /** Analyses the document now; resolves when published (or abandoned for a newer version). */
  async run(doc: TextDocument, kind: DocKind = LANGUAGE_KIND[doc.languageId] ?? 'log'): Promise<void> {
    const st = this.state(doc.uri);
    clearTimeout(st.timer);
    st.timer = undefined;
    let a: DocAnalysis | null;
    try {
      a = kind === 'log' ? await this.runLog(doc, st) : analyzeText(kind, doc.getText(), doc.uri.startsWith('file:') ? { path: fileURLToPath(doc.uri) } : {});
    } catch (e) {
      this.connection.console.error(`analysis of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
      return;
    }
    if (a && this.docs.get(doc.uri) === st) this.publish(doc.uri, doc.version, kind, a);
  }

  private async runLog(doc: TextDocument, st: DocState): Promise<DocAnalysis | null> {
    const gen = st.gen;
    const text = doc.getText();
    const n = text.length;
    const a = new LogAnalyzer(this.logOptions);
    let { line, offset, afterCR } = { line: 0, offset: 0, afterCR: false };
    const cp = st.cp;
    if (cp && cp.offset <= n) {
      a.restore(cp.snap);
      ({ line, offset, afterCR } = cp);
      this.stats.incrementalRuns++;
    } else this.stats.fullRuns++;
    // Push every complete line after the checkpoint, yielding between slices when the work is big.
    let start = offset;
    let sliceEnd = offset + SLICE;
    for (let i = offset; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      a.push(text.slice(start, i), line++);
      afterCR = c === 13;
      if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) {
        i++;
        afterCR = false;
      }
      start = i + 1;
      if (i >= sliceEnd) {
        sliceEnd = i + SLICE;
        await new Promise((r) => setImmediate(r));
        if (st.gen !== gen || this.docs.get(doc.uri) !== st) {
          this.stats.abandonedRuns++;
          this.stats.linesPushed += a.linesPushed;
          return null;
        }
      }
    }
    // The next run resumes here; the unfinished last line (if any) is analysed now and again next time.
    st.cp = { line, offset: start, afterCR, snap: a.snapshot() };
    if (start < n) a.push(text.slice(start), line);
    this.stats.linesPushed += a.linesPushed;
    const r = a.finish();
    return { kind: 'log', findings: r.findings, summary: r.summary, dropped: r.dropped };
  }

  /**
   * Publishes an analysis: the problems on the URI (one per cause, no evidence of health: see problems.ts) and the
   * asm/analysis summary with every finding for the client (tree, status bar, code lens).
   */
  publish(uri: string, version: number | undefined, kind: DocKind, a: DocAnalysis): void {
    this.last.set(uri, a);
    this.lastVersion.set(uri, version);
    void this.connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics: problemDiagnostics(uri, a.findings, kind, a.dropped) });
    const counts = countBySeverity(a.findings);
    const note: SummaryNotification = {
      uri,
      version: version ?? 0,
      kind,
      summary: a.summary,
      counts,
      ...(a.dropped && Object.keys(a.dropped).length ? { dropped: a.dropped } : {}),
      byCode: summarizeByCode(a.findings, a.dropped),
      findings: a.findings.slice(0, 500).map((f) => ({ code: f.code, severity: f.severity, step: f.step, line: f.range.start.line, message: f.message, ...(f.data ? { data: f.data } : {}), range: f.range, ...(f.docUrl ? { docUrl: f.docUrl } : {}) })),
    };
    void this.connection.sendNotification('asm/analysis', note);
    this.onPublish?.(uri);
  }

  /** Forgets the results of a file analysed from disk (Clear Results): Problems and the client's views empty. */
  clear(uri: string): void {
    if (this.docs.has(uri)) return this.close(uri);
    this.last.delete(uri);
    this.lastVersion.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    void this.connection.sendNotification('asm/closed', { uri });
  }

  close(uri: string): void {
    clearTimeout(this.docs.get(uri)?.timer);
    this.docs.delete(uri);
    this.last.delete(uri);
    this.lastVersion.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    void this.connection.sendNotification('asm/closed', { uri });
  }
}
