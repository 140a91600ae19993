// Step 3 of the seed: "Check the details of the running Agent at this address http://<agent-machine-name>:<agent-port>/info".
// One GET with a hard timeout and a bounded body; every way it can go wrong is a distinct, explained outcome.
// Uses node:http (not fetch) so that unix:// agent sockets (DD_TRACE_AGENT_URL=unix:///var/run/datadog/apm.socket) work too.
import http from 'node:http';
import https from 'node:https';
import { INTAKE_VERSION } from '../intake/server';

export type AgentOutcome =
  | 'ok' // a JSON /info with the trace intake
  | 'no-trace-intake' // a JSON /info whose endpoints lack /v0.4/traces
  | 'not-agent' // JSON, but not an /info payload (no endpoints, no version)
  | 'not-json'
  | 'http-error'
  | 'refused'
  | 'timeout'
  | 'unreachable' // DNS failure, host unreachable, reset…
  | 'too-large'
  | 'bad-url';

export interface AgentInfo {
  version: string | null;
  gitCommit: string | null;
  endpoints: string[];
  /** `config.receiver_port`, `config.default_env` when present. */
  receiverPort: number | null;
  defaultEnv: string | null;
  /** `config.receiver_socket` (the Agent's UDS receiver) when present. */
  receiverSocket?: string | null;
  /** `/v0.7/config` is among the endpoints: Remote Configuration is on in this Agent. */
  remoteConfig?: boolean;
  /** `span_meta_structs` (newer Agents say whether they accept meta_struct); null when not reported. */
  spanMetaStructs?: boolean | null;
  /** The /info of ASM Troubleshooter's local trace intake (src/core/intake): it receives traces but forwards nothing. */
  localIntake: boolean;
}

export interface AgentCheckResult {
  /** The agent base URL that was checked (normalised, without /info). */
  url: string;
  infoUrl: string;
  outcome: AgentOutcome;
  /** Something answered HTTP at that address. */
  reachable: boolean;
  /** The answer is an agent /info that lists a trace endpoint. */
  traceIntake: boolean;
  httpStatus?: number;
  info?: AgentInfo;
  /** One sentence: what happened and what to do. */
  message: string;
  /** The low-level error code (ECONNREFUSED, ENOTFOUND…) when there is one. */
  errorCode?: string;
  elapsedMs: number;
}

export interface AgentCheckOptions {
  url: string;
  timeoutMs?: number;
  /** Body cap; an /info payload is a few KB. */
  maxBytes?: number;
}

export const DEFAULT_AGENT_URL = 'http://localhost:8126';
export const TRACE_ENDPOINTS = ['/v0.4/traces', '/v0.5/traces', '/v0.7/traces'];
const DEFAULT_MAX_BYTES = 1 << 20;

/**
 * `s` without its trailing slashes. A loop, not `/\/+$/`: that regex retries from every slash of a long run that is
 * not at the end (quadratic: 56 s on a 400 KB /info endpoint, issue 18.5).
 */
export function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return end === s.length ? s : s.slice(0, end);
}

interface Target {
  base: string;
  infoUrl: string;
  options: http.RequestOptions;
  secure: boolean;
}

/** Parses the agent URL (http, https or unix socket); null when it is not one. */
export function agentTarget(raw: string): Target | null {
  const s = raw.trim();
  if (s.startsWith('unix://')) {
    const socketPath = s.slice('unix://'.length);
    if (!socketPath.startsWith('/')) return null;
    return { base: s, infoUrl: `${s} GET /info`, options: { socketPath, path: '/info' }, secure: false };
  }
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (!u.hostname) return null;
  let auth: string | undefined;
  try {
    // Malformed percent-escapes (`%E0%A4`) make decodeURIComponent throw: not a usable address.
    if (u.username || u.password) auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  } catch {
    return null;
  }
  const basePath = trimTrailingSlashes(u.pathname);
  const base = `${u.protocol}//${u.host}${basePath}`;
  const secure = u.protocol === 'https:';
  return {
    base,
    infoUrl: `${base}/info`,
    options: {
      hostname: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : secure ? 443 : 80,
      path: `${basePath}/info`,
      // Credentials in the URL are sent as the URL says, never logged (the result shows `base` without them).
      ...(auth !== undefined ? { auth } : {}),
    },
    secure,
  };
}

/** `/v0.7/config` is among the endpoints: Remote Configuration is on in the Agent. */
export function hasRemoteConfig(info: Pick<AgentInfo, 'endpoints'>): boolean {
  return info.endpoints.some((e) => trimTrailingSlashes(e) === '/v0.7/config');
}

export function parseInfo(v: unknown): AgentInfo | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const endpoints = Array.isArray(o.endpoints) ? o.endpoints.filter((e): e is string => typeof e === 'string') : null;
  const version = typeof o.version === 'string' ? o.version : null;
  if (!endpoints && !version) return null;
  const cfg = typeof o.config === 'object' && o.config !== null ? (o.config as Record<string, unknown>) : {};
  return {
    version,
    gitCommit: typeof o.git_commit === 'string' ? o.git_commit : null,
    endpoints: endpoints ?? [],
    receiverPort: typeof cfg.receiver_port === 'number' ? cfg.receiver_port : null,
    defaultEnv: typeof cfg.default_env === 'string' ? cfg.default_env : null,
    receiverSocket: typeof cfg.receiver_socket === 'string' && cfg.receiver_socket ? cfg.receiver_socket : null,
    remoteConfig: hasRemoteConfig({ endpoints: endpoints ?? [] }),
    spanMetaStructs: typeof o.span_meta_structs === 'boolean' ? o.span_meta_structs : null,
    localIntake: version === INTAKE_VERSION,
  };
}

const ERROR_TEXT: Record<string, string> = {
  ECONNREFUSED:
    'connection refused: nothing listens there. Start the Datadog Agent (with APM enabled) or point DD_AGENT_HOST / DD_TRACE_AGENT_PORT / DD_TRACE_AGENT_URL at it',
  ENOTFOUND: 'the host name does not resolve from this machine (a docker-compose or Kubernetes service name only resolves inside that network)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset before an answer',
  ENOENT: 'the unix socket does not exist',
  EACCES: 'permission denied on the unix socket',
};

/** Upper bound of the check's timeout (the setting allows 60 s). */
export const MAX_TIMEOUT_MS = 120_000;

/** GET <agent>/info, bounded by timeoutMs (connect + answer) and maxBytes. Never throws. */
export function checkAgent(opts: AgentCheckOptions): Promise<AgentCheckResult> {
  const t0 = Date.now();
  // Clamped: a huge value would overflow setTimeout (it then fires after 1 ms), NaN would never fire.
  const t = opts.timeoutMs;
  const timeoutMs = typeof t === 'number' && Number.isFinite(t) ? Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.floor(t))) : 3000;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const target = agentTarget(opts.url);
  const done = (r: Omit<AgentCheckResult, 'elapsedMs' | 'url' | 'infoUrl'>): AgentCheckResult => ({
    url: target?.base ?? opts.url,
    infoUrl: target?.infoUrl ?? opts.url,
    ...r,
    elapsedMs: Date.now() - t0,
  });
  if (!target) {
    return Promise.resolve(
      done({
        outcome: 'bad-url',
        reachable: false,
        traceIntake: false,
        message: `"${opts.url}" is not an agent address (expected http://host:port, https://… or unix:///path/to/apm.socket)`,
      }),
    );
  }
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let req: http.ClientRequest | undefined;
    const finish = (r: Omit<AgentCheckResult, 'elapsedMs' | 'url' | 'infoUrl'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(done(r));
    };
    const mod = target.secure ? https : http;
    req = mod.request({ ...target.options, method: 'GET', headers: { Accept: 'application/json' }, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          finish({
            outcome: 'too-large',
            reachable: true,
            traceIntake: false,
            httpStatus: status,
            message: `${target.infoUrl} answered more than ${maxBytes} bytes: not an agent /info`,
          });
          return;
        }
        chunks.push(c);
      });
      res.on('error', (e) => finish(errorResult(e as NodeJS.ErrnoException, target.infoUrl)));
      res.on('end', () => {
        if (settled) return;
        const body = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status >= 300) {
          finish({
            outcome: 'http-error',
            reachable: true,
            traceIntake: false,
            httpStatus: status,
            message: `${target.infoUrl} answered HTTP ${status}${status === 404 ? ': something listens there, but it is not a Datadog Agent (or a very old one)' : ''}`,
          });
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          const head = body.slice(0, 60).replace(/\s+/g, ' ');
          finish({
            outcome: 'not-json',
            reachable: true,
            traceIntake: false,
            httpStatus: status,
            message: `${target.infoUrl} answered HTTP ${status} but not JSON (${head ? `"${head}${body.length > 60 ? '…' : ''}"` : 'empty body'}): not a Datadog Agent`,
          });
          return;
        }
        const info = parseInfo(json);
        if (!info) {
          finish({
            outcome: 'not-agent',
            reachable: true,
            traceIntake: false,
            httpStatus: status,
            message: `${target.infoUrl} answered JSON without version or endpoints: not a Datadog Agent /info`,
          });
          return;
        }
        const traceIntake = info.endpoints.some((e) => TRACE_ENDPOINTS.includes(trimTrailingSlashes(e)));
        const v = info.localIntake
          ? 'The local trace intake of ASM Troubleshooter (not a Datadog Agent: it forwards nothing to Datadog)'
          : info.version
            ? `Agent ${info.version}`
            : 'Agent (version not reported)';
        finish({
          outcome: traceIntake ? 'ok' : 'no-trace-intake',
          reachable: true,
          traceIntake,
          httpStatus: status,
          info,
          message: traceIntake
            ? `${v} answers at ${target.base}; its endpoints include the trace intake (${info.endpoints.filter((e) => TRACE_ENDPOINTS.includes(trimTrailingSlashes(e))).join(', ')})`
            : `${v} answers at ${target.base} but lists no trace endpoint (/v0.4/traces): APM may be disabled (apm_config.enabled: false)`,
        });
      });
    });
    req.on('error', (e) => finish(errorResult(e as NodeJS.ErrnoException, target.infoUrl)));
    timer = setTimeout(
      () =>
        finish({
          outcome: 'timeout',
          reachable: false,
          traceIntake: false,
          message: `no answer from ${target.infoUrl} within ${timeoutMs} ms (a firewall dropping packets, or a process that accepts but never answers)`,
        }),
      timeoutMs,
    );
    req.end();
  });
}

function errorResult(e: NodeJS.ErrnoException, infoUrl: string): Omit<AgentCheckResult, 'elapsedMs' | 'url' | 'infoUrl'> {
  const code = e.code ?? 'ERROR';
  const text = ERROR_TEXT[code] ?? e.message;
  return {
    outcome: code === 'ECONNREFUSED' ? 'refused' : 'unreachable',
    reachable: false,
    traceIntake: false,
    errorCode: code,
    message: `${infoUrl}: ${text}`,
  };
}
