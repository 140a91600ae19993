// Decoding of the tracer's trace payloads (msgpack), as a Datadog Agent's trace endpoints receive them:
// - /v0.4/traces: an array of traces, each an array of span maps {trace_id, span_id, parent_id, name, resource,
//   service, type, start, duration, error, meta, metrics, meta_struct?}.
// - /v0.5/traces: [stringTable, traces], each span a 12-element array
//   [service, name, resource, trace_id, span_id, parent_id, start, duration, error, meta, metrics, type]
//   where every string is an index into stringTable (datadog-agent pkg/trace/api/version.go, dd-trace encode/0.5.js).
// Anything else is a DecodeError: the intake answers 400, counts it, and keeps running.
import { decode } from '@msgpack/msgpack';

export interface Span {
  traceId: string;
  spanId: string;
  parentId: string;
  name: string;
  resource: string;
  service: string;
  type: string;
  /** Unix nanoseconds (as a number: precision of a few hundred ns is enough for display). */
  start: number;
  durationNs: number;
  error: number;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

export class DecodeError extends Error {}

/** Bounds on what one payload may hold; beyond them the payload is rejected, not truncated. */
const MAX_SPANS = 100_000;

function decodeMsgpack(body: Uint8Array): unknown {
  try {
    // The decoder is iterative (no recursion limit to hit) and the body size is already bounded by the server.
    return decode(body, { useBigInt64: true });
  } catch (e) {
    throw new DecodeError(`not valid msgpack: ${(e as Error).message}`);
  }
}

function id(v: unknown, what: string): string {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v).toString();
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v);
  if (v === undefined || v === null) return '0';
  throw new DecodeError(`${what} is not an integer`);
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new DecodeError(`${what} is not a map`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = str(x);
  return out;
}

function numberMap(v: unknown, what: string): Record<string, number> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new DecodeError(`${what} is not a map`);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) out[k] = num(x);
  return out;
}

function spanV04(raw: unknown): Span {
  if (!isMap(raw)) throw new DecodeError('v0.4 span is not a map');
  return {
    traceId: id(raw.trace_id, 'trace_id'),
    spanId: id(raw.span_id, 'span_id'),
    parentId: id(raw.parent_id, 'parent_id'),
    name: str(raw.name),
    resource: str(raw.resource),
    service: str(raw.service),
    type: str(raw.type),
    start: num(raw.start),
    durationNs: num(raw.duration),
    error: num(raw.error),
    meta: stringMap(raw.meta, 'meta'),
    metrics: numberMap(raw.metrics, 'metrics'),
  };
}

function spanV05(raw: unknown, table: string[]): Span {
  if (!Array.isArray(raw) || raw.length !== 12) throw new DecodeError('v0.5 span is not a 12-element array');
  const s = (i: unknown): string => {
    const n = typeof i === 'bigint' ? Number(i) : i;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= table.length) throw new DecodeError(`string index ${String(i)} out of the table (${table.length})`);
    return table[n]!;
  };
  const meta: Record<string, string> = {};
  if (raw[9] !== null && raw[9] !== undefined) {
    if (!isMap(raw[9])) throw new DecodeError('v0.5 meta is not a map');
    for (const [k, v] of Object.entries(raw[9] as Record<string, unknown>)) meta[s(Number(k))] = s(v);
  }
  const metrics: Record<string, number> = {};
  if (raw[10] !== null && raw[10] !== undefined) {
    if (!isMap(raw[10])) throw new DecodeError('v0.5 metrics is not a map');
    for (const [k, v] of Object.entries(raw[10] as Record<string, unknown>)) metrics[s(Number(k))] = num(v);
  }
  return {
    service: s(raw[0]),
    name: s(raw[1]),
    resource: s(raw[2]),
    traceId: id(raw[3], 'trace_id'),
    spanId: id(raw[4], 'span_id'),
    parentId: id(raw[5], 'parent_id'),
    start: num(raw[6]),
    durationNs: num(raw[7]),
    error: num(raw[8]),
    meta,
    metrics,
    type: s(raw[11]),
  };
}

function tracesOf(v: unknown, span: (raw: unknown) => Span): Span[][] {
  if (!Array.isArray(v)) throw new DecodeError('traces is not an array');
  let count = 0;
  return v.map((t) => {
    if (!Array.isArray(t)) throw new DecodeError('a trace is not an array of spans');
    count += t.length;
    if (count > MAX_SPANS) throw new DecodeError(`more than ${MAX_SPANS} spans in one payload`);
    return t.map(span);
  });
}

export type TraceApiVersion = 'v0.4' | 'v0.5';

/** Decodes one trace payload. Throws DecodeError (never anything else) on malformed input. */
export function decodeTraces(body: Uint8Array, version: TraceApiVersion): Span[][] {
  const v = decodeMsgpack(body);
  try {
    if (version === 'v0.4') return tracesOf(v, spanV04);
    if (!Array.isArray(v) || v.length !== 2) throw new DecodeError('v0.5 payload is not [stringTable, traces]');
    const [table, traces] = v as [unknown, unknown];
    if (!Array.isArray(table) || !table.every((x) => typeof x === 'string')) throw new DecodeError('v0.5 string table is not an array of strings');
    return tracesOf(traces, (raw) => spanV05(raw, table as string[]));
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`unexpected payload shape: ${(e as Error).message}`);
  }
}
