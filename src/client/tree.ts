// The troubleshooting tree: "Confirm Application Security is running", then steps 1-4, each with its checks and
// their evidence. The language server computes the steps (asm/steps, with core/steps computeSteps: the same
// function as `asm-troubleshooter steps`) from the logs it analyses, the workspace scan, the agent check and the
// test attack, and pushes every recomputation (asm/steps/changed). This provider sends it the settings, asks for a
// rescan when the workspace changes, and renders what it receives.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import type { StepId } from '../core/finding';
import {
  Notifications,
  Requests,
  type CheckReport,
  type LanguageDetection,
  type ResolvedAgentAddress,
  type AgentCheckResult,
  type ServiceVerdict,
  type StepReport,
  type StepsParams,
  type StepsScope,
  type StepsState,
} from '../server/protocol';
import type { Evidence, StepStatus } from '../core/steps';
import type { RevealFindingArgs } from '../server/commands';

/** `service` is set when the workspace holds more than one service (the tree then has a service level). */
export type Node =
  | { type: 'service'; service: ServiceVerdict }
  | { type: 'step'; step: StepReport; service?: ServiceVerdict }
  | { type: 'check'; step: StepReport; check: CheckReport; service?: ServiceVerdict }
  | { type: 'evidence'; step: StepReport; check: CheckReport; evidence: Evidence; service?: ServiceVerdict };

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
  /** What the steps judge (Choose Steps Scope): all evidence, the open logs, one service, one file. */
  private scope: StepsScope = { kind: 'all' };

  constructor(
    private readonly client: StepsClient,
    opts: { log?: (s: string) => void; autoScan?: boolean } = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.subs.push(client.onNotification(Notifications.stepsChanged, (s: StepsState) => this.apply(s)));
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
        if (e.affectsConfiguration('asmTroubleshooter.language')) void this.refresh();
        if (e.affectsConfiguration('asmTroubleshooter.logs.globs') || e.affectsConfiguration('asmTroubleshooter.agent.url')) this.scheduleRescan(0);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRescan(0)),
    );
    // Logs, env files, compose/Kubernetes manifests and Dockerfiles changing on disk: rescan, debounced.
    const watcher = vscode.workspace.createFileSystemWatcher(
      '**/{*.log,.env,.env.*,*.yml,*.yaml,Dockerfile,launch.json,package.json,go.mod,pom.xml,Gemfile,composer.json}',
    );
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
        scope: this.scope,
      },
      rescan,
    };
  }

  /** A state from the server (a response or a push); an older one arriving late is ignored. */
  apply(s: StepsState): void {
    if (!s || s.seq < this.state.seq) return;
    this.state = s;
    void vscode.commands.executeCommand(
      'setContext',
      'asmTroubleshooter.hasEvidence',
      s.steps.some((x) => x.status !== 'unknown'),
    );
    this.emitter.fire(undefined);
  }

  private async ask(params: StepsParams): Promise<void> {
    if (!this.client.isRunning()) return;
    try {
      this.apply(await this.client.sendRequest(Requests.steps, params));
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

  getScope(): StepsScope {
    return this.scope;
  }

  /** Sets what the steps judge and recomputes (the server keeps every analysis: nothing is re-read). */
  setScope(scope: StepsScope): Promise<void> {
    this.scope = scope;
    return this.refresh();
  }

  /** The quick pick of Choose Steps Scope: all evidence, open logs only, one service, one file. */
  async chooseScope(): Promise<void> {
    type Item = vscode.QuickPickItem & { scope: StepsScope };
    const services = this.state.services ?? [];
    const files = [...new Set(services.flatMap((s) => s.files))].sort();
    const items: Item[] = [
      { label: 'All evidence', description: "open documents, the workspace's logs and configuration", scope: { kind: 'all' } },
      { label: 'Open logs only', description: 'only documents open in the editor', scope: { kind: 'open' } },
      ...services.map((s): Item => ({ label: `Service: ${s.service ?? 'unnamed'}`, description: s.summary, scope: { kind: 'service', key: s.key } })),
      ...files.slice(0, 200).map((f): Item => ({ label: `File: ${f.split(/[\\/]/).pop()}`, description: f, scope: { kind: 'file', path: f } })),
    ];
    const current = JSON.stringify(this.scope);
    for (const i of items) if (JSON.stringify(i.scope) === current) i.picked = true;
    const pick = await vscode.window.showQuickPick(items, {
      title: 'What the troubleshooting steps judge',
      placeHolder: 'All evidence, the open logs, one service or one file',
    });
    if (pick) await this.setScope(pick.scope);
  }

  /** Recomputes every status from what the server knows now (with the current settings). */
  refresh(): Promise<void> {
    return this.ask(this.params(false));
  }

  /** The services with a verdict, when there are several (else the tree shows the steps at the top). */
  getServices(): ServiceVerdict[] {
    const s = this.state.services ?? [];
    return s.length > 1 ? s : [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.type === 'service') {
      const v = n.service;
      const name = v.service ?? 'Unnamed service';
      const status = worstOf(v.steps.map((s) => s.status));
      const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `service:${v.key}`;
      item.iconPath = icon(status);
      item.description = v.summary || (v.env ? `env ${v.env}` : '');
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**${name}**${v.env ? ` (env ${v.env})` : ''}${v.language ? ` — ${v.language}` : ''}\n\n`);
      if (v.summary) md.appendText(v.summary + '\n\n');
      for (const c of v.conflicts) md.appendText(c + '\n\n');
      if (v.files.length) md.appendText(`Logs: ${v.files.map((f) => f.split(/[\\/]/).pop()).join(', ')}`);
      item.tooltip = md;
      item.contextValue = 'service';
      item.accessibilityInformation = { label: `${name}: ${status}. ${v.summary}` };
      return item;
    }
    if (n.type === 'step') {
      const s = n.step;
      const label = s.number ? `${s.number}. ${s.title}` : s.title;
      const item = new vscode.TreeItem(label, s.checks.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `${n.service ? `service:${n.service.key}:` : ''}step:${s.id}`;
      const busy = this.running.has(s.id);
      const language = this.state.language;
      item.description = busy ? 'running…' : s.description;
      item.iconPath = icon(busy ? 'running' : s.status);
      const md = new vscode.MarkdownString(
        `**${label}** — ${busy ? 'running' : s.status}\n\n${s.description}${s.id === 'running' && language.language ? `\n\nLanguage: ${language.language} (${language.reason})` : ''}\n\n[Documentation](${s.doc})`,
      );
      item.tooltip = md;
      item.contextValue = `step.${s.id}.runnable`;
      item.accessibilityInformation = { label: `${label}: ${busy ? 'running' : s.status}. ${s.description}` };
      return item;
    }
    if (n.type === 'check') {
      const c = n.check;
      const item = new vscode.TreeItem(
        c.title,
        c.evidence.length
          ? c.status === 'pass' || c.status === 'unknown'
            ? vscode.TreeItemCollapsibleState.Collapsed
            : vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.None,
      );
      // The status is part of the id: a check that starts failing is a new item, shown expanded (VS Code keeps
      // the collapse state per id).
      item.id = `${n.service ? `service:${n.service.key}:` : ''}check:${n.step.id}:${c.id ?? c.title}:${c.status}`;
      item.iconPath = icon(c.status);
      item.description = c.evidence.length
        ? `${c.status === 'unknown' ? '' : `${c.status} · `}${c.evidence.length} evidence`
        : c.status === 'unknown'
          ? 'not proven yet'
          : c.status;
      const tip = new vscode.MarkdownString();
      tip.appendMarkdown(`**${c.title}** — ${c.status}\n\n`);
      if (c.hint) tip.appendText(c.hint);
      item.tooltip = tip;
      item.contextValue = c.command ? 'check.runnable' : 'check';
      item.accessibilityInformation = { label: `${c.title}: ${c.status}` };
      return item;
    }
    const e = n.evidence;
    const text = `${e.text}${e.count && e.count > 1 ? ` (×${e.count})` : ''}`;
    const item = new vscode.TreeItem(text.length > 140 ? text.slice(0, 137) + '…' : text, vscode.TreeItemCollapsibleState.None);
    item.tooltip = e.text;
    // Each row shows its own status (a failing row a failing icon, a passing row a passing one); history is neutral.
    if (e.history) item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'));
    else if (e.status) item.iconPath = icon(e.status);
    if (e.file) {
      const lines = e.line !== undefined ? `:${e.line + 1}${e.lastLine !== undefined && e.lastLine !== e.line ? `–${e.lastLine + 1}` : ''}` : '';
      item.description = `${e.file.split(/[\\/]/).pop()}${lines}`;
      const uri = vscode.Uri.file(e.file);
      const line = e.line ?? 0;
      item.resourceUri = uri;
      // The server sends the finding's range: the client has no analysis of a log the background scan read.
      const args: RevealFindingArgs = { uri: uri.toString(), line, code: e.code, ...(e.range && e.range.start.line === line ? { range: e.range } : {}) };
      item.command = { command: 'asmTroubleshooter.revealFinding', title: 'Open evidence', arguments: [args] };
      item.contextValue = e.code ? 'evidence.file.finding' : 'evidence.file';
    } else item.contextValue = 'evidence';
    return item;
  }

  getChildren(n?: Node): Node[] {
    // Nothing known yet: an empty tree lets the viewsWelcome buttons show.
    const steps = this.state.steps;
    if (!n) {
      if (!steps.some((s) => s.status !== 'unknown')) return [];
      const services = this.getServices();
      return services.length ? services.map((service) => ({ type: 'service', service })) : steps.map((step) => ({ type: 'step', step }));
    }
    const service = n.type === 'service' ? n.service : n.service;
    const at = service ? { service } : {};
    if (n.type === 'service') return n.service.steps.map((step) => ({ type: 'step', step, ...at }));
    if (n.type === 'step') return n.step.checks.map((check) => ({ type: 'check', step: n.step, check, ...at }));
    if (n.type === 'check') return n.check.evidence.map((evidence) => ({ type: 'evidence', step: n.step, check: n.check, evidence, ...at }));
    return [];
  }

  getParent(n: Node): Node | undefined {
    const at = n.type !== 'service' && n.service ? { service: n.service } : {};
    if (n.type === 'evidence') return { type: 'check', step: n.step, check: n.check, ...at };
    if (n.type === 'check') return { type: 'step', step: n.step, ...at };
    if (n.type === 'step' && n.service) return { type: 'service', service: n.service };
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.rescanTimer);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

const RANK: Record<StepStatus, number> = { fail: 3, warning: 2, pass: 1, unknown: 0 };
function worstOf(statuses: StepStatus[]): StepStatus {
  return statuses.reduce<StepStatus>((a, s) => (RANK[s] > RANK[a] ? s : a), 'unknown');
}

/** Registers Choose Steps Scope for the tree. */
export function registerScopeCommand(context: vscode.ExtensionContext, tree: StepsTreeProvider): void {
  context.subscriptions.push(vscode.commands.registerCommand('asmTroubleshooter.chooseStepsScope', () => tree.chooseScope()));
}
