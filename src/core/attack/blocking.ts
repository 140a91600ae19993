// "Send Blocking Test" (issue 15 §3): one request with User-Agent dd-test-scanner-log-block — rule ua0-600-56x of the
// recommended rules, `on_match: [block]` (DataDog/appsec-event-rules; dd-trace npm 5.132.0
// packages/dd-trace/src/appsec/recommended.json) — expecting Datadog's 403 block response and, when the local intake
// runs, `appsec.blocked: true` on the span. The verdict: blocking-verified or blocking-not-enforced, with the
// reason the evidence points to; a request that did not get an answer gives no blocking verdict.
import { range, type Finding } from '../finding';
import { makeFinding } from '../findings';
import { kb } from '../kb';
import type { AsmEvent } from '../intake/events';
import { sendTestAttack, type AttackOptions, type AttackResult } from './attack';

export const BLOCKING_RULE = 'ua0-600-56x';

export function blockingUserAgent(): string {
  const ua = kb().rule(BLOCKING_RULE)?.userAgent;
  if (!ua) throw new Error(`kb/rules.yaml: rule ${BLOCKING_RULE} has no userAgent`);
  return ua;
}

export type BlockingVerdict = 'verified' | 'not-enforced' | 'unknown';

export interface BlockingTestResult {
  result: AttackResult;
  /** The span of this request at the local intake: undefined when no intake runs, null when none arrived. */
  event?: AsmEvent | null;
  verdict: BlockingVerdict;
  /** blocking-verified or blocking-not-enforced (none when the service did not answer). */
  finding: Finding | null;
  /** One sentence on what the evidence shows. */
  explanation: string;
}

/** The verdict from the answer and (when the intake ran) the span. Pure: the tests drive it with each case. */
export function blockingVerdict(r: AttackResult, event: AsmEvent | null | undefined): Omit<BlockingTestResult, 'result' | 'event'> {
  const at = range(0, 0, 0);
  const data = { url: r.finalUrl, status: r.status, blockPage: r.blocked, spanBlocked: event ? event.blocked : null, ruleId: event?.ruleId ?? null };
  if (r.status === null)
    return {
      verdict: 'unknown',
      finding: null,
      explanation: `No answer from ${r.finalUrl} (${r.error?.code ?? r.error?.kind ?? 'error'}): nothing is known about blocking. ${r.outcome.explanation}`,
    };
  if (r.blocked && r.status === 403) {
    const span =
      event === undefined
        ? ' (start the local intake to see appsec.blocked on the span too)'
        : event === null
          ? '; no span of it reached the local intake (is the tracer sending to it?)'
          : event.blocked
            ? `, and the span says appsec.blocked (rule ${event.ruleId ?? '?'})`
            : ', but its span does not say appsec.blocked';
    const explanation = `${r.finalUrl} answered 403 with Datadog's block response${span}`;
    return { verdict: 'verified', finding: makeFinding('blocking-verified', at, { detail: explanation, data }), explanation };
  }
  let why: string;
  if (event && event.ruleId === BLOCKING_RULE)
    why = `ASM detected the request (rule ${BLOCKING_RULE}) but answered ${r.status} instead of blocking: blocking is off (monitoring only, or Remote Configuration off so blocking never arrives), the response had already started ("headers already sent"), or this server integration cannot block`;
  else if (event)
    why = `ASM detected the request with another rule (${event.ruleId ?? '?'}) and answered ${r.status}: a custom rules file (DD_APPSEC_RULES) without ${BLOCKING_RULE}?`;
  else if (event === null)
    why = `${r.finalUrl} answered ${r.status} and no ASM span arrived at the local intake: ASM does not run in this service, or a custom rules file (DD_APPSEC_RULES) lacks ${BLOCKING_RULE}`;
  else if (r.status === 403)
    why = `${r.finalUrl} answered 403, but not with Datadog's block response: something in front of the service (a proxy or WAF) blocked it`;
  else why = `${r.finalUrl} answered ${r.status}, not Datadog's 403 block response`;
  return { verdict: 'not-enforced', finding: makeFinding('blocking-not-enforced', at, { detail: `Blocking test: ${why}`, data }), explanation: why };
}

export interface BlockingTestOptions extends Omit<AttackOptions, 'userAgent'> {
  /** The local intake to wait on for the span (optional). */
  intake?: { waitForEvent(pred: (e: AsmEvent) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<AsmEvent | null> };
  waitMs?: number;
}

export async function sendBlockingTest(o: BlockingTestOptions): Promise<BlockingTestResult> {
  const since = Date.now();
  const userAgent = blockingUserAgent();
  const { intake, waitMs, ...attack } = o;
  const result = await sendTestAttack({ ...attack, userAgent });
  let event: AsmEvent | null | undefined;
  if (intake && result.status !== null && !o.signal?.aborted) {
    event = await intake.waitForEvent((e) => e.receivedAt >= since && e.userAgent === userAgent, Math.max(0, Math.min(120_000, waitMs ?? 15_000)), o.signal);
  }
  return { result, ...(event !== undefined ? { event } : {}), ...blockingVerdict(result, event) };
}
