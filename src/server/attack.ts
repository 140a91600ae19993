// The test attack and the signal simulation, executed by the server (core/attack). The client keeps every
// decision: it resolves the target (Workspace Trust, user settings), asks the one-time confirmation for a host
// outside loopback (also for a redirect to another host) and passes the hosts the user confirmed; the core still
// refuses to follow a redirect to a host that is not among them. The server only sends what it is told to.
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type WorkDoneProgressParams } from 'vscode-languageserver/node';
import { curlCommand, defaultUserAgent, sendTestAttack, type AttackResult } from '../core/attack/attack';
import { attackChecks } from '../core/attack/checks';
import { parseTarget } from '../core/attack/policy';
import { simulateSignal, type SimulateSummary } from '../core/attack/simulate';
import type { AsmEvent } from '../core/intake/events';
import { plainErrors } from './errors';
import type { IntakeService } from './intake';
import { METHODS, Requests, type AttackFinishParams, type AttackFinishResult, type AttackSendParams, type CurlParams, type SimulateParams } from './protocol';
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
    return sendTestAttack({ url, userAgent: p.userAgent || defaultUserAgent(), timeoutMs: p.timeoutMs, confirmedHosts: Array.isArray(p.confirmedHosts) ? p.confirmedHosts : [], ...(signal ? { signal } : {}) });
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

  curl(p: CurlParams): string {
    return curlCommand({ url: validUrl(p?.url, METHODS.attackCurl), userAgent: p.userAgent || defaultUserAgent(), timeoutMs: p.timeoutMs });
  }

  async simulate(p: SimulateParams, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<SimulateSummary> {
    const url = validUrl(p?.url, METHODS.simulate);
    if (this.simulating) throw new ResponseError(LSPErrorCodes.RequestFailed, 'A signal simulation is already running: wait for it to finish (or cancel it) before starting another one.');
    this.simulating = true;
    try {
      return await this.runSimulation(url, p, opts);
    } finally {
      this.simulating = false;
    }
  }

  private runSimulation(url: string, p: SimulateParams, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<SimulateSummary> {
    return simulateSignal({
      url,
      existingPath: p.existingPath,
      missingPath: p.missingPath,
      rounds: p.rounds,
      concurrency: p.concurrency,
      maxRequestsPerSecond: p.maxRequestsPerSecond,
      timeoutMs: p.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (q) => opts.onProgress?.(q.done, q.total),
    });
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
    connection.onRequest(Requests.attackCurl, plainErrors((p: CurlParams) => this.curl(p)));
    connection.onRequest(Requests.attackUserAgent, plainErrors(() => defaultUserAgent()));
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
