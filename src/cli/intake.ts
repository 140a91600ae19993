// `asm-troubleshooter intake [--port N] [--json]`: runs the local trace intake on 127.0.0.1 until Ctrl-C/SIGTERM
// and prints every ASM event it receives (one line each; JSON lines with --json).
import { startIntake, DEFAULT_INTAKE_PORT, type AsmEvent } from '../core/intake';
import { confirmTarget } from './attack';
import { intOption, parseArgs, UsageError, type CliIO } from './io';

export function eventLine(e: AsmEvent): string {
  return `ASM event: rule ${e.ruleId ?? '?'} "${e.ruleName ?? '?'}" on ${e.method ?? ''} ${e.url ?? e.resource} → ${e.status ?? '?'}${e.blocked ? ' BLOCKED' : ''}; matched ${e.address ?? '?'} = ${JSON.stringify(e.value)}; client ${e.clientIp ?? '?'}; service ${e.service}; trace ${e.traceId}`;
}

/** Runs until `stop` aborts, or SIGINT/SIGTERM when none is given. */
export async function intakeCommand(args: string[], io: CliIO, stop?: AbortSignal): Promise<number> {
  const o = parseArgs('intake', args, { valued: ['--port', '--forward'], flags: ['--json', '--yes', '--activate-asm'] }).options;
  if (o.has('--activate-asm') && o.has('--forward'))
    throw new UsageError('intake: --activate-asm answers remote configuration locally; with --forward the Agent answers it');
  const port = intOption('intake', o, '--port', 0, 65535) ?? DEFAULT_INTAKE_PORT;
  const json = o.has('--json');
  const forwardTo = o.get('--forward');
  // Proxy mode sends the tracer's traffic on to the user's Agent: loopback goes, another host is confirmed first.
  if (
    forwardTo !== undefined &&
    !(await confirmTarget('intake', forwardTo, "The tracer's traffic (traces, telemetry, remote configuration)", o.has('--yes'), io))
  )
    return 2;
  const intake = await startIntake({
    port,
    log: (l) => io.err(`${l}\n`),
    ...(forwardTo !== undefined ? { forwardTo, forwardConfirmed: true } : {}),
    ...(o.has('--activate-asm') ? { remoteConfig: { asm: { enabled: true } } } : {}),
  });
  if (o.has('--activate-asm'))
    io.err(
      'Remote Configuration answered locally: ASM_FEATURES {"asm":{"enabled":true}}, as 1-click activation sends it. Start the service WITHOUT DD_APPSEC_ENABLED to see whether activation reaches it.\n',
    );
  io.err(
    forwardTo !== undefined
      ? `Local trace intake listening on ${intake.url}, forwarding every request to the Agent at ${forwardTo} and showing the ASM events on the way.\n`
      : `Local trace intake listening on ${intake.url} (not a Datadog Agent: nothing is forwarded).\n`,
  );
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
  io.err(
    `Stopped: ${s.traces} trace(s), ${s.spans} span(s), ${s.events} ASM event(s), ${s.malformed} malformed payload(s)${forwardTo !== undefined ? `; ${s.forwarded} request(s) forwarded to the Agent, ${s.forwardFailed} failed` : ''}.\n`,
  );
  for (const f of intake.findings()) io.err(`${f.severity} ${f.code}: ${f.message}\n`);
  for (const c of intake.remoteConfigClients()) {
    io.err(
      `Remote Configuration client ${c.service ?? c.id} (${c.language ?? '?'} ${c.tracerVersion ?? ''}): ${c.applyState === 2 ? 'applied ASM_FEATURES: 1-click activation reaches it' : c.applyState === 3 ? `refused ASM_FEATURES (${c.applyError ?? 'error'})` : c.products.includes('ASM_FEATURES') ? 'did not acknowledge ASM_FEATURES yet' : 'does not subscribe to ASM_FEATURES'}${c.asmActivation ? '' : '; it does not offer remote ASM activation (DD_APPSEC_ENABLED is set explicitly, or the tracer is too old)'}\n`,
    );
  }
  return 0;
}
