// What computeSteps needs, gathered in ONE place for `asm-troubleshooter steps` (src/cli/steps.ts) and the
// language server's steps (src/server/steps.ts), so the tree and `steps --json` cannot drift apart:
//
// 1. gatherWorkspaceEvidence (async: disk, network): the service's environment (process env + workspace files),
//    the agent address, the workspace's language markers, the configured log files analysed with the core
//    (bounded in count and size, cancellable), and optionally the agent check.
// 2. assembleStepInputs (sync, cheap): that evidence plus what only the caller has (the server's open documents
//    with unsaved edits, extra checks like the test attack, the language setting) → computeSteps' inputs and the
//    detected language. The server re-runs only this part on every published analysis.
import { promises as fsp } from 'node:fs';
import { resolveAgentAddress, scanEnvironment, type EnvSource, type ResolvedAgentAddress } from './agent/address';
import { checkAgent, type AgentCheckResult } from './agent/check';
import { agentChecks } from './agent/report';
import { analyzeFile, type FileKind } from './files';
import type { StepId } from './finding';
import { kb, LANGUAGES, type Language } from './kb';
import { isLanguage, languageFromLogs, workspaceLanguages, type LanguageDetection } from './language';
import type { CheckReport, StepFinding, StepInputs, SummaryEvidence } from './steps';
import { defaultLogGlobs, expandGlobs } from './workspace';
/** The workspace's deployment files: each service's settings and their findings (issue 14), for the evidence model. */
export { scanDeploymentFiles, type DeploymentScan, type DeploymentService } from './config/workspace';

/** One analysed file: its findings and summary as the steps need them. */
export interface LogEvidence {
  path: string;
  kind: FileKind;
  notes: string[];
  findings: StepFinding[];
  summary: SummaryEvidence | null;
  /** The log summary's ASM state (the support bundle's version line). */
  appsec: string | null;
}

export interface WorkspaceEvidence {
  /** DD_* variables set for the service, by source. */
  environment: EnvSource[];
  address: ResolvedAgentAddress;
  /** Only when the agent check ran. */
  agentResult?: AgentCheckResult;
  /** Build files naming a language, best first (core/language workspaceLanguages). */
  workspaceLanguages: { language: Language; file: string }[];
  logs: LogEvidence[];
}

export interface GatherOptions {
  /** The workspace; without one only absolute log globs are expanded and no workspace file is read. */
  workspaceDir?: string;
  /** The service's process environment. */
  env: Record<string, string | undefined>;
  logs: {
    /** Globs, absolute or workspace-relative; none or empty: each tracer's well-known log locations + **\/*.log. */
    globs?: string[] | null;
    maxFiles: number;
    /** Larger files are left out (onTooLarge) instead of analysed. */
    maxBytes?: number;
    /** Keep only files that analyse as logs (the server: ini files are its documents' business). */
    logsOnly?: boolean;
  };
  agent?: {
    /** An explicit address (--agent, the agent URL setting): always wins. */
    url?: string;
    /** How the explicit address is named in the evidence ('--agent'; default: the setting's name). */
    label?: string;
    /** 'when-configured': check /info when an address is configured (not the default one). Default: never. */
    check?: 'never' | 'when-configured';
    timeoutMs?: number;
  };
  signal?: AbortSignal;
  onTooLarge?: (file: string, size: number) => void;
  /** The environment, address and workspace language, as soon as they are known (before the slower log analysis). */
  onEnvironment?: (e: Omit<WorkspaceEvidence, 'logs' | 'agentResult'>) => void;
}

export const summaryEvidence = (file: string, s: { tracer: string | null; version: string | null; integrations: string[] | null; disabledIntegrations: string[] }): SummaryEvidence => ({
  file,
  tracer: s.tracer,
  version: s.version,
  integrations: s.integrations,
  disabledIntegrations: s.disabledIntegrations,
});

const isAbsoluteGlob = (g: string) => g.startsWith('/') || g.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(g);

/** Gathers the evidence; null when cancelled (nothing partial is returned). */
export async function gatherWorkspaceEvidence(o: GatherOptions): Promise<WorkspaceEvidence | null> {
  const { signal } = o;
  const dir = o.workspaceDir;
  const scan = await scanEnvironment({ env: o.env, workspaceDir: dir, signal });
  if (signal?.aborted) return null;
  const address = await resolveAgentAddress({ env: o.env, workspaceDir: dir, explicitUrl: o.agent?.url?.trim() || undefined, explicitLabel: o.agent?.label, scan, signal });
  if (signal?.aborted) return null;
  const languages = dir ? await workspaceLanguages(dir, { signal }) : [];
  if (signal?.aborted) return null;
  o.onEnvironment?.({ environment: scan.sources, address, workspaceLanguages: languages });

  const logs = await analyseLogs(o);
  if (!logs) return null;
  const agentResult = o.agent?.check === 'when-configured' && address.source.kind !== 'default' ? await checkAgent({ url: address.url, timeoutMs: o.agent.timeoutMs }) : undefined;
  if (signal?.aborted) return null;
  return { environment: scan.sources, address, ...(agentResult ? { agentResult } : {}), workspaceLanguages: languages, logs };
}

async function analyseLogs(o: GatherOptions): Promise<LogEvidence[] | null> {
  const { signal } = o;
  const dir = o.workspaceDir;
  const globs = o.logs.globs?.length ? o.logs.globs : defaultLogGlobs();
  // Workspace-relative globs need a workspace.
  const patterns = dir ? globs : globs.filter(isAbsoluteGlob);
  const files = await expandGlobs(patterns, { cwd: dir ?? '/', maxFiles: o.logs.maxFiles, signal });
  const out: LogEvidence[] = [];
  for (const file of files) {
    if (signal?.aborted) return null;
    if (o.logs.maxBytes !== undefined) {
      try {
        const st = await fsp.stat(file);
        if (st.size > o.logs.maxBytes) {
          o.onTooLarge?.(file, st.size);
          continue;
        }
      } catch {
        continue; // gone since the glob
      }
    }
    let r: Awaited<ReturnType<typeof analyzeFile>>;
    try {
      r = await analyzeFile(file, { signal });
    } catch (e) {
      if (signal?.aborted) return null;
      throw e;
    }
    if (o.logs.logsOnly && r.kind !== 'log') continue;
    out.push({
      path: file,
      kind: r.kind,
      notes: r.notes,
      findings: r.findings.map((f) => ({ code: f.code, severity: f.severity, step: f.step, message: f.message, file, line: f.range.start.line })),
      summary: r.summary ? summaryEvidence(file, r.summary) : null,
      appsec: r.summary?.appsec ?? null,
    });
  }
  return signal?.aborted ? null : out;
}

/** A document's live analysis (the server's open editors): it replaces the gathered analysis of the same file. */
export interface OpenAnalysis {
  file: string;
  findings: StepFinding[];
  summary: SummaryEvidence | null;
}

export interface AssembleOptions {
  /** The language setting ('auto', a language, or nothing). */
  languageSetting?: string | null;
  open?: OpenAnalysis[];
  /** Checks computed elsewhere (the test attack, a client's extra checks), by step. */
  extraChecks?: Partial<Record<StepId, CheckReport[]>>;
}

/** The evidence known so far (a server that has not scanned yet knows none of it). */
export type KnownEvidence = Partial<WorkspaceEvidence>;

export function assembleStepInputs(e: KnownEvidence, o: AssembleOptions = {}): { inputs: StepInputs; language: LanguageDetection } {
  const findings: StepFinding[] = [];
  const summaries: SummaryEvidence[] = [];
  const open = new Set<string>();
  for (const a of o.open ?? []) {
    open.add(a.file);
    findings.push(...a.findings);
    if (a.summary) summaries.push(a.summary);
  }
  for (const l of e.logs ?? []) {
    if (open.has(l.path)) continue;
    findings.push(...l.findings);
    if (l.summary) summaries.push(l.summary);
  }
  const language = chooseLanguage(o.languageSetting, summaries, e.workspaceLanguages ?? []);
  const extraChecks: Partial<Record<StepId, CheckReport[]>> = { ...o.extraChecks };
  const agent = agentChecks(e.address, e.agentResult);
  if (agent.length) extraChecks.agent = [...(extraChecks.agent ?? []), ...agent];
  return { inputs: { language: language.language, findings, summaries, environment: e.environment ?? [], extraChecks }, language };
}

/** The language setting, else the tracer most logs name, else the workspace's first build file. */
export function chooseLanguage(setting: string | null | undefined, summaries: SummaryEvidence[], workspace: { language: Language; file: string }[]): LanguageDetection {
  if (isLanguage(setting)) return { language: setting, source: 'setting', reason: `setting asmTroubleshooter.language = ${setting}` };
  const fromLogs = languageFromLogs(summaries.map((s) => ({ tracer: s.tracer, file: s.file })));
  if (fromLogs) return fromLogs;
  const [first, ...others] = workspace;
  if (first) {
    const also = others.map((w) => kb().tracer(w.language).name);
    return { language: first.language, source: 'workspace', file: first.file, reason: `${first.file.split(/[\\/]/).pop()} in the workspace${also.length ? ` (also found: ${also.join(', ')})` : ''}` };
  }
  return { language: null, source: null, reason: `no tracer log and no build file of a supported language (${LANGUAGES.join(', ')}); set asmTroubleshooter.language` };
}
