// "Application Security traces are rate-limited to 100 traces per second. Traces sent after the limit are not
// reported." (seed). Two signals: the tracer's own metric _dd.appsec.rate_limit.dropped_traces on a span, and more
// attack traces within one second of the log than the limit (100, or .NET's appsec_trace_rate_limit from its
// startup line). Attack lines come from attacks.ts through noteAttackSecond().
import { range } from '../../finding';
import type { LineContext, LogRule } from '../types';
import { emit, lineRange, messageRule, stateOf } from './common';

export const RATE_STATE = 'rate-limit';
const pred = (m: { finding: string }) => m.finding === 'rate-limited';

export interface RateState {
  limit: number;
  /** Per evidence kind: the current second, its count, and whether it was reported. Logs are chronological. */
  buckets: Record<string, { second: string; n: number; reported: boolean }>;
}

const init = (): RateState => ({ limit: 100, buckets: {} });

/** Counts one attack trace seen at `second` (a bucket key) for an evidence kind; reports once per busy second. */
export function noteAttackSecond(ctx: LineContext, kind: string, second: string | null, r: ReturnType<typeof range>): void {
  if (!second) return;
  const st = stateOf(ctx, RATE_STATE, init);
  const b = (st.buckets[kind] ??= { second, n: 0, reported: false });
  if (b.second !== second) Object.assign(b, { second, n: 0, reported: false });
  b.n++;
  if (b.n > st.limit && !b.reported) {
    b.reported = true;
    emit(ctx, 'rate-limited', r, {
      detail: `More than ${st.limit} ASM traces in the second ${second}: Application Security traces are rate-limited to ${st.limit} traces per second, so the events after the ${st.limit}th are not reported`,
      data: { second, limit: st.limit },
    });
  }
}

export const rateLimitRule: LogRule = messageRule({
  id: 'rate-limit',
  key: RATE_STATE,
  pred,
  notesTracer: false,
  onMessage(ctx, hit) {
    const n = Number(hit.groups.count ?? 0);
    if (!(n > 0)) return;
    emit(ctx, 'rate-limited', lineRange(ctx, hit.start, hit.end), {
      detail: `The tracer's rate limiter dropped ${n} ASM trace${n > 1 ? 's' : ''} (_dd.appsec.rate_limit.dropped_traces); their events are not reported`,
      data: { dropped: n },
    });
  },
});
