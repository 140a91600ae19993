// The test attack and the signal simulation, executed by the server (core/attack). The client resolves the target
// (Workspace Trust, user settings), asks the one-time confirmation for a host outside loopback (also for a redirect
// to another host) and passes the hosts the user confirmed. The server enforces the gate itself (issue 18.12): a
// target outside loopback whose host is not among the confirmed ones is refused, a redirect likewise, and the
// simulation's rounds, concurrency and rate are capped here whatever the settings say.
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type WorkDoneProgressParams } from 'vscode-languageserver/node';
import { curlCommand, defaultUserAgent, sendTestAttack, type AttackResult } from '../core/attack/attack';
import { sendBlockingTest, type BlockingTestResult } from '../core/attack/blocking';
import { attackChecks } from '../core/attack/checks';
import { decideTypedTarget, parseTarget } from '../core/attack/policy';
import { simulateSignal, type SimulateSummary } from '../core/attack/simulate';
import type { AsmEvent } from '../core/intake/events';
import { plainErrors } from './errors';
import type { IntakeService } from './intake';
import {
  METHODS,
  Requests,
  type AttackFinishParams,
  type AttackFinishResult,
  type AttackSendParams,
  type BlockingTestParams,
  type CurlParams,
  type SimulateParams,
} from './protocol';
import type { StepsService } from './steps';

/** Upper bound of the wait for the intake's span (the setting's own range is smaller). */
export const MAX_WAIT_MS = 120_000;

function abortOn(token: CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  const sub = token.onCancellationRequested(() => ac.abort());
  return { signal: ac.signal, dispose: () => sub.dispose() };
}

function validUrl(url: unknown, method: string): string {
  const p = typeof url === 'string' ? parseTarget(url) : null;
  if (!p?.ok) throw new ResponseError(-32602, `${method}: ${p ? p.reason : 'a target URL is required'}`);
  return url as string;
}

/** The hosts the client says the user confirmed (strings only, lower-cased as hostKey writes them). */
function confirmedHostsOf(v: unknown): string[] {
  return Array.isArray(v)
    ? v
        .filter((h): h is string => typeof h === 'string')
        .slice(0, 100)
        .map((h) => h.toLowerCase())
    : [];
}

/** The loopback gate: a target outside loopback goes only to a host the user confirmed. */
function gate(url: string, confirmedHosts: string[], method: string): void {
  const d = decideTypedTarget(url, confirmedHosts);
  if (d.kind === 'confirm') throw new ResponseError(-32602, `${method}: ${d.host} is not this machine and was not confirmed by the user: nothing was sent`);
}

/** What one simulation may send from the server, whatever the settings say: the guide's loop (200 rounds at 20 req/s). */
export const SERVER_SIMULATE_CAPS = { rounds: 200, concurrency: 4, maxRequestsPerSecond: 20 } as const;

/** The simulation's settings within SERVER_SIMULATE_CAPS, and a note per value lowered. */
export function capSimulation(p: Pick<SimulateParams, 'rounds' | 'concurrency' | 'maxRequestsPerSecond'>): {
  rounds: number;
  concurrency: number;
  maxRequestsPerSecond: number;
  notes: string[];
} {
  const notes: string[] = [];
  const cap = (name: keyof typeof SERVER_SIMULATE_CAPS, label: string, v: unknown) => {
    const max = SERVER_SIMULATE_CAPS[name];
    const n = typeof v === 'number' && Number.isFinite(v) ? Math.max(1, Math.floor(v)) : max;
    if (n > max) notes.push(`${label} lowered from ${n} to ${max} (the most a simulation sends from the editor).`);
    return Math.min(n, max);
  };
  return {
    rounds: cap('rounds', 'Rounds', p.rounds),
    concurrency: cap('concurrency', 'Concurrency', p.concurrency),
    maxRequestsPerSecond: cap('maxRequestsPerSecond', 'Requests per second', p.maxRequestsPerSecond),
    notes,
  };
}

/**
 * The span of this attack: newer than the attack and with its user agent. A span without a user agent does not
 * count (anything that reaches the intake could otherwise stand in for the attack's span).
 */
export function isAttackEvent(e: Pick<AsmEvent, 'receivedAt' | 'userAgent'>, since: number, userAgent: string): boolean {
  return e.receivedAt >= since && e.userAgent !== null && e.userAgent === userAgent;
}

export class AttackService {
  /** One simulation at a time: two would add up to twice the rate cap against the same service. */
  private simulating = false;

  constructor(
    private readonly intake: Pick<IntakeService, 'current'>,
    private readonly steps: Pick<StepsService, 'setExtraChecks'>,
  ) {}

  send(p: AttackSendParams, signal?: AbortSignal): Promise<AttackResult> {
    const url = validUrl(p?.url, METHODS.attackSend);
    const confirmedHosts = confirmedHostsOf(p.confirmedHosts);
    gate(url, confirmedHosts, METHODS.attackSend);
    return sendTestAttack({ url, userAgent: p.userAgent || defaultUserAgent(), timeoutMs: p.timeoutMs, confirmedHosts, ...(signal ? { signal } : {}) });
  }

  /**
   * After the attack: when the local intake runs and the service answered, waits for the tracer's appsec.event
   * span (newer than `since`, with the attack's user agent); then step 1's checks. `event` stays absent when no
   * intake runs: nothing is claimed about the span then.
   */
  async finish(p: AttackFinishParams, signal?: AbortSignal): Promise<AttackFinishResult> {
    const r = p.result;
    let event: AsmEvent | null | undefined;
    const running = this.intake.current;
    if (running && r.status !== null && p.wait !== false && !signal?.aborted) {
      const waitMs = Math.max(0, Math.min(MAX_WAIT_MS, Number(p.waitMs) || 0));
      event = await running.waitForEvent((e) => isAttackEvent(e, p.since, r.userAgent), waitMs, signal);
    }
    if (r.outcome.kind !== 'cancelled') this.steps.setExtraChecks('test-attack', attackChecks(r, running ? event : undefined));
    return event === undefined ? {} : { event };
  }

  /** "Send Blocking Test": the same gate as the attack; waits for the span when the intake runs; records step 1's check. */
  async blockingTest(p: BlockingTestParams, signal?: AbortSignal): Promise<BlockingTestResult> {
    const url = validUrl(p?.url, METHODS.blockingTest);
    const confirmedHosts = confirmedHostsOf(p.confirmedHosts);
    gate(url, confirmedHosts, METHODS.blockingTest);
    const running = this.intake.current;
    const r = await sendBlockingTest({
      url,
      timeoutMs: p.timeoutMs,
      confirmedHosts,
      ...(running ? { intake: running, waitMs: Math.max(0, Math.min(MAX_WAIT_MS, Number(p.waitMs) || 15_000)) } : {}),
      ...(signal ? { signal } : {}),
    });
    if (r.finding && r.result.outcome.kind !== 'cancelled') {
      this.steps.setExtraChecks(
        'test-attack',
        [
          {
            title: 'Blocking is enforced',
            status: r.verdict === 'verified' ? 'pass' : 'warning',
            evidence: [{ text: r.explanation, code: r.finding.code }],
            hint: r.finding.message,
            command: 'asmTroubleshooter.sendBlockingTest',
            origin: 'blocking-test',
          },
        ],
        'blocking',
      );
    }
    return r;
  }

  curl(p: CurlParams): string {
    return curlCommand({ url: validUrl(p?.url, METHODS.attackCurl), userAgent: p.userAgent || defaultUserAgent(), timeoutMs: p.timeoutMs });
  }

  async simulate(p: SimulateParams, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<SimulateSummary> {
    const url = validUrl(p?.url, METHODS.simulate);
    gate(url, confirmedHostsOf(p.confirmedHosts), METHODS.simulate);
    if (this.simulating)
      throw new ResponseError(
        LSPErrorCodes.RequestFailed,
        'A signal simulation is already running: wait for it to finish (or cancel it) before starting another one.',
      );
    this.simulating = true;
    try {
      return await this.runSimulation(url, p, opts);
    } finally {
      this.simulating = false;
    }
  }

  private async runSimulation(
    url: string,
    p: SimulateParams,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<SimulateSummary> {
    const capped = capSimulation(p);
    const s = await simulateSignal({
      url,
      existingPath: p.existingPath,
      missingPath: p.missingPath,
      rounds: capped.rounds,
      concurrency: capped.concurrency,
      maxRequestsPerSecond: capped.maxRequestsPerSecond,
      timeoutMs: p.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (q) => opts.onProgress?.(q.done, q.total),
    });
    return capped.notes.length ? { ...s, notes: [...capped.notes, ...s.notes] } : s;
  }

  register(connection: Pick<Connection, 'onRequest' | 'languages'>): void {
    connection.onRequest(
      Requests.attackSend,
      plainErrors(async (p: AttackSendParams, token: CancellationToken) => {
        const c = abortOn(token);
        try {
          return await this.send(p, c.signal);
        } finally {
          c.dispose();
        }
      }),
    );
    connection.onRequest(
      Requests.attackFinish,
      plainErrors(async (p: AttackFinishParams, token: CancellationToken) => {
        if (!p?.result?.outcome) throw new ResponseError(-32602, `${METHODS.attackFinish} needs the attack's result`);
        const c = abortOn(token);
        try {
          return await this.finish(p, c.signal);
        } finally {
          c.dispose();
        }
      }),
    );
    connection.onRequest(
      Requests.blockingTest,
      plainErrors(async (p: BlockingTestParams, token: CancellationToken) => {
        const c = abortOn(token);
        try {
          return await this.blockingTest(p, c.signal);
        } finally {
          c.dispose();
        }
      }),
    );
    connection.onRequest(
      Requests.attackCurl,
      plainErrors((p: CurlParams) => this.curl(p)),
    );
    connection.onRequest(
      Requests.attackUserAgent,
      plainErrors(() => defaultUserAgent()),
    );
    connection.onRequest(
      Requests.simulate,
      plainErrors(async (p: SimulateParams & WorkDoneProgressParams, token: CancellationToken) => {
        const progress = connection.languages.attachWorkDoneProgress(p);
        const c = abortOn(token);
        let lastPct = -1;
        progress.begin('Simulating a security signal', 0, undefined, true);
        try {
          // The summary is the answer even when cancelled (it says how many requests were sent).
          return await this.simulate(p, {
            signal: c.signal,
            onProgress: (done, total) => {
              const pct = Math.floor((done / total) * 100);
              if (pct !== lastPct || done === total) {
                lastPct = pct;
                progress.report(pct, `${done}/${total}`);
              }
            },
          });
        } finally {
          c.dispose();
          progress.done();
        }
      }),
    );
  }
}
