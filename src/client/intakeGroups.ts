// Received traces grouped by service and rule, for the "Local Intake Traces" view: a simulation sends hundreds of
// identical requests; one row per (service, rule) with its count reads better than 412 identical rows.
// No vscode import: unit-tested in node.
import type { ReceivedTrace } from '../core/intake';

export interface TraceGroup {
  key: string;
  service: string;
  /** The rule id of the traces' first ASM event, or null: traces without an ASM event. */
  ruleId: string | null;
  ruleName: string | null;
  blocked: number;
  /** Newest first. */
  traces: ReceivedTrace[];
  lastAt: number;
}

function serviceOf(t: ReceivedTrace): string {
  const root = t.spans.find((s) => s.parentId === '0') ?? t.spans[0];
  return t.events[0]?.service || root?.service || '?';
}

/** Groups in order of their newest trace (newest first); ASM groups before the plain traces of the same age. */
export function groupTraces(traces: readonly ReceivedTrace[]): TraceGroup[] {
  const by = new Map<string, TraceGroup>();
  for (const t of traces) {
    const ev = t.events[0];
    const service = serviceOf(t);
    const ruleId = ev ? (ev.ruleId ?? 'ASM event') : null;
    const key = `${service}\u0000${ruleId ?? ''}`;
    let g = by.get(key);
    if (!g) by.set(key, (g = { key, service, ruleId, ruleName: ev?.ruleName ?? null, blocked: 0, traces: [], lastAt: 0 }));
    g.traces.push(t);
    if (ev?.blocked) g.blocked++;
    g.lastAt = Math.max(g.lastAt, t.receivedAt);
  }
  const out = [...by.values()];
  for (const g of out) g.traces.sort((a, b) => b.receivedAt - a.receivedAt || b.seq - a.seq);
  return out.sort((a, b) => Number(!!b.ruleId) - Number(!!a.ruleId) || b.lastAt - a.lastAt);
}

/**
 * What the view keeps: traces of earlier intake runs (kept after Stop until cleared) and of the running one, past
 * the last Clear. `clearedAt`: traces received at or before it are hidden.
 */
export class ReceivedTraces {
  private earlier: ReceivedTrace[] = [];
  private current: ReceivedTrace[] = [];
  private clearedAt = -Infinity;
  /** Each intake run numbers its traces from 1: the run a trace came from makes its key unique. */
  private run = 0;
  private readonly runOf = new WeakMap<ReceivedTrace, number>();

  constructor(private readonly max = 2000) {}

  /** The running intake's traces, as last fetched. */
  setCurrent(traces: readonly ReceivedTrace[]): void {
    this.current = traces.filter((t) => t.receivedAt > this.clearedAt);
    for (const t of this.current) this.runOf.set(t, this.run);
  }

  /** The intake stopped (or restarted): what it received stays, as earlier traces. */
  endRun(): void {
    this.earlier = [...this.earlier, ...this.current].slice(-this.max);
    this.current = [];
    this.run++;
  }

  /** A key unique among the traces held, stable across refreshes of the same run (the tree's item ids). */
  keyOf(t: ReceivedTrace): string {
    return `${this.runOf.get(t) ?? this.run}.${t.seq}`;
  }

  clear(now = Date.now()): void {
    this.earlier = [];
    this.current = [];
    this.clearedAt = now;
  }

  all(): ReceivedTrace[] {
    return [...this.earlier, ...this.current];
  }
}
