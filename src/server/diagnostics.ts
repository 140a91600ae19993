// Diagnostics: analyse open documents (debounced), publish, and keep the last analysis for code actions and the client.
import type { Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { analyzeText, type DocAnalysis, type DocKind } from '../core/analyze';
import { toDiagnostic } from './convert';

export const LANGUAGE_KIND: Record<string, DocKind> = { 'asm-log': 'log', 'asm-ini': 'ini', ini: 'php-ini' };

export interface SummaryNotification {
  uri: string;
  version: number;
  kind: DocKind;
  summary?: DocAnalysis['summary'];
  counts: Record<string, number>;
  /** The findings, for the client's tree view (code, severity, step, line, message). */
  findings: { code: string; severity: string; step: string | null; line: number; message: string; data?: Record<string, unknown> }[];
}

export class DiagnosticsService {
  private readonly last = new Map<string, DocAnalysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly connection: Connection, private readonly delayMs = 120) {}

  analysis(uri: string): DocAnalysis | undefined {
    return this.last.get(uri);
  }

  schedule(doc: TextDocument): void {
    const kind = LANGUAGE_KIND[doc.languageId];
    if (!kind) return;
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(doc.uri, setTimeout(() => this.run(doc, kind), this.delayMs));
  }

  run(doc: TextDocument, kind: DocKind): void {
    this.timers.delete(doc.uri);
    let a: DocAnalysis;
    try {
      a = analyzeText(kind, doc.getText(), doc.uri.startsWith('file:') ? { path: fileURLToPath(doc.uri) } : {});
    } catch (e) {
      this.connection.console.error(`analysis of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
      return;
    }
    this.last.set(doc.uri, a);
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.findings.map(toDiagnostic) });
    const counts: Record<string, number> = {};
    for (const f of a.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    const note: SummaryNotification = {
      uri: doc.uri,
      version: doc.version,
      kind,
      summary: a.summary,
      counts,
      findings: a.findings.slice(0, 500).map((f) => ({ code: f.code, severity: f.severity, step: f.step, line: f.range.start.line, message: f.message, ...(f.data ? { data: f.data } : {}) })),
    };
    void this.connection.sendNotification('asm/analysis', note);
  }

  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.last.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    void this.connection.sendNotification('asm/closed', { uri });
  }
}
