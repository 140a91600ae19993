// The troubleshooting tree: "Confirm Application Security is running", then steps 1-4, each with its checks and evidence.
import * as vscode from 'vscode';
import { computeSteps, type CheckReport, type Evidence, type StepReport, type StepStatus, type StepFinding } from '../core/steps';
import type { StepId } from '../core/finding';
import type { AnalysisStore } from './analysisStore';

type Node = { type: 'step'; step: StepReport } | { type: 'check'; step: StepReport; check: CheckReport } | { type: 'evidence'; evidence: Evidence };

const ICON: Record<StepStatus | 'running', [string, string]> = {
  pass: ['pass', 'testing.iconPassed'],
  fail: ['error', 'testing.iconFailed'],
  warning: ['warning', 'list.warningForeground'],
  unknown: ['circle-large-outline', 'disabledForeground'],
  running: ['loading~spin', 'foreground'],
};

function icon(s: StepStatus | 'running') {
  const [id, color] = ICON[s];
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

export class StepsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private steps: StepReport[] = [];
  private readonly running = new Set<StepId>();
  private readonly extra: Partial<Record<StepId, CheckReport[]>> = {};
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: AnalysisStore) {
    this.sub = store.onDidChange(() => this.refresh());
    this.refresh();
  }

  /** Checks computed by commands (agent check, test attack), replacing earlier ones of the same source. */
  setExtraChecks(step: StepId, checks: CheckReport[]): void {
    this.extra[step] = checks;
    this.refresh();
  }

  setRunning(step: StepId, running: boolean): void {
    if (running) this.running.add(step);
    else this.running.delete(step);
    this.emitter.fire(undefined);
  }

  getSteps(): StepReport[] {
    return this.steps;
  }

  refresh(): void {
    const findings: StepFinding[] = [];
    let language: string | null = null;
    for (const a of this.store.all()) {
      const file = vscode.Uri.parse(a.uri).fsPath;
      language ??= a.summary?.tracer ?? null;
      for (const f of a.findings) findings.push({ code: f.code, severity: f.severity, step: f.step as StepId | null, message: f.message, file, line: f.line });
    }
    this.steps = computeSteps({ language: language as never, findings, extraChecks: this.extra });
    void vscode.commands.executeCommand('setContext', 'asmTroubleshooter.hasEvidence', this.steps.some((s) => s.status !== 'unknown'));
    this.emitter.fire(undefined);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.type === 'step') {
      const s = n.step;
      const label = s.number ? `${s.number}. ${s.title}` : s.title;
      const item = new vscode.TreeItem(label, s.checks.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `step:${s.id}`;
      item.description = this.running.has(s.id) ? 'running…' : s.description;
      item.iconPath = icon(this.running.has(s.id) ? 'running' : s.status);
      item.tooltip = new vscode.MarkdownString(`**${label}** — ${s.status}\n\n[Documentation](${s.doc})`);
      item.contextValue = `step.${s.id}`;
      return item;
    }
    if (n.type === 'check') {
      const c = n.check;
      const item = new vscode.TreeItem(c.title, c.evidence.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.iconPath = icon(c.status);
      item.description = c.evidence.length ? `${c.evidence.length} evidence` : c.status;
      item.tooltip = c.hint ?? c.title;
      item.contextValue = c.command ? 'check.runnable' : 'check';
      if (c.command) item.command = { command: c.command, title: c.title };
      return item;
    }
    const e = n.evidence;
    const item = new vscode.TreeItem(e.text.length > 120 ? e.text.slice(0, 117) + '…' : e.text, vscode.TreeItemCollapsibleState.None);
    item.tooltip = e.text;
    if (e.file) {
      item.description = `${e.file.split(/[\\/]/).pop()}${e.line !== undefined ? `:${e.line + 1}` : ''}`;
      const uri = vscode.Uri.file(e.file);
      const line = e.line ?? 0;
      item.command = { command: 'vscode.open', title: 'Open evidence', arguments: [uri, { selection: new vscode.Range(line, 0, line, 0) }] };
      item.contextValue = 'evidence';
    }
    return item;
  }

  getChildren(n?: Node): Node[] {
    // Nothing known yet: an empty tree lets the viewsWelcome buttons show.
    if (!n) return this.steps.some((s) => s.status !== 'unknown') ? this.steps.map((step) => ({ type: 'step', step })) : [];
    if (n.type === 'step') return n.step.checks.map((check) => ({ type: 'check', step: n.step, check }));
    if (n.type === 'check') return n.check.evidence.map((evidence) => ({ type: 'evidence', evidence }));
    return [];
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
