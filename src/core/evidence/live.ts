// Live evidence from the local trace intake (core/intake): a trace that reached it is a live observation, stronger
// than any older log line. An appsec.event span proves an attack was detected (step 1); a span with the metric
// _dd.appsec.enabled = 1 proves ASM runs in that service ("running"). core/evidence/verdict weighs them by time.
import type { ReceivedTrace } from '../intake/server';
import type { CheckReport } from '../steps';

/** The id of the live "running" check (kb/steps.yaml has no sub-step for it: it is added, never replaced). */
export const APPSEC_LIVE_ID = 'appsec-live';

export function intakeChecks(t: ReceivedTrace): { step: 'test-attack' | 'running'; check: CheckReport }[] {
  const out: { step: 'test-attack' | 'running'; check: CheckReport }[] = [];
  const e = t.events[0];
  if (e) {
    out.push({
      step: 'test-attack',
      check: {
        id: 'attack-detection',
        title: 'Attack detection by the tracer',
        status: 'pass',
        time: t.receivedAt,
        service: e.service,
        origin: 'intake',
        evidence: [
          {
            text: `The local intake received an appsec.event span from ${e.service}: rule ${e.ruleId ?? '?'}${e.ruleName ? ` "${e.ruleName}"` : ''}${e.url ? ` on ${e.method ?? 'GET'} ${e.url}` : ''}`,
            status: 'pass',
            strength: 'live',
            time: t.receivedAt,
          },
        ],
      },
    });
  }
  const on = t.spans.find((s) => s.metrics?.['_dd.appsec.enabled'] === 1);
  if (on) {
    out.push({
      step: 'running',
      check: {
        id: APPSEC_LIVE_ID,
        title: 'ASM seen live at the local intake',
        status: 'pass',
        time: t.receivedAt,
        service: on.service,
        origin: 'intake',
        evidence: [
          {
            text: `A ${on.service} span (${on.name}) reached the local intake with _dd.appsec.enabled = 1: ASM runs in that process`,
            status: 'pass',
            strength: 'live',
            time: t.receivedAt,
          },
        ],
      },
    });
  }
  return out;
}
