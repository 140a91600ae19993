// The local trace intake (core/intake: an HTTP server on 127.0.0.1 that decodes tracer payloads and finds
// appsec.event spans) runs in the language server process, not in the extension host. The client starts and
// stops it, renders its traces (asm/intake/traces) and hears about each new trace (asm/intake/trace).
import { LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import { isLoopback } from '../core/attack/policy';
import { DEFAULT_INTAKE_PORT, forwardTargetOf, startIntake, type Intake, type IntakeStats, type ReceivedTrace } from '../core/intake/server';
import { appsecRunningEvidence } from '../core/intake/appsec';
import type { StepId } from '../core/finding';
import { kb } from '../core/kb';
import type { CheckReport } from '../core/steps';
import { plainErrors } from './errors';
import type { StepsService } from './steps';
import { Notifications, notify, Requests, type IntakeInfo, type IntakeTraceNote } from './protocol';

/** Traces returned at most by asm/intake/traces (the intake keeps its own bounded ring). */
export const MAX_TRACES_LISTED = 500;

type Conn = Pick<Connection, 'sendNotification' | 'console'>;

export class IntakeService {
  private intake: Intake | undefined;
  private starting: Promise<Intake> | undefined;
  private offTrace: (() => void) | undefined;
  /** Bumped by every stop: a start still in progress when it changes closes what it opened. */
  private epoch = 0;

  /** Sees every trace received (the steps: live evidence). */
  onTrace?: (t: ReceivedTrace) => void;

  /** `steps`: where the live evidence goes ("ASM runs" per service, from the spans; issue 15 §2). */
  constructor(
    private readonly connection: Conn,
    private readonly steps?: Pick<StepsService, 'setExtraChecks'>,
  ) {}

  /** The "running" check from what the intake's spans prove per service (none before a web span arrives). */
  liveChecks(intake: Intake): CheckReport[] {
    const evidence = appsecRunningEvidence(intake.services());
    if (!evidence.length) return [];
    const status = evidence.some((e) => e.status === 'pass') ? (evidence.some((e) => e.status === 'fail') ? 'warning' : 'pass') : 'fail';
    return [
      {
        title: 'ASM seen in live spans (local intake)',
        status,
        evidence,
        hint:
          status === 'pass'
            ? 'The services listed run ASM: their web request spans carry _dd.appsec.enabled.'
            : 'Set DD_APPSEC_ENABLED=true for the services marked, restart them, and send a request.',
        origin: 'intake',
      },
    ];
  }

  /**
   * What the steps get of liveChecks: only the services whose web spans lack _dd.appsec.enabled. The live proof that
   * ASM runs reaches the steps once, through the evidence model (onTrace → StepsService.observeIntake); sending the
   * passing rows here too put the same proof twice under "running".
   */
  absenceChecks(intake: Intake): CheckReport[] {
    return this.liveChecks(intake)
      .map((c) => ({
        ...c,
        title: 'ASM not seen in live spans (local intake)',
        status: 'fail' as const,
        evidence: c.evidence.filter((e) => e.status === 'fail'),
      }))
      .filter((c) => c.evidence.length);
  }

  /** The intake's other findings (rules errors, WAF timeouts, client IP) as checks of their steps. */
  findingChecks(intake: Intake): Map<StepId, CheckReport[]> {
    const out = new Map<StepId, CheckReport[]>();
    for (const f of intake.findings()) {
      if (!f.step || f.code === 'appsec-not-in-spans') continue; // that one is in liveChecks
      const list = out.get(f.step) ?? [];
      list.push({ title: kb().finding(f.code).title, status: 'warning', evidence: [{ text: f.message, code: f.code }], hint: f.message, origin: 'intake' });
      out.set(f.step, list);
    }
    return out;
  }

  get current(): Intake | undefined {
    return this.intake;
  }

  /** `forward`: proxy mode to the user's Agent; a host outside loopback must be among the hosts the user confirmed. */
  async start(port: number, forward?: { url: string; confirmedHosts: string[] }, activateAsm = false): Promise<IntakeInfo> {
    const alreadyRunning = !!(this.intake ?? this.starting);
    if (!this.intake) {
      this.starting ??= this.open(port, forward, activateAsm).finally(() => (this.starting = undefined));
      await this.starting;
    }
    const i = this.intake!;
    return { url: i.url, port: i.port, requestedPort: i.requestedPort, agentUrlEnv: i.agentUrlEnv, alreadyRunning };
  }

  private async open(port: number, forward?: { url: string; confirmedHosts: string[] }, activateAsm = false): Promise<Intake> {
    const epoch = this.epoch;
    let forwardOpts = {};
    if (forward) {
      const host = forwardTargetOf(forward.url)?.hostname.toLowerCase();
      if (!host) throw new ResponseError(-32602, `not an Agent address to forward to: ${forward.url}`);
      // The server enforces the gate itself: loopback, or a host the user confirmed in the client.
      if (!isLoopback(host) && !forward.confirmedHosts.map((h) => String(h).toLowerCase()).includes(host))
        throw new ResponseError(-32602, `${host} is not this machine and was not confirmed by the user: nothing is forwarded there`);
      forwardOpts = { forwardTo: forward.url, forwardConfirmed: true };
    }
    const intake = await startIntake({
      port,
      log: (l) => this.connection.console.warn(l),
      ...forwardOpts,
      ...(activateAsm && !forward ? { remoteConfig: { asm: { enabled: true } } } : {}),
    });
    if (epoch !== this.epoch) {
      // Stop came while the port was being opened: close it rather than leave an intake nobody asked for running.
      await intake.close();
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the local intake was stopped while it was starting');
    }
    this.intake = intake;
    let shown = '';
    this.offTrace = intake.onTrace((t) => {
      const note: IntakeTraceNote = { seq: t.seq, events: t.events, count: intake.traces().length };
      notify(this.connection, Notifications.intakeTrace, note);
      // The steps recompute only when what the spans prove changes (not on every trace).
      const checks = this.absenceChecks(intake);
      const byStep = this.findingChecks(intake);
      const running = [...checks, ...(byStep.get('running') ?? [])];
      const key = JSON.stringify([running, [...byStep]]);
      if (this.steps && key !== shown) {
        shown = key;
        this.steps.setExtraChecks('running', running, 'intake');
        for (const step of ['test-attack', 'integrations', 'agent', 'backend'] as const) this.steps.setExtraChecks(step, byStep.get(step) ?? [], 'intake');
      }
      this.onTrace?.(t);
    });
    return intake;
  }

  async stop(): Promise<IntakeStats | null> {
    this.epoch++;
    // A start in progress closes its intake itself when it sees the new epoch.
    await this.starting?.catch(() => undefined);
    const intake = this.intake;
    if (!intake) return null;
    this.intake = undefined;
    this.offTrace?.();
    this.offTrace = undefined;
    const stats = intake.stats();
    await intake.close();
    for (const step of ['running', 'test-attack', 'integrations', 'agent', 'backend'] as const) this.steps?.setExtraChecks(step, [], 'intake');
    return stats;
  }

  /** The newest `limit` traces, oldest first. */
  traces(limit = MAX_TRACES_LISTED): ReceivedTrace[] {
    const n = Math.max(0, Math.min(MAX_TRACES_LISTED, Math.floor(Number(limit) || MAX_TRACES_LISTED)));
    return this.intake ? this.intake.traces().slice(-n) : [];
  }

  register(connection: Pick<Connection, 'onRequest'>): void {
    connection.onRequest(
      Requests.intakeStart,
      plainErrors((p: { port?: number; forwardTo?: string; confirmedHosts?: string[]; activateAsm?: boolean }) =>
        this.start(
          Number.isInteger(p?.port) ? p.port! : DEFAULT_INTAKE_PORT,
          typeof p?.forwardTo === 'string' && p.forwardTo
            ? { url: p.forwardTo, confirmedHosts: Array.isArray(p.confirmedHosts) ? p.confirmedHosts.filter((h) => typeof h === 'string') : [] }
            : undefined,
          p?.activateAsm === true,
        ),
      ),
    );
    connection.onRequest(Requests.intakeStop, () => this.stop());
    connection.onRequest(Requests.intakeTraces, (p: { limit?: number } | null) => this.traces(p?.limit));
  }

  dispose(): Promise<unknown> {
    return this.stop();
  }
}
