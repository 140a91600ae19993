// The test attack as checks of step 1 of the troubleshooting tree ("Send a test attack to your application").
import type { CheckReport, StepStatus } from '../steps';
import { kb } from '../kb';
import type { AsmEvent } from '../intake/events';
import type { AttackResult } from './attack';

/** kb/steps.yaml ids of step 1's sub-steps. */
export const ATTACK_RESPONSE_ID = 'attack-response';
export const ATTACK_DETECTION_ID = 'attack-detection';

/**
 * Checks for step 1: did the attack reach the service, and (when the local intake ran) did the tracer send the
 * appsec.event span. `event` undefined: the intake was not running, so nothing is claimed about the span.
 */
export function attackChecks(r: AttackResult, event?: AsmEvent | null, now = Date.now()): CheckReport[] {
  const checks: CheckReport[] = [];
  // The ids of the step's own sub-steps in kb/steps.yaml, so the tree shows them in their place (it merges by id).
  const subs = kb().step('test-attack')?.checks ?? [];
  const reach = subs.find((c) => c.id === ATTACK_RESPONSE_ID);
  const detect = subs.find((c) => c.id === ATTACK_DETECTION_ID);
  const o = r.outcome;
  if (o.code) {
    const status: StepStatus =
      o.kind === 'reached' || o.kind === 'blocked-by-asm'
        ? o.code === 'attack-proxy-blocker'
          ? 'warning'
          : 'pass'
        : o.kind === 'http-status' || o.kind === 'redirect-other-host' || o.kind === 'redirect-stopped'
          ? 'warning'
          : 'fail';
    checks.push({
      id: ATTACK_RESPONSE_ID,
      time: now,
      title: reach?.title ?? o.title,
      status,
      evidence: [
        {
          text: `${o.title}: GET ${r.finalUrl} (User-Agent: ${r.userAgent}) → ${r.status ?? r.error?.code ?? 'no answer'} in ${r.latencyMs} ms, ${r.bytes} bytes`,
          code: o.code,
        },
        { text: o.explanation },
      ],
      hint: o.next,
      command: 'asmTroubleshooter.sendTestAttack',
    });
  }
  if (event !== undefined) {
    const code = event ? 'attack-span-received' : 'attack-no-span';
    const def = kb().finding(code);
    checks.push({
      id: ATTACK_DETECTION_ID,
      time: now,
      ...(event?.service ? { service: event.service } : {}),
      title: detect?.title ?? def.title,
      status: event ? 'pass' : 'warning',
      evidence: event
        ? [
            { text: `${def.title}: rule ${event.ruleId} "${event.ruleName}" matched ${event.address ?? '?'} = ${JSON.stringify(event.value)}`, code },
            {
              text: `span ${event.spanId} of trace ${event.traceId} (service ${event.service}), client IP ${event.clientIp ?? '?'}, status ${event.status ?? '?'}${event.blocked ? ', blocked (appsec.blocked=true)' : ''}`,
            },
          ]
        : [{ text: `${def.title}: ${def.meaning}`, code }],
      hint: def.fix,
    });
  }
  return checks;
}
