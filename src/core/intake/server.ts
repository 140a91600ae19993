// The local trace intake: a stand-in for the Datadog Agent's trace endpoints on 127.0.0.1, so a developer can see
// — with no Datadog account — that the tracer detected an attack and sent the `appsec.event` span.
// It answers the tracer's other calls (remote config, telemetry, stats, DogStatsD proxy, debugger/EVP) quietly, and
// says honestly at /info that it is not an Agent. Bounded everywhere: body size (413), a ring buffer of traces and
// events, malformed payloads answered 400 and counted; a handler error never takes the server down.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraces, DecodeError, type Span, type TraceApiVersion } from './decode';
import { asmEventOf, type AsmEvent } from './events';

export const INTAKE_VERSION = 'asm-troubleshooter-intake';
export const DEFAULT_INTAKE_PORT = 8126;

export interface ReceivedTrace {
  /** Sequence number, from 1, so a UI can key on it. */
  seq: number;
  receivedAt: number;
  version: TraceApiVersion;
  spans: Span[];
  events: AsmEvent[];
}

export interface IntakeStats {
  payloads: number;
  traces: number;
  spans: number;
  events: number;
  malformed: number;
  tooLarge: number;
  otherRequests: number;
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

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return reject(new BodyTooLarge(`declared ${declared} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) {
        failed = true;
        chunks.length = 0;
        reject(new BodyTooLarge(`more than ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
    req.on('aborted', () => {
      if (!failed) {
        failed = true;
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
  const log = opts.log ?? (() => {});

  let traces: ReceivedTrace[] = [];
  let events: AsmEvent[] = [];
  let seq = 0;
  const stats: IntakeStats = { payloads: 0, traces: 0, spans: 0, events: 0, malformed: 0, tooLarge: 0, otherRequests: 0, lastError: null };
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

  const accept = (version: TraceApiVersion, decoded: Span[][]) => {
    stats.payloads++;
    const now = Date.now();
    for (const spans of decoded) {
      if (!spans.length) continue;
      const evs = spans.map((s) => asmEventOf(s, now)).filter((e): e is AsmEvent => e !== null);
      const t: ReceivedTrace = { seq: ++seq, receivedAt: now, version, spans, events: evs };
      traces.push(t);
      if (traces.length > maxTraces) traces = traces.slice(traces.length - maxTraces);
      stats.traces++;
      stats.spans += spans.length;
      emit(traceListeners, t);
      for (const e of evs) {
        events.push(e);
        if (events.length > maxEvents) events = events.slice(events.length - maxEvents);
        stats.events++;
        emit(eventListeners, e);
      }
    }
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
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch (e) {
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

    const m = /^\/(v0\.[45])\/traces\/?$/.exec(path);
    if (m) {
      if (method !== 'PUT' && method !== 'POST') return send(res, 405, JSON.stringify({ error: 'use PUT or POST' }));
      const version = m[1] === 'v0.4' ? 'v0.4' : 'v0.5';
      try {
        accept(version, decodeTraces(body, version));
      } catch (e) {
        stats.malformed++;
        const msg = e instanceof DecodeError ? e.message : `unexpected error: ${(e as Error).message}`;
        stats.lastError = `${method} ${path}: ${msg}`;
        log(`intake: 400 malformed ${version} payload (${body.length} bytes): ${msg}`);
        return send(res, 400, JSON.stringify({ error: msg }));
      }
      return send(res, 200, TRACE_RESPONSE);
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
    if (path === '/v0.7/config') return send(res, 404, '404 page not found\n', 'text/plain');
    if (path.startsWith('/telemetry/proxy/')) return send(res, 202, '{}');
    if (path === '/v0.6/stats' || path === '/v0.1/pipeline_stats') return send(res, 200, 'OK', 'text/plain');
    if (path === '/dogstatsd/v2/proxy') return send(res, 200, '', 'text/plain');
    if (path.startsWith('/debugger/') || path.startsWith('/evp_proxy/') || path.startsWith('/profiling/') || path.startsWith('/tracer_flare/')) return send(res, 202, '{}');
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
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  if (requestedPort !== null) log(`intake: port ${requestedPort} is busy; listening on ${port} instead. Set DD_TRACE_AGENT_URL=${url} in the service's environment.`);

  const intake: Intake = {
    url,
    host,
    port,
    requestedPort,
    agentUrlEnv: `DD_TRACE_AGENT_URL=${url}`,
    traces: () => traces.slice(),
    events: () => events.slice(),
    stats: () => ({ ...stats }),
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
