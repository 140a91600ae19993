// Read-only documents of the extension (how to enable ASM, a test attack's result): a virtual document in the
// asm-troubleshooter: scheme, so closing one never asks to save (an Untitled document would).
import * as vscode from 'vscode';

export const READONLY_SCHEME = 'asm-troubleshooter';

class ReadOnlyDocs implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

export const readOnlyDocs = new ReadOnlyDocs();
let registered = false;

/** Registers the provider once (several command modules use it). */
export function registerReadOnlyDocs(context: vscode.ExtensionContext): void {
  if (registered) return;
  registered = true;
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, readOnlyDocs), { dispose: () => (registered = false) });
}

/** Sets the text of asm-troubleshooter:/<name> and returns its URI. */
export function readOnlyUri(name: string, text: string): vscode.Uri {
  const uri = vscode.Uri.from({ scheme: READONLY_SCHEME, path: `/${name}` });
  readOnlyDocs.set(uri, text);
  return uri;
}
