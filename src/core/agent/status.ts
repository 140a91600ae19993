// The Agent, fully read (issue 15 §1): a saved or pasted `/info` answer and `datadog-agent status` output (text and
// --json), recognised by content, become findings (agent-too-old, remote-config-disabled…) and steps 3/4 evidence.
// Formats (DataDog/datadog-agent):
// - /info: pkg/trace/api/info.go (asm-formats.md §4.1); `/v0.7/config` is in `endpoints` only when Remote
//   Configuration is on in the Agent (comp/trace/agent/impl/run.go, pkg/trace/api/endpoints.go @677711e9).
// - status text, "APM Agent" section: comp/trace/status/impl/status_templates/traceagent.tmpl @c7f8f7c2;
//   "Remote Configuration" section: comp/remote-config/rcstatus/impl/status_templates/remoteconfiguration.tmpl @be0fcbaf.
// - status --json: `apmStats` (the trace-agent's /debug/vars, comp/trace/status/impl/status.go @bd129d5d) and
//   `remoteConfiguration` {orgEnabled, apiKeyScoped, lastError, disabledReason} + `remoteConfigStartup`
//   (comp/remote-config/rcstatus/impl/status.go @dc27fb93).
// Every line is read once; the regexes are anchored and linear, and the input is bounded by the callers.
import { range, type Finding } from '../finding';
import { makeFinding } from '../findings';
import type { Evidence, StepStatus } from '../steps';
import { hasRemoteConfig, parseInfo, type AgentInfo } from './check';
import { compareVersions } from '../version';
import { mayBeAgentArtifact, MAX_ARTIFACT_BYTES } from './artifact-head';

export { mayBeAgentArtifact, MAX_ARTIFACT_BYTES };

/** Version floors (kb agent-too-old). */
export const AGENT_FLOORS = [
  { version: '7.41.1', feature: 'Application Security' },
  { version: '7.39.1', feature: "Python's Remote Configuration" },
  { version: '7.35.0', feature: 'meta_struct (attack data of Python 2.8+ and RASP stacks)' },
] as const;

export const RC_ENDPOINT = '/v0.7/config';

export interface StatusClient {
  lang: string;
  langVersion: string;
  interpreter: string;
  tracerVersion: string;
  tracesReceived: number | null;
  spansReceived: number | null;
  warning: string | null;
  line?: number;
}

export interface AgentStatus {
  format: 'text' | 'json';
  version: string | null;
  versionLine?: number;
  apm: {
    running: boolean | null;
    error: string | null;
    receiver: string | null;
    endpoints: string[];
    noTraces: boolean;
    clients: StatusClient[];
    writerErrors: number | null;
    statusLine?: number;
    noTracesLine?: number;
    writerLine?: number;
    endpointsLine?: number;
  } | null;
  rc: {
    orgEnabled: boolean | null;
    apiKeyAuthorized: boolean | null;
    lastError: string | null;
    disabledReason: string | null;
    startupFailure: string | null;
    disabled: boolean;
    line?: number;
    orgLine?: number;
    keyLine?: number;
    errorLine?: number;
  } | null;
}

export type AgentArtifact = { kind: 'info'; info: AgentInfo } | { kind: 'status'; status: AgentStatus };

/** Major, minor, patch of "7.41.1", "7.50.3-rc.1", "v7.52.0"; null when it is not a version. */
export function parseVersion(v: string | null | undefined): [number, number, number] | null {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?/.exec((v ?? '').trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** v is a version below floor, by the core's one version comparison (a pre-release sorts before its release). */
export function versionBelow(v: string, floor: string): boolean {
  return parseVersion(v) !== null && compareVersions(v.trim(), floor) < 0;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
};

const MAX_LINES = 200_000;
const MAX_LINE = 4096;

/** `datadog-agent status` text: null unless it has an "APM Agent" or "Remote Configuration" section header. */
export function parseAgentStatusText(text: string): AgentStatus | null {
  const lines = text.split('\n', MAX_LINES).map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l).replace(/\r$/, ''));
  const isRule = (l: string | undefined) => l !== undefined && /^\s*={3,}\s*$/.test(l);
  const out: AgentStatus = { format: 'text', version: null, apm: null, rc: null };
  let section: string | null = null;
  let client: StatusClient | null = null;
  let inEndpoints = false;
  let inAdditional = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const l = raw.trim();
    // A section title between two rules of '=' (the status renderer's header).
    if (l && !isRule(raw) && isRule(lines[i - 1]) && isRule(lines[i + 1])) {
      section = l;
      const v = /^Agent \(v([^)\s]{1,40})\)$/.exec(l);
      if (v) {
        out.version = v[1]!;
        out.versionLine = i;
      }
      if (l === 'APM Agent') out.apm = { running: null, error: null, receiver: null, endpoints: [], noTraces: false, clients: [], writerErrors: null };
      if (l === 'Remote Configuration')
        out.rc = { orgEnabled: null, apiKeyAuthorized: null, lastError: null, disabledReason: null, startupFailure: null, disabled: false, line: i };
      client = null;
      inEndpoints = false;
      inAdditional = false;
      i++;
      continue;
    }
    if (section === 'APM Agent' && out.apm) {
      const a = out.apm;
      let m: RegExpExecArray | null;
      if (inEndpoints) {
        if (/^https?:\/\/\S+$/.test(l)) {
          a.endpoints.push(l);
          continue;
        }
        inEndpoints = false;
      }
      if (l === 'Status: Running') {
        a.running = true;
        a.statusLine = i;
      } else if (l.startsWith('Status: Not running or unreachable')) {
        a.running = false;
        a.statusLine = i;
      } else if ((m = /^Error: (.+)$/.exec(l)) && a.running === false) a.error = m[1]!;
      else if ((m = /^Receiver: (\S+)$/.exec(l))) a.receiver = m[1]!;
      else if (l === 'Endpoints:') {
        inEndpoints = true;
        a.endpointsLine = i;
      } else if (l === 'No traces received in the previous minute.') {
        a.noTraces = true;
        a.noTracesLine = i;
      } else if ((m = /^From (\S+) (\S+) \(([^)]*)\), client (\S+)(?: via \S+)?$/.exec(l))) {
        client = {
          lang: m[1]!,
          langVersion: m[2]!,
          interpreter: m[3]!,
          tracerVersion: m[4]!,
          tracesReceived: null,
          spansReceived: null,
          warning: null,
          line: i,
        };
        a.clients.push(client);
      } else if (l === 'From unknown clients') {
        client = { lang: 'unknown', langVersion: '', interpreter: '', tracerVersion: '', tracesReceived: null, spansReceived: null, warning: null, line: i };
        a.clients.push(client);
      } else if ((m = /^Traces received: ([\d,]+)/.exec(l)) && client) client.tracesReceived = num(m[1]);
      else if ((m = /^Spans received: ([\d,]+)/.exec(l)) && client) client.spansReceived = num(m[1]);
      else if ((m = /^WARNING: Traces API errors \(1 min\): ([\d.,]+)$/.exec(l))) {
        a.writerErrors = num(m[1]);
        a.writerLine = i;
      } else if ((m = /^WARNING: (.+)$/.exec(l)) && client) client.warning = m[1]!;
      else if (l === 'Writer (previous minute)') client = null;
      else if (/^Traces: [\d,]+ payloads/.test(l) && a.writerErrors === null) {
        a.writerErrors = 0;
        a.writerLine = i;
      }
    } else if (section === 'Remote Configuration' && out.rc) {
      const r = out.rc;
      let m: RegExpExecArray | null;
      // "Additional client" blocks (Cluster Agent clients) follow the default client's lines: left alone.
      if (l.startsWith('Additional client "')) inAdditional = true;
      if (inAdditional) continue;
      if ((m = /^Organization enabled: (True|False)$/.exec(l))) {
        r.orgEnabled = m[1] === 'True';
        r.orgLine = i;
      } else if (l === 'API Key: Authorized') {
        r.apiKeyAuthorized = true;
        r.keyLine = i;
      } else if (l.startsWith('API Key: Not authorized')) {
        r.apiKeyAuthorized = false;
        r.keyLine = i;
      } else if ((m = /^Last error: (.+)$/.exec(l))) {
        r.lastError = m[1] === 'None' ? null : m[1]!;
        r.errorLine = i;
      } else if ((m = /^Startup Failure Reason: (.+)$/.exec(l))) {
        r.startupFailure = m[1]!;
        r.errorLine = i;
      } else if ((m = /^Remote Configuration is disabled(?: because (.+))?$/.exec(l))) {
        r.disabled = true;
        r.disabledReason = m[1] ?? null;
        r.line = i;
      }
    }
  }
  return out.apm || out.rc ? out : null;
}

const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const strOf = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const numOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' ? num(v) : null);
const boolOf = (v: unknown): boolean | null => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : null);

/** `datadog-agent status --json`: null unless it has `apmStats` or `remoteConfiguration`. */
export function parseAgentStatusJson(v: unknown): AgentStatus | null {
  const o = obj(v);
  if (!o || (!('apmStats' in o) && !('remoteConfiguration' in o))) return null;
  const meta = obj(o.agent_metadata);
  const out: AgentStatus = { format: 'json', version: strOf(o.version) ?? strOf(meta?.agent_version), apm: null, rc: null };
  const a = obj(o.apmStats);
  if (a) {
    const cfg = obj(a.config) ?? {};
    const receiver = Array.isArray(a.receiver) ? a.receiver.slice(0, 1000) : [];
    const writer = obj(a.trace_writer);
    out.apm = {
      running: strOf(a.error) ? false : true,
      error: strOf(a.error),
      receiver: strOf(cfg.ReceiverHost) ? `${cfg.ReceiverHost}:${numOf(cfg.ReceiverPort) ?? ''}` : null,
      endpoints: Array.isArray(cfg.Endpoints)
        ? cfg.Endpoints.slice(0, 100)
            .map((e) => strOf(obj(e)?.Host))
            .filter((h): h is string => !!h)
        : [],
      noTraces: !strOf(a.error) && receiver.length === 0,
      clients: receiver.map((r) => {
        const x = obj(r) ?? {};
        return {
          lang: strOf(x.Lang) ?? 'unknown',
          langVersion: strOf(x.LangVersion) ?? '',
          interpreter: strOf(x.Interpreter) ?? '',
          tracerVersion: strOf(x.TracerVersion) ?? '',
          tracesReceived: numOf(x.TracesReceived),
          spansReceived: numOf(x.SpansReceived),
          warning: strOf(x.WarnString),
        };
      }),
      writerErrors: writer ? numOf(writer.Errors) : null,
    };
  }
  const r = obj(o.remoteConfiguration);
  if (r) {
    const startup = strOf(obj(o.remoteConfigStartup)?.startupFailureReason);
    const disabledReason = strOf(r.disabledReason);
    const hasAny = 'orgEnabled' in r || 'apiKeyScoped' in r || disabledReason !== null;
    out.rc = {
      orgEnabled: boolOf(r.orgEnabled),
      apiKeyAuthorized: boolOf(r.apiKeyScoped),
      lastError: strOf(r.lastError),
      disabledReason,
      startupFailure: startup,
      // An empty object: the template prints "Remote Configuration is disabled".
      disabled: disabledReason !== null || (!hasAny && !startup),
    };
  }
  return out;
}

/** Recognises an /info answer or `datadog-agent status` output (text or JSON) by its content; null otherwise. */
export function recognizeAgentArtifact(text: string): AgentArtifact | null {
  const head = text.slice(0, 64).trimStart();
  if (head.startsWith('{')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return null;
    }
    const status = parseAgentStatusJson(v);
    if (status) return { kind: 'status', status };
    const o = obj(v);
    // An /info answer: a version and endpoints that include a trace endpoint (not any JSON with those two keys).
    if (o && Array.isArray(o.endpoints) && typeof o.version === 'string' && o.endpoints.some((e) => typeof e === 'string' && /^\/v0\.\d\/traces\/?$/.test(e))) {
      const info = parseInfo(o);
      if (info) return { kind: 'info', info };
    }
    return null;
  }
  if (!text.includes('APM Agent') && !text.includes('Remote Configuration')) return null;
  const status = parseAgentStatusText(text);
  return status ? { kind: 'status', status } : null;
}

/** The floors a version is below, highest first. */
export function floorsMissed(version: string | null): (typeof AGENT_FLOORS)[number][] {
  if (!version || !parseVersion(version)) return [];
  return AGENT_FLOORS.filter((f) => versionBelow(version, f.version));
}

const at = (line: number | undefined) => range(line ?? 0, 0, 0);

function tooOld(version: string, line: number | undefined, where: string): Finding[] {
  const missed = floorsMissed(version);
  if (!missed.length) return [];
  return [
    makeFinding('agent-too-old', at(line), {
      detail: `The Agent ${where} is version ${version}, below ${missed.map((f) => `${f.version} (${f.feature})`).join(', ')}`,
      data: { version, floors: missed.map((f) => f.version), features: missed.map((f) => f.feature) },
    }),
  ];
}

/** The 0-based line of the first `"key"` in a JSON text (for a finding's position), or 0. */
function jsonLine(text: string | undefined, key: string): number {
  if (!text) return 0;
  const i = text.indexOf(`"${key}"`);
  if (i < 0) return 0;
  let n = 0;
  for (let j = text.indexOf('\n'); j >= 0 && j < i; j = text.indexOf('\n', j + 1)) n++;
  return n;
}

/** Findings of an /info answer (the live check's or a saved one). The local intake's /info gives none. */
export function agentInfoFindings(info: AgentInfo, text?: string): Finding[] {
  if (info.localIntake) return [];
  const out: Finding[] = [];
  if (info.version) out.push(...tooOld(info.version, jsonLine(text, 'version'), 'answering /info'));
  if (!hasRemoteConfig(info)) {
    out.push(
      makeFinding('remote-config-disabled', at(jsonLine(text, 'endpoints')), {
        detail: `The Agent's /info lists no ${RC_ENDPOINT} endpoint: Remote Configuration is off in this Agent, so 1-click activation, IP and user blocking, exclusion filters and rule updates never reach the tracers`,
        data: {
          source: 'info',
          setting: 'DD_REMOTE_CONFIGURATION_ENABLED=true',
          yaml: 'remote_configuration.enabled: true',
          endpoints: info.endpoints.slice(0, 50),
        },
      }),
    );
  }
  return out;
}

const GOV = /(^|\.)ddog-gov\.com(:\d+)?(\/|$)/i;

/** Findings of `datadog-agent status` output. */
export function agentStatusFindings(s: AgentStatus): Finding[] {
  const out: Finding[] = [];
  if (s.version) out.push(...tooOld(s.version, s.versionLine, 'in this status'));
  const a = s.apm;
  if (a) {
    if (a.running === false) {
      out.push(
        makeFinding('agent-unreachable', at(a.statusLine), {
          detail: `The Agent's status says the APM Agent (trace-agent) is not running or unreachable${a.error ? ` (${a.error.slice(0, 300)})` : ''}`,
          fix: 'Enable APM in the Agent (DD_APM_ENABLED=true, or apm_config.enabled: true in datadog.yaml), restart it, and read the trace-agent log for the error.',
          data: { error: a.error, source: 'status' },
        }),
      );
    } else if (a.noTraces) {
      out.push(
        makeFinding('agent-no-data', at(a.noTracesLine), {
          detail:
            'The Agent\'s status says "No traces received in the previous minute": no tracer reached this Agent in that minute (or the service got no traffic)',
          data: { receiver: a.receiver, source: 'status' },
        }),
      );
    }
    for (const c of a.clients.slice(0, 50)) {
      out.push(
        makeFinding('agent-traces-received', at(c.line), {
          detail: `The Agent received ${c.tracesReceived ?? '?'} trace(s) in the last minute from ${c.lang} ${c.langVersion}${c.interpreter ? ` (${c.interpreter})` : ''}, tracer ${c.tracerVersion || '?'}${c.warning ? `; warning: ${c.warning.slice(0, 300)}` : ''}`,
          data: { lang: c.lang, langVersion: c.langVersion, tracerVersion: c.tracerVersion, tracesReceived: c.tracesReceived, warning: c.warning },
        }),
      );
    }
    if (a.writerErrors)
      out.push(
        makeFinding('agent-writer-errors', at(a.writerLine), {
          detail: `The Agent's status reports ${a.writerErrors} Traces API error(s) in the last minute: traces do not reach Datadog`,
          data: { errors: a.writerErrors },
        }),
      );
    const gov = a.endpoints.find((e) => {
      try {
        return GOV.test(new URL(e).host);
      } catch {
        return false;
      }
    });
    if (gov)
      out.push(
        makeFinding('asm-site-unsupported', at(a.endpointsLine), {
          detail: `The Agent sends traces to ${gov}, a US1-FED / GovCloud site where Application Security is not supported`,
          data: { endpoint: gov },
        }),
      );
  }
  const r = s.rc;
  if (r) {
    if (r.disabled) {
      out.push(
        makeFinding('remote-config-disabled', at(r.line), {
          detail: `The Agent's status says Remote Configuration is disabled${r.disabledReason ? ` because ${r.disabledReason.slice(0, 300)}` : ''}`,
          data: { source: 'status', reason: r.disabledReason, setting: 'DD_REMOTE_CONFIGURATION_ENABLED=true', yaml: 'remote_configuration.enabled: true' },
        }),
      );
    }
    if (r.apiKeyAuthorized === false || r.orgEnabled === false) {
      const what = [
        r.orgEnabled === false ? 'Remote Configuration is not enabled for the organization' : '',
        r.apiKeyAuthorized === false ? 'the API key is not authorized for Remote Configuration (it needs the Remote Configuration Read permission)' : '',
      ]
        .filter(Boolean)
        .join(', and ');
      out.push(
        makeFinding('remote-config-unauthorized', at(r.apiKeyAuthorized === false ? r.keyLine : r.orgLine), {
          detail: `The Agent's status says ${what}`,
          data: { orgEnabled: r.orgEnabled, apiKeyAuthorized: r.apiKeyAuthorized },
        }),
      );
    }
    const err = r.startupFailure ?? r.lastError;
    if (err)
      out.push(
        makeFinding('remote-config-error', at(r.errorLine), {
          detail: `The Agent's Remote Configuration reports: ${err.slice(0, 500)}`,
          data: { error: err, startup: r.startupFailure !== null },
        }),
      );
  }
  return out;
}

/** Findings of a recognised artifact; `text` positions the /info findings. */
export function agentArtifactFindings(a: AgentArtifact, text?: string): Finding[] {
  return a.kind === 'info' ? agentInfoFindings(a.info, text) : agentStatusFindings(a.status);
}

/** kb/steps.yaml sub-step ids the Agent's status and /info feed (steps 3 and 4). */
export const AGENT_STEP_CHECKS = {
  version: 'agent-version',
  remoteConfig: 'agent-remote-config',
  tracers: 'agent-tracers',
  writer: 'agent-writer',
  rcKey: 'agent-rc-key',
  site: 'agent-site',
  transmission: 'span-transmission',
  logstats: 'agent-logstats',
} as const;

interface StatusRow {
  step: 'agent' | 'backend';
  check: string;
  ev: Evidence;
  /** A finding of agentStatusFindings says the same (the steps show the finding, not this row). */
  finding: boolean;
}

function statusRows(s: AgentStatus, file?: string): StatusRow[] {
  const C = AGENT_STEP_CHECKS;
  const rows: StatusRow[] = [];
  const push = (step: StatusRow['step'], check: string, text: string, status: StepStatus, line: number | undefined, finding = status !== 'pass') =>
    rows.push({ step, check, finding, ev: { text, status, ...(file ? { file } : {}), ...(file && line !== undefined ? { line } : {}) } });
  if (s.version)
    push(
      'agent',
      C.version,
      `Agent version ${s.version}${
        floorsMissed(s.version).length
          ? ` (below ${floorsMissed(s.version)
              .map((f) => f.version)
              .join(', ')})`
          : ''
      }`,
      floorsMissed(s.version).length ? 'warning' : 'pass',
      s.versionLine,
    );
  const a = s.apm;
  if (a) {
    if (a.running === false)
      push('agent', C.transmission, `APM Agent not running or unreachable${a.error ? `: ${a.error.slice(0, 200)}` : ''}`, 'fail', a.statusLine);
    else if (a.running) push('agent', C.tracers, `APM Agent running${a.receiver ? `, receiver ${a.receiver}` : ''}`, 'pass', a.statusLine);
    if (a.noTraces) push('agent', C.logstats, 'No traces received in the previous minute', 'warning', a.noTracesLine);
    // A client's warning has no finding of its own: the row is the evidence.
    for (const c of a.clients.slice(0, 20))
      push(
        'agent',
        C.tracers,
        `Traces from ${c.lang} ${c.langVersion}, tracer ${c.tracerVersion || '?'}: ${c.tracesReceived ?? '?'} in the last minute${c.warning ? ` (warning: ${c.warning.slice(0, 200)})` : ''}`,
        c.warning ? 'warning' : 'pass',
        c.line,
        false,
      );
    if (a.writerErrors !== null)
      push(
        'backend',
        C.writer,
        a.writerErrors ? `Traces API errors in the last minute: ${a.writerErrors}` : 'The Agent sends traces to Datadog without errors',
        a.writerErrors ? 'fail' : 'pass',
        a.writerLine,
      );
    for (const e of a.endpoints.slice(0, 5)) push('backend', C.site, `Trace endpoint ${e}`, GOV.test(e) ? 'warning' : 'pass', a.endpointsLine);
  }
  const r = s.rc;
  if (r) {
    if (r.disabled)
      push('backend', C.remoteConfig, `Remote Configuration disabled${r.disabledReason ? ` because ${r.disabledReason.slice(0, 200)}` : ''}`, 'fail', r.line);
    else if (!r.startupFailure)
      push('backend', C.remoteConfig, 'Remote Configuration is on in this Agent (its status has a Remote Configuration client)', 'pass', r.line);
    if (r.orgEnabled !== null)
      push(
        'backend',
        C.rcKey,
        `Remote Configuration for the organization: ${r.orgEnabled ? 'enabled' : 'not enabled'}`,
        r.orgEnabled ? 'pass' : 'fail',
        r.orgLine,
      );
    if (r.apiKeyAuthorized !== null)
      push(
        'backend',
        C.rcKey,
        `API key ${r.apiKeyAuthorized ? 'authorized' : 'not authorized'} for Remote Configuration`,
        r.apiKeyAuthorized ? 'pass' : 'fail',
        r.keyLine,
      );
    const err = r.startupFailure ?? r.lastError;
    if (err) push('backend', C.rcKey, `Remote Configuration error: ${err.slice(0, 200)}`, 'warning', r.errorLine);
  }
  return rows;
}

/**
 * Steps 3 and 4 evidence from the Agent's status, for the steps engine: which tracer reached this Agent (step 3),
 * Remote Configuration and writer health, site (step 4). `file` is set on each line when given.
 */
export function agentStatusEvidence(s: AgentStatus, file?: string): { agent: Evidence[]; backend: Evidence[] } {
  const rows = statusRows(s, file);
  return { agent: rows.filter((r) => r.step === 'agent').map((r) => r.ev), backend: rows.filter((r) => r.step === 'backend').map((r) => r.ev) };
}

/**
 * agentStatusEvidence by kb/steps.yaml sub-step id (the steps' checkEvidence). A row a finding already states
 * (agentStatusFindings: too old, writer errors, key not authorized…) is left out: the steps show that finding,
 * under the same sub-step (its codes), so each fact appears once.
 */
export function agentStatusCheckEvidence(s: AgentStatus, file?: string): Record<string, Evidence[]> {
  const out: Record<string, Evidence[]> = {};
  for (const r of statusRows(s, file)) if (!r.finding) (out[r.check] ??= []).push({ ...r.ev, strength: 'log' });
  return out;
}

/** The steps' evidence of an opened or saved text when it is `datadog-agent status` output; null otherwise. Bounded. */
export function agentArtifactCheckEvidence(text: string, file?: string): Record<string, Evidence[]> | null {
  if (text.length > MAX_ARTIFACT_BYTES || !mayBeAgentArtifact(text.slice(0, 8192))) return null;
  const a = recognizeAgentArtifact(text);
  return a?.kind === 'status' ? agentStatusCheckEvidence(a.status, file) : null;
}

/**
 * The Agent check's /info as steps-3 evidence by sub-step id: its findings (agent-too-old, remote-config-disabled,
 * with the setting to change) or the passing rows. Live evidence, at the probe's time. The local intake: none.
 */
export function agentInfoCheckEvidence(info: AgentInfo, time?: number): Record<string, Evidence[]> {
  if (info.localIntake) return {};
  const C = AGENT_STEP_CHECKS;
  const live = { strength: 'live' as const, ...(time !== undefined ? { time } : {}) };
  const found = agentInfoFindings(info);
  const row = (f: Finding): Evidence => ({ text: f.message, code: f.code, status: f.severity === 'error' ? 'fail' : 'warning', ...live });
  const old = found.find((f) => f.code === 'agent-too-old');
  const rc = found.find((f) => f.code === 'remote-config-disabled');
  const out: Record<string, Evidence[]> = {};
  if (info.version)
    out[C.version] = [old ? row(old) : { text: `Agent ${info.version} answers /info (${AGENT_FLOORS[0].version} or later)`, status: 'pass', ...live }];
  out[C.remoteConfig] = [rc ? row(rc) : { text: `Remote Configuration is on in the Agent (/info lists ${RC_ENDPOINT})`, status: 'pass', ...live }];
  return out;
}
