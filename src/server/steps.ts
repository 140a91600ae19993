// The troubleshooting steps, computed in the server with core/evidence computeVerdict (the function behind
// `asm-troubleshooter steps`). Evidence: the complete analyses the server publishes (open documents and
// asm/analyzeFile, from DiagnosticsService.listener — never the capped asm/analysis notification), configured log files analysed in the background
// (bounded), the service's environment and agent address (workspace files), the agent check and the test attack
// (extra checks). Every recomputation is pushed to the client (asm/steps/changed), which only renders it.
import { fileURLToPath } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import type { EnvSource, ResolvedAgentAddress } from '../core/agent/address';
import type { AgentCheckResult } from '../core/agent/check';
import type { StepId } from '../core/finding';
import { kb, LANGUAGES, type Language } from '../core/kb';
import { enableInstructionsMarkdown, isLanguage, type LanguageDetection } from '../core/language';
import type { DocAnalysis, DocKind } from '../core/analyze';
import { computeVerdict, type ServiceVerdict } from '../core/evidence/verdict';
import { intakeChecks } from '../core/evidence/live';
import { agentStatusCheckEvidence } from '../core/agent/status';
import type { ReceivedTrace } from '../core/intake/server';
import type { CheckReport, StepReport, SummaryEvidence } from '../core/steps';
import { assembleVerdictInputs, gatherWorkspaceEvidence, stepFindings, summaryEvidence, type LogEvidence, type OpenAnalysis } from '../core/steps-inputs';
import {
  Notifications,
  notify,
  Requests,
  type ExtraChecksParams,
  type LanguageChoice,
  type StepsParams,
  type StepsSettings,
  type StepsState,
} from './protocol';

/** Background analysis bounds: files, bytes per file. */
export const MAX_BACKGROUND_FILES = 50;
export const MAX_BACKGROUND_BYTES = 64 * 1024 * 1024;

/** A log with evidence (open, analysed from disk or in the background), for the support bundle. */
export interface LogFileEvidence {
  path: string;
  summary: SummaryEvidence | null;
  findingLines: number[];
  appsec: string | null;
}

type Conn = Pick<Connection, 'sendNotification' | 'console'>;

function fsPath(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

/** An untitled or virtual document's path, as vscode.Uri#fsPath gives it ("untitled:Untitled-1" → "Untitled-1"). */
function uriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/** What makes two asm/steps requests ask for the same scan. */
function primedKey(p: StepsParams): string {
  return JSON.stringify([p.workspaceFolder ?? null, p.settings ?? {}]);
}

export class StepsService {
  /** The complete analyses the server published per URI, in publication order. */
  private readonly docs = new Map<string, { kind: DocKind; a: DocAnalysis }>();
  private readonly extra = new Map<StepId, Map<string, CheckReport[]>>();
  private background: LogEvidence[] = [];
  private environment: EnvSource[] = [];
  private workspaceLanguages: { language: Language; file: string }[] = [];
  private address: ResolvedAgentAddress | undefined;
  private agentResult: AgentCheckResult | undefined;
  private language: LanguageDetection = { language: null, source: null, reason: 'not detected yet' };
  private steps: StepReport[] = [];
  private services: ServiceVerdict[] = [];
  private seq = 0;
  private folder: string | null = null;
  private settings: StepsSettings = {};
  private scan: AbortController | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private pushTimer: NodeJS.Timeout | undefined;
  /** Set by the client's first asm/steps (or its initializationOptions): until then nothing is computed or pushed (plain LSP clients never ask). */
  private active = false;
  /** The parameters of the scan started at initialize, until the client's first asm/steps. */
  private primed: string | undefined;

  constructor(
    private readonly connection: Conn,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  /** Registers asm/steps, asm/steps/extraChecks, asm/languages, asm/enableInstructions. */
  register(connection: Pick<Connection, 'onRequest'>): void {
    connection.onRequest(Requests.steps, (p: StepsParams, token: CancellationToken) => this.request(p, token));
    connection.onRequest(Requests.extraChecks, (p: ExtraChecksParams) => {
      this.setExtraChecks(p.step, p.checks, p.source);
      return this.state();
    });
    connection.onRequest(Requests.languages, (): LanguageChoice[] => LANGUAGES.map((l) => ({ id: l, name: kb().tracer(l).name })));
    connection.onRequest(Requests.enableInstructions, (p: { language?: string | null }) =>
      enableInstructionsMarkdown(isLanguage(p?.language) ? p.language : null),
    );
  }

  /**
   * The client's steps parameters sent with initialize (initializationOptions.steps): the workspace scan starts at
   * once, while the client finishes starting, and its verdict is pushed; the client's first asm/steps with the same
   * parameters joins that scan. Malformed options are ignored (a plain LSP client sends none).
   */
  prime(options: unknown): boolean {
    const p = (options as { steps?: unknown } | null | undefined)?.steps as StepsParams | undefined;
    if (!p || typeof p !== 'object' || (p.workspaceFolder !== null && typeof p.workspaceFolder !== 'string')) return false;
    if (!p.settings || typeof p.settings !== 'object' || Array.isArray(p.settings)) return false;
    this.configure(p);
    this.primed = primedKey(p);
    void this.rescan();
    return true;
  }

  async request(p: StepsParams, token?: CancellationToken): Promise<StepsState> {
    const joinPrimed = p?.rescan === true && this.primed !== undefined && this.primed === primedKey(p);
    this.primed = undefined;
    if (joinPrimed) {
      await this.scanning;
      return this.state();
    }
    this.configure(p);
    if (p.rescan) {
      const done = this.rescan();
      const sub = token?.onCancellationRequested(() => this.scan?.abort());
      await done;
      sub?.dispose();
    } else this.compute();
    return this.state();
  }

  private configure(p: StepsParams): void {
    this.active = true;
    this.folder = p?.workspaceFolder ?? null;
    this.settings = p?.settings ?? {};
  }

  /**
   * Every complete analysis the diagnostics service publishes (DiagnosticsService.listener): the open documents'
   * evidence, every finding (not the client's capped notification). Recomputes soon after, coalescing bursts.
   */
  published(uri: string, kind: DocKind, a: DocAnalysis): void {
    this.docs.delete(uri); // keep publication order
    this.docs.set(uri, { kind, a });
    this.schedulePush();
  }

  closed(uri: string): void {
    if (this.docs.delete(uri)) this.schedulePush();
  }

  private schedulePush(): void {
    if (this.pushTimer || !this.active) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      this.compute();
    }, 20);
  }

  setExtraChecks(step: StepId, checks: CheckReport[], source = 'default'): void {
    let m = this.extra.get(step);
    if (!m) this.extra.set(step, (m = new Map()));
    m.set(source, checks);
    this.compute();
  }

  /** A trace the local intake received: live evidence (core/evidence/live), newest per step and service. */
  observeIntake(t: ReceivedTrace): void {
    const checks = intakeChecks(t);
    if (!checks.length) return;
    for (const { step, check } of checks) {
      let m = this.extra.get(step);
      if (!m) this.extra.set(step, (m = new Map()));
      m.set(`intake:${check.id}:${check.service ?? ''}`, [check]);
    }
    this.schedulePush();
  }

  setAgentResult(address: ResolvedAgentAddress, result: AgentCheckResult): void {
    this.address = address;
    this.agentResult = result;
    this.compute();
  }

  state(): StepsState {
    return {
      seq: this.seq,
      steps: this.steps,
      services: this.services,
      language: this.language,
      ...(this.address ? { address: this.address } : {}),
      ...(this.agentResult ? { agentResult: this.agentResult } : {}),
    };
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

  /** Waits for the running background scan (the support bundle). */
  whenScanned(): Promise<void> {
    return this.scanning;
  }

  /** Every log file with evidence (published by the server or analysed in the background), with its summary. */
  getLogFiles(): LogFileEvidence[] {
    const out = new Map<string, LogFileEvidence>();
    for (const a of this.background) out.set(a.path, { path: a.path, summary: a.summary, findingLines: a.findings.map((f) => f.line ?? 0), appsec: a.appsec });
    for (const [uri, { kind, a }] of this.docs) {
      const file = kind === 'log' ? fsPath(uri) : null;
      if (!file) continue;
      out.set(file, {
        path: file,
        summary: a.summary ? summaryEvidence(file, a.summary) : null,
        findingLines: a.findings.map((f) => f.range.start.line),
        appsec: a.summary?.appsec ?? null,
      });
    }
    return [...out.values()];
  }

  /** Re-reads the workspace: environment, agent address, language markers, configured log files. Bounded, cancellable. */
  rescan(): Promise<void> {
    this.scan?.abort();
    const ctl = new AbortController();
    this.scan = ctl;
    this.scanning = this.doRescan(ctl.signal).catch((e) => this.connection.console.warn(`steps: workspace scan failed: ${(e as Error).message}`));
    return this.scanning;
  }

  /**
   * The same gathering as `asm-troubleshooter steps` (core/steps-inputs), bounded for a background scan: at most
   * MAX_BACKGROUND_FILES logs of at most MAX_BACKGROUND_BYTES each, only logs (ini files are open documents'
   * business), no agent check (asm/checkAgent runs it). Workspace-relative globs need a workspace folder.
   */
  private async doRescan(signal: AbortSignal): Promise<void> {
    const evidence = await gatherWorkspaceEvidence({
      workspaceDir: this.folder ?? undefined,
      env: this.env,
      logs: { globs: this.settings.logsGlobs, maxFiles: MAX_BACKGROUND_FILES, maxBytes: MAX_BACKGROUND_BYTES, logsOnly: true },
      agent: { url: this.settings.agentUrl, check: 'never' },
      signal,
      onTooLarge: (file) =>
        this.connection.console.info(`steps: ${file} is larger than ${MAX_BACKGROUND_BYTES} bytes; open it (or run "Analyze Log File…") to analyse it`),
      // Environment, address and language markers are quick: show them before the logs are analysed.
      onEnvironment: (e) => {
        this.environment = e.environment;
        if (this.address?.url !== e.address.url) this.agentResult = undefined; // a result for another address is stale
        this.address = e.address;
        this.workspaceLanguages = e.workspaceLanguages;
        this.compute();
      },
    });
    if (!evidence || signal.aborted) return;
    this.background = evidence.logs;
    this.connection.console.info(`steps: ${evidence.logs.length} log file(s) analysed in the background`);
    this.compute();
  }

  /** Recomputes every status from what is known now (synchronous, cheap) and pushes it to the client. */
  compute(): StepsState {
    clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
    // A published analysis (live, with unsaved edits) replaces the background analysis of the same file.
    const open: OpenAnalysis[] = [...this.docs].map(([uri, { a }]) => {
      const file = fsPath(uri) ?? uriPath(uri);
      const agentEvidence = a.agentStatus ? agentStatusCheckEvidence(a.agentStatus, file) : undefined;
      return {
        file,
        findings: stepFindings(file, a.findings, a.timeline),
        summary: a.summary ? summaryEvidence(file, a.summary) : null,
        ...(a.timeline ? { timeline: a.timeline } : {}),
        ...(agentEvidence ? { agentEvidence } : {}),
      };
    });
    const extraChecks: Partial<Record<StepId, CheckReport[]>> = {};
    for (const [step, m] of this.extra) extraChecks[step] = [...m.values()].flat();
    const scope = this.settings.scope ?? { kind: 'all' };
    const { inputs, language } = assembleVerdictInputs(
      {
        environment: this.environment,
        address: this.address,
        agentResult: this.agentResult,
        workspaceLanguages: this.workspaceLanguages,
        logs: scope.kind === 'open' ? [] : this.background,
      },
      { languageSetting: this.settings.language, open, extraChecks },
    );
    this.language = language;
    if (scope.kind === 'file') inputs.files = inputs.files.filter((f) => f.file === scope.path);
    const verdict = computeVerdict(inputs);
    const one = scope.kind === 'service' ? verdict.services.find((s) => s.key === scope.key) : undefined;
    this.steps = one ? one.steps : verdict.steps;
    this.services = one ? [one] : verdict.services;
    this.seq++;
    const state = this.state();
    if (this.active) notify(this.connection, Notifications.stepsChanged, state);
    return state;
  }

  dispose(): void {
    clearTimeout(this.pushTimer);
    this.scan?.abort();
  }
}
