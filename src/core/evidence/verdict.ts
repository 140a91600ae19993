// One verdict per service, from evidence weighed by time, source and service (issue: "one trustworthy verdict").
//
// Each log file is cut at its tracer starts (startup lines, core/log Timeline): a finding belongs to the start
// before it, and that start says whose it is (service, env, version). Per service:
// - the latest start wins: its evidence decides, earlier starts become history ("earlier: ASM off at 09:38");
//   starts at the same time that disagree are a conflict, said in words;
// - a live proof (the test attack detected, at the intake or by its answer) newer than the latest start outranks
//   the logs' word on "running": failing log evidence older than it becomes history;
// - evidence without a start (a file with no startup line) counts when it is not older than the latest start;
// - identical evidence collapses into one row with a count (core/steps collapse), findings past a file's cap are
//   counted from the timeline, so no cap changes a status.
// The tree (server/steps.ts) and `steps --json` (cli/steps.ts) both call computeVerdict on complete analyses.
import type { StepId } from '../finding';
import { STEP_IDS } from '../finding';
import { kb, type Language } from '../kb';
import type { EnvSource } from '../agent/address';
import type { Timeline, TracerStart } from '../log/types';
import {
  computeSteps,
  findingEvidence,
  type CheckReport,
  type Evidence,
  type StepFinding,
  type StepInputs,
  type StepReport,
  type SummaryEvidence,
} from '../steps';
import { clock } from './time';
import { APPSEC_LIVE_ID } from './live';

/** One analysed log (or ini) file, complete: every finding kept, the timeline for what a cap left out. */
export interface FileEvidence {
  file: string;
  findings: StepFinding[];
  summary: SummaryEvidence | null;
  timeline?: Timeline;
  mtimeMs?: number;
}

export interface VerdictInputs {
  language: Language | null;
  /** The language was chosen by the user (setting, --language): it wins over each service's own. */
  languageFixed?: boolean;
  files: FileEvidence[];
  environment?: EnvSource[];
  extraChecks?: Partial<Record<StepId, CheckReport[]>>;
  /** Workspace-file evidence by sub-step id (core/steps-inputs: Go build flags). */
  checkEvidence?: Record<string, Evidence[]>;
}

export interface ServiceVerdict {
  /** Stable key: service name (and env), or '' for evidence naming no service. */
  key: string;
  service: string | null;
  env: string | null;
  language: Language | null;
  files: string[];
  /** The latest start: when and where. */
  latestStart: { time: number | null; file: string; line: number; version: string | null } | null;
  /** One sentence: the verdict on "running" in words. */
  summary: string;
  /** Earlier starts, newest first ("ASM off at 09:38:54 (asm-off.log)"). */
  history: string[];
  conflicts: string[];
  steps: StepReport[];
}

export interface Verdict {
  /** The steps of the one service, or of every service's current evidence together. */
  steps: StepReport[];
  services: ServiceVerdict[];
}

type AsmState = 'enabled' | 'disabled' | 'inactive' | 'not-configured';
const WORDS: Record<AsmState, string> = { enabled: 'ASM on', disabled: 'ASM off', inactive: 'ASM loaded but inactive', 'not-configured': 'ASM not configured' };

interface Segment {
  file: string;
  start: TracerStart | null;
  /** The start's time, else the file's mtime, else null. */
  time: number | null;
  findings: StepFinding[];
  summary: SummaryEvidence | null;
  /** The file's last segment (its summary describes it). */
  last: boolean;
  shared: boolean;
}

function effectOf(code: string): AsmState | undefined {
  return kb().hasFinding(code) ? kb().finding(code).summary?.appsec : undefined;
}

/** The findings a cap left out, from the timeline's per-code counts, as one counted finding per code. */
function droppedFindings(f: FileEvidence): StepFinding[] {
  const out: StepFinding[] = [];
  for (const [code, ext] of Object.entries(f.timeline?.codes ?? {})) {
    const kept = f.findings.filter((x) => x.code === code).length;
    const n = ext.count - kept;
    if (n <= 0 || !kb().hasFinding(code)) continue;
    const def = kb().finding(code);
    out.push({
      code,
      severity: def.severity,
      step: def.step,
      file: f.file,
      line: ext.lastLine,
      count: n,
      message: `${def.title} (${n} more line${n > 1 ? 's' : ''} past the analysis cap, the last at line ${ext.lastLine + 1})`,
      ...(ext.lastTime !== null ? { time: ext.lastTime } : f.mtimeMs !== undefined ? { time: f.mtimeMs } : {}),
    });
  }
  return out;
}

function segmentsOf(f: FileEvidence): Segment[] {
  const starts = [...(f.timeline?.starts ?? [])].sort((a, b) => a.line - b.line);
  const all = [...f.findings, ...droppedFindings(f)];
  const shared = !f.summary?.tracer && !starts.length;
  if (!starts.length) return [{ file: f.file, start: null, time: f.mtimeMs ?? null, findings: all, summary: f.summary, last: true, shared }];
  const segs: Segment[] = starts.map((s, i) => ({
    file: f.file,
    start: s,
    time: s.time ?? f.mtimeMs ?? null,
    findings: [],
    summary: i === starts.length - 1 ? f.summary : null,
    last: i === starts.length - 1,
    shared: false,
  }));
  for (const x of all) {
    const line = x.line ?? 0;
    let k = 0;
    // Lines before the first start belong to it (output of the same process before its startup line).
    for (let i = 0; i < starts.length; i++) if (starts[i]!.line <= line) k = i;
    segs[k]!.findings.push(x);
  }
  return segs;
}

function stateOf(seg: Segment): { state: AsmState; finding: StepFinding } | null {
  let best: { state: AsmState; finding: StepFinding } | null = null;
  for (const f of seg.findings) {
    const s = effectOf(f.code);
    if (s && (!best || (f.line ?? 0) >= (best.finding.line ?? 0))) best = { state: s, finding: f };
  }
  return best;
}

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
const at = (t: number | null) => (t === null ? '' : ` at ${clock(t)}`);

/** The environment sources for a service: those naming it with DD_SERVICE, and those naming no service. */
function environmentFor(env: EnvSource[], service: string | null, named: Set<string>): EnvSource[] {
  return env.filter((src) => {
    const s = src.vars.find((v) => v.name === 'DD_SERVICE')?.value.trim();
    if (!s || !named.has(s)) return true;
    return s === service;
  });
}

function attackProof(extra: CheckReport[] | undefined, service: string | null, services: number): CheckReport | null {
  for (const c of extra ?? []) {
    if (c.id === APPSEC_LIVE_ID && c.status === 'pass' && (!c.service || !service || c.service === service || services === 1)) return c;
    const blocked = c.id === 'attack-response' && c.evidence.some((e) => e.code === 'attack-blocked-by-asm');
    if (!blocked && (c.id !== 'attack-detection' || c.status !== 'pass')) continue;
    if (c.service && service && c.service !== service && services > 1) continue;
    return c;
  }
  return null;
}

export function computeVerdict(i: VerdictInputs): Verdict {
  const segs = i.files.flatMap(segmentsOf);
  // Whose: the start's service; files naming none join the only service (or DD_SERVICE), else stay unnamed.
  const env = i.environment ?? [];
  const namedServices = new Set(segs.map((s) => s.start?.service).filter((s): s is string => !!s));
  const envServices = new Set(env.flatMap((src) => src.vars.filter((v) => v.name === 'DD_SERVICE').map((v) => v.value.trim())).filter(Boolean));
  const fallback = namedServices.size === 1 ? [...namedServices][0]! : namedServices.size === 0 && envServices.size === 1 ? [...envServices][0]! : null;
  const groups = new Map<string, Segment[]>();
  const shared: Segment[] = [];
  for (const s of segs) {
    if (s.shared) {
      shared.push(s);
      continue;
    }
    const name = s.start?.service ?? fallback;
    const key = name ?? '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(s);
  }
  if (!groups.size) groups.set(fallback ?? '', []);
  const services: ServiceVerdict[] = [];
  for (const [key, list] of groups) services.push(serviceVerdict(key || null, list, shared, i, namedServices, groups.size));
  services.sort((a, b) => (a.service ?? '\uffff').localeCompare(b.service ?? '\uffff'));
  if (services.length === 1) return { steps: services[0]!.steps, services };
  // Several services: the overview counts each service's current evidence (never their history).
  const all = computeAll(services);
  return { steps: all, services };
}

function computeAll(services: ServiceVerdict[]): StepReport[] {
  return STEP_IDS.map((id) => {
    const per = services.map((s) => ({ s, step: s.steps.find((x) => x.id === id)! }));
    const first = per[0]!.step;
    const rank: Record<string, number> = { fail: 3, warning: 2, pass: 1, unknown: 0 };
    const status = per.reduce((a, p) => (rank[p.step.status]! > rank[a]! ? p.step.status : a), 'unknown' as StepReport['status']);
    const name = (s: ServiceVerdict) => s.service ?? 'unnamed service';
    const description =
      per
        .filter((p) => p.step.status !== 'unknown')
        .map((p) => `${name(p.s)}: ${p.step.description}`)
        .join('; ') || 'no evidence yet';
    return { ...first, status, description, checks: per.flatMap((p) => p.step.checks.map((c) => ({ ...c, title: `${c.title} (${name(p.s)})` }))) };
  });
}

function serviceVerdict(service: string | null, list: Segment[], shared: Segment[], i: VerdictInputs, named: Set<string>, nServices: number): ServiceVerdict {
  const withStart = list.filter((s) => s.start);
  // Starts within the same second (restarts in a loop, replicas): the words show milliseconds to tell them apart.
  const seconds = new Map<number, Set<number>>();
  for (const s of withStart)
    if (s.time !== null)
      (seconds.get(Math.floor(s.time / 1000)) ?? seconds.set(Math.floor(s.time / 1000), new Set()).get(Math.floor(s.time / 1000))!).add(s.time);
  const fine = [...seconds.values()].some((x) => x.size > 1);
  const at = (t: number | null) => (t === null ? '' : ` at ${clock(t, false, fine)}`);
  // The latest start: by time; without times, the later line of the same file, then the newer file.
  const order = (a: Segment, b: Segment) => (a.time ?? -Infinity) - (b.time ?? -Infinity) || (a.file === b.file ? a.start!.line - b.start!.line : 0);
  const sorted = [...withStart].sort(order);
  const latest = sorted[sorted.length - 1] ?? null;
  const current = new Set<Segment>();
  const history: Segment[] = [];
  for (const s of withStart) {
    if (
      latest &&
      (s === latest ||
        (s.time !== null && s.time === latest.time && s.file !== latest.file) ||
        (s.time === null && latest.time === null && s.file !== latest.file && s.last))
    )
      current.add(s);
    else history.push(s);
  }
  for (const s of list) {
    if (s.start) continue;
    // Evidence without a start counts unless it is older than the latest start.
    const newest = Math.max(...s.findings.map((f) => f.time ?? Infinity), s.time ?? Infinity);
    if (!latest || latest.time === null || newest >= latest.time) current.add(s);
    else history.push(s);
  }
  for (const s of shared) current.add(s);

  const own = latest?.start?.language ?? (list.find((s) => s.summary?.tracer)?.summary?.tracer as Language | undefined) ?? null;
  const language = i.languageFixed ? i.language : (own ?? i.language);
  const findings: StepFinding[] = [];
  const summaries: SummaryEvidence[] = [];
  for (const s of current) {
    findings.push(...s.findings);
    if (s.summary && s.last) summaries.push(s.summary);
  }
  const historyRows: Partial<Record<StepId, Evidence[]>> = {};
  const pushHistory = (step: StepId, e: Evidence) => (historyRows[step] ??= []).push({ ...e, history: true });
  for (const s of history) for (const f of s.findings) if (f.step) pushHistory(f.step, { ...findingEvidence(f), text: `earlier${at(s.time)}: ${f.message}` });

  // Conflicts: current starts at the same time that disagree on ASM.
  const states = [...current].filter((s) => s.start).map((s) => ({ s, st: stateOf(s) }));
  const distinct = new Set(states.map((x) => x.st?.state ?? 'unknown'));
  const conflicts: string[] = [];
  if (states.length > 1 && distinct.size > 1) {
    conflicts.push(
      `Conflict${at(latest?.time ?? null)}: ${states.map((x) => `${base(x.s.file)} says ${x.st ? WORDS[x.st.state] : 'nothing about ASM'}`).join(', ')}`,
    );
  }

  // A live proof newer than the latest start outranks the logs on "running".
  const proof = attackProof([...(i.extraChecks?.['test-attack'] ?? []), ...(i.extraChecks?.running ?? [])], service, nServices);
  const proofTime = proof?.time ?? null;
  const live = proof && (latest?.time == null || proofTime === null || proofTime >= latest.time) ? proof : null;
  const extra: Partial<Record<StepId, CheckReport[]>> = { ...i.extraChecks };
  let kept = findings;
  if (live) {
    kept = findings.filter((f) => {
      if (f.step !== 'running' || (f.severity !== 'error' && f.severity !== 'warning')) return true;
      if (proofTime !== null && f.time !== undefined && f.time > proofTime) return true;
      pushHistory('running', { ...findingEvidence(f), text: `outranked by the test attack${at(proofTime)}: ${f.message}` });
      return false;
    });
  }
  const who = service ?? 'this service';
  const earlier = history
    .filter((s) => s.start)
    .sort(order)
    .reverse()
    .slice(0, 3)
    .map((s) => {
      const st = stateOf(s);
      return `${st ? WORDS[st.state] : 'ASM state unknown'}${at(s.time)} (${base(s.file)}:${s.start!.line + 1})`;
    });
  const latestState = latest ? stateOf(latest) : null;
  const latestFailure = latest ? latest.findings.filter((f) => f.code === 'appsec-start-failed').pop() : undefined;
  let summary: string;
  if (live) {
    const was = latestState && latestState.state !== 'enabled' ? ` — outranks the log's "${WORDS[latestState.state]}"${at(latest!.time)}` : '';
    summary =
      live.id === APPSEC_LIVE_ID
        ? `ASM is running in ${who}: seen live at the local intake${at(proofTime)}${was}`
        : `ASM is running in ${who}: the test attack${at(proofTime)} was detected${was}`;
  } else if (conflicts.length) summary = conflicts[0]!;
  else if (latestFailure && latestState?.state === 'disabled')
    summary = `ASM failed to start in ${who}${at(latestFailure.time ?? null)}, after the ${clock(latest!.time ?? 0, false, fine)} start`;
  else if (latestState) summary = `${WORDS[latestState.state]} in ${who} since the${latest!.time !== null ? ` ${clock(latest!.time, false, fine)}` : ''} start`;
  else if (latest) summary = `${who} started${at(latest.time)}; its logs do not say whether ASM runs`;
  else summary = '';
  if (summary && earlier.length) summary += ` (earlier: ${earlier.join('; ')})`;

  const inputs: StepInputs = {
    language,
    findings: kept,
    summaries,
    environment: environmentFor(i.environment ?? [], service, named),
    extraChecks: extra,
    ...(i.checkEvidence ? { checkEvidence: i.checkEvidence } : {}),
    history: historyRows,
    verdicts: { ...(summary ? { running: summary } : {}), ...attackWords(kept, live ?? proof, latest, who, at) },
  };
  let steps = computeSteps(inputs);
  if (live) steps = withLiveProof(steps, live, proofTime);
  const files = [...new Set(list.map((s) => s.file))];
  return {
    key: service ?? '',
    service,
    env: latest?.start?.env ?? null,
    language: language ?? null,
    files,
    latestStart: latest ? { time: latest.time, file: latest.file, line: latest.start!.line, version: latest.start!.version } : null,
    summary,
    history: earlier,
    conflicts,
    steps,
  };
}

/** "Running" with the live proof: a passing live row on the startup check, which then passes (the step with it). */
function withLiveProof(steps: StepReport[], proof: CheckReport, t: number | null): StepReport[] {
  return steps.map((s) => {
    if (s.id !== 'running') return s;
    const checks = s.checks.map((c) => {
      if (c.id !== 'startup-asm') return c;
      const row: Evidence = {
        text:
          proof.id === APPSEC_LIVE_ID
            ? (proof.evidence[0]?.text ?? 'ASM seen live')
            : `The test attack${at(t)} was detected: ${proof.evidence[0]?.text ?? 'ASM answered'}`,
        status: 'pass',
        strength: 'live',
        ...(t !== null ? { time: t } : {}),
      };
      return { ...c, status: 'pass' as const, evidence: [row, ...c.evidence] };
    });
    const rank: Record<string, number> = { fail: 3, warning: 2, pass: 1, unknown: 0 };
    const status = checks.reduce((a, c) => (rank[c.status]! > rank[a]! ? c.status : a), 'unknown' as StepReport['status']);
    checks.sort((a, b) => rank[b.status]! - rank[a.status]!);
    return { ...s, status, checks };
  });
}

/** Step 1 in words: the attacks since the latest start (with the last one's time), or the detected test attack. */
function attackWords(
  findings: StepFinding[],
  proof: CheckReport | null,
  latest: Segment | null,
  who: string,
  at: (t: number | null) => string,
): Partial<Record<StepId, string>> {
  if (proof && proof.id !== APPSEC_LIVE_ID) return { 'test-attack': `The test attack${at(proof.time ?? null)} was detected in ${who}` };
  const attacks = findings.filter((f) => f.code === 'attack-detected' || f.code === 'attack-blocked');
  if (!attacks.length) return {};
  const n = attacks.reduce((a, f) => a + (f.count ?? 1), 0);
  const last = attacks.reduce((a, f) => ((f.time ?? -Infinity) > (a.time ?? -Infinity) ? f : a));
  const since = latest ? ` since the${latest.time !== null ? at(latest.time).replace(' at', '') : ''} start` : '';
  return { 'test-attack': `${n} attack${n > 1 ? 's' : ''} detected in ${who}${since}, the last${at(last.time ?? null)}` };
}
