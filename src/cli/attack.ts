// `asm-troubleshooter attack --url URL [--intake PORT] [--user-agent UA] [--timeout MS] [--wait MS] [--json]`
// The seed's `curl -A Arachni/v URL`, explained; with --intake, a local trace intake runs for the duration and the
// command waits (bounded) for the tracer's appsec.event span, reporting the rule that fired.
import { decideTypedTarget, sendBlockingTest, sendTestAttack, type AttackResult } from '../core/attack';
import { startIntake, type AsmEvent, type Intake } from '../core/intake';
import { intOption, parseArgs, UsageError, type CliIO } from './io';

export interface AttackJson {
  url: string;
  status: number | null;
  latencyMs: number;
  blocked: boolean;
  event: { ruleId: string | null; ruleName: string | null } | null;
}

/**
 * The CLI's loopback gate (issue 18.12), as the editor's: loopback goes; another host only with --yes or after the
 * user answers yes on the terminal. Resolves with the confirmed hosts, or null when not confirmed (the reason is on
 * stderr). When stdin is not a terminal nothing can be asked: without --yes the command refuses.
 */
export async function confirmTarget(cmd: string, url: string, what: string, yes: boolean, io: CliIO): Promise<string[] | null> {
  const d = decideTypedTarget(url, []);
  if (d.kind === 'invalid') throw new UsageError(`${cmd}: ${d.reason}`);
  if (d.kind !== 'confirm') return [];
  if (yes) return [d.host];
  if (!io.ask) {
    io.err(
      `asm-troubleshooter ${cmd}: ${d.host} is not this machine: ${what} is only sent there with --yes (stdin is not a terminal, so it cannot be asked). Nothing was sent.\n`,
    );
    return null;
  }
  const answer = await io.ask(`${what} goes to ${d.url.href} — ${d.host} is not this machine. Only send it to a service you own. Send? [y/N] `);
  if (/^\s*y(es)?\s*$/i.test(answer.slice(0, 100))) return [d.host];
  io.err(`asm-troubleshooter ${cmd}: not confirmed; nothing was sent.\n`);
  return null;
}

function describe(r: AttackResult, event: AsmEvent | null | undefined, intake: Intake | undefined): string {
  const lines = [
    `GET ${r.finalUrl}  User-Agent: ${r.userAgent}`,
    `→ ${r.status === null ? `no answer (${r.error?.code ?? r.error?.kind})` : `${r.status} ${r.statusText}`}  ${r.latencyMs} ms  ${r.bytes} bytes${r.blocked ? '  BLOCKED by ASM' : ''}`,
    '',
    `${r.outcome.title}`,
    `  ${r.outcome.explanation}`,
  ];
  if (r.outcome.next) lines.push(`  Next: ${r.outcome.next}`);
  if (intake) {
    lines.push('');
    if (event) {
      lines.push(`Local intake ${intake.url}: appsec.event span received — rule ${event.ruleId} "${event.ruleName}"`);
      lines.push(
        `  matched ${event.address ?? '?'} = ${JSON.stringify(event.value)}, client IP ${event.clientIp ?? '?'}, status ${event.status ?? '?'}${event.blocked ? ', blocked' : ''}`,
      );
      lines.push(`  trace ${event.traceId}, span ${event.spanId}, service ${event.service}`);
    } else {
      const s = intake.stats();
      lines.push(`Local intake ${intake.url}: no appsec.event span for this attack (received ${s.traces} trace(s), ${s.events} ASM event(s) in total).`);
      lines.push(`  Is the service started with DD_TRACE_AGENT_URL=${intake.url} and DD_APPSEC_ENABLED=true?`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `attack --blocking`: the blocking test; exit 0 when blocking is verified, 1 otherwise. */
async function blockingCommand(
  url: string,
  timeoutMs: number,
  waitMs: number,
  confirmedHosts: string[],
  intake: Intake | undefined,
  json: boolean,
  io: CliIO,
): Promise<number> {
  let b;
  try {
    b = await sendBlockingTest({ url, timeoutMs, confirmedHosts, ...(intake ? { intake, waitMs } : {}) });
  } catch (e) {
    throw new UsageError(`attack: ${(e as Error).message}`);
  }
  const r = b.result;
  if (json) {
    io.out(
      JSON.stringify({
        url: r.url,
        status: r.status,
        blocked: r.blocked,
        verdict: b.verdict,
        code: b.finding?.code ?? null,
        spanBlocked: b.event ? b.event.blocked : null,
        ruleId: b.event?.ruleId ?? null,
      }) + '\n',
    );
  } else {
    io.out(
      `GET ${r.finalUrl}  User-Agent: ${r.userAgent}\n→ ${r.status === null ? `no answer (${r.error?.code ?? r.error?.kind})` : `${r.status} ${r.statusText}`}${r.blocked ? '  (Datadog block response)' : ''}\n\n`,
    );
    io.out(
      `${b.verdict === 'verified' ? 'Blocking verified' : b.verdict === 'not-enforced' ? 'Blocking NOT enforced' : 'Blocking not tested'}: ${b.explanation}\n`,
    );
    if (b.finding && b.verdict !== 'verified') io.out(`  ${b.finding.message}\n`);
  }
  return b.verdict === 'verified' ? 0 : 1;
}

export async function attackCommand(args: string[], io: CliIO): Promise<number> {
  const o = parseArgs('attack', args, {
    valued: ['--url', '--intake', '--user-agent', '--timeout', '--wait'],
    flags: ['--json', '--yes', '--blocking'],
  }).options;
  if (o.has('--blocking') && o.has('--user-agent'))
    throw new UsageError('attack: --blocking sends User-Agent dd-test-scanner-log-block; it takes no --user-agent');
  const url = o.get('--url');
  // The target is always explicit: there is no default host to attack.
  if (!url) throw new UsageError('attack: --url URL is required');
  const confirmedHosts = await confirmTarget('attack', url, 'The test attack', o.has('--yes'), io);
  if (!confirmedHosts) return 2;
  const intakePort = intOption('attack', o, '--intake', 0, 65535);
  const timeoutMs = intOption('attack', o, '--timeout', 100, 120_000) ?? 10_000;
  const waitMs = intOption('attack', o, '--wait', 0, 120_000) ?? 15_000;
  let intake: Intake | undefined;
  if (intakePort !== undefined) {
    try {
      // No fallback port here: the service's tracer is configured with the port the user gave.
      intake = await startIntake({ port: intakePort, fallbackToFreePort: false });
    } catch (e) {
      const busy = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
      io.err(
        `asm-troubleshooter: cannot start the local intake on 127.0.0.1:${intakePort}: ${busy ? 'the port is busy (a Datadog Agent may be running there; stop it or choose another port)' : (e as Error).message}\n`,
      );
      return 2;
    }
  }
  try {
    if (o.has('--blocking')) return await blockingCommand(url, timeoutMs, waitMs, confirmedHosts, intake, o.has('--json'), io);
    const t0 = Date.now();
    let r: AttackResult;
    try {
      r = await sendTestAttack({ url, timeoutMs, confirmedHosts, ...(o.has('--user-agent') ? { userAgent: o.get('--user-agent')! } : {}) });
    } catch (e) {
      throw new UsageError(`attack: ${(e as Error).message}`);
    }
    let event: AsmEvent | null | undefined;
    if (intake) {
      const reached = r.status !== null;
      event = reached ? await intake.waitForEvent((e) => e.receivedAt >= t0 && (e.userAgent === null || e.userAgent === r.userAgent), waitMs) : null;
    }
    if (o.has('--json')) {
      const j: AttackJson = {
        url: r.url,
        status: r.status,
        latencyMs: r.latencyMs,
        blocked: r.blocked,
        event: event ? { ruleId: event.ruleId, ruleName: event.ruleName } : null,
      };
      io.out(JSON.stringify(j) + '\n');
    } else {
      io.out(describe(r, event, intake));
    }
    const ok = r.outcome.ok && (intake ? !!event : true);
    return ok ? 0 : 1;
  } finally {
    await intake?.close();
  }
}
