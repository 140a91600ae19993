// "Simulate a Security Signal": the Getting Started loop (seed 003) — N rounds, each requesting an existing and a
// non-existing route with User-Agent dd-test-scanner-log — with bounded concurrency, a rate cap, a per-request
// timeout, cancel and progress. Redirects are never followed (the 3xx is counted), so requests stay on the target.
import { trimTrailingSlashes } from '../agent/check';
import { kb } from '../kb';
import { parseTarget } from './policy';
import { ATTACK_TIMEOUT_MS, clampInt, classifyError, exchange, type FetchImpl, type NetErrorKind } from './request';

/** The scanner rule of the Getting Started loop; its user agent comes from kb/rules.yaml. */
export const SIMULATE_RULE = 'ua0-600-55x';

export function simulateUserAgent(): string {
  const ua = kb().rule(SIMULATE_RULE)?.userAgent;
  if (!ua) throw new Error(`kb/rules.yaml: rule ${SIMULATE_RULE} has no userAgent`);
  return ua;
}

export const SIMULATE_LIMITS = { maxRounds: 1000, maxConcurrency: 16, maxRate: 100 } as const;

export interface SimulateOptions {
  url: string;
  existingPath: string;
  missingPath: string;
  /** Default 200, as in the guide; at most 1000. */
  rounds?: number;
  /** Requests in flight at once; default 4, at most 16. */
  concurrency?: number;
  /** Requests started per second at most; default 20, at most 100. */
  maxRequestsPerSecond?: number;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  userAgent?: string;
  signal?: AbortSignal;
  onProgress?: (p: SimulateProgress) => void;
  fetchImpl?: FetchImpl;
}

export interface SimulateProgress {
  done: number;
  total: number;
  lastStatus: number | null;
}

export interface RouteSummary {
  url: string;
  /** Status code (as a string) → count; network failures by kind under "error:<kind>". */
  statuses: Record<string, number>;
}

export interface SimulateSummary {
  userAgent: string;
  rounds: number;
  requested: number;
  completed: number;
  failed: number;
  cancelled: boolean;
  existing: RouteSummary;
  missing: RouteSummary;
  /** What the result means and what to look at next (seed 003 via kb/findings.yaml). */
  notes: string[];
  next: string;
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal?.aborted);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function joinPath(base: URL, path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  // Keep the service's base path (http://host/app + /route → http://host/app/route) but never change the origin.
  const u = new URL(base.href);
  u.pathname = `${trimTrailingSlashes(u.pathname)}${p.split('?')[0]}`;
  u.search = p.includes('?') ? p.slice(p.indexOf('?')) : '';
  u.hash = '';
  return u.href;
}

export async function simulateSignal(o: SimulateOptions): Promise<SimulateSummary> {
  const parsed = parseTarget(o.url);
  if (!parsed.ok) throw new Error(`invalid target: ${parsed.reason}`);
  const rounds = clampInt(o.rounds, 200, 1, SIMULATE_LIMITS.maxRounds);
  const concurrency = clampInt(o.concurrency, 4, 1, SIMULATE_LIMITS.maxConcurrency);
  const rate = clampInt(o.maxRequestsPerSecond, 20, 1, SIMULATE_LIMITS.maxRate);
  const timeoutMs = clampInt(o.timeoutMs, ATTACK_TIMEOUT_MS.default, ATTACK_TIMEOUT_MS.min, ATTACK_TIMEOUT_MS.max);
  const userAgent = o.userAgent ?? simulateUserAgent();
  const existing: RouteSummary = { url: joinPath(parsed.url, o.existingPath), statuses: {} };
  const missing: RouteSummary = { url: joinPath(parsed.url, o.missingPath), statuses: {} };
  // Round i: existing then missing route, as the guide's loop does.
  const jobs: RouteSummary[] = [];
  for (let i = 0; i < rounds; i++) jobs.push(existing, missing);
  const total = jobs.length;
  const interval = 1000 / rate;
  let next = 0;
  let nextSlot = performance.now();
  let requested = 0;
  let completed = 0;
  let failed = 0;
  const bump = (r: RouteSummary, key: string) => {
    r.statuses[key] = (r.statuses[key] ?? 0) + 1;
  };

  const worker = async () => {
    while (next < total && !o.signal?.aborted) {
      const job = jobs[next++]!;
      // Rate cap: each request gets its own start slot `interval` ms after the previous one.
      const now = performance.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (!(await sleep(slot - now, o.signal))) break;
      requested++;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
      let status: number | null = null;
      try {
        const ex = await exchange({
          url: job.url,
          headers: { 'user-agent': userAgent, accept: '*/*' },
          signal,
          maxBodyBytes: 256 * 1024,
          keepText: 0,
          ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
        });
        status = ex.status;
        bump(job, String(ex.status));
        completed++;
      } catch (e) {
        const err = classifyError(e, { timedOut: timeout.aborted, cancelled: !!o.signal?.aborted });
        if (err.kind === 'cancelled') break;
        bump(job, `error:${err.kind}`);
        failed++;
      }
      o.onProgress?.({ done: completed + failed, total, lastStatus: status });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const cancelled = !!o.signal?.aborted && completed + failed < total;
  const def = kb().finding('signal-simulated');
  return { userAgent, rounds, requested, completed, failed, cancelled, existing, missing, notes: notesOf(existing, missing, failed, cancelled), next: def.fix };
}

function count(r: RouteSummary, pred: (k: string) => boolean): number {
  return Object.entries(r.statuses).reduce((n, [k, v]) => n + (pred(k) ? v : 0), 0);
}

function notesOf(existing: RouteSummary, missing: RouteSummary, failed: number, cancelled: boolean): string[] {
  const notes: string[] = [];
  const errKinds = new Set<NetErrorKind | string>();
  for (const r of [existing, missing]) for (const k of Object.keys(r.statuses)) if (k.startsWith('error:')) errKinds.add(k.slice(6));
  if (cancelled) notes.push('Cancelled before all rounds were sent: a signal needs enough requests; run it again to completion.');
  if (failed) notes.push(`${failed} request(s) failed before an HTTP answer (${[...errKinds].join(', ')}): check the URL and that the service runs.`);
  const ok = count(existing, (k) => /^2\d\d$/.test(k));
  const blocked = count(existing, (k) => k === '403') + count(missing, (k) => k === '403');
  const miss404 = count(missing, (k) => k === '404');
  if (ok === 0 && count(existing, (k) => !k.startsWith('error:')) > 0)
    notes.push(`The existing route ${existing.url} never answered 2xx: check --existing (the guide targets an existing route).`);
  if (count(missing, (k) => !k.startsWith('error:')) > 0 && miss404 === 0)
    notes.push(`The missing route ${missing.url} never answered 404: check --missing (it should not exist).`);
  if (blocked) notes.push(`${blocked} answer(s) were 403: if they are Datadog's block page, ASM is blocking this client.`);
  return notes;
}
