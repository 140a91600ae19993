// The seed's checklist made live: each step's status computed from evidence (log findings, log summaries, the
// test attack, the agent check, the service's environment). ONE function for the tree view and `asm-troubleshooter steps`.
//
// Rules:
// - Each step has the sub-steps of kb/steps.yaml (`checks`, plus `languages[<language>]` for the service's
//   language). A sub-step's `codes` claim findings; a finding no sub-step claims becomes its own check.
// - A check's status is the worst of its evidence; a step's status is the worst of its checks
//   (fail > warning > pass > unknown): a pass never hides a fail.
// - A sub-step nothing proves stays `unknown` (with its knowledge-base detail as hint).
// - Extra checks (agent check, test attack) whose id equals a sub-step's id replace that sub-step.
import type { Range, StepId } from './finding';
import { STEP_IDS } from './finding';
import { kb, type Language } from './kb';
import type { AgentVar, EnvSource } from './agent/address';
import { compareVersions } from './version';

export type StepStatus = 'pass' | 'fail' | 'warning' | 'unknown';

export interface Evidence {
  text: string;
  file?: string;
  /** 0-based line in `file`. */
  line?: number;
  /** The finding's exact range on `line` (a click selects it, also when the file is not open). */
  range?: Range;
  code?: string;
  /** The evidence's own status, when it differs from its check's (a pass line under a failing check). */
  status?: StepStatus;
  /** Identical evidence collapsed into this row: how many, and the last line (`line` is the first). */
  count?: number;
  lastLine?: number;
  /** When (ms since the epoch): the line's own time, the file's mtime, or the probe's time. */
  time?: number;
  /** How strong: a live observation > a log line > a config file > a default. */
  strength?: Strength;
  /** Evidence from an earlier start of the service (or outranked by a newer live proof): shown, never counted. */
  history?: boolean;
}

export type Strength = 'live' | 'log' | 'config' | 'default';

export interface CheckReport {
  /** ms since the epoch: when a live check (agent check, test attack) ran. */
  time?: number;
  /** The service a live check observed (the attack's span service), when known. */
  service?: string;
  /** Stable: a kb/steps.yaml sub-step id, or the finding code of a check no sub-step claims. Extra checks replace the sub-step of their id. */
  id?: string;
  title: string;
  status: StepStatus;
  evidence: Evidence[];
  /** What to do (from the finding or the knowledge base). */
  hint?: string;
  /** A command that runs this check (the tree's inline "run" action). */
  command?: string;
  /** Where it comes from: 'kb' sub-step, 'language' sub-step, 'finding', or the producer of an extra check. */
  origin?: string;
}

export interface StepReport {
  id: StepId;
  number: number;
  title: string;
  status: StepStatus;
  /** One line for the tree's description. */
  description: string;
  doc: string;
  checks: CheckReport[];
}

/** A finding as the steps need it (from any file). */
export interface StepFinding {
  code: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  step: StepId | null;
  message: string;
  file?: string;
  line?: number;
  /** The finding's range (its start is on `line`). */
  range?: Range;
  /** ms since the epoch (the line's time, else the file's mtime). */
  time?: number;
  /** Identical findings counted into this one (findings past a cap): how many, and the last line. */
  count?: number;
  lastLine?: number;
}

/** What a log's summary says, for evidence no single finding carries (versions, loaded integrations). */
export interface SummaryEvidence {
  file?: string;
  tracer: string | null;
  version: string | null;
  integrations: string[] | null;
  disabledIntegrations: string[];
}

export interface StepInputs {
  language: Language | null;
  findings: StepFinding[];
  summaries?: SummaryEvidence[];
  /** DD_* variables set for the service (core/agent/address scanEnvironment). */
  environment?: EnvSource[];
  /** Extra checks computed elsewhere (agent check, test attack), by step. */
  extraChecks?: Partial<Record<StepId, CheckReport[]>>;
  /** Evidence for a sub-step by its kb id, computed from workspace files (Go build flags: `go-build`). */
  checkEvidence?: Record<string, Evidence[]>;
  /** Evidence shown as history (earlier starts, outranked logs), by step: never counted in a status. */
  history?: Partial<Record<StepId, Evidence[]>>;
  /** The verdict in words for a step, when the evidence model has one (core/evidence). */
  verdicts?: Partial<Record<StepId, string>>;
}

export const MAX_EVIDENCE = 20;
const RANK: Record<StepStatus, number> = { fail: 3, warning: 2, pass: 1, unknown: 0 };

export function worst(statuses: StepStatus[]): StepStatus {
  let s: StepStatus = 'unknown';
  for (const x of statuses) if (RANK[x] > RANK[s]) s = x;
  return s;
}

export function statusOfSeverity(severity: StepFinding['severity']): StepStatus {
  return severity === 'error' ? 'fail' : severity === 'warning' ? 'warning' : 'pass';
}

interface Draft extends CheckReport {
  codes: Set<string>;
}

/** A finding as evidence: a log line (with its time, and its count when identical findings were collapsed). */
export function findingEvidence(f: StepFinding): Evidence {
  return {
    text: f.message,
    code: f.code,
    status: statusOfSeverity(f.severity),
    strength: 'log',
    ...(f.file ? { file: f.file } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.range ? { range: f.range } : {}),
    ...(f.time !== undefined ? { time: f.time } : {}),
    ...(f.count !== undefined && f.count > 1 ? { count: f.count } : {}),
    ...(f.lastLine !== undefined ? { lastLine: f.lastLine } : {}),
  };
}

/**
 * Identical evidence (same code, text, file and status) collapses into one row with a count and its first/last
 * line; then failing evidence first (the cap never drops a fail for a pass), history last, at most MAX_EVIDENCE.
 */
export function collapse(evidence: Evidence[]): Evidence[] {
  const rows = new Map<string, Evidence>();
  for (const e of evidence) {
    const key = JSON.stringify([e.code ?? null, e.text, e.file ?? null, e.status ?? null, e.history ?? false]);
    const r = rows.get(key);
    if (!r) {
      rows.set(key, { ...e });
      continue;
    }
    r.count = (r.count ?? 1) + (e.count ?? 1);
    // The row opens at its first line: keep that line's range.
    if (e.line !== undefined && (r.line === undefined || e.line < r.line)) {
      if (e.range) r.range = e.range;
      else delete r.range;
    }
    const lines = [r.line, r.lastLine, e.line, e.lastLine].filter((x): x is number => x !== undefined);
    if (lines.length) {
      r.line = Math.min(...lines);
      r.lastLine = Math.max(...lines);
    }
    if (e.time !== undefined && (r.time === undefined || e.time > r.time)) r.time = e.time;
  }
  return [...rows.values()];
}

function cap(evidence: Evidence[]): Evidence[] {
  const rank = (e: Evidence) => (e.history ? -1 : RANK[e.status ?? 'unknown']);
  const sorted = collapse(evidence)
    .map((e, i) => [e, i] as const)
    .sort((x, y) => rank(y[0]) - rank(x[0]) || x[1] - y[1])
    .map((x) => x[0]);
  if (sorted.length <= MAX_EVIDENCE) return sorted;
  const rest = sorted.slice(MAX_EVIDENCE);
  const n = rest.reduce((a, e) => a + (e.count ?? 1), 0);
  return [...sorted.slice(0, MAX_EVIDENCE), { text: `… and ${n} more (${rest.length} different)` }];
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export function computeSteps(inputs: StepInputs): StepReport[] {
  const k = kb();
  const claimed = new Map<string, StepId>();
  for (const def of k.data.steps) {
    const subs = [...def.checks, ...(inputs.language ? (def.languages?.[inputs.language] ?? []) : [])];
    for (const s of subs) for (const c of s.codes ?? []) claimed.set(c, def.id);
  }
  return STEP_IDS.map((id) => {
    const def = k.step(id)!;
    const drafts: Draft[] = [];
    const sub = (origin: string) => (s: { id: string; title: string; detail: string; command?: string; codes?: string[] }) =>
      drafts.push({
        id: s.id,
        title: s.title,
        status: 'unknown',
        evidence: [],
        hint: s.detail,
        ...(s.command ? { command: s.command } : {}),
        origin,
        codes: new Set(s.codes ?? []),
      });
    def.checks.forEach(sub('kb'));
    if (inputs.language) (def.languages?.[inputs.language] ?? []).forEach(sub('language'));

    // Findings: into the sub-step that claims the code, else one check per code.
    for (const f of inputs.findings) {
      const home = claimed.get(f.code) ?? f.step;
      if (home !== id) continue;
      let d = drafts.find((x) => x.codes.has(f.code));
      if (!d) {
        const fd = k.hasFinding(f.code) ? k.finding(f.code) : null;
        d = { id: f.code, title: fd?.title ?? f.code, status: 'unknown', evidence: [], hint: fd?.fix, origin: 'finding', codes: new Set([f.code]) };
        drafts.push(d);
      }
      d.evidence.push(findingEvidence(f));
    }
    for (const dr of drafts) for (const e of inputs.checkEvidence?.[dr.id ?? ''] ?? []) dr.evidence.push(e);
    // History: shown under the check of its code (else the step's first check), never counted.
    for (const h of inputs.history?.[id] ?? []) {
      const d = (h.code !== undefined ? drafts.find((x) => x.codes.has(h.code!)) : undefined) ?? drafts[0];
      d?.evidence.push({ ...h, history: true });
    }

    if (id === 'running') {
      addVersionEvidence(
        drafts.find((d) => d.codes.has('tracer-too-old')),
        inputs.summaries ?? [],
      );
      addAppsecEnvEvidence(
        drafts.find((d) => d.id === 'appsec-env'),
        inputs.environment ?? [],
      );
    }
    if (id === 'integrations') {
      const d = drafts.find((x) => x.codes.has('integration-disabled'));
      addIntegrationEvidence(d, inputs.summaries ?? [], inputs.environment ?? [], inputs.language);
    }

    const checks: CheckReport[] = drafts.map(({ codes: _codes, ...c }) => ({
      ...c,
      status: worst(c.evidence.filter((e) => !e.history).map((e) => e.status ?? 'unknown')),
      evidence: cap(c.evidence),
    }));
    for (const extra of inputs.extraChecks?.[id] ?? []) {
      const i = extra.id === undefined ? -1 : checks.findIndex((c) => c.id === extra.id);
      const merged: CheckReport = {
        ...extra,
        hint: extra.hint ?? (i >= 0 ? checks[i].hint : undefined),
        command: extra.command ?? (i >= 0 ? checks[i].command : undefined),
      };
      if (merged.hint === undefined) delete merged.hint;
      if (merged.command === undefined) delete merged.command;
      if (i >= 0) checks[i] = merged;
      else checks.push(merged);
    }
    // Fail > warning > pass > unknown; the knowledge base's order within a status (stable sort).
    checks.sort((a, b) => RANK[b.status] - RANK[a.status]);
    const status = worst(checks.map((c) => c.status));
    return {
      id,
      number: def.number,
      title: def.title,
      status,
      description: inputs.verdicts?.[id] ?? describe(status, checks),
      doc: k.docUrl(def.doc)!,
      checks,
    };
  });
}

function describe(status: StepStatus, checks: CheckReport[]): string {
  const n = (s: StepStatus) => checks.filter((c) => c.status === s).length;
  if (status === 'unknown') return 'no evidence yet';
  if (status === 'pass') {
    const open = n('unknown');
    return `${n('pass')} check${n('pass') > 1 ? 's' : ''} passed${open ? `, ${open} not proven` : ''}`;
  }
  // The verdict in words: what the first bad evidence says (titles are neutral: "Required integrations").
  const bad = checks.filter((c) => c.status === status);
  const e = bad[0].evidence.find((x) => !x.history && x.status === status) ?? bad[0].evidence.find((x) => !x.history);
  const what = e ? clipWords(e.text, 110) : `${bad[0].title}: ${status}`;
  return `${what}${bad.length > 1 ? ` (+${bad.length - 1} more)` : ''}`;
}

function addVersionEvidence(d: Draft | undefined, summaries: SummaryEvidence[]) {
  if (!d) return;
  for (const s of summaries) {
    if (!s.tracer || !s.version || !(s.tracer in MIN_BY_LANG())) continue;
    const t = kb().tracer(s.tracer as Language);
    const ok = compareVersions(s.version, t.minAsmVersion) >= 0;
    // A too-old tracer is the log rules' finding (tracer-too-old); only add the fail when they did not.
    if (!ok && d.evidence.some((e) => e.code === 'tracer-too-old')) continue;
    d.evidence.push({
      text: ok
        ? `${t.name} tracer ${s.version} supports ASM (${t.minAsmVersion} or later)`
        : `${t.name} tracer ${s.version} is older than ${t.minAsmVersion}, the first version with ASM`,
      status: ok ? 'pass' : 'fail',
      ...(s.file ? { file: s.file } : {}),
    });
  }
}

let minByLang: Record<string, string> | undefined;
function MIN_BY_LANG(): Record<string, string> {
  minByLang ??= Object.fromEntries(kb().data.tracers.map((t) => [t.language, t.minAsmVersion]));
  return minByLang;
}

function varEvidence(src: EnvSource, v: AgentVar, text: string, status: StepStatus): Evidence {
  const where = src.context ? ` (${src.kind}: ${src.context})` : ` (${src.kind})`;
  return { text: `${text}${where}`, status, ...(v.file ? { file: v.file } : {}), ...(v.line !== undefined ? { line: v.line } : {}) };
}

function addAppsecEnvEvidence(d: Draft | undefined, env: EnvSource[]) {
  if (!d) return;
  for (const src of env) {
    for (const v of src.vars) {
      if (JVM_VARS.has(v.name)) {
        // Java: -Ddd.appsec.enabled=true in JAVA_TOOL_OPTIONS / JAVA_OPTS / CATALINA_OPTS.
        const m = /-Ddd\.appsec\.enabled=(\w{1,8})/.exec(v.value);
        if (m) {
          const on = /^(true|1)$/i.test(m[1]!);
          d.evidence.push(
            varEvidence(
              src,
              v,
              `${v.name} sets -Ddd.appsec.enabled=${m[1]}${on ? '' : FALSE.test(m[1]!) ? ', which turns ASM off' : ' (expected true)'}`,
              on ? 'pass' : FALSE.test(m[1]!) ? 'fail' : 'warning',
            ),
          );
        }
        continue;
      }
      if (v.name !== 'DD_APPSEC_ENABLED') continue;
      const val = v.value.trim().toLowerCase();
      const status: StepStatus = /^(true|1|yes|on)$/.test(val) ? 'pass' : /^(false|0|no|off)$/.test(val) ? 'fail' : 'warning';
      const text =
        status === 'pass'
          ? `DD_APPSEC_ENABLED=${v.value}`
          : status === 'fail'
            ? `DD_APPSEC_ENABLED=${v.value} turns ASM off`
            : `DD_APPSEC_ENABLED=${v.value} is not a boolean (expected true)`;
      d.evidence.push(varEvidence(src, v, text, status));
    }
  }
}

const FALSE = /^(false|0|no|off)$/i;
const JVM_VARS = new Set(['JAVA_TOOL_OPTIONS', 'JAVA_OPTS', '_JAVA_OPTIONS', 'CATALINA_OPTS']);
const LIST_VARS = new Set(['DD_TRACE_DISABLED_PLUGINS', 'DD_DISABLED_INTEGRATIONS', 'DD_INTEGRATIONS_DISABLED', 'DD_TRACE_DISABLED_INTEGRATIONS']);
const SWITCH_VAR = /^DD_(?:TRACE_(?:INTEGRATION_)?|INTEGRATION_)?([A-Z0-9_]+)_ENABLED$/i;

function addIntegrationEvidence(d: Draft | undefined, summaries: SummaryEvidence[], env: EnvSource[], language: Language | null) {
  if (!d) return;
  const sets = kb().data.integrations.filter((s) => !language || s.language === language);
  const required = new Map<string, string>();
  for (const s of sets) for (const r of s.required) required.set(norm(r), r);
  const all = [...new Set(required.values())];
  const needs = all.length === 1 ? all[0] : `${all.slice(0, 4).join(', ')}${all.length > 4 ? '…' : ''}`;
  // The environment: a required integration switched off (DD_TRACE_HTTP_ENABLED=false, DD_TRACE_DISABLED_PLUGINS=http…).
  for (const src of env) {
    for (const v of src.vars) {
      if (v.name === 'DD_INTEGRATIONS_ENABLED') {
        if (all.length && FALSE.test(v.value.trim()))
          d.evidence.push(varEvidence(src, v, `DD_INTEGRATIONS_ENABLED=${v.value} turns off every integration, including ${needs}, which ASM needs`, 'fail'));
        continue;
      }
      if (JVM_VARS.has(v.name)) {
        // -Ddd.integrations.enabled=false, -Ddd.integration.<name>.enabled=false, -Ddd.trace.<name>.enabled=false
        for (const m of v.value.matchAll(/-Ddd\.(?:(integrations)|(?:integration|trace)\.([\w.-]{1,80}?))\.enabled=(\w{1,8})/g)) {
          if (!FALSE.test(m[3]!)) continue;
          if (m[1] && all.length)
            d.evidence.push(
              varEvidence(src, v, `${v.name} sets -Ddd.integrations.enabled=${m[3]}: every integration is off, including ${needs}, which ASM needs`, 'fail'),
            );
          const r = m[2] ? required.get(norm(m[2])) : undefined;
          if (r)
            d.evidence.push(varEvidence(src, v, `${v.name} sets -Ddd.${m[0].slice(5).split('=')[0]}=${m[3]}, which disables ${r}, which ASM needs`, 'fail'));
        }
        continue;
      }
      if (LIST_VARS.has(v.name)) {
        for (const item of v.value.split(/[,;\s]+/).filter(Boolean)) {
          const r = required.get(norm(item));
          if (r) d.evidence.push(varEvidence(src, v, `${v.name} disables ${r}, which ASM needs`, 'fail'));
        }
        continue;
      }
      const m = SWITCH_VAR.exec(v.name);
      if (!m || ['APPSEC', 'TRACE', 'INTEGRATIONS', 'STARTUP_LOGS', 'DEBUG', 'LOGS_INJECTION', 'RUNTIME_METRICS', 'PROFILING'].includes(m[1].toUpperCase()))
        continue;
      const r = required.get(norm(m[1]));
      if (r && FALSE.test(v.value.trim())) d.evidence.push(varEvidence(src, v, `${v.name}=${v.value} disables ${r}, which ASM needs`, 'fail'));
    }
  }
  // The logs: a tracer that lists its loaded integrations and has the required ones.
  for (const s of summaries) {
    if (!s.integrations || !s.tracer) continue;
    if (d.evidence.some((e) => e.code === 'integration-disabled' && e.file === s.file)) continue;
    const set = kb().integrations(s.tracer as Language);
    if (!set || !set.required.length) continue;
    const loaded = new Set(s.integrations.map((x) => norm(kb().integrationName(s.tracer as Language, x))));
    const disabled = new Set(s.disabledIntegrations.map(norm));
    const present = set.required.filter((r) => loaded.has(norm(r)) && !disabled.has(norm(r)));
    if (present.length)
      d.evidence.push({
        text: `Loaded: ${present.join(', ')} (ASM needs ${set.required.length === 1 ? set.required[0] : `one of ${set.required.join(', ')}`})`,
        status: 'pass',
        ...(s.file ? { file: s.file } : {}),
      });
  }
}

function clipWords(s: string, n: number): string {
  const t = s.trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}
