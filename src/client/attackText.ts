// Texts of the test attack and the simulation, as the user reads them (notification, result document, confirmation).
// No vscode import: unit-tested in node.
import type { AsmEvent, AttackResult, SimulateParams } from '../server/protocol';

/** "Title: explanation" without saying the status twice ("reached the service (200): 200 OK" → "…service: 200 OK"). */
export function outcomeText(title: string, explanation: string): string {
  const m = /\((\d{3})\)$/.exec(title);
  const t = m && explanation.startsWith(m[1]!) ? title.slice(0, m.index).trimEnd() : title;
  // A detail that repeats itself ("ECONNREFUSED: fetch failed: connect ECONNREFUSED"): keep its last form.
  const e = explanation.replace(/\(([A-Z][A-Z_]{2,30}): ([^()]{0,300}\b\1\b[^()]{0,200})\)/g, '($2)');
  return `${t}: ${e}`;
}

/** What a test attack proved and what it did not: the 200 alone does not show that the rule fired. */
export function provenText(r: AttackResult, event: AsmEvent | null | undefined): { proven: string[]; notProven: string[] } {
  const proven: string[] = [];
  const notProven: string[] = [];
  if (r.status !== null)
    proven.push(`The service at ${r.finalUrl} answered ${r.status}${r.statusText && r.statusText !== String(r.status) ? ` ${r.statusText}` : ''}.`);
  if (r.blocked) proven.push('ASM detected the attack and blocked it (Datadog block page).');
  if (event) proven.push(`The tracer sent the appsec.event span: rule ${event.ruleId} "${event.ruleName}" fired.`);
  else if (!r.blocked && r.status !== null) {
    notProven.push(
      event === null
        ? 'That ASM detected it: no appsec.event span reached the local trace intake in time. Check DD_TRACE_AGENT_URL and DD_APPSEC_ENABLED of the service.'
        : 'That ASM detected it: start the local trace intake and send again, or look for a trace with @appsec.event:true in Datadog.',
    );
  }
  return { proven, notProven };
}

/** The result document (REST Client style): request, response (status, headers), what was and was not proven. */
export function attackDocument(r: AttackResult, event: AsmEvent | null | undefined, intakeRunning = false): string {
  // "Start the local intake and verify the span" is no advice once the intake runs or the span arrived.
  const next = r.outcome.next && !(event || (intakeRunning && /local (?:trace )?intake/i.test(r.outcome.next))) ? r.outcome.next : '';
  const { proven, notProven } = provenText(r, event);
  const headers = Object.entries(r.headers ?? {})
    .slice(0, 60)
    .map(([k, v]) => `${k}: ${v.length > 500 ? v.slice(0, 500) + '…' : v}`);
  return [
    `# ${outcomeText(r.outcome.title, r.outcome.explanation)}`,
    '',
    `GET ${r.finalUrl}`,
    `User-Agent: ${r.userAgent}`,
    ...(r.redirects.length ? [`# after redirects: ${r.redirects.join(' → ')}`] : []),
    '',
    r.status !== null
      ? `HTTP ${r.status}${r.statusText && r.statusText !== String(r.status) ? ` ${r.statusText}` : ''}`
      : `# no answer: ${r.error?.code ?? r.error?.kind ?? 'failed'}`,
    ...headers,
    `# ${r.latencyMs} ms, response body ${r.bytes} bytes`,
    '',
    ...proven.map((p) => `# Proven: ${p}`),
    ...notProven.map((p) => `# Not proven: ${p}`),
    ...(next ? [`# Next: ${next}`] : []),
    '',
    '# Re-send: the "Re-send" button of the result notification, or ASM Troubleshooter: Send Test Attack.',
    '',
  ].join('\n');
}

/** The Simulate confirmation: target, count, rate; asked before anything is sent. */
export function simulateQuestion(p: Pick<SimulateParams, 'url' | 'existingPath' | 'missingPath' | 'rounds' | 'concurrency' | 'maxRequestsPerSecond'>): string {
  const total = p.rounds * 2;
  const seconds = Math.ceil(total / Math.max(1, p.maxRequestsPerSecond));
  return `Send ${total} requests to ${p.url} (${p.rounds} rounds of ${p.existingPath} and ${p.missingPath}, User-Agent dd-test-scanner-log) at up to ${p.maxRequestsPerSecond} requests/s, ${p.concurrency} at a time (about ${seconds} s)?`;
}

/**
 * The simulation's summary: the requests sent (by status) and, when the local intake runs, the ASM events it saw
 * during the simulation (`seen`; null: the intake is not running).
 */
export function simulateSummaryText(
  s: { requested: number; cancelled: boolean; existing: { statuses: Record<string, number> }; missing: { statuses: Record<string, number> } },
  seen: { events: number; traces: number } | null,
): string {
  const fmt = (st: Record<string, number>) =>
    Object.entries(st)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ') || 'none';
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  const intake = !seen
    ? ' ASM events not counted: the local trace intake is not running.'
    : seen.events
      ? ` The local intake saw ${n(seen.events, 'ASM event')} in ${n(seen.traces, 'trace')}.`
      : ` The local intake saw no ASM event (${seen.traces ? `${n(seen.traces, 'trace')} without one` : 'no trace arrived'}).`;
  return `Signal simulation${s.cancelled ? ' cancelled' : ''}: ${n(s.requested, 'request')} sent (existing: ${fmt(s.existing.statuses)}; missing: ${fmt(s.missing.statuses)}).${intake}`;
}
