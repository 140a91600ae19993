// One bounded HTTP exchange for the test attack and the simulation: fetch with manual redirects, a deadline for the
// whole exchange (headers and body), a cap on the body read, and network errors classified by their cause code.

/** An integer setting within [min, max]; `def` when absent or not a number. Timers need it: setTimeout fires
 * after 1 ms for a delay above 2^31-1 ms, so an unclamped 1e10 would time out at once. */
export function clampInt(v: number | undefined, def: number, min: number, max: number): number {
  const n = v === undefined || typeof v !== 'number' || !Number.isFinite(v) ? def : Math.floor(v);
  return Math.min(max, Math.max(min, n));
}

/** Bounds of a test request's timeout (the setting's own range is 500..120000). */
export const ATTACK_TIMEOUT_MS = { min: 100, max: 120_000, default: 10_000 } as const;

export type FetchImpl = (input: string, init: RequestInit) => Promise<Response>;

export type NetErrorKind = 'refused' | 'dns' | 'tls' | 'timeout' | 'cancelled' | 'reset' | 'unreachable' | 'other';

export interface NetError {
  kind: NetErrorKind;
  /** The system/undici code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …) when there is one. */
  code: string | null;
  message: string;
}

export interface Exchange {
  status: number;
  statusText: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Bytes of the body received (up to the cap; `truncated` says when the rest was not read). */
  bytes: number;
  truncated: boolean;
  /** The beginning of the body as text (for block-page markers). */
  text: string;
}

const TLS_CODES =
  /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL_)/;

function codeOf(e: unknown): string | null {
  // fetch wraps the socket error in `cause`; happy-eyeballs may wrap several in an AggregateError.
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR_SOCKET' && c !== 'ERR_INVALID_STATE') return c;
    const errs = (cur as { errors?: unknown[] }).errors;
    if (Array.isArray(errs) && errs.length) {
      const inner = codeOf(errs[0]);
      if (inner) return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

function messageOf(e: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && !seen.has(cur) && parts.length < 4) {
    seen.add(cur);
    const m = (cur as { message?: unknown }).message;
    if (typeof m === 'string' && m && !parts.includes(m)) parts.push(m);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(e);
}

/** Classifies a fetch failure. `timedOut`/`cancelled` come from the caller's own signals, which are authoritative. */
export function classifyError(e: unknown, state: { timedOut: boolean; cancelled: boolean }): NetError {
  const code = codeOf(e);
  const message = messageOf(e);
  if (state.cancelled) return { kind: 'cancelled', code, message: 'cancelled' };
  if (state.timedOut || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return { kind: 'timeout', code, message };
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, message };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return { kind: 'dns', code, message };
  if (code && TLS_CODES.test(code)) return { kind: 'tls', code, message };
  if (/certificate|SSL routines|TLS|wrong version number/i.test(message)) return { kind: 'tls', code, message };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED' || code === 'UND_ERR_SOCKET') return { kind: 'reset', code, message };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return { kind: 'unreachable', code, message };
  return { kind: 'other', code, message };
}

export interface ExchangeOptions {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  fetchImpl?: FetchImpl;
  /** Body bytes read at most (the rest is discarded); default 1 MiB. */
  maxBodyBytes?: number;
  /** Body text kept for inspection; default 64 KiB. */
  keepText?: number;
}

/** GET without following redirects; reads the body up to the cap. Throws the fetch error unchanged. */
export async function exchange(o: ExchangeOptions): Promise<Exchange> {
  const f: FetchImpl = o.fetchImpl ?? ((u, i) => fetch(u, i));
  const res = await f(o.url, { method: 'GET', headers: o.headers, redirect: 'manual', signal: o.signal });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  const max = o.maxBodyBytes ?? 1024 * 1024;
  const keep = o.keepText ?? 64 * 1024;
  let bytes = 0;
  let truncated = false;
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (keptBytes < keep) {
          const part = value.subarray(0, keep - keptBytes);
          kept.push(part);
          keptBytes += part.byteLength;
        }
        if (bytes >= max) {
          truncated = true;
          await reader.cancel().catch(() => {});
          break;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(kept));
  return { status: res.status, statusText: res.statusText, headers, bytes, truncated, text };
}
