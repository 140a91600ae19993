// Per-file summary of the active log in the status bar: tracer, version, ASM on/off, agent, attacks.
import * as vscode from 'vscode';
import type { AnalysisStore } from './analysisStore';
import { summaryText } from './summaryText';

export { summaryText };

export function registerStatusBar(store: AnalysisStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('asmTroubleshooter.summary', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ASM Troubleshooter: log summary';
  item.command = 'asmTroubleshooter.steps.focus';
  const update = () => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const a = uri ? store.get(uri) : undefined;
    const t = a ? summaryText(a) : null;
    if (!t) {
      item.hide();
      return;
    }
    item.text = t.text;
    item.tooltip = t.tooltip;
    item.show();
  };
  const subs = [store.onDidChange(update), vscode.window.onDidChangeActiveTextEditor(update)];
  update();
  return vscode.Disposable.from(item, ...subs);
}
