// `asm-troubleshooter steps [--json] [--workspace DIR] [--logs GLOB...] [--agent URL] [--language LANG] [--timeout MS]`
// The troubleshooting checklist from the same code as the tree view (core/steps computeSteps + core/agent).
//
// --json prints exactly {"language","steps":[{"id","title","status","description","checks":[{"id","title","status",
// "evidence"}]}],"services":[{"service","env","language","summary","history","conflicts","steps"}]} where language
// is java|dotnet|go|ruby|php|nodejs or null, status is pass|fail|warning|unknown, check ids are kb/steps.yaml's, and
// evidence is an array of {"text","file"?,"line"?,"lastLine"?,"count"?,"time"?,"history"?} (lines 1-based, like
// `check --json`; time ISO 8601; history: an earlier start's evidence, never counted). One verdict per service
// (core/evidence computeVerdict); `steps` is that service's, or every service's current evidence together.
// Logs: the --logs globs (absolute or relative to the workspace), else each tracer's well-known log locations and
// **/*.log in the workspace (at most 200 files); a saved `datadog-agent status` (text, or --json as *status*.json) feeds
// steps 3 and 4 (core/agent/status agentStatusCheckEvidence). The agent is only contacted when --agent is given or the
// workspace/environment names an agent address (DD_TRACE_AGENT_URL, DD_AGENT_HOST…), with a bounded timeout.
// Exit: 0 no step fails, 1 a step fails, 2 usage error.
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { isLanguage, type LanguageDetection } from '../core/language';
import type { Evidence, StepReport, StepStatus } from '../core/steps';
import { assembleVerdictInputs, gatherWorkspaceEvidence } from '../core/steps-inputs';
import { computeVerdict, type ServiceVerdict } from '../core/evidence/verdict';
import { describeSource } from '../core/agent/report';
import { parseArgs, UsageError, type CliIO } from './io';

export interface StepsOptions {
  workspace: string;
  logs: string[] | null;
  agent: string | null;
  language: string | null;
  timeoutMs: number;
  env: Record<string, string | undefined>;
}

export interface StepsRun {
  language: LanguageDetection;
  files: { path: string; kind: string; notes: string[] }[];
  steps: StepReport[];
  services: ServiceVerdict[];
  agentChecked: boolean;
  /** When the agent was contacted at an address read from a workspace file (.env, compose…): where it came from. */
  agentFromWorkspace?: string;
}

export const MAX_LOG_FILES = 200;

export async function runSteps(o: StepsOptions): Promise<StepsRun> {
  // The same gathering as the language server's steps (core/steps-inputs); here: every file kind, no size cap,
  // the agent checked when an address is configured.
  const evidence = await gatherWorkspaceEvidence({
    workspaceDir: o.workspace,
    env: o.env,
    logs: { globs: o.logs, maxFiles: MAX_LOG_FILES },
    agent: { url: o.agent ?? undefined, label: '--agent', check: 'when-configured', timeoutMs: o.timeoutMs },
  });
  if (!evidence) throw new Error('steps: cancelled');
  const { inputs, language } = assembleVerdictInputs(evidence, { languageSetting: o.language });
  const files = evidence.logs.map((l) => ({ path: l.path, kind: l.kind, notes: l.notes }));
  const src = evidence.address.source;
  const fromWorkspace = evidence.agentResult !== undefined && !['setting', 'environment', 'default'].includes(src.kind);
  const verdict = computeVerdict(inputs);
  return {
    language,
    files,
    steps: verdict.steps,
    services: verdict.services,
    agentChecked: evidence.agentResult !== undefined,
    ...(fromWorkspace ? { agentFromWorkspace: describeSource(src) } : {}),
  };
}

type JsonEvidence = { text: string; file?: string; line?: number; lastLine?: number; count?: number; time?: string; history?: true };
type JsonStep = {
  id: string;
  title: string;
  status: StepStatus;
  description: string;
  checks: { id: string; title: string; status: StepStatus; evidence: JsonEvidence[] }[];
};

export interface JsonSteps {
  language: string | null;
  steps: JsonStep[];
  /** One verdict per service (service, env, language, summary in words, earlier starts, conflicts, its steps). */
  services: {
    service: string | null;
    env: string | null;
    language: string | null;
    summary: string;
    history: string[];
    conflicts: string[];
    steps: JsonStep[];
  }[];
}

function jsonEvidence(e: Evidence): JsonEvidence {
  return {
    text: e.text,
    ...(e.file ? { file: e.file } : {}),
    ...(e.file && e.line !== undefined ? { line: e.line + 1 } : {}),
    ...(e.file && e.lastLine !== undefined && e.lastLine !== e.line ? { lastLine: e.lastLine + 1 } : {}),
    ...(e.count !== undefined && e.count > 1 ? { count: e.count } : {}),
    ...(e.time !== undefined ? { time: new Date(e.time).toISOString() } : {}),
    ...(e.history ? { history: true as const } : {}),
  };
}

function jsonStep(s: StepReport): JsonStep {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    description: s.description,
    checks: s.checks.map((c) => ({ id: c.id ?? c.title, title: c.title, status: c.status, evidence: c.evidence.map(jsonEvidence) })),
  };
}

export function toJsonSteps(language: string | null, steps: StepReport[], services: ServiceVerdict[] = []): JsonSteps {
  return {
    language,
    steps: steps.map(jsonStep),
    services: services.map((v) => ({
      service: v.service,
      env: v.env,
      language: v.language,
      summary: v.summary,
      history: v.history,
      conflicts: v.conflicts,
      steps: v.steps.map(jsonStep),
    })),
  };
}

const MARK: Record<StepStatus, string> = { pass: 'PASS', fail: 'FAIL', warning: 'WARN', unknown: '----' };

export function parseStepsArgs(args: string[], cwd: string, env: Record<string, string | undefined>): StepsOptions & { json: boolean } {
  const o: StepsOptions & { json: boolean } = { json: false, workspace: cwd, logs: null, agent: null, language: null, timeoutMs: 3000, env };
  // --logs: every following argument up to the next option is a glob (shells expand unquoted globs into files: fine too).
  const p = parseArgs('steps', args, { flags: ['--json'], valued: ['--workspace', '--agent', '--language', '--timeout'], lists: ['--logs'] });
  const v = p.options;
  if (v.has('--json')) o.json = true;
  if (v.has('--workspace')) o.workspace = path.resolve(cwd, v.get('--workspace')!);
  if (v.has('--agent')) o.agent = v.get('--agent')!;
  if (v.has('--language')) {
    const l = v.get('--language')!;
    if (!isLanguage(l) && l !== 'auto') throw new UsageError(`steps: --language must be one of java, dotnet, go, ruby, php, nodejs, auto`);
    o.language = l;
  }
  if (v.has('--timeout')) {
    const n = Number(v.get('--timeout'));
    if (!Number.isInteger(n) || n < 1 || n > 60000) throw new UsageError('steps: --timeout must be milliseconds between 1 and 60000');
    o.timeoutMs = n;
  }
  if (p.lists.has('--logs')) o.logs = p.lists.get('--logs')!;
  return o;
}

export async function stepsCommand(args: string[], io: CliIO): Promise<number> {
  const o = parseStepsArgs(args, process.cwd(), process.env);
  try {
    if (!(await fsp.stat(o.workspace)).isDirectory()) throw new Error();
  } catch {
    throw new UsageError(`steps: --workspace ${o.workspace} is not a directory`);
  }
  const run = await runSteps(o);
  // Issue 18.12: a request went to an address the workspace's files chose; said on stderr (stdout stays the result).
  if (run.agentFromWorkspace)
    io.err(`steps: contacted the Agent at ${run.agentFromWorkspace} — an address read from the workspace's files; pass --agent URL to choose it yourself.\n`);
  if (o.json) io.out(JSON.stringify(toJsonSteps(run.language.language, run.steps, run.services), null, 2) + '\n');
  else printHuman(run, o, io);
  return run.steps.some((s) => s.status === 'fail') ? 1 : 0;
}

function printHuman(run: StepsRun, o: StepsOptions, io: CliIO) {
  const rel = (f: string) => (path.relative(o.workspace, f).startsWith('..') ? f : path.relative(o.workspace, f) || f);
  io.out(`Language: ${run.language.language ?? 'unknown'} (${run.language.reason})\n`);
  const analysed = run.files.filter((f) => f.kind === 'log' || f.kind === 'ini');
  io.out(
    `Logs: ${analysed.length} file(s) analysed${
      analysed.length
        ? `: ${analysed
            .slice(0, 5)
            .map((f) => rel(f.path))
            .join(', ')}${analysed.length > 5 ? ', …' : ''}`
        : ' (use --logs GLOB to name them)'
    }\n`,
  );
  if (!run.agentChecked) io.out('Agent: not contacted (no agent address configured; use --agent URL to check one)\n');
  for (const v of run.services) if (v.summary) io.out(`Service ${v.service ?? '(unnamed)'}${v.env ? ` (env ${v.env})` : ''}: ${v.summary}\n`);
  for (const v of run.services) for (const c of v.conflicts) io.out(`  ${c}\n`);
  io.out('\n');
  for (const s of run.steps) {
    io.out(`${MARK[s.status]} ${s.number ? `${s.number}. ` : ''}${s.title} — ${s.description}\n`);
    for (const c of s.checks) {
      io.out(`  ${MARK[c.status]} ${c.title}\n`);
      for (const e of c.evidence)
        io.out(
          `       ${e.history ? '(history) ' : ''}${e.file ? `${rel(e.file)}${e.line !== undefined ? `:${e.line + 1}` : ''}${e.lastLine !== undefined && e.lastLine !== e.line ? `-${e.lastLine + 1}` : ''}: ` : ''}${e.text}${e.count && e.count > 1 ? ` (×${e.count})` : ''}\n`,
        );
      if (c.status !== 'pass' && c.hint) io.out(`       → ${c.hint}\n`);
    }
  }
}
