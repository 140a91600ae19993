// "ASM Findings": every analysed file with its findings by code (count, first and last line), including what is
// over the per-file cap and what Problems cannot show. A click opens the finding's exact range, or a read-only
// excerpt when the file is too big for VS Code to open. Clear Results forgets a file's results.
import * as vscode from 'vscode';
import type { AnalysisStore, DocAnalysisLite } from './analysisStore';
import type { CodeSummary } from '../server/findingsSummary';
import { CLIENT_COMMANDS, type RevealFindingArgs } from '../server/commands';

export type FindingsNode =
  | { type: 'file'; uri: string }
  | { type: 'code'; uri: string; s: CodeSummary }
  | { type: 'line'; uri: string; s: CodeSummary; line: number; which: 'first' | 'last' };

const ICON: Record<string, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'lightbulb' };

export class FindingsTreeProvider implements vscode.TreeDataProvider<FindingsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<FindingsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: AnalysisStore) {
    this.sub = store.onDidChange(() => this.emitter.fire(undefined));
  }

  private analyses(): DocAnalysisLite[] {
    return this.store.all().filter((a) => a.byCode?.length);
  }

  getChildren(n?: FindingsNode): FindingsNode[] {
    if (!n) return this.analyses().map((a) => ({ type: 'file', uri: a.uri }));
    if (n.type === 'file') return (this.store.get(n.uri)?.byCode ?? []).map((s) => ({ type: 'code', uri: n.uri, s }));
    if (n.type === 'code') {
      const out: FindingsNode[] = [];
      if (n.s.first !== null) out.push({ type: 'line', uri: n.uri, s: n.s, line: n.s.first, which: 'first' });
      if (n.s.last !== null && n.s.last !== n.s.first) out.push({ type: 'line', uri: n.uri, s: n.s, line: n.s.last, which: 'last' });
      return out;
    }
    return [];
  }

  getTreeItem(n: FindingsNode): vscode.TreeItem {
    if (n.type === 'file') {
      const uri = vscode.Uri.parse(n.uri);
      const a = this.store.get(n.uri);
      const total = (a?.byCode ?? []).reduce((x, s) => x + s.count, 0);
      const item = new vscode.TreeItem(uri.path.split('/').pop() ?? n.uri, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = uri;
      item.description = `${total.toLocaleString('en-US')} finding(s)${a?.summary ? ` · ${a.summary.lines.toLocaleString('en-US')} lines` : ''}`;
      item.tooltip = uri.scheme === 'file' ? uri.fsPath : n.uri;
      item.contextValue = 'findings.file';
      return item;
    }
    const s = n.s;
    if (n.type === 'code') {
      const item = new vscode.TreeItem(`${s.title}`, s.first !== null ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      const at = (l: number) => (l + 1).toLocaleString('en-US');
      const lines = s.first === null ? '' : s.first === s.last ? ` · line ${at(s.first)}` : ` · lines ${at(s.first)}–${at(s.last ?? s.first)}`;
      item.description = `${s.count.toLocaleString('en-US')}× ${s.code}${lines}${s.notKept ? ` · ${s.notKept.toLocaleString('en-US')} over the cap, not in Problems` : ''}`;
      item.iconPath = new vscode.ThemeIcon(ICON[s.severity] ?? 'circle-outline');
      item.contextValue = 'findings.code';
      if (s.first !== null) item.command = reveal(n.uri, s.first, s.code);
      return item;
    }
    const item = new vscode.TreeItem(
      `${n.which === 'first' ? 'First' : 'Last'}: line ${(n.line + 1).toLocaleString('en-US')}`,
      vscode.TreeItemCollapsibleState.None,
    );
    item.command = reveal(n.uri, n.line, s.code);
    item.contextValue = 'findings.line';
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

function reveal(uri: string, line: number, code: string): vscode.Command {
  const args: RevealFindingArgs = { uri, line, code };
  return { command: CLIENT_COMMANDS.revealFinding, title: 'Open', arguments: [args] };
}
