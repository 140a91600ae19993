// The troubleshooting tree: "Confirm Application Security is running", then steps 1-4, each with its checks and
// their evidence. Statuses come from core/steps computeSteps (the same function as `asm-troubleshooter steps`).
// Evidence sources: the language server's analysis of open logs (AnalysisStore), configured log files analysed in
// the background (bounded), the service's environment and agent address (workspace files), the agent check and the
// test attack (extra checks set by their commands).
import * as vscode from 'vscode';
import { computeSteps, type CheckReport, type Evidence, type StepReport, type StepStatus, type StepFinding, type SummaryEvidence } from '../core/steps';
import type { StepId } from '../core/finding';
import { LANGUAGES, type Language } from '../core/kb';
import { analyzeFile } from '../core/files';
import { resolveAgentAddress, scanEnvironment, type EnvSource, type ResolvedAgentAddress } from '../core/agent/address';
import type { AgentCheckResult } from '../core/agent/check';
import { agentChecks } from '../core/agent/report';
import { isLanguage, languageFromLogs, workspaceLanguages, type LanguageDetection } from '../core/language';
import { defaultLogGlobs, expandGlobs, splitGlob } from '../core/workspace';
import type { AnalysisStore } from './analysisStore';

export type Node =
  | { type: 'step'; step: StepReport }
  | { type: 'check'; step: StepReport; check: CheckReport }
  | { type: 'evidence'; step: StepReport; check: CheckReport; evidence: Evidence };

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

/** Background analysis bounds: files, bytes per file. */
export const MAX_BACKGROUND_FILES = 50;
export const MAX_BACKGROUND_BYTES = 64 * 1024 * 1024;

interface FileAnalysis {
  findings: StepFinding[];
  summary: SummaryEvidence | null;
}

export class StepsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private steps: StepReport[] = [];
  private readonly running = new Set<StepId>();
  /** Extra checks by step and producer (the attack, the agent check…), so producers never clobber each other. */
  private readonly extra = new Map<StepId, Map<string, CheckReport[]>>();
  private readonly subs: vscode.Disposable[] = [];
  private background = new Map<string, FileAnalysis>();
  private environment: EnvSource[] = [];
  private workspaceLanguage: { language: Language; file: string } | null = null;
  private address: ResolvedAgentAddress | undefined;
  private agentResult: AgentCheckResult | undefined;
  private language: LanguageDetection = { language: null, source: null, reason: 'not detected yet' };
  private scan: AbortController | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly log: (s: string) => void;

  constructor(private readonly store: AnalysisStore, opts: { log?: (s: string) => void; autoScan?: boolean } = {}) {
    this.log = opts.log ?? (() => undefined);
    this.subs.push(store.onDidChange(() => this.refresh()));
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
    this.refresh();
    if (opts.autoScan !== false) this.scheduleRescan(0);
  }

  /**
   * Checks computed by commands (agent check, test attack). A producer's new checks replace its earlier ones for
   * that step; different producers (`source`) add up.
   */
  setExtraChecks(step: StepId, checks: CheckReport[], source = 'default'): void {
    let m = this.extra.get(step);
    if (!m) this.extra.set(step, (m = new Map()));
    m.set(source, checks);
    this.refresh();
  }

  setRunning(step: StepId, running: boolean): void {
    if (running) this.running.add(step);
    else this.running.delete(step);
    this.emitter.fire(undefined);
  }

  isRunning(step: StepId): boolean {
    return this.running.has(step);
  }

  /** The agent check's result (step 3), shown with the effective address and where it came from. */
  setAgentResult(address: ResolvedAgentAddress, result: AgentCheckResult): void {
    this.address = address;
    this.agentResult = result;
    this.refresh();
  }

  getSteps(): StepReport[] {
    return this.steps;
  }
  getLanguage(): LanguageDetection {
    return this.language;
  }
  getAgentAddress(): ResolvedAgentAddress | undefined {
    return this.address;
  }
  getAgentResult(): AgentCheckResult | undefined {
    return this.agentResult;
  }
  getEnvironment(): EnvSource[] {
    return this.environment;
  }
  /** Every log file with evidence (open in the editor or analysed in the background), with its summary. */
  getLogFiles(): { path: string; summary: SummaryEvidence | null; findingLines: number[]; appsec: string | null }[] {
    const out = new Map<string, { path: string; summary: SummaryEvidence | null; findingLines: number[]; appsec: string | null }>();
    for (const [file, a] of this.background) out.set(file, { path: file, summary: a.summary, findingLines: a.findings.map((f) => f.line ?? 0), appsec: null });
    for (const a of this.store.all()) {
      if (a.kind !== 'log' || !a.uri.startsWith('file:')) continue;
      const file = vscode.Uri.parse(a.uri).fsPath;
      out.set(file, {
        path: file,
        summary: a.summary ? { file, tracer: a.summary.tracer, version: a.summary.version, integrations: a.summary.integrations, disabledIntegrations: a.summary.disabledIntegrations } : null,
        findingLines: a.findings.map((f) => f.line),
        appsec: a.summary?.appsec ?? null,
      });
    }
    return [...out.values()];
  }

  /** Waits for the running background scan (tests, the support bundle). */
  whenScanned(): Promise<void> {
    return this.scanning;
  }

  scheduleRescan(delayMs: number): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.rescan(), delayMs);
  }

  /** Re-reads the workspace: environment, agent address, language markers, configured log files. Bounded, cancellable. */
  rescan(): Promise<void> {
    clearTimeout(this.rescanTimer);
    this.scan?.abort();
    const ctl = new AbortController();
    this.scan = ctl;
    this.scanning = this.doRescan(ctl.signal).catch((e) => this.log(`steps: workspace scan failed: ${(e as Error).message}`));
    return this.scanning;
  }

  private async doRescan(signal: AbortSignal): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    const dir = folder?.uri.fsPath;
    const cfg = vscode.workspace.getConfiguration('asmTroubleshooter', folder?.uri);
    const scan = await scanEnvironment({ env: process.env, workspaceDir: dir, signal });
    if (signal.aborted) return;
    this.environment = scan.sources;
    const explicit = cfg.get<string>('agent.url')?.trim();
    const address = await resolveAgentAddress({ env: process.env, workspaceDir: dir, explicitUrl: explicit || undefined, scan, signal });
    if (signal.aborted) return;
    if (this.address?.url !== address.url) this.agentResult = undefined; // a result for another address is stale
    this.address = address;
    this.workspaceLanguage = dir ? ((await workspaceLanguages(dir, { signal }))[0] ?? null) : null;
    this.refresh();
    await this.analyseBackgroundLogs(cfg.get<string[]>('logs.globs') ?? [], folder, signal);
    if (!signal.aborted) this.refresh();
  }

  /** Configured log globs (default: each tracer's log locations + **\/*.log), analysed with the core, bounded. */
  private async analyseBackgroundLogs(globs: string[], folder: vscode.WorkspaceFolder | undefined, signal: AbortSignal): Promise<void> {
    const patterns = globs.length ? globs : defaultLogGlobs();
    const files = new Set<string>();
    for (const g of patterns) {
      if (files.size >= MAX_BACKGROUND_FILES || signal.aborted) break;
      const absolute = g.startsWith('/') || g.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(g);
      if (absolute || !folder) {
        if (!absolute) continue;
        for (const f of await expandGlobs([g], { cwd: '/', maxFiles: MAX_BACKGROUND_FILES - files.size, signal })) files.add(f);
      } else {
        const { base, rest } = splitGlob(g);
        const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.joinPath(folder.uri, base), rest || '*'), '**/{node_modules,.git}/**', MAX_BACKGROUND_FILES - files.size);
        for (const u of uris) if (u.scheme === 'file') files.add(u.fsPath);
      }
    }
    const next = new Map<string, FileAnalysis>();
    for (const file of [...files].sort()) {
      if (signal.aborted) return;
      try {
        const st = await vscode.workspace.fs.stat(vscode.Uri.file(file));
        if (st.size > MAX_BACKGROUND_BYTES) {
          this.log(`steps: ${file} is larger than ${MAX_BACKGROUND_BYTES} bytes; open it (or run "Analyze Log File…") to analyse it`);
          continue;
        }
      } catch {
        continue;
      }
      const r = await analyzeFile(file, { signal });
      if (r.kind !== 'log') continue;
      next.set(file, {
        findings: r.findings.map((f) => ({ code: f.code, severity: f.severity, step: f.step, message: f.message, file, line: f.range.start.line })),
        summary: r.summary ? { file, tracer: r.summary.tracer, version: r.summary.version, integrations: r.summary.integrations, disabledIntegrations: r.summary.disabledIntegrations } : null,
      });
    }
    if (signal.aborted) return;
    this.background = next;
    this.log(`steps: ${next.size} log file(s) analysed in the background`);
  }

  /** Recomputes every status from what is known now (synchronous, cheap). */
  refresh(): void {
    const findings: StepFinding[] = [];
    const summaries: SummaryEvidence[] = [];
    const open = new Set<string>();
    for (const a of this.store.all()) {
      const file = vscode.Uri.parse(a.uri).fsPath;
      open.add(file);
      for (const f of a.findings) findings.push({ code: f.code, severity: f.severity, step: f.step as StepId | null, message: f.message, file, line: f.line });
      if (a.summary) summaries.push({ file, tracer: a.summary.tracer, version: a.summary.version, integrations: a.summary.integrations, disabledIntegrations: a.summary.disabledIntegrations });
    }
    // An open document's analysis (live, with unsaved edits) replaces the background analysis of the same file.
    for (const [file, a] of this.background) {
      if (open.has(file)) continue;
      findings.push(...a.findings);
      if (a.summary) summaries.push(a.summary);
    }
    this.language = this.detectLanguage(summaries);
    const extraChecks: Partial<Record<StepId, CheckReport[]>> = {};
    for (const [step, m] of this.extra) extraChecks[step] = [...m.values()].flat();
    const agent = agentChecks(this.address, this.agentResult);
    if (agent.length) extraChecks.agent = [...(extraChecks.agent ?? []), ...agent];
    this.steps = computeSteps({ language: this.language.language, findings, summaries, environment: this.environment, extraChecks });
    void vscode.commands.executeCommand('setContext', 'asmTroubleshooter.hasEvidence', this.steps.some((s) => s.status !== 'unknown'));
    this.emitter.fire(undefined);
  }

  private detectLanguage(summaries: SummaryEvidence[]): LanguageDetection {
    const setting = vscode.workspace.getConfiguration('asmTroubleshooter').get<string>('language');
    if (isLanguage(setting)) return { language: setting, source: 'setting', reason: `setting asmTroubleshooter.language = ${setting}` };
    const fromLogs = languageFromLogs(summaries.map((s) => ({ tracer: s.tracer, file: s.file })));
    if (fromLogs) return fromLogs;
    if (this.workspaceLanguage) return { language: this.workspaceLanguage.language, source: 'workspace', file: this.workspaceLanguage.file, reason: `${this.workspaceLanguage.file.split(/[\\/]/).pop()} in the workspace` };
    return { language: null, source: null, reason: `no tracer log and no build file of a supported language (${LANGUAGES.join(', ')}); set asmTroubleshooter.language` };
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.type === 'step') {
      const s = n.step;
      const label = s.number ? `${s.number}. ${s.title}` : s.title;
      const item = new vscode.TreeItem(label, s.checks.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `step:${s.id}`;
      const busy = this.running.has(s.id);
      item.description = busy ? 'running…' : s.description;
      item.iconPath = icon(busy ? 'running' : s.status);
      const md = new vscode.MarkdownString(`**${label}** — ${busy ? 'running' : s.status}\n\n${s.description}${s.id === 'running' && this.language.language ? `\n\nLanguage: ${this.language.language} (${this.language.reason})` : ''}\n\n[Documentation](${s.doc})`);
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
      item.command = { command: 'vscode.open', title: 'Open evidence', arguments: [uri, { selection: new vscode.Range(line, 0, line, 0), preview: true }] };
      item.contextValue = e.code ? 'evidence.file.finding' : 'evidence.file';
    } else item.contextValue = 'evidence';
    return item;
  }

  getChildren(n?: Node): Node[] {
    // Nothing known yet: an empty tree lets the viewsWelcome buttons show.
    if (!n) return this.steps.some((s) => s.status !== 'unknown') ? this.steps.map((step) => ({ type: 'step', step })) : [];
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
    this.scan?.abort();
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
