// What the language server said about each open document (asm/analysis notifications), for the tree and status bar.
import * as vscode from 'vscode';

export interface FindingLite {
  code: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  step: string | null;
  line: number;
  message: string;
  data?: Record<string, unknown>;
}

export interface SummaryLite {
  lines: number;
  dialects: string[];
  tracer: string | null;
  version: string | null;
  appsec: string;
  integrations: string[] | null;
  disabledIntegrations: string[];
  agentReachable: boolean | null;
  attacks: number;
  blocked: number;
  rules: string[];
  tracesReceived: number | null;
}

export interface DocAnalysisLite {
  uri: string;
  version: number;
  kind: 'log' | 'ini' | 'php-ini';
  summary?: SummaryLite;
  counts: Record<string, number>;
  findings: FindingLite[];
}

export class AnalysisStore implements vscode.Disposable {
  private readonly byUri = new Map<string, DocAnalysisLite>();
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.emitter.event;

  set(a: DocAnalysisLite): void {
    this.byUri.set(a.uri, a);
    this.emitter.fire(a.uri);
  }
  delete(uri: string): void {
    if (this.byUri.delete(uri)) this.emitter.fire(uri);
  }
  get(uri: string): DocAnalysisLite | undefined {
    return this.byUri.get(uri);
  }
  all(): DocAnalysisLite[] {
    return [...this.byUri.values()];
  }
  dispose(): void {
    this.emitter.dispose();
  }
}
