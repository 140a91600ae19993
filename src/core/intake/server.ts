// The local trace intake: a stand-in for the Datadog Agent's trace endpoints on 127.0.0.1, so a developer can see
// — with no Datadog account — that the tracer detected an attack and sent the `appsec.event` span.
// It answers the tracer's other calls (remote config, telemetry, stats, DogStatsD proxy, debugger/EVP) quietly, and
// says honestly at /info that it is not an Agent. Bounded everywhere: body size (413), decode limits checked before
// decoding (413), bytes being read and payloads waiting to be decoded (429), what is kept (traces, spans, bytes,
// events), malformed payloads answered 400 and counted; a handler error never takes the server down.
// Web pages are not tracers: a request with Origin (or Sec-Fetch-Site other than none) gets 403, a body with a
// content type no tracer sends gets 415 (a cross-origin text/plain POST could otherwise forge an ASM event).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopback } from '../attack/policy';
import { decodeTracesSliced, DecodeError, PayloadTooComplex, type Span, type TraceApiVersion } from './decode';
import type { Finding } from '../finding';
import { AppsecTracker, appsecFindings, type ServiceAppsec } from './appsec';
import { LocalRemoteConfig, type RcClient } from './remote-config';
import { asmEventOf, eventBytes, JSON_BUDGET_PER_PAYLOAD, type AsmEvent } from './events';

export const INTAKE_VERSION = 'asm-troubleshooter-intake';
export const DEFAULT_INTAKE_PORT = 8126;

export interface ReceivedTrace {
  /** Sequence number, from 1, so a UI can key on it. */
  seq: number;
  receivedAt: number;
  version: TraceApiVersion;
  spans: Span[];
  events: AsmEvent[];
  /** Spans of this trace not kept (over the intake's span or byte bound); its events are all kept. */
  droppedSpans?: number;
}

export interface IntakeStats {
  payloads: number;
  traces: number;
  spans: number;
  events: number;
  malformed: number;
  tooLarge: number;
  otherRequests: number;
  /** Requests from a web page (Origin / Sec-Fetch-Site) or with a content type no tracer sends: 403/415. */
  refused?: number;
  /** Requests answered 429: too many bytes being read or payloads waiting to be decoded. */
  busy?: number;
  /** Spans and (estimated) bytes held now, within maxSpans and maxKeptBytes. */
  keptSpans?: number;
  keptBytes?: number;
  /** Proxy mode: requests forwarded to the Agent and answered, and those that failed (502). */
  forwarded?: number;
  forwardFailed?: number;
  lastError: string | null;
}

export interface IntakeOptions {
  /** Default 8126 (the Agent's port). 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When `port` is busy, listen on a free port instead of failing (default true). */
  fallbackToFreePort?: boolean;
  /** Largest accepted request body (default 16 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Traces kept (ring buffer, default 500). */
  maxTraces?: number;
  /** Spans kept over all traces (default 50,000): the oldest traces go first; a bigger trace keeps its first spans. */
  maxSpans?: number;
  /** Estimated bytes of the ASM events kept (default 32 MiB), oldest first out. */
  maxEventBytes?: number;
  /** Estimated bytes of the spans kept (default 64 MiB), evicted like maxSpans. */
  maxKeptBytes?: number;
  /** Bytes of request bodies being read at once, over all connections (default 64 MiB); beyond it 429. */
  maxInFlightBytes?: number;
  /** Trace payloads decoded or waiting to be decoded at once (default 3); beyond it 429. */
  maxPendingPayloads?: number;
  /**
   * Proxy mode: the user's real Agent (http://host:port). Every request is forwarded there and its answer passed
   * back unchanged; trace payloads are still decoded and shown. A host outside loopback needs forwardConfirmed.
   */
  forwardTo?: string;
  /** The user confirmed forwardTo (required when it is not loopback). */
  forwardConfirmed?: boolean;
  /**
   * Local Remote Configuration: answer the tracers' /v0.7/config polls with ASM_FEATURES {"asm":{"enabled":…}}
   * (what 1-click activation sends). Off by default: /v0.7/config is 404, "remote config disabled" to dd-trace.
   */
  remoteConfig?: { asm: { enabled: boolean } };
  /** ASM events kept (ring buffer, default 1000). */
  maxEvents?: number;
  /** Diagnostic lines (malformed payloads, fallback port). */
  log?: (line: string) => void;
}

export interface Intake {
  url: string;
  host: string;
  port: number;
  /** The port asked for, when it was busy and a free port was used instead. */
  requestedPort: number | null;
  /** What to set in the service's environment so its tracer sends here. */
  agentUrlEnv: string;
  traces(): ReceivedTrace[];
  events(): AsmEvent[];
  stats(): IntakeStats;
  /** What the spans prove about ASM per service (issue 15 §2), and the findings from it. */
  services(): ServiceAppsec[];
  findings(): Finding[];
  /** The tracers that polled the local Remote Configuration, and whether they applied ASM_FEATURES. */
  remoteConfigClients(): RcClient[];
  /** Resolves with the first event (already received or arriving) that satisfies `pred`, or null after `timeoutMs`. */
  waitForEvent(pred: (e: AsmEvent) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<AsmEvent | null>;
  onTrace(cb: (t: ReceivedTrace) => void): () => void;
  onEvent(cb: (e: AsmEvent) => void): () => void;
  clear(): void;
  close(): Promise<void>;
}

const TRACE_RESPONSE = JSON.stringify({ rate_by_service: {} });

/** Endpoints this intake answers (listed at /info). */
export const INTAKE_ENDPOINTS = [
  '/v0.4/traces',
  '/v0.5/traces',
  '/info',
  '/v0.6/stats',
  '/v0.7/config',
  '/telemetry/proxy/',
  '/dogstatsd/v2/proxy',
  '/debugger/v1/input',
  '/debugger/v1/diagnostics',
  '/evp_proxy/v2/',
  '/evp_proxy/v4/',
] as const;

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);
const FORWARD_TIMEOUT_MS = 10_000;
const MAX_FORWARD_ANSWER = 8 * 1024 * 1024;

/** The Agent to forward to: an http URL with a host; null otherwise. */
export function forwardTargetOf(raw: string): URL | null {
  try {
    const s = raw.trim();
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
    return u.protocol === 'http:' && u.hostname && !u.username && !u.password ? u : null;
  } catch {
    return null;
  }
}

class BodyTooLarge extends Error {}
class Busy extends Error {}

/** Bytes being read over all requests; `take` fails when the budget would be passed. */
interface ByteBudget {
  take(n: number): boolean;
  give(n: number): void;
}

function readBody(req: http.IncomingMessage, max: number, budget: ByteBudget): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return reject(new BodyTooLarge(`declared ${declared} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const release = () => {
      budget.give(size);
      size = 0;
    };
    req.on('data', (c: Buffer) => {
      if (failed) return;
      if (size + c.length > max) {
        failed = true;
        chunks.length = 0;
        release();
        reject(new BodyTooLarge(`more than ${max} bytes`));
        return;
      }
      if (!budget.take(c.length)) {
        failed = true;
        chunks.length = 0;
        release();
        reject(new Busy('too many bytes being received at once'));
        return;
      }
      size += c.length;
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      const body = Buffer.concat(chunks, size);
      chunks.length = 0;
      release();
      resolve(body);
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        chunks.length = 0;
        release();
        reject(e);
      }
    });
    req.on('aborted', () => {
      if (!failed) {
        failed = true;
        chunks.length = 0;
        release();
        reject(new Error('request aborted'));
      }
    });
  });
}

/** A Host header naming this machine's loopback (`127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>`; no port only for 80). */
export function isLocalHostHeader(host: string | undefined, port: number): boolean {
  const h = (host ?? '').trim().toLowerCase();
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/.exec(h);
  if (!m) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

/** What a web page can send that a tracer does not (the intake never serves a page, so no origin is its own). */
export function browserRequestReason(headers: http.IncomingHttpHeaders): string | null {
  if (headers.origin !== undefined) return `Origin ${JSON.stringify(String(headers.origin).slice(0, 200))}`;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && String(site).toLowerCase() !== 'none') return `Sec-Fetch-Site ${JSON.stringify(String(site).slice(0, 50))}`;
  return null;
}

/** The media type of a Content-Type header, lower-cased, without parameters ('' when absent). */
export function mediaType(header: string | undefined): string {
  const h = (header ?? '').slice(0, 200);
  const semi = h.indexOf(';');
  return (semi >= 0 ? h.slice(0, semi) : h).trim().toLowerCase();
}

/** Content types a tracer posts to the trace endpoints (every tracer sends msgpack there). */
const TRACE_CONTENT_TYPES = new Set(['application/msgpack']);
/** Types only a browser form or a `text/plain` fetch sends without a preflight; no tracer uses them. */
const BROWSER_ONLY_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded']);

/** Rough heap bytes of a decoded span (strings as UTF-16 plus object overhead), for the kept-bytes bound. */
export function spanBytes(s: Span): number {
  let n = 200 + 2 * (s.name.length + s.resource.length + s.service.length + s.type.length);
  for (const k in s.meta) n += 64 + 2 * (k.length + s.meta[k]!.length);
  for (const k in s.metrics) n += 48 + 2 * k.length;
  // Decoded msgpack takes several times its bytes (objects, UTF-16 strings).
  if (s.metaStructBytes) n += 8 * s.metaStructBytes;
  return n;
}

function send(res: http.ServerResponse, status: number, body: string, type = 'application/json', close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...(close ? { connection: 'close' } : {}) });
  res.end(body);
}

export function isAddrInUse(e: unknown): e is NodeJS.ErrnoException {
  return typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startIntake(opts: IntakeOptions = {}): Promise<Intake> {
  const host = opts.host ?? '127.0.0.1';
  const wanted = opts.port ?? DEFAULT_INTAKE_PORT;
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const maxTraces = Math.max(1, opts.maxTraces ?? 500);
  const maxEvents = Math.max(1, opts.maxEvents ?? 1000);
  const maxSpans = Math.max(1, opts.maxSpans ?? 50_000);
  const maxEventBytes = Math.max(1, opts.maxEventBytes ?? 32 * 1024 * 1024);
  const maxKeptBytes = Math.max(1, opts.maxKeptBytes ?? 64 * 1024 * 1024);
  const maxInFlight = Math.max(1, opts.maxInFlightBytes ?? 64 * 1024 * 1024);
  const maxPending = Math.max(1, opts.maxPendingPayloads ?? 3);
  let inFlightBytes = 0;
  let pending = 0;
  /** Decodes run one after another: two big payloads never sit decoded in memory at once. */
  let decodeChain: Promise<unknown> = Promise.resolve();
  const traceBytes = new WeakMap<ReceivedTrace, number>();
  const log = opts.log ?? (() => {});

  let traces: ReceivedTrace[] = [];
  let events: AsmEvent[] = [];
  let seq = 0;
  const stats: Required<IntakeStats> = {
    payloads: 0,
    traces: 0,
    spans: 0,
    events: 0,
    malformed: 0,
    tooLarge: 0,
    otherRequests: 0,
    refused: 0,
    busy: 0,
    keptSpans: 0,
    keptBytes: 0,
    forwarded: 0,
    forwardFailed: 0,
    lastError: null,
  };
  const traceListeners = new Set<(t: ReceivedTrace) => void>();
  const eventListeners = new Set<(e: AsmEvent) => void>();

  const emit = <T>(set: Set<(x: T) => void>, x: T) => {
    for (const cb of [...set]) {
      try {
        cb(x);
      } catch (e) {
        // A listener's bug must not lose the payload or crash the server.
        log(`intake listener error: ${(e as Error).message}`);
      }
    }
  };

  let eventsBytes = 0;
  const tracker = new AppsecTracker();
  const localRc = opts.remoteConfig ? new LocalRemoteConfig(opts.remoteConfig) : null;
  const evBytes = new WeakMap<AsmEvent, number>();
  const accept = (version: TraceApiVersion, decoded: Span[][]) => {
    stats.payloads++;
    const now = Date.now();
    const budget = { chars: JSON_BUDGET_PER_PAYLOAD };
    for (const spans of decoded) {
      if (!spans.length) continue;
      tracker.observe(spans, now);
      const evs = spans.map((s) => asmEventOf(s, now, budget)).filter((e): e is AsmEvent => e !== null);
      // Kept within maxSpans and maxKeptBytes: a trace bigger than the whole budget keeps its first spans.
      let bytes = 0;
      let keep = 0;
      while (keep < spans.length && keep < maxSpans) {
        const b = spanBytes(spans[keep]!);
        if (keep > 0 && bytes + b > maxKeptBytes) break;
        bytes += b;
        keep++;
      }
      const t: ReceivedTrace = {
        seq: ++seq,
        receivedAt: now,
        version,
        spans: keep < spans.length ? spans.slice(0, keep) : spans,
        events: evs,
        ...(keep < spans.length ? { droppedSpans: spans.length - keep } : {}),
      };
      traceBytes.set(t, bytes);
      traces.push(t);
      stats.keptSpans += keep;
      stats.keptBytes += bytes;
      let drop = 0;
      while (traces.length - drop > 1 && (traces.length - drop > maxTraces || stats.keptSpans > maxSpans || stats.keptBytes > maxKeptBytes)) {
        const old = traces[drop++]!;
        stats.keptSpans -= old.spans.length;
        stats.keptBytes -= traceBytes.get(old) ?? 0;
      }
      if (drop) traces = traces.slice(drop);
      stats.traces++;
      stats.spans += spans.length;
      emit(traceListeners, t);
      for (const e of evs) {
        events.push(e);
        const b = eventBytes(e);
        evBytes.set(e, b);
        eventsBytes += b;
        let dropEv = 0;
        while (events.length - dropEv > 1 && (events.length - dropEv > maxEvents || eventsBytes > maxEventBytes))
          eventsBytes -= evBytes.get(events[dropEv++]!) ?? 0;
        if (dropEv) events = events.slice(dropEv);
        stats.events++;
        emit(eventListeners, e);
      }
    }
  };

  /** Decodes one trace payload (serialized, bounded) and keeps it; the HTTP status it deserves. */
  const decodeAndAccept = async (version: TraceApiVersion, body: Buffer, method: string, path: string): Promise<{ status: number; error?: string }> => {
    if (pending >= maxPending) {
      stats.busy++;
      stats.lastError = `${method} ${path}: ${pending} payload(s) already waiting to be decoded`;
      log(`intake: 429 ${stats.lastError}`);
      return { status: 429, error: 'too many payloads at once; retry later' };
    }
    pending++;
    const run = decodeChain.then(() => decodeTracesSliced(body, version));
    decodeChain = run.catch(() => undefined);
    try {
      accept(version, await run);
      return { status: 200 };
    } catch (e) {
      const tooComplex = e instanceof PayloadTooComplex;
      if (tooComplex) stats.tooLarge++;
      else stats.malformed++;
      const msg = e instanceof DecodeError ? e.message : `unexpected error: ${(e as Error).message}`;
      stats.lastError = `${method} ${path}: ${msg}`;
      log(`intake: ${tooComplex ? 413 : 400} ${tooComplex ? 'too complex' : 'malformed'} ${version} payload (${body.length} bytes): ${msg}`);
      return { status: tooComplex ? 413 : 400, error: msg };
    } finally {
      pending--;
    }
  };

  const forwardTarget = opts.forwardTo ? forwardTargetOf(opts.forwardTo) : null;
  if (opts.forwardTo && !forwardTarget) throw new Error(`not an Agent address to forward to: ${opts.forwardTo} (expected http://host:port)`);
  if (forwardTarget && !isLoopback(forwardTarget.hostname) && opts.forwardConfirmed !== true) {
    throw new Error(`${forwardTarget.hostname} is not this machine: forwarding there needs the user's confirmation`);
  }

  /** Sends the request on to the Agent and its answer back unchanged (bounded in time and size); 502 when it fails. */
  const forwardRequest = (target: URL, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> =>
    new Promise((resolve) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      headers.host = target.host;
      headers['content-length'] = body.length;
      let done = false;
      const fail = (why: string) => {
        if (done) return;
        done = true;
        stats.forwardFailed++;
        stats.lastError = `forward ${req.method} ${req.url} to ${target.host}: ${why}`;
        log(`intake: 502 ${stats.lastError}`);
        send(res, 502, JSON.stringify({ error: `the Agent at ${target.host} did not answer: ${why}` }));
        resolve();
      };
      const out = http.request(
        {
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port || 80,
          method: req.method,
          path: `${target.pathname.replace(/\/$/, '')}${req.url ?? '/'}`,
          headers,
          agent: false,
          timeout: FORWARD_TIMEOUT_MS,
        },
        (ans) => {
          const chunks: Buffer[] = [];
          let size = 0;
          ans.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_FORWARD_ANSWER) {
              ans.destroy();
              fail(`answer larger than ${MAX_FORWARD_ANSWER} bytes`);
              return;
            }
            chunks.push(c);
          });
          ans.on('error', (e) => fail(e.message));
          ans.on('end', () => {
            if (done) return;
            done = true;
            stats.forwarded++;
            const h: http.OutgoingHttpHeaders = {};
            for (const [k, v] of Object.entries(ans.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
            const b = Buffer.concat(chunks, size);
            h['content-length'] = b.length;
            if (!res.headersSent) {
              res.writeHead(ans.statusCode ?? 502, h);
              res.end(b);
            }
            resolve();
          });
        },
      );
      out.on('timeout', () => {
        out.destroy();
        fail(`no answer within ${FORWARD_TIMEOUT_MS} ms`);
      });
      out.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
      out.end(body);
    });

  const budget: ByteBudget = {
    take(n) {
      if (inFlightBytes + n > maxInFlight) return false;
      inFlightBytes += n;
      return true;
    },
    give(n) {
      inFlightBytes = Math.max(0, inFlightBytes - n);
    },
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    // DNS rebinding: a web page whose name now resolves to 127.0.0.1 could POST a fake appsec.event; its requests
    // carry its own name in Host. Only loopback names are served (421: not for this server; the body is not read).
    if (!isLocalHostHeader(req.headers.host, intake.port)) {
      stats.otherRequests++;
      stats.lastError = `${method} ${path}: refused Host ${JSON.stringify(req.headers.host ?? '')}`;
      log(`intake: 421 for Host ${JSON.stringify(req.headers.host ?? '')} (only 127.0.0.1, localhost or [::1] with port ${intake.port})`);
      return send(res, 421, JSON.stringify({ error: 'the local intake only answers requests for 127.0.0.1, localhost or [::1]' }), 'application/json', true);
    }
    const m = /^\/(v0\.[45])\/traces\/?$/.exec(path);
    const browser = browserRequestReason(req.headers);
    const type = mediaType(req.headers['content-type']);
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const refusal = browser
      ? { status: 403, why: `a request from a web page (${browser})` }
      : m && hasBody && !TRACE_CONTENT_TYPES.has(type)
        ? { status: 415, why: `content type ${JSON.stringify(type || '(none)')} on a trace endpoint (tracers send application/msgpack)` }
        : hasBody && BROWSER_ONLY_TYPES.has(type) && path !== '/dogstatsd/v2/proxy' // statsd lines: text, never read
          ? { status: 415, why: `content type ${JSON.stringify(type)}, which no tracer sends` }
          : null;
    if (refusal) {
      // The body is not read; the connection is closed.
      stats.refused++;
      stats.lastError = `${method} ${path}: refused ${refusal.why}`;
      log(`intake: ${refusal.status} ${stats.lastError}`);
      send(res, refusal.status, JSON.stringify({ error: `the local intake only accepts tracers' requests: refused ${refusal.why}` }), 'application/json', true);
      res.on('finish', () => req.destroy());
      return;
    }
    if (m && (method === 'PUT' || method === 'POST') && pending >= maxPending) {
      stats.busy++;
      stats.lastError = `${method} ${path}: ${pending} payload(s) already waiting to be decoded`;
      log(`intake: 429 ${stats.lastError}`);
      send(res, 429, JSON.stringify({ error: 'too many payloads at once; retry later' }), 'application/json', true);
      res.on('finish', () => req.destroy());
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, maxBody, budget);
    } catch (e) {
      if (e instanceof Busy) {
        stats.busy++;
        stats.lastError = `${method} ${path}: ${e.message} (limit ${maxInFlight} bytes)`;
        log(`intake: 429 ${stats.lastError}`);
        send(res, 429, JSON.stringify({ error: 'too many bytes at once; retry later' }), 'application/json', true);
        res.on('finish', () => req.destroy());
        return;
      }
      if (e instanceof BodyTooLarge) {
        stats.tooLarge++;
        stats.lastError = `${method} ${path}: body too large (${e.message}, limit ${maxBody})`;
        log(`intake: 413 ${stats.lastError}`);
        // Close the connection: the rest of an oversized body is not read.
        send(res, 413, JSON.stringify({ error: `body larger than ${maxBody} bytes` }), 'application/json', true);
        res.on('finish', () => req.destroy());
        return;
      }
      return; // client went away
    }

    const isTracePut = !!m && (method === 'PUT' || method === 'POST');
    // Proxy mode: the spans are shown here and the request goes on to the real Agent, whose answer goes back.
    if (forwardTarget) {
      if (isTracePut) await decodeAndAccept(m![1] === 'v0.4' ? 'v0.4' : 'v0.5', body, method, path);
      else stats.otherRequests++;
      return forwardRequest(forwardTarget, req, res, body);
    }

    if (m) {
      if (method !== 'PUT' && method !== 'POST') return send(res, 405, JSON.stringify({ error: 'use PUT or POST' }));
      const d = await decodeAndAccept(m[1] === 'v0.4' ? 'v0.4' : 'v0.5', body, method, path);
      return d.status === 200 ? send(res, 200, TRACE_RESPONSE) : send(res, d.status, JSON.stringify({ error: d.error }));
    }

    stats.otherRequests++;
    if (path === '/info') {
      return send(
        res,
        200,
        JSON.stringify({
          version: INTAKE_VERSION,
          // Honest: this is not a Datadog Agent and forwards nothing.
          note: 'Local trace intake of ASM Troubleshooter: not a Datadog Agent; it keeps received traces in memory and forwards nothing to Datadog.',
          endpoints: INTAKE_ENDPOINTS,
          feature_flags: [],
          client_drop_p0s: false,
          span_meta_structs: false,
          long_running_spans: false,
          config: { receiver_port: intake.port },
        }),
      );
    }
    // Remote config: dd-trace treats 404 as "remote config is disabled" and stays quiet (remote_config/index.js).
    if (path === '/v0.7/config') {
      if (!localRc || method !== 'POST') return send(res, 404, '404 page not found\n', 'text/plain');
      const a = localRc.answer(body.subarray(0, 1024 * 1024).toString('utf8'));
      return send(res, a.status, a.body);
    }
    if (path.startsWith('/telemetry/proxy/')) return send(res, 202, '{}');
    if (path === '/v0.6/stats' || path === '/v0.1/pipeline_stats') return send(res, 200, 'OK', 'text/plain');
    if (path === '/dogstatsd/v2/proxy') return send(res, 200, '', 'text/plain');
    if (path.startsWith('/debugger/') || path.startsWith('/evp_proxy/') || path.startsWith('/profiling/') || path.startsWith('/tracer_flare/'))
      return send(res, 202, '{}');
    return send(res, 404, JSON.stringify({ error: `not served by the local intake: ${path}` }));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      stats.lastError = `handler error: ${(e as Error)?.message ?? String(e)}`;
      log(`intake: ${stats.lastError}`);
      try {
        send(res, 500, JSON.stringify({ error: 'internal error' }));
      } catch {
        res.destroy();
      }
    });
  });
  server.on('clientError', (_e, socket) => {
    // Garbage on the wire: answer 400 if we still can, never throw.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;

  let requestedPort: number | null = null;
  try {
    await listen(server, wanted, host);
  } catch (e) {
    if (!isAddrInUse(e) || opts.fallbackToFreePort === false || wanted === 0) throw e;
    requestedPort = wanted;
    await listen(server, 0, host);
  }
  const port = (server.address() as AddressInfo).port;
  if (forwardTarget && isLoopback(forwardTarget.hostname) && Number(forwardTarget.port || 80) === port) {
    await new Promise<void>((r) => server.close(() => r()));
    throw new Error(`the intake listens on port ${port} itself: forwarding to ${forwardTarget.host} would loop`);
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  if (requestedPort !== null)
    log(`intake: port ${requestedPort} is busy; listening on ${port} instead. Set DD_TRACE_AGENT_URL=${url} in the service's environment.`);

  const intake: Intake = {
    url,
    host,
    port,
    requestedPort,
    agentUrlEnv: `DD_TRACE_AGENT_URL=${url}`,
    traces: () => traces.slice(),
    events: () => events.slice(),
    stats: () => ({ ...stats }),
    services: () => tracker.services(),
    findings: () => appsecFindings(tracker.services()),
    remoteConfigClients: () => localRc?.list() ?? [],
    waitForEvent(pred, timeoutMs, signal) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        let done = false;
        const finish = (v: AsmEvent | null) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          eventListeners.delete(listener);
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        };
        const listener = (e: AsmEvent) => {
          if (pred(e)) finish(e);
        };
        const onAbort = () => finish(null);
        const timer = setTimeout(() => finish(null), Math.max(0, timeoutMs));
        eventListeners.add(listener);
        if (signal?.aborted) finish(null);
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    onTrace(cb) {
      traceListeners.add(cb);
      return () => traceListeners.delete(cb);
    },
    onEvent(cb) {
      eventListeners.add(cb);
      return () => eventListeners.delete(cb);
    },
    clear() {
      traces = [];
      events = [];
      eventsBytes = 0;
      tracker.clear();
      stats.keptSpans = 0;
      stats.keptBytes = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return intake;
}
