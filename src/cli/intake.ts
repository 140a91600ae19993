// `asm-troubleshooter intake [--port N] [--json]`: runs the local trace intake on 127.0.0.1 until Ctrl-C/SIGTERM
// and prints every ASM event it receives (one line each; JSON lines with --json).
import { startIntake, DEFAULT_INTAKE_PORT, type AsmEvent } from '../core/intake';
import { intOption, parseArgs, type CliIO } from './io';

export function eventLine(e: AsmEvent): string {
  return `ASM event: rule ${e.ruleId ?? '?'} "${e.ruleName ?? '?'}" on ${e.method ?? ''} ${e.url ?? e.resource} → ${e.status ?? '?'}${e.blocked ? ' BLOCKED' : ''}; matched ${e.address ?? '?'} = ${JSON.stringify(e.value)}; client ${e.clientIp ?? '?'}; service ${e.service}; trace ${e.traceId}`;
}

/** Runs until `stop` aborts, or SIGINT/SIGTERM when none is given. */
export async function intakeCommand(args: string[], io: CliIO, stop?: AbortSignal): Promise<number> {
  const o = parseArgs('intake', args, { valued: ['--port'], flags: ['--json'] }).options;
  const port = intOption('intake', o, '--port', 0, 65535) ?? DEFAULT_INTAKE_PORT;
  const json = o.has('--json');
  const intake = await startIntake({ port, log: (l) => io.err(`${l}\n`) });
  io.err(`Local trace intake listening on ${intake.url} (not a Datadog Agent: nothing is forwarded).\n`);
  io.err(`Start your service with ${intake.agentUrlEnv} DD_APPSEC_ENABLED=true; press Ctrl-C to stop.\n`);
  const off = intake.onEvent((e) => io.out(json ? JSON.stringify(e) + '\n' : eventLine(e) + '\n'));
  await new Promise<void>((resolve) => {
    if (stop) {
      if (stop.aborted) return resolve();
      stop.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  off();
  const s = intake.stats();
  await intake.close();
  io.err(`Stopped: ${s.traces} trace(s), ${s.spans} span(s), ${s.events} ASM event(s), ${s.malformed} malformed payload(s).\n`);
  return 0;
}
