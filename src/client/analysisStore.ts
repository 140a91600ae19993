// What the language server said about each open document (asm/analysis notifications), for the tree and status bar.
import * as vscode from 'vscode';
import type { SummaryNotification } from '../server/protocol';

/** The server's `asm/analysis` notification (types only: nothing of the server is bundled into the client). */
export type DocAnalysisLite = SummaryNotification;

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
