// The custom LSP requests and notifications between the thin client and the language server, in one place: each
// one is a typed RequestType / NotificationType (as vscode-eslint does), so `client.sendRequest(Requests.steps, p)`
// and `connection.onRequest(Requests.steps, handler)` check params and results on both sides. No other module
// spells a method name (test/unit/protocol.test.ts fails on an 'asm/…' string literal elsewhere).
// The server runs the core (steps, agent, language, support bundle, test attack, local intake); the client only
// renders, asks and confirms. Apart from vscode-jsonrpc's type classes (the client bundles them anyway) this module
// only has `import type`, so it pulls no server or core code into the client.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ProgressToken, WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { DocAnalysis, DocKind } from '../core/analyze';
import type { FileKind } from '../core/files';
import type { LogSummary } from '../core/log/types';
import type { AgentCheckResult } from '../core/agent/check';
import type { ResolvedAgentAddress } from '../core/agent/address';
import type { AttackResult } from '../core/attack/attack';
import type { BlockingTestResult } from '../core/attack/blocking';
import type { SimulateSummary } from '../core/attack/simulate';
import type { StepId } from '../core/finding';
import type { AsmEvent } from '../core/intake/events';
import type { IntakeStats, ReceivedTrace } from '../core/intake/server';
import type { LanguageDetection } from '../core/language';
import type { CheckReport, StepReport } from '../core/steps';
import type { DiagnosticRun } from '../core/tools/run';
import type { Command, Range } from 'vscode-languageserver-protocol';
import type { ExcerptParams, ExcerptResult } from './excerpts';
import type { CodeSummary } from './findingsSummary';
import type { EnableAsmParams, EnableAsmResult, EnableAsmTargetsParams, EnableAsmTargetsResult } from './config';
import type { ServiceVerdict } from '../core/evidence/verdict';

export interface TracerDiagnosticTool {
  id: string;
  title: string;
  detail: string;
  commandLine: string;
}

export interface RunTracerDiagnosticsParams {
  tool: string;
  pid?: number;
  cwd?: string;
  timeoutMs?: number;
}

/** The requests, client → server. */
export const Requests = {
  /** With `rescan`, resolves when the workspace scan ends (or is superseded). */
  steps: new RequestType<StepsParams, StepsState, void>('asm/steps'),
  /** Checks computed elsewhere, by step and producer. */
  extraChecks: new RequestType<ExtraChecksParams, StepsState, void>('asm/steps/extraChecks'),
  /** The languages the steps know, with their tracer names. */
  languages: new RequestType0<LanguageChoice[], void>('asm/languages'),
  /** The markdown "how to enable ASM", the given language first. */
  enableInstructions: new RequestType<EnableInstructionsParams, string, void>('asm/enableInstructions'),
  /** Also feeds step 3. */
  checkAgent: new RequestType<CheckAgentParams, CheckAgentResult, void>('asm/checkAgent'),
  /** Assembled, redacted and written by the server; cancellable. */
  supportBundle: new RequestType<SupportBundleParams, SupportBundleResult, void>('asm/supportBundle'),
  /** One request to a target the client resolved and confirmed; cancellable. */
  attackSend: new RequestType<AttackSendParams, AttackResult, void>('asm/attack/send'),
  /** Waits for the intake's span, records the step-1 checks; cancellable. */
  attackFinish: new RequestType<AttackFinishParams, AttackFinishResult, void>('asm/attack/finish'),
  attackCurl: new RequestType<CurlParams, string, void>('asm/attack/curl'),
  /** The knowledge base's test-attack user agent (rule ua0-600-12x). */
  attackUserAgent: new RequestType0<string, void>('asm/attack/defaultUserAgent'),
  /** User-Agent dd-test-scanner-log-block, the verdict and its finding; cancellable. */
  blockingTest: new RequestType<BlockingTestParams, BlockingTestResult, void>('asm/attack/blockingTest'),
  /** With a workDoneToken; cancellable (the summary says so). */
  simulate: new RequestType<SimulateParams & WorkDoneProgressParams, SimulateSummary, void>('asm/simulate'),
  /**
   * Starts the local trace intake in the server process (at most one); forwardTo: proxy mode to the user's Agent
   * (loopback, or a host in confirmedHosts); activateAsm: answer /v0.7/config with ASM_FEATURES asm.enabled (local
   * 1-click activation).
   */
  intakeStart: new RequestType<IntakeStartParams, IntakeInfo, void>('asm/intake/start'),
  /** null: it was not running. */
  intakeStop: new RequestType0<IntakeStats | null, void>('asm/intake/stop'),
  /** Oldest first, the newest `limit`. */
  intakeTraces: new RequestType<IntakeTracesParams, ReceivedTrace[], void>('asm/intake/traces'),
  /** Streams a log from disk (any size), with work-done progress and cancellation; publishes its diagnostics. */
  analyzeFile: new RequestType<AnalyzeFileParams, AnalyzeFileResult, void>('asm/analyzeFile'),
  /** The diagnostic tools the server knows (php --ri, ddtrace-run --info, dd-dotnet check, …). */
  listTracerDiagnostics: new RequestType0<TracerDiagnosticTool[], void>('asm/listTracerDiagnostics'),
  /** Runs one known tool by id, only when the user asked, with a timeout; cancellable. */
  runTracerDiagnostics: new RequestType<RunTracerDiagnosticsParams, DiagnosticRun, void>('asm/runTracerDiagnostics'),
  /** The lines around a line of a file on disk (any size), for a read-only excerpt. */
  excerpt: new RequestType<ExcerptParams, ExcerptResult, void>('asm/excerpt'),
  /** A stored finding's actions, for files VS Code cannot open (above 50 MB). */
  findingActions: new RequestType<FindingActionsParams, Command[], void>('asm/findingActions'),
  /** Forget a file's results (Problems and the client's views). */
  clearResults: new RequestType<{ uri: string }, null, void>('asm/clearResults'),
  /** The "Enable ASM for this service" edit of a deployment file (a WorkspaceEdit the client previews), or why not. */
  enableAsm: new RequestType<EnableAsmParams, EnableAsmResult, void>('asm/enableAsm'),
  /** The workspace's deployment files' services that an edit can turn ASM on for (a fresh scan of the folder). */
  enableAsmTargets: new RequestType<EnableAsmTargetsParams, EnableAsmTargetsResult, void>('asm/enableAsmTargets'),
} as const;

/** The notifications, server → client. */
export const Notifications = {
  /** The steps were recomputed (a log's analysis, a scan, a check completed). */
  stepsChanged: new NotificationType<StepsState>('asm/steps/changed'),
  /** A trace arrived at the local intake. */
  intakeTrace: new NotificationType<IntakeTraceNote>('asm/intake/trace'),
  /** A document's (or a file's) analysis summary, for the tree view and the status bar. */
  analysis: new NotificationType<SummaryNotification>('asm/analysis'),
  /** A document was closed: forget its summary. */
  closed: new NotificationType<ClosedNote>('asm/closed'),
} as const;

type MethodNames<T> = { [K in keyof T]: T[K] extends { method: infer M } ? M : never };
function methodNames<T extends Record<string, { method: string }>>(o: T): MethodNames<T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.method])) as MethodNames<T>;
}

/** Every method name, by key (for error messages, and for tests that talk raw JSON-RPC). */
export const METHODS = { ...methodNames(Requests), ...methodNames(Notifications) } as const;

/**
 * Sends a typed notification through anything with `sendNotification(method, params)`: the server's connection, or
 * the observed connection and test fakes that record the method name as a string.
 */
export function notify<P>(connection: { sendNotification(method: string, params?: unknown): unknown }, type: NotificationType<P>, params: P): void {
  void connection.sendNotification(type.method, params);
}

export interface EnableInstructionsParams {
  language?: string | null;
}

export interface IntakeStartParams {
  port?: number;
  forwardTo?: string;
  confirmedHosts?: string[];
  activateAsm?: boolean;
}

export interface IntakeTracesParams {
  limit?: number;
}

export interface ClosedNote {
  uri: string;
}

export interface SummaryNotification {
  uri: string;
  /** The document version; 0 for a file analysed from disk (asm/analyzeFile). */
  version: number;
  kind: DocKind;
  summary?: DocAnalysis['summary'];
  counts: Record<string, number>;
  /** Findings over the per-file cap, by code. */
  dropped?: Record<string, number>;
  /** Every finding (kept or over the cap) by code: count, first and last line (the client's ASM Findings view). */
  byCode?: CodeSummary[];
  /** The findings, for the client's tree view (code, severity, step, line, message). */
  findings: {
    code: string;
    severity: string;
    step: string | null;
    line: number;
    message: string;
    data?: Record<string, unknown>;
    range?: Range;
    docUrl?: string;
  }[];
}

export interface AnalyzeFileParams {
  uri: string;
  /** Findings kept (asmTroubleshooter.logs.maxFindingsPerFile); the rest are counted. */
  maxFindings?: number;
  workDoneToken?: ProgressToken;
}

export interface AnalyzeFileResult {
  uri: string;
  kind: FileKind;
  bytes: number;
  lines: number;
  /** Findings kept, by severity. */
  counts: Record<string, number>;
  /** Findings over the cap, by code. */
  dropped: Record<string, number>;
  notes: string[];
  summary?: LogSummary;
  /** A support archive's members (kind `archive`): each analysed under `archive!/member`. */
  members?: { path: string; kind: FileKind; counts: Record<string, number>; notes: string[]; summary?: LogSummary }[];
}

export interface FindingActionsParams {
  uri: string;
  line: number;
  code?: string;
}

/** The settings the steps depend on, as the client reads them (restricted ones already filtered by trust). */
export interface StepsSettings {
  /** asmTroubleshooter.language ('auto' or a language). */
  language?: string;
  /** asmTroubleshooter.logs.globs. */
  logsGlobs?: string[];
  /** asmTroubleshooter.agent.url. */
  agentUrl?: string;
  /** What the steps judge: all evidence (default), the open logs only, one service (its key), one file (its path). */
  scope?: StepsScope;
}

export type StepsScope = { kind: 'all' } | { kind: 'open' } | { kind: 'service'; key: string } | { kind: 'file'; path: string };

export interface StepsParams {
  /** The first local (file:) workspace folder's path, or null. */
  workspaceFolder: string | null;
  settings: StepsSettings;
  /** Re-read the workspace: environment, agent address, language markers, configured log files. */
  rescan?: boolean;
}

export interface StepsState {
  /** Increases with every computation: the client ignores an older state arriving late. */
  seq: number;
  steps: StepReport[];
  /** One verdict per service (core/evidence computeVerdict); the tree shows a service level when there are several. */
  services?: ServiceVerdict[];
  language: LanguageDetection;
  address?: ResolvedAgentAddress;
  agentResult?: AgentCheckResult;
}

export interface ExtraChecksParams {
  step: StepId;
  checks: CheckReport[];
  /** The producer: its new checks replace its earlier ones for that step; producers add up. */
  source: string;
}

export interface LanguageChoice {
  id: string;
  name: string;
}

export interface CheckAgentParams {
  workspaceFolder: string | null;
  agentUrl?: string;
  /** vscode.workspace.isTrusted; unless true the workspace's files are not used for the address (absent: untrusted). */
  trusted?: boolean;
  timeoutMs: number;
}

export interface CheckAgentResult {
  address: ResolvedAgentAddress;
  result: AgentCheckResult;
  /** describeSource(address.source): "DD_AGENT_HOST in .env (line 2)…". */
  source: string;
}

export interface SupportBundleParams {
  /** A folder the client chose (or created); the server writes the bundle there. */
  folder: string;
  extensionVersion: string;
  /** "Visual Studio Code 1.100.3". */
  host: string;
}

export interface SupportBundleResult {
  folder: string;
  /** Absolute paths, the markdown first. */
  files: string[];
  markdown: string;
  redactions: Record<string, number>;
}

export interface AttackSendParams {
  url: string;
  /** Empty: the knowledge base's default scanner user agent. */
  userAgent?: string;
  timeoutMs: number;
  /** Hosts the user confirmed in the client: a redirect to one of them is followed. */
  confirmedHosts: string[];
}

export interface AttackFinishParams {
  result: AttackResult;
  /** Date.now() before the first request: the intake's span must be newer. */
  since: number;
  waitMs: number;
  /** false: the user cancelled; record the checks without waiting for the span. */
  wait?: boolean;
}

export interface AttackFinishResult {
  /** The intake's appsec.event for this attack; null: none arrived in time; absent: no intake running. */
  event?: AsmEvent | null;
}

export interface CurlParams {
  url: string;
  userAgent?: string;
  timeoutMs: number;
}

export interface BlockingTestParams {
  url: string;
  timeoutMs: number;
  /** Hosts the user confirmed in the client; a target outside loopback must be among them. */
  confirmedHosts: string[];
  /** How long to wait for the span at the local intake when it runs (default 15 s). */
  waitMs?: number;
}

export interface SimulateParams {
  url: string;
  existingPath: string;
  missingPath: string;
  rounds: number;
  concurrency: number;
  maxRequestsPerSecond: number;
  timeoutMs: number;
  /** Hosts the user confirmed in the client; a target outside loopback must be among them (the server refuses otherwise). */
  confirmedHosts?: string[];
}

export interface IntakeInfo {
  url: string;
  port: number;
  requestedPort: number | null;
  agentUrlEnv: string;
  /** It was already running (start is idempotent). */
  alreadyRunning: boolean;
}

export interface IntakeTraceNote {
  seq: number;
  events: AsmEvent[];
  /** Traces held now. */
  count: number;
}

export type { ExcerptParams, ExcerptResult } from './excerpts';
export type {
  AgentCheckResult,
  AsmEvent,
  AttackResult,
  BlockingTestResult,
  IntakeStats,
  LanguageDetection,
  ReceivedTrace,
  ResolvedAgentAddress,
  SimulateSummary,
  StepReport,
  CheckReport,
  ServiceVerdict,
};
