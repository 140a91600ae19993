// Step 4: Agent to backend, from the trace-agent's LogStats lines (pkg/trace/info/stats.go): "traces received: N"
// (agent-traces-received), the warn form with dropped/malformed traces (agent-traces-dropped), and "No data received"
// (agent-no-data). An Agent idles between bursts, so "No data received" is an error only when the whole log shows no
// trace received at all; it is decided at the end of the file.
import { range } from '../../finding';
import type { LogRule } from '../types';
import { clip, count, emit, lineRange, messageRule, messagesOfRule, stateOf } from './common';

// The findings this rule raises are those naming it in kb/findings.yaml (`rule: agent-stats`).
const pred = messagesOfRule('agent-stats');
const key = 'agent-stats';

interface StatsState {
  /** First "No data received" line: [line, start, end]. */
  firstNoData: [number, number, number] | null;
  noData: number;
  received: number;
  receivedLines: number;
}

const init = (): StatsState => ({ firstNoData: null, noData: 0, received: 0, receivedLines: 0 });

/** "lang:.NET tracer_version:1.30.1.0" → "from .NET tracer 1.30.1.0". */
function from(tags: string | undefined): string {
  if (!tags) return '';
  const t = Object.fromEntries(tags.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]));
  return t.lang ? ` from a ${t.lang} tracer${t.tracer_version ? ' ' + t.tracer_version : ''}` : '';
}

export const agentStatsRule: LogRule = messageRule({
  id: 'agent-stats',
  key: key,
  pred,
  notesTracer: false,
  onMessage(ctx, hit) {
    const st = stateOf(ctx, key, init);
    const r = () => lineRange(ctx, hit.start, hit.end);
    switch (hit.m.finding) {
      case 'agent-no-data':
        st.noData++;
        st.firstNoData ??= [ctx.lineNo, hit.start, hit.end];
        return;
      case 'agent-traces-received': {
        const n = Number(hit.groups.count ?? 0);
        st.received += n;
        st.receivedLines++;
        ctx.summary.tracesReceived = st.received;
        if (n === 0) return; // a tracer connected but sent nothing in this interval
        const total = st.received;
        if (ctx.capped) count(ctx, 'agent-traces-received');
        else
          emit(ctx, 'agent-traces-received', r, () => ({
            detail: `The Agent received ${n} trace${n > 1 ? 's' : ''}${from(hit.groups.tags)} in this interval (${total} in this log so far)`,
            data: { count: n, tags: hit.groups.tags ?? '' },
          }));
        return;
      }
      case 'agent-traces-dropped':
        emit(ctx, 'agent-traces-dropped', r, {
          detail: `The Agent reports ${clip(hit.groups.detail ?? '', 200)}${from(hit.groups.tags)}: those traces, and any ASM event in them, did not reach Datadog`,
          data: { problems: hit.groups.detail ?? '' },
        });
    }
  },
  finish(ctx) {
    const st = ctx.state.get(key) as StatsState | undefined;
    if (!st || !st.firstNoData || st.received > 0) return;
    const [line, start, end] = st.firstNoData;
    ctx.summary.tracesReceived ??= 0;
    emit(ctx, 'agent-no-data', range(line, start, end), {
      detail: `The Agent logged "No data received" ${st.noData} time${st.noData > 1 ? 's' : ''} and never counted a trace in this log: no tracer sends spans to this Agent`,
      data: { intervals: st.noData },
    });
  },
});
