// Commands behind the language server's code actions and code lenses for log findings: copy a command, open the
// documentation, reveal a finding's exact range, and the read-only excerpt of a file too big for VS Code to open.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { AnalysisStore } from '../analysisStore';
import { CLIENT_COMMANDS, type CopyTextArgs, type OpenDocumentationArgs, type RevealFindingArgs } from '../../server/commands';
import { Requests, type ExcerptResult } from '../../server/protocol';

/** VS Code does not open (nor sync to extensions) files above this size. */
export const EDITOR_MAX_BYTES = 50 * 1024 * 1024;
export const EXCERPT_SCHEME = 'asm-excerpt';

/** Read-only excerpts: asm-excerpt:/<file name> (line N)?<file URI>#<line>. Content asked from the server. */
class ExcerptProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: Pick<LanguageClient, 'sendRequest'>) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = uri.query;
    const line = Number(uri.fragment) || 0;
    const r = await this.client.sendRequest(Requests.excerpt, { uri: file, line, context: 20 });
    return excerptText(vscode.Uri.parse(file).fsPath, line, r);
  }
}

/** The excerpt document: a header saying what it is, then each line with its number in the file. */
export function excerptText(file: string, line: number, r: ExcerptResult): string {
  const width = String(r.firstLine + r.lines.length).length;
  const head = [
    `Excerpt of ${file}, lines ${r.firstLine + 1}–${r.firstLine + r.lines.length} around line ${line + 1} (read-only; the file is not opened in full).`,
    r.pastEnd ? `The file has fewer than ${line + 1} lines now.` : '',
    r.clipped ? `${r.clipped} long line(s) are cut after 4000 characters.` : '',
  ].filter(Boolean);
  const body = r.lines.map((l, i) => `${String(r.firstLine + i + 1).padStart(width)}${r.firstLine + i === line ? ' >' : '  '} ${l}`);
  return [...head, '', ...body, ''].join('\n');
}

export function excerptUri(file: vscode.Uri, line: number): vscode.Uri {
  const name = file.path.split('/').pop() ?? 'file';
  return vscode.Uri.from({ scheme: EXCERPT_SCHEME, path: `/${name} (line ${line + 1})`, query: file.toString(), fragment: String(line) });
}

async function tooBig(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  try {
    return (await vscode.workspace.fs.stat(uri)).size > EDITOR_MAX_BYTES;
  } catch {
    return false;
  }
}

/** Opens a file at a finding's exact range (selected, scrolled into view); an excerpt when the file is too big. */
export async function revealFinding(store: AnalysisStore | undefined, args: RevealFindingArgs): Promise<vscode.TextEditor | undefined> {
  const uri = args.uri ? vscode.Uri.parse(args.uri) : args.file ? vscode.Uri.file(args.file) : undefined;
  if (!uri) return undefined;
  const line = Math.max(0, args.line | 0);
  if (await tooBig(uri)) {
    const doc = await vscode.workspace.openTextDocument(excerptUri(uri, line));
    const at = doc
      .getText()
      .split('\n')
      .findIndex((l) => /^\s*\d+ > /.test(l));
    const pos = new vscode.Position(Math.max(0, at), 0);
    return vscode.window.showTextDocument(doc, { preview: true, selection: new vscode.Range(pos, pos) });
  }
  let r = args.range;
  if (!r && store) {
    const a = store.get(uri.toString());
    r = a?.findings.find((f) => f.line === line && (!args.code || f.code === args.code) && f.range)?.range;
  }
  const range = r ? new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) : new vscode.Range(line, 0, line, 0);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { selection: range, preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

export function registerFindingCommands(context: vscode.ExtensionContext, client: Pick<LanguageClient, 'sendRequest'>, store: AnalysisStore): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXCERPT_SCHEME, new ExcerptProvider(client)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.copyText, async (args?: CopyTextArgs) => {
      if (typeof args?.text !== 'string') return;
      await vscode.env.clipboard.writeText(args.text);
      void vscode.window.showInformationMessage(`Copied ${args.label ?? 'the text'} to the clipboard: ${args.text}`);
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openDocumentation, (args?: OpenDocumentationArgs) => {
      if (typeof args?.url !== 'string' || !/^https:\/\//.test(args.url)) return false;
      return vscode.env.openExternal(vscode.Uri.parse(args.url));
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.revealFinding, (args?: RevealFindingArgs) => (args ? revealFinding(store, args) : undefined)),
  );
}
