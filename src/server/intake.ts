// The local trace intake (core/intake: an HTTP server on 127.0.0.1 that decodes tracer payloads and finds
// appsec.event spans) runs in the language server process, not in the extension host. The client starts and
// stops it, renders its traces (asm/intake/traces) and hears about each new trace (asm/intake/trace).
import { LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import { DEFAULT_INTAKE_PORT, startIntake, type Intake, type IntakeStats, type ReceivedTrace } from '../core/intake/server';
import { plainErrors } from './errors';
import { METHODS, type IntakeInfo, type IntakeTraceNote } from './protocol';

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

  constructor(private readonly connection: Conn) {}

  get current(): Intake | undefined {
    return this.intake;
  }

  async start(port: number): Promise<IntakeInfo> {
    const alreadyRunning = !!(this.intake ?? this.starting);
    if (!this.intake) {
      this.starting ??= this.open(port).finally(() => (this.starting = undefined));
      await this.starting;
    }
    const i = this.intake!;
    return { url: i.url, port: i.port, requestedPort: i.requestedPort, agentUrlEnv: i.agentUrlEnv, alreadyRunning };
  }

  private async open(port: number): Promise<Intake> {
    const epoch = this.epoch;
    const intake = await startIntake({ port, log: (l) => this.connection.console.warn(l) });
    if (epoch !== this.epoch) {
      // Stop came while the port was being opened: close it rather than leave an intake nobody asked for running.
      await intake.close();
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the local intake was stopped while it was starting');
    }
    this.intake = intake;
    this.offTrace = intake.onTrace((t) => {
      const note: IntakeTraceNote = { seq: t.seq, events: t.events, count: intake.traces().length };
      void this.connection.sendNotification(METHODS.intakeTrace, note);
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
    return stats;
  }

  /** The newest `limit` traces, oldest first. */
  traces(limit = MAX_TRACES_LISTED): ReceivedTrace[] {
    const n = Math.max(0, Math.min(MAX_TRACES_LISTED, Math.floor(Number(limit) || MAX_TRACES_LISTED)));
    return this.intake ? this.intake.traces().slice(-n) : [];
  }

  register(connection: Pick<Connection, 'onRequest'>): void {
    connection.onRequest(METHODS.intakeStart, plainErrors((p: { port?: number }) => this.start(Number.isInteger(p?.port) ? p.port! : DEFAULT_INTAKE_PORT)));
    connection.onRequest(METHODS.intakeStop, () => this.stop());
    connection.onRequest(METHODS.intakeTraces, (p: { limit?: number } | null) => this.traces(p?.limit));
  }

  dispose(): Promise<unknown> {
    return this.stop();
  }
}
