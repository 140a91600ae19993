// Recognition by content in the editor: a document opened as plain Log or text whose first lines look like a
// tracer, Agent or helper log (core/log/sniff, the same test as the background scan and `check DIR`) is switched
// to asm-log, so it gets the diagnostics the tree reports for it. The setting asmTroubleshooter.logs.detectByContent
// turns this off. Ordinary logs stay as they are.
import * as vscode from 'vscode';
import { sniffLog, SNIFF_LINES } from '../core/log/sniff';

const SWITCHABLE = new Set(['log', 'plaintext']);

export function registerLogSniff(context: vscode.ExtensionContext, log: (s: string) => void): void {
  const check = (doc: vscode.TextDocument) => {
    if (!SWITCHABLE.has(doc.languageId) || !['file', 'untitled'].includes(doc.uri.scheme)) return;
    if (vscode.workspace.getConfiguration('asmTroubleshooter', doc.uri).get<boolean>('logs.detectByContent') === false) return;
    const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, SNIFF_LINES), 0));
    const kind = sniffLog(head);
    if (!kind) return;
    log(`${doc.uri.fsPath || doc.uri.toString()} looks like a ${kind} log: analysed as ASM Tracer Log`);
    void vscode.languages.setTextDocumentLanguage(doc, 'asm-log').then(undefined, (e) => log(`language switch failed: ${(e as Error).message}`));
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
  for (const doc of vscode.workspace.textDocuments) check(doc);
}
