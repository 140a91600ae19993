// Decoding of the tracer's trace payloads (msgpack), as a Datadog Agent's trace endpoints receive them:
// - /v0.4/traces: an array of traces, each an array of span maps {trace_id, span_id, parent_id, name, resource,
//   service, type, start, duration, error, meta, metrics, meta_struct?}.
// - /v0.5/traces: [stringTable, traces], each span a 12-element array
//   [service, name, resource, trace_id, span_id, parent_id, start, duration, error, meta, metrics, type]
//   where every string is an index into stringTable (datadog-agent pkg/trace/api/version.go, dd-trace encode/0.5.js).
// Anything else is a DecodeError: the intake answers 400, counts it, and keeps running. Before decoding, one linear
// pass (scanMsgpack) checks depth and item counts, so a small body cannot make the decoder allocate gigabytes.
import { decode, decodeAsync } from '@msgpack/msgpack';

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
  /**
   * v0.4 `meta_struct`: each value is msgpack inside a bin (dd-trace-py ≥ 2.8 puts WAF triggers in
   * meta_struct["appsec"], RASP stacks in "_dd.stack"); decoded here within META_STRUCT_LIMITS. A value that does
   * not decode is left out and named in `metaStructErrors`.
   */
  metaStruct?: Record<string, unknown>;
  metaStructErrors?: string[];
  /** msgpack bytes of the decoded meta_struct values (for the intake's kept-bytes bound). */
  metaStructBytes?: number;
}

/** Bounds on one meta_struct value (a stack or a trigger list is some KB). */
export const META_STRUCT_LIMITS = { maxBytes: 1024 * 1024, maxDepth: 32, maxElements: 200_000, maxContainers: 50_000 } as const;

/** What the meta_struct values of one payload may still decode to (bins are small bodies that unfold). */
interface StructBudget {
  containers: number;
}
const newStructBudget = (): StructBudget => ({ containers: DECODE_LIMITS.maxContainers });

function metaStructOf(v: unknown, budget: StructBudget): Pick<Span, 'metaStruct' | 'metaStructErrors' | 'metaStructBytes'> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new DecodeError('meta_struct is not a map');
  const out: Record<string, unknown> = {};
  const errors: string[] = [];
  let bytes = 0;
  for (const [k, x] of Object.entries(v)) {
    if (!(x instanceof Uint8Array)) {
      errors.push(`${k}: not a bin`);
      continue;
    }
    if (x.length > META_STRUCT_LIMITS.maxBytes) {
      errors.push(`${k}: ${x.length} bytes, more than ${META_STRUCT_LIMITS.maxBytes}`);
      continue;
    }
    try {
      const { containers } = scanMsgpack(x, META_STRUCT_LIMITS);
      if (containers > budget.containers) {
        errors.push(`${k}: over this payload's meta_struct budget`);
        continue;
      }
      budget.containers -= containers;
      out[k] = decode(x, { useBigInt64: true });
      bytes += x.length;
    } catch (e) {
      errors.push(`${k}: ${(e as Error).message}`);
    }
  }
  return { ...(Object.keys(out).length ? { metaStruct: out, metaStructBytes: bytes } : {}), ...(errors.length ? { metaStructErrors: errors } : {}) };
}

export class DecodeError extends Error {}

/** A payload over the decode limits (depth, elements): answered 413, never decoded. */
export class PayloadTooComplex extends DecodeError {}

/**
 * Bounds on what one payload may hold; beyond them the payload is rejected before anything is allocated.
 * A tracer's payload is 4 levels deep (payload, trace, span, meta) and a few MiB (dd-trace-js flushes at 8 MiB);
 * a span is 3 containers (span, meta, metrics), so 500,000 containers hold the 100,000 spans allowed; 6 million items
 * (about 45,000 spans of 60 tags, some 8 MiB) keep a decode near 1 GB at worst (measured: 20 payloads of 40,000 spans
 * x 30 tags peak at 777 MiB RSS; the 12 million of a first version let 65,000 x 60 payloads peak at 2 GB). Containers
 * are what costs memory (an empty array is a heap object, an empty fixarray one byte).
 */
export interface DecodeLimits {
  maxDepth: number;
  maxElements: number;
  maxContainers: number;
  maxSpans: number;
}
export const DECODE_LIMITS: Readonly<DecodeLimits> = { maxDepth: 32, maxElements: 6_000_000, maxContainers: 500_000, maxSpans: 100_000 };
const MAX_SPANS = DECODE_LIMITS.maxSpans;

/**
 * Walks the msgpack bytes once without building anything (a stack as deep as maxDepth): checks they hold exactly one
 * well-formed value within the limits. Linear in the body; throws PayloadTooComplex or DecodeError.
 */
export function scanMsgpack(
  b: Uint8Array,
  limits: Pick<DecodeLimits, 'maxDepth' | 'maxElements' | 'maxContainers'> = DECODE_LIMITS,
): { elements: number; containers: number; depth: number } {
  const len = b.length;
  const stack = new Float64Array(limits.maxDepth + 1);
  let depth = 0;
  let maxSeen = 0;
  let elements = 1;
  let containers = 0;
  let pos = 0;
  stack[0] = 1;
  const need = (n: number) => {
    if (pos + n > len) throw new DecodeError(`not valid msgpack: truncated at byte ${pos} of ${len}`);
  };
  const u16 = () => (b[pos]! << 8) | b[pos + 1]!;
  const u32 = () => b[pos]! * 0x1000000 + ((b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!);
  while (depth >= 0) {
    if (stack[depth] === 0) {
      depth--;
      continue;
    }
    stack[depth]!--;
    need(1);
    const h = b[pos++]!;
    let items = -1; // container items, or -1 for a scalar
    let skip = 0;
    if (h <= 0x7f || h >= 0xe0 || h === 0xc0 || h === 0xc2 || h === 0xc3) skip = 0;
    else if (h <= 0x8f) items = (h & 0x0f) * 2;
    else if (h <= 0x9f) items = h & 0x0f;
    else if (h <= 0xbf) skip = h & 0x1f;
    else {
      switch (h) {
        case 0xc4:
        case 0xd9:
          need(1);
          skip = b[pos]!;
          pos += 1;
          break;
        case 0xc5:
        case 0xda:
          need(2);
          skip = u16();
          pos += 2;
          break;
        case 0xc6:
        case 0xdb:
          need(4);
          skip = u32();
          pos += 4;
          break;
        case 0xc7:
          need(1);
          skip = b[pos]! + 1;
          pos += 1;
          break;
        case 0xc8:
          need(2);
          skip = u16() + 1;
          pos += 2;
          break;
        case 0xc9:
          need(4);
          skip = u32() + 1;
          pos += 4;
          break;
        case 0xca:
          skip = 4;
          break;
        case 0xcb:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xd4:
          skip = 2;
          break;
        case 0xd5:
          skip = 3;
          break;
        case 0xd6:
          skip = 5;
          break;
        case 0xd7:
          skip = 9;
          break;
        case 0xd8:
          skip = 17;
          break;
        case 0xdc:
          need(2);
          items = u16();
          pos += 2;
          break;
        case 0xdd:
          need(4);
          items = u32();
          pos += 4;
          break;
        case 0xde:
          need(2);
          items = u16() * 2;
          pos += 2;
          break;
        case 0xdf:
          need(4);
          items = u32() * 2;
          pos += 4;
          break;
        default:
          throw new DecodeError(`not valid msgpack: byte 0x${h.toString(16)} at ${pos - 1}`);
      }
    }
    if (items < 0) {
      need(skip);
      pos += skip;
      continue;
    }
    // Every item takes at least one byte: a count the rest of the body cannot hold is a lie, not a big payload.
    if (items > len - pos) throw new DecodeError(`not valid msgpack: a container of ${items} items in ${len - pos} remaining bytes`);
    elements += items;
    if (elements > limits.maxElements) throw new PayloadTooComplex(`more than ${limits.maxElements} msgpack items in one payload`);
    if (++containers > limits.maxContainers) throw new PayloadTooComplex(`more than ${limits.maxContainers} arrays and maps in one payload`);
    if (items === 0) continue;
    if (depth + 1 > limits.maxDepth) throw new PayloadTooComplex(`msgpack nested deeper than ${limits.maxDepth} levels`);
    stack[++depth] = items;
    if (depth > maxSeen) maxSeen = depth;
  }
  if (pos !== len) throw new DecodeError(`not valid msgpack: ${len - pos} extra byte(s) after the payload`);
  return { elements, containers, depth: maxSeen };
}

function decodeMsgpack(body: Uint8Array): unknown {
  scanMsgpack(body);
  try {
    return decode(body, { useBigInt64: true });
  } catch (e) {
    throw new DecodeError(`not valid msgpack: ${(e as Error).message}`);
  }
}

/** Resolves on the next turn of the event loop (after pending I/O). */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function decodeMsgpackSliced(body: Uint8Array, sliceBytes: number): Promise<unknown> {
  scanMsgpack(body);
  async function* slices() {
    for (let i = 0; i < body.length; i += sliceBytes) {
      if (i > 0) await yieldToLoop();
      yield body.subarray(i, Math.min(body.length, i + sliceBytes));
    }
  }
  try {
    return await decodeAsync(slices(), { useBigInt64: true });
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

function spanV04(raw: unknown, budget: StructBudget): Span {
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
    ...metaStructOf(raw.meta_struct, budget),
  };
}

function spanV05(raw: unknown, table: string[]): Span {
  if (!Array.isArray(raw) || raw.length !== 12) throw new DecodeError('v0.5 span is not a 12-element array');
  const s = (i: unknown): string => {
    const n = typeof i === 'bigint' ? Number(i) : i;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= table.length)
      throw new DecodeError(`string index ${String(i)} out of the table (${table.length})`);
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

/** Spans converted between two turns of the event loop by the sliced decode. */
const SPANS_PER_SLICE = 2000;

function tracesOf(v: unknown, span: (raw: unknown) => Span): Span[][] {
  const out: Span[][] = [];
  for (const step of tracesSteps(v, span, out)) void step;
  return out;
}

/** Converts the traces into `out`, yielding after every SPANS_PER_SLICE spans (a generator: sync or sliced). */
function* tracesSteps(v: unknown, span: (raw: unknown) => Span, out: Span[][]): Generator<void> {
  if (!Array.isArray(v)) throw new DecodeError('traces is not an array');
  let count = 0;
  for (const t of v) {
    if (!Array.isArray(t)) throw new DecodeError('a trace is not an array of spans');
    count += t.length;
    if (count > MAX_SPANS) throw new PayloadTooComplex(`more than ${MAX_SPANS} spans in one payload`);
  }
  let n = 0;
  for (const t of v as unknown[][]) {
    const spans: Span[] = new Array(t.length);
    for (let i = 0; i < t.length; i++) {
      spans[i] = span(t[i]);
      if (++n % SPANS_PER_SLICE === 0) yield;
    }
    out.push(spans);
  }
}

export type TraceApiVersion = 'v0.4' | 'v0.5';

/** Decodes one trace payload. Throws DecodeError (never anything else) on malformed input. */
export function decodeTraces(body: Uint8Array, version: TraceApiVersion): Span[][] {
  return shapeTraces(decodeMsgpack(body), version);
}

/**
 * decodeTraces in slices: the msgpack decoder gets `sliceBytes` at a time and the event loop runs between slices,
 * so a large payload does not stop the server from answering (the editor's language server runs the intake).
 */
export async function decodeTracesSliced(body: Uint8Array, version: TraceApiVersion, sliceBytes = 256 * 1024): Promise<Span[][]> {
  const v = await decodeMsgpackSliced(body, Math.max(1024, sliceBytes));
  const out: Span[][] = [];
  try {
    for (const step of shapeSteps(v, version, out)) {
      void step;
      await yieldToLoop();
    }
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`unexpected payload shape: ${(e as Error).message}`);
  }
  return out;
}

function* shapeSteps(v: unknown, version: TraceApiVersion, out: Span[][]): Generator<void> {
  if (version === 'v0.4') {
    const budget = newStructBudget();
    return yield* tracesSteps(v, (raw) => spanV04(raw, budget), out);
  }
  if (!Array.isArray(v) || v.length !== 2) throw new DecodeError('v0.5 payload is not [stringTable, traces]');
  const [table, traces] = v as [unknown, unknown];
  if (!Array.isArray(table) || !table.every((x) => typeof x === 'string')) throw new DecodeError('v0.5 string table is not an array of strings');
  yield* tracesSteps(traces, (raw) => spanV05(raw, table as string[]), out);
}

function shapeTraces(v: unknown, version: TraceApiVersion): Span[][] {
  try {
    if (version === 'v0.4') {
      const budget = newStructBudget();
      return tracesOf(v, (raw) => spanV04(raw, budget));
    }
    if (!Array.isArray(v) || v.length !== 2) throw new DecodeError('v0.5 payload is not [stringTable, traces]');
    const [table, traces] = v as [unknown, unknown];
    if (!Array.isArray(table) || !table.every((x) => typeof x === 'string')) throw new DecodeError('v0.5 string table is not an array of strings');
    return tracesOf(traces, (raw) => spanV05(raw, table as string[]));
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`unexpected payload shape: ${(e as Error).message}`);
  }
}
