// The troubleshooting tree: "Confirm Application Security is running", then steps 1-4, each with its checks and
// their evidence. The language server computes the steps (asm/steps, with core/steps computeSteps: the same
// function as `asm-troubleshooter steps`) from the logs it analyses, the workspace scan, the agent check and the
// test attack, and pushes every recomputation (asm/steps/changed). This provider sends it the settings, asks for a
// rescan when the workspace changes, and renders what it receives.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import type { StepId } from '../core/finding';
import { METHODS, type CheckReport, type ExtraChecksParams, type LanguageDetection, type ResolvedAgentAddress, type AgentCheckResult, type StepReport, type StepsParams, type StepsState } from '../server/protocol';
import type { Evidence, StepStatus } from '../core/steps';

export type Node =
  | { type: 'step'; step: StepReport }
  | { type: 'check'; step: StepReport; check: CheckReport }
  | { type: 'evidence'; step: StepReport; check: CheckReport; evidence: Evidence };

export type StepsClient = Pick<LanguageClient, 'sendRequest' | 'onNotification' | 'onDidChangeState' | 'isRunning'>;

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

/** What "run the check" does on a step node that has no command of its own. */
export const STEP_COMMAND: Record<StepId, string> = {
  running: 'asmTroubleshooter.refreshSteps',
  'test-attack': 'asmTroubleshooter.sendTestAttack',
  integrations: 'asmTroubleshooter.refreshSteps',
  agent: 'asmTroubleshooter.checkAgent',
  backend: 'asmTroubleshooter.refreshSteps',
};

/** The first local workspace folder (the server reads files from disk). */
export function localFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
}

export class StepsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private state: StepsState = { seq: -1, steps: [], language: { language: null, source: null, reason: 'not detected yet' } };
  private readonly running = new Set<StepId>();
  private readonly subs: vscode.Disposable[] = [];
  private scanning: Promise<void> = Promise.resolve();
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly log: (s: string) => void;

  constructor(private readonly client: StepsClient, opts: { log?: (s: string) => void; autoScan?: boolean } = {}) {
    this.log = opts.log ?? (() => undefined);
    this.subs.push(client.onNotification(METHODS.stepsChanged, (s: StepsState) => this.apply(s)));
    // The server (re)started: it knows nothing yet; a restarted one counts its states from zero again.
    this.subs.push(
      client.onDidChangeState((e) => {
        if (e.newState !== State.Running) return;
        this.state = { ...this.state, seq: -1 };
        if (opts.autoScan !== false) this.scheduleRescan(0);
      }),
    );
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('asmTroubleshooter.language')) this.refresh();
        if (e.affectsConfiguration('asmTroubleshooter.logs.globs') || e.affectsConfiguration('asmTroubleshooter.agent.url')) this.scheduleRescan(0);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRescan(0)),
    );
    // Logs, env files, compose/Kubernetes manifests and Dockerfiles changing on disk: rescan, debounced.
    const watcher = vscode.workspace.createFileSystemWatcher('**/{*.log,.env,.env.*,*.yml,*.yaml,Dockerfile,launch.json,package.json,go.mod,pom.xml,Gemfile,composer.json}');
    const onFs = (uri: vscode.Uri) => {
      if (!/[\\/](node_modules|\.git)[\\/]/.test(uri.fsPath)) this.scheduleRescan(2000);
    };
    this.subs.push(watcher, watcher.onDidChange(onFs), watcher.onDidCreate(onFs), watcher.onDidDelete(onFs));
    if (opts.autoScan !== false && client.isRunning()) this.scheduleRescan(0);
  }

  /** What the server needs to know: the workspace folder and the settings (restricted ones already filtered by trust). */
  params(rescan: boolean): StepsParams {
    const folder = localFolder();
    const cfg = vscode.workspace.getConfiguration('asmTroubleshooter', folder?.uri);
    return {
      workspaceFolder: folder?.uri.fsPath ?? null,
      settings: {
        language: vscode.workspace.getConfiguration('asmTroubleshooter').get<string>('language'),
        logsGlobs: cfg.get<string[]>('logs.globs') ?? [],
        agentUrl: cfg.get<string>('agent.url'),
      },
      rescan,
    };
  }

  /** A state from the server (a response or a push); an older one arriving late is ignored. */
  apply(s: StepsState): void {
    if (!s || s.seq < this.state.seq) return;
    this.state = s;
    void vscode.commands.executeCommand('setContext', 'asmTroubleshooter.hasEvidence', s.steps.some((x) => x.status !== 'unknown'));
    this.emitter.fire(undefined);
  }

  private async ask(params: StepsParams): Promise<void> {
    if (!this.client.isRunning()) return;
    try {
      this.apply(await this.client.sendRequest<StepsState>(METHODS.steps, params));
    } catch (e) {
      this.log(`steps: ${(e as Error).message}`);
    }
  }

  /**
   * Checks computed by commands. A producer's new checks replace its earlier ones for that step; different
   * producers (`source`) add up. (The agent check and the test attack record theirs in the server directly.)
   */
  async setExtraChecks(step: StepId, checks: CheckReport[], source = 'default'): Promise<void> {
    const p: ExtraChecksParams = { step, checks, source };
    try {
      this.apply(await this.client.sendRequest<StepsState>(METHODS.extraChecks, p));
    } catch (e) {
      this.log(`steps: ${(e as Error).message}`);
    }
  }

  setRunning(step: StepId, running: boolean): void {
    if (running) this.running.add(step);
    else this.running.delete(step);
    this.emitter.fire(undefined);
  }

  isRunning(step: StepId): boolean {
    return this.running.has(step);
  }

  getSteps(): StepReport[] {
    return this.state.steps;
  }
  getLanguage(): LanguageDetection {
    return this.state.language;
  }
  getAgentAddress(): ResolvedAgentAddress | undefined {
    return this.state.address;
  }
  getAgentResult(): AgentCheckResult | undefined {
    return this.state.agentResult;
  }

  /** Waits for the running workspace scan (tests). */
  whenScanned(): Promise<void> {
    return this.scanning;
  }

  scheduleRescan(delayMs: number): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.rescan(), delayMs);
  }

  /** The server re-reads the workspace (environment, agent address, language markers, configured logs); bounded, cancellable there. */
  rescan(): Promise<void> {
    clearTimeout(this.rescanTimer);
    this.scanning = this.ask(this.params(true));
    return this.scanning;
  }

  /** Recomputes every status from what the server knows now (with the current settings). */
  refresh(): Promise<void> {
    return this.ask(this.params(false));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.type === 'step') {
      const s = n.step;
      const label = s.number ? `${s.number}. ${s.title}` : s.title;
      const item = new vscode.TreeItem(label, s.checks.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `step:${s.id}`;
      const busy = this.running.has(s.id);
      const language = this.state.language;
      item.description = busy ? 'running…' : s.description;
      item.iconPath = icon(busy ? 'running' : s.status);
      const md = new vscode.MarkdownString(`**${label}** — ${busy ? 'running' : s.status}\n\n${s.description}${s.id === 'running' && language.language ? `\n\nLanguage: ${language.language} (${language.reason})` : ''}\n\n[Documentation](${s.doc})`);
      item.tooltip = md;
      item.contextValue = `step.${s.id}.runnable`;
      item.accessibilityInformation = { label: `${label}: ${busy ? 'running' : s.status}. ${s.description}` };
      return item;
    }
    if (n.type === 'check') {
      const c = n.check;
      const item = new vscode.TreeItem(c.title, c.evidence.length ? (c.status === 'pass' || c.status === 'unknown' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded) : vscode.TreeItemCollapsibleState.None);
      // The status is part of the id: a check that starts failing is a new item, shown expanded (VS Code keeps
      // the collapse state per id).
      item.id = `check:${n.step.id}:${c.title}:${c.status}`;
      item.iconPath = icon(c.status);
      item.description = c.evidence.length ? `${c.status === 'unknown' ? '' : `${c.status} · `}${c.evidence.length} evidence` : c.status === 'unknown' ? 'not proven yet' : c.status;
      const tip = new vscode.MarkdownString();
      tip.appendMarkdown(`**${c.title}** — ${c.status}\n\n`);
      if (c.hint) tip.appendText(c.hint);
      item.tooltip = tip;
      item.contextValue = c.command ? 'check.runnable' : 'check';
      item.accessibilityInformation = { label: `${c.title}: ${c.status}` };
      return item;
    }
    const e = n.evidence;
    const item = new vscode.TreeItem(e.text.length > 140 ? e.text.slice(0, 137) + '…' : e.text, vscode.TreeItemCollapsibleState.None);
    item.tooltip = e.text;
    if (e.status && e.status !== n.check.status) item.iconPath = icon(e.status);
    if (e.file) {
      item.description = `${e.file.split(/[\\/]/).pop()}${e.line !== undefined ? `:${e.line + 1}` : ''}`;
      const uri = vscode.Uri.file(e.file);
      const line = e.line ?? 0;
      item.resourceUri = uri;
      item.command = { command: 'asmTroubleshooter.revealFinding', title: 'Open evidence', arguments: [{ uri: uri.toString(), line, code: e.code }] };
      item.contextValue = e.code ? 'evidence.file.finding' : 'evidence.file';
    } else item.contextValue = 'evidence';
    return item;
  }

  getChildren(n?: Node): Node[] {
    // Nothing known yet: an empty tree lets the viewsWelcome buttons show.
    const steps = this.state.steps;
    if (!n) return steps.some((s) => s.status !== 'unknown') ? steps.map((step) => ({ type: 'step', step })) : [];
    if (n.type === 'step') return n.step.checks.map((check) => ({ type: 'check', step: n.step, check }));
    if (n.type === 'check') return n.check.evidence.map((evidence) => ({ type: 'evidence', step: n.step, check: n.check, evidence }));
    return [];
  }

  getParent(n: Node): Node | undefined {
    if (n.type === 'evidence') return { type: 'check', step: n.step, check: n.check };
    if (n.type === 'check') return { type: 'step', step: n.step };
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.rescanTimer);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
