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
import path from 'node:path';
import { resolveAgentAddress, scanEnvironment, type EnvSource, type ResolvedAgentAddress } from './agent/address';
import { checkAgent, type AgentCheckResult } from './agent/check';
import { agentArtifactCheckEvidence, agentInfoCheckEvidence, mayBeAgentArtifact, MAX_ARTIFACT_BYTES } from './agent/status';
import { agentChecks } from './agent/report';
import { analyzeFile, sniffFile, type FileKind } from './files';
import type { StepId } from './finding';
import { kb, LANGUAGES, type Language } from './kb';
import { isLanguage, languageFromLogs, workspaceLanguages, type LanguageDetection } from './language';
import type { CheckReport, Evidence, StepFinding, StepInputs, SummaryEvidence } from './steps';
import { compareVersions } from './version';
import { findWorkspaceFiles } from './workspace';
import type { FileEvidence, VerdictInputs } from './evidence/verdict';
import type { Finding } from './finding';
import type { Timeline } from './log/types';
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
  /** Tracer starts and the findings' times (core/evidence). */
  timeline?: Timeline;
  mtimeMs?: number;
  /** A saved `datadog-agent status`: its steps-3/4 evidence by sub-step id (core/agent/status). */
  agentEvidence?: Record<string, Evidence[]>;
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
  /** Evidence from build files by sub-step id (Go: CGO_ENABLED=0 with a dd-trace-go that needs cgo). */
  checkEvidence?: Record<string, Evidence[]>;
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

export const summaryEvidence = (
  file: string,
  s: { tracer: string | null; version: string | null; integrations: string[] | null; disabledIntegrations: string[] },
): SummaryEvidence => ({
  file,
  tracer: s.tracer,
  version: s.version,
  integrations: s.integrations,
  disabledIntegrations: s.disabledIntegrations,
});

/** The PHP AppSec ini files a scan reads without configured globs (their findings feed the PHP sub-checks). */
export const APPSEC_INI_GLOBS = ['**/*ddappsec*.ini'];
/** A PHP AppSec ini file by name (`*ddappsec*.ini`), without a backtracking regex. */
const isAppsecIni = (name: string): boolean => {
  const n = name.toLowerCase();
  return n.endsWith('.ini') && n.slice(0, -4).includes('ddappsec');
};

/** Captured output a scan sniffs (core/log/sniff) before analysing it. */
export const CAPTURED_GLOBS = ['**/*.txt', '**/*.out', '**/*.err'];

/** Saved `datadog-agent status --json` a scan reads when its content is one (core/agent/status recognizeAgentArtifact). */
export const AGENT_STATUS_GLOBS = ['**/*status*.json'];

const isAbsoluteGlob = (g: string) => g.startsWith('/') || g.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(g);

/** Gathers the evidence; null when cancelled (nothing partial is returned). */
export async function gatherWorkspaceEvidence(o: GatherOptions): Promise<WorkspaceEvidence | null> {
  const { signal } = o;
  const dir = o.workspaceDir;
  const scan = await scanEnvironment({ env: o.env, workspaceDir: dir, signal });
  if (signal?.aborted) return null;
  const address = await resolveAgentAddress({
    env: o.env,
    workspaceDir: dir,
    explicitUrl: o.agent?.url?.trim() || undefined,
    explicitLabel: o.agent?.label,
    scan,
    signal,
  });
  if (signal?.aborted) return null;
  const languages = dir ? await workspaceLanguages(dir, { signal }) : [];
  if (signal?.aborted) return null;
  o.onEnvironment?.({ environment: scan.sources, address, workspaceLanguages: languages });

  const logs = await analyseLogs(o);
  if (!logs) return null;
  const checkEvidence = dir ? await goBuildEvidence(dir, o.env, signal) : {};
  if (signal?.aborted) return null;
  const agentResult =
    o.agent?.check === 'when-configured' && address.source.kind !== 'default'
      ? await checkAgent({ url: address.url, timeoutMs: o.agent.timeoutMs })
      : undefined;
  if (signal?.aborted) return null;
  return {
    environment: scan.sources,
    address,
    ...(agentResult ? { agentResult } : {}),
    workspaceLanguages: languages,
    logs,
    ...(Object.keys(checkEvidence).length ? { checkEvidence } : {}),
  };
}

/** The first dd-trace-go release whose AppSec needs neither cgo nor the appsec build tag. */
export const GO_PUREGO_VERSION = '1.59.0';
const DD_TRACE_GO = /^\s*(?:require\s+)?(gopkg\.in\/DataDog\/dd-trace-go\.v1|github\.com\/DataDog\/dd-trace-go\/v2)\s+(v[\w.+-]{1,60})/;
const CGO_OFF = /\bCGO_ENABLED\s{0,3}[=:]\s{0,3}["']?0\b/;

/**
 * Go build flags: CGO_ENABLED=0 in a Dockerfile or Makefile (or the environment) with a dd-trace-go (go.mod) older
 * than v1.59.0, which needs cgo and `-tags appsec` ("static linking is not supported"). Evidence for the `go-build`
 * sub-step. Bounded: build files up to depth 3, 1 MiB each.
 */
export async function goBuildEvidence(dir: string, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<Record<string, Evidence[]>> {
  const files = await findWorkspaceFiles(dir, ['**/go.mod', '**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile', '**/Makefile', '**/*.mk'], {
    deep: 3,
    max: 100,
    signal,
  });
  const read = async (rel: string) => {
    try {
      const st = await fsp.stat(path.join(dir, rel));
      return st.size > 1 << 20 ? null : await fsp.readFile(path.join(dir, rel), 'utf8');
    } catch {
      return null;
    }
  };
  let tracer: { version: string; file: string; line: number; module: string } | null = null;
  const cgoOff: { file: string; line: number; text: string }[] = [];
  for (const rel of files) {
    if (signal?.aborted) return {};
    const text = await read(rel);
    if (text === null) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length && i < 20000; i++) {
      const l = lines[i]!.length > 2000 ? lines[i]!.slice(0, 2000) : lines[i]!;
      if (rel.endsWith('go.mod')) {
        const m = DD_TRACE_GO.exec(l);
        if (m && !tracer) tracer = { module: m[1]!, version: m[2]!, file: path.join(dir, rel), line: i };
      } else if (CGO_OFF.test(l) && !/^\s*#/.test(l)) cgoOff.push({ file: path.join(dir, rel), line: i, text: l.trim().slice(0, 160) });
    }
  }
  if (env.CGO_ENABLED?.trim() === '0') cgoOff.push({ file: '', line: -1, text: 'CGO_ENABLED=0 in the environment' });
  if (!cgoOff.length) return {};
  const out: Evidence[] = [];
  const needsCgo = tracer ? tracer.module.endsWith('.v1') && compareVersions(tracer.version, GO_PUREGO_VERSION) < 0 : null;
  if (needsCgo === false) return {};
  for (const c of cgoOff.slice(0, 5)) {
    const where = c.file ? { file: c.file, line: c.line } : {};
    out.push({
      text: needsCgo
        ? `${c.text}: dd-trace-go ${tracer!.version} needs cgo for ASM (CGO_ENABLED=1 go build -tags appsec); static linking is not supported`
        : `${c.text}: if the service uses a dd-trace-go older than v${GO_PUREGO_VERSION}, ASM needs CGO_ENABLED=1 and -tags appsec`,
      status: needsCgo ? 'fail' : 'warning',
      strength: 'config',
      ...where,
    });
  }
  if (tracer && needsCgo)
    out.push({ text: `go.mod requires ${tracer.module} ${tracer.version}`, status: 'fail', strength: 'config', file: tracer.file, line: tracer.line });
  return { 'go-build': out };
}

async function analyseLogs(o: GatherOptions): Promise<LogEvidence[] | null> {
  const { signal } = o;
  const dir = o.workspaceDir;
  const configured = !!o.logs.globs?.length;
  const globs = configured ? o.logs.globs! : defaultLogGlobs();
  // Workspace-relative globs need a workspace.
  const patterns = dir ? globs : globs.filter(isAbsoluteGlob);
  let files = await expandGlobs(configured ? patterns : [...patterns, ...(dir ? APPSEC_INI_GLOBS : [])], {
    cwd: dir ?? '/',
    maxFiles: o.logs.maxFiles,
    signal,
  });
  // Without configured globs, captured output (*.txt, *.out, *.err) counts when its content is a tracer, Agent or
  // helper log (core/log/sniff, the same test as the editor's and `check DIR`'s), within the same file bound.
  if (!configured && dir && files.length < o.logs.maxFiles) {
    const seen = new Set(files);
    const captured = await expandGlobs(CAPTURED_GLOBS, { cwd: dir, maxFiles: o.logs.maxFiles * 4, signal });
    for (const f of captured) {
      if (files.length >= o.logs.maxFiles || signal?.aborted) break;
      if (!seen.has(f) && (await sniffFile(f))) files = [...files, f];
    }
    // A saved `datadog-agent status --json` (agent-status.json…): only when its content is one, within the same bound.
    const saved = await expandGlobs(AGENT_STATUS_GLOBS, { cwd: dir, maxFiles: o.logs.maxFiles, signal });
    for (const f of saved) {
      if (files.length >= o.logs.maxFiles || signal?.aborted) break;
      if (!seen.has(f) && (await savedAgentStatus(f))) files = [...files, f];
    }
  }
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
    // The server leaves ini files to its open documents, except the AppSec ini (98-ddappsec.ini): the PHP sub-checks.
    if (o.logs.logsOnly && r.kind !== 'log' && !(r.kind === 'ini' && isAppsecIni(path.basename(file)))) continue;
    const agentEvidence = r.kind === 'log' ? await savedAgentStatus(file) : null;
    out.push({
      path: file,
      kind: r.kind,
      notes: r.notes,
      findings: stepFindings(file, r.findings, r.timeline, r.mtimeMs),
      summary: r.summary ? summaryEvidence(file, r.summary) : null,
      appsec: r.summary?.appsec ?? null,
      ...(r.timeline ? { timeline: r.timeline } : {}),
      ...(r.mtimeMs !== undefined ? { mtimeMs: r.mtimeMs } : {}),
      ...(agentEvidence ? { agentEvidence } : {}),
    });
  }
  return signal?.aborted ? null : out;
}

/** A file holding `datadog-agent status` output (text or --json): its steps evidence; null for anything else. Bounded. */
async function savedAgentStatus(file: string): Promise<Record<string, Evidence[]> | null> {
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size > MAX_ARTIFACT_BYTES) return null;
      const head = Buffer.alloc(Math.min(size, 8192));
      await fh.read(head, 0, head.length, 0);
      if (!mayBeAgentArtifact(head.toString('utf8'))) return null;
      return agentArtifactCheckEvidence(await fh.readFile('utf8'), file);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** Findings as the steps need them, each with its time (its line's, from the timeline; else the file's mtime). */
export function stepFindings(file: string, findings: readonly Finding[], timeline?: Timeline, mtimeMs?: number): StepFinding[] {
  return findings.map((f) => {
    const line = f.range.start.line;
    const time = timeline?.times[line] ?? mtimeMs;
    return { code: f.code, severity: f.severity, step: f.step, message: f.message, file, line, range: f.range, ...(time !== undefined ? { time } : {}) };
  });
}

/** A document's live analysis (the server's open editors): it replaces the gathered analysis of the same file. */
export interface OpenAnalysis {
  file: string;
  findings: StepFinding[];
  summary: SummaryEvidence | null;
  timeline?: Timeline;
  mtimeMs?: number;
  /** An opened `datadog-agent status`: its steps-3/4 evidence by sub-step id. */
  agentEvidence?: Record<string, Evidence[]>;
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
export function chooseLanguage(
  setting: string | null | undefined,
  summaries: SummaryEvidence[],
  workspace: { language: Language; file: string }[],
): LanguageDetection {
  if (isLanguage(setting)) return { language: setting, source: 'setting', reason: `setting asmTroubleshooter.language = ${setting}` };
  const fromLogs = languageFromLogs(summaries.map((s) => ({ tracer: s.tracer, file: s.file })));
  if (fromLogs) return fromLogs;
  const [first, ...others] = workspace;
  if (first) {
    const also = others.map((w) => kb().tracer(w.language).name);
    return {
      language: first.language,
      source: 'workspace',
      file: first.file,
      reason: `${first.file.split(/[\\/]/).pop()} in the workspace${also.length ? ` (also found: ${also.join(', ')})` : ''}`,
    };
  }
  return {
    language: null,
    source: null,
    reason: `no tracer log and no build file of a supported language (${LANGUAGES.join(', ')}); set asmTroubleshooter.language`,
  };
}

/**
 * The evidence model's inputs (core/evidence computeVerdict): every file whole (open documents replace the
 * gathered analysis of the same file), the environment, the extra checks, the language.
 */
export function assembleVerdictInputs(e: KnownEvidence, o: AssembleOptions = {}): { inputs: VerdictInputs; language: LanguageDetection } {
  const { inputs, language } = assembleStepInputs(e, o);
  // Only the fields present: an absent timeline or mtime stays absent (not undefined) in the inputs.
  const fileEvidence = (file: string, a: Omit<FileEvidence, 'file'>): FileEvidence => ({
    file,
    findings: a.findings,
    summary: a.summary,
    ...(a.timeline ? { timeline: a.timeline } : {}),
    ...(a.mtimeMs !== undefined ? { mtimeMs: a.mtimeMs } : {}),
  });
  const files: FileEvidence[] = [];
  const open = new Set<string>();
  for (const a of o.open ?? []) {
    open.add(a.file);
    files.push(fileEvidence(a.file, a));
  }
  for (const l of e.logs ?? []) if (!open.has(l.path)) files.push(fileEvidence(l.path, l));
  const checkEvidence = agentCheckEvidence(e, o);
  return {
    inputs: {
      language: inputs.language,
      languageFixed: language.source === 'setting',
      files,
      ...(Object.keys(checkEvidence).length ? { checkEvidence } : {}),
      environment: inputs.environment ?? [],
      extraChecks: inputs.extraChecks ?? {},
    },
    language,
  };
}

/**
 * Sub-step evidence: the workspace's build files' (e.checkEvidence), then the Agent's — the Agent check's /info
 * (agent-version, agent-remote-config) and every `datadog-agent status` opened or saved (an open document replaces
 * the gathered file of the same path), for steps 3 and 4.
 */
function agentCheckEvidence(e: KnownEvidence, o: AssembleOptions): Record<string, Evidence[]> {
  const out: Record<string, Evidence[]> = {};
  const add = (r: Record<string, Evidence[]> | undefined) => {
    for (const [id, rows] of Object.entries(r ?? {})) out[id] = [...(out[id] ?? []), ...rows];
  };
  add(e.checkEvidence);
  if (e.agentResult?.info) add(agentInfoCheckEvidence(e.agentResult.info));
  const open = new Set<string>();
  for (const a of o.open ?? []) {
    open.add(a.file);
    add(a.agentEvidence);
  }
  for (const l of e.logs ?? []) if (!open.has(l.path)) add(l.agentEvidence);
  return out;
}
