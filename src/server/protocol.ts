// The custom LSP requests and notifications between the thin client and the language server, in one place.
// The server runs the core (steps, agent, language, support bundle, test attack, local intake); the client only
// renders, asks and confirms. This module has no runtime imports (only `import type`), so the client bundles just
// the method names below.
import type { AgentCheckResult } from '../core/agent/check';
import type { ResolvedAgentAddress } from '../core/agent/address';
import type { AttackResult } from '../core/attack/attack';
import type { SimulateSummary } from '../core/attack/simulate';
import type { StepId } from '../core/finding';
import type { AsmEvent } from '../core/intake/events';
import type { IntakeStats, ReceivedTrace } from '../core/intake/server';
import type { LanguageDetection } from '../core/language';
import type { CheckReport, StepReport } from '../core/steps';

export const METHODS = {
  /** StepsParams → StepsState. With `rescan`, resolves when the workspace scan ends (or is superseded). */
  steps: 'asm/steps',
  /** ExtraChecksParams → StepsState: checks computed elsewhere, by step and producer. */
  extraChecks: 'asm/steps/extraChecks',
  /** Server → client, StepsState: the steps were recomputed (a log's analysis, a scan, a check completed). */
  stepsChanged: 'asm/steps/changed',
  /** null → LanguageChoice[]: the languages the steps know, with their tracer names. */
  languages: 'asm/languages',
  /** {language} → string: the markdown "how to enable ASM", the given language first. */
  enableInstructions: 'asm/enableInstructions',
  /** CheckAgentParams → CheckAgentResult (also feeds step 3). */
  checkAgent: 'asm/checkAgent',
  /** SupportBundleParams → SupportBundleResult: assembled, redacted and written by the server; cancellable. */
  supportBundle: 'asm/supportBundle',
  /** AttackSendParams → AttackResult: one request to a target the client resolved and confirmed; cancellable. */
  attackSend: 'asm/attack/send',
  /** AttackFinishParams → AttackFinishResult: waits for the intake's span, records the step-1 checks; cancellable. */
  attackFinish: 'asm/attack/finish',
  /** CurlParams → string. */
  attackCurl: 'asm/attack/curl',
  /** null → string: the knowledge base's test-attack user agent (rule ua0-600-12x). */
  attackUserAgent: 'asm/attack/defaultUserAgent',
  /** SimulateParams (+ workDoneToken) → SimulateSummary; cancellable (the summary says so). */
  simulate: 'asm/simulate',
  /** {port} → IntakeInfo: starts the local trace intake in the server process (at most one). */
  intakeStart: 'asm/intake/start',
  /** null → IntakeStats | null (null: it was not running). */
  intakeStop: 'asm/intake/stop',
  /** {limit} → ReceivedTrace[] (oldest first, the newest `limit`). */
  intakeTraces: 'asm/intake/traces',
  /** Server → client, IntakeTraceNote: a trace arrived. */
  intakeTrace: 'asm/intake/trace',
  /** ExcerptParams → ExcerptResult: the lines around a line of a file on disk (any size), for a read-only excerpt. */
  excerpt: 'asm/excerpt',
  /** FindingActionsParams → Command[]: a stored finding's actions, for files VS Code cannot open (above 50 MB). */
  findingActions: 'asm/findingActions',
  /** {uri} → null: forget a file's results (Problems and the client's views). */
  clearResults: 'asm/clearResults',
} as const;

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
}

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
  /** vscode.workspace.isTrusted; false: the workspace's files are not used for the address (absent: trusted). */
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

export interface SimulateParams {
  url: string;
  existingPath: string;
  missingPath: string;
  rounds: number;
  concurrency: number;
  maxRequestsPerSecond: number;
  timeoutMs: number;
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
export type { AgentCheckResult, AsmEvent, AttackResult, IntakeStats, LanguageDetection, ReceivedTrace, ResolvedAgentAddress, SimulateSummary, StepReport, CheckReport };
