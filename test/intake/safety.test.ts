// Issue 18 points 1–3: what a payload or a web page can send the local intake (it runs inside the language server).
// Shapes of the adversarial run: many 65,000-span payloads (the ring bounded traces, not spans or bytes: V8 heap
// exhaustion at ~4.4 GB), one 16 MiB body of nested empty arrays (200 after 1.5–3 GB), a cross-origin text/plain
// POST from a web page with a forged appsec.event span (shown as a real ASM event). RSS is measured around each.
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { encode } from '@msgpack/msgpack';
import { startIntake, scanMsgpack, decodeTraces, DecodeError, PayloadTooComplex, DECODE_LIMITS, type Intake } from '../../src/core/intake';

const MiB = 1024 * 1024;

/** A v0.5 payload written byte by byte (the shape dd-trace's encode/0.5.js writes): `spans` spans with `metaCount` tags. */
function bigV05(spans: number, metaCount: number): Buffer {
  const table = ['', 'svc', 'web.request', 'GET /', 'web'];
  for (let i = 0; i < metaCount; i++) table.push(`tag.key.${i}`, `value-${i}-${'x'.repeat(20)}`);
  const parts: Buffer[] = [];
  const strs = (arr: string[]) => {
    const head = Buffer.alloc(5);
    head[0] = 0xdd;
    head.writeUInt32BE(arr.length, 1);
    parts.push(head);
    for (const s of arr) {
      const b = Buffer.from(s);
      parts.push(Buffer.from([0xd9, b.length]), b);
    }
  };
  parts.push(Buffer.from([0x92]));
  strs(table);
  const tracesHead = Buffer.alloc(5);
  tracesHead[0] = 0xdd;
  tracesHead.writeUInt32BE(1, 1);
  const traceHead = Buffer.alloc(5);
  traceHead[0] = 0xdd;
  traceHead.writeUInt32BE(spans, 1);
  parts.push(tracesHead, traceHead);
  // One span's bytes; ids as uint64 (0xcf), the same for every span (the intake does not deduplicate).
  const span: number[] = [0x9c, 1, 2, 3];
  const u64 = (n: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0xcf;
    b.writeBigUInt64BE(BigInt(n), 1);
    span.push(...b);
  };
  u64(7);
  u64(8);
  u64(0);
  u64(1_700_000_000_000_000_000 / 1); // start
  u64(1000);
  span.push(0);
  span.push(0xde, metaCount >> 8, metaCount & 0xff);
  const idx = (i: number) => (i < 128 ? [i] : [0xcd, i >> 8, i & 0xff]);
  for (let i = 0; i < metaCount; i++) span.push(...idx(5 + 2 * i), ...idx(6 + 2 * i));
  span.push(0x80, 4);
  const one = Buffer.from(span);
  parts.push(Buffer.alloc(one.length * spans));
  const all = parts.at(-1)!;
  for (let i = 0; i < spans; i++) one.copy(all, i * one.length);
  return Buffer.concat(parts);
}

function request(
  port: number,
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
  onSent?: () => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'PUT',
        headers: { 'content-type': 'application/msgpack', 'content-length': Buffer.byteLength(body), ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    // The server may answer and close before reading the body (413/429/403): that is an answer, not a failure.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve({ status: -1, body: e.code }) : reject(e)));
    req.end(body, onSent);
  });
}

const rss = () => process.memoryUsage().rss;
// A full GC before each RSS reading (node --test runs without --expose-gc).
v8.setFlagsFromString('--expose-gc');
const gcFn = vm.runInNewContext('gc') as () => void;
const gc = () => gcFn();

let intake: Intake;
before(async () => {
  intake = await startIntake({ port: 0 });
});
after(async () => {
  await intake?.close();
});

test('scanMsgpack: counts without building; depth, containers and lying lengths are refused before decoding', () => {
  assert.deepEqual(scanMsgpack(encode([[{ a: 1, b: [1, 2] }]])), { elements: 9, containers: 4, depth: 4 });
  const nested = Buffer.alloc(1000, 0x91);
  nested[999] = 0x90;
  assert.throws(() => scanMsgpack(nested), PayloadTooComplex);
  // 100 empty arrays is fine, a million is not (each is a heap object once decoded).
  const wide = (n: number) => Buffer.concat([Buffer.from([0xdd, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]), Buffer.alloc(n, 0x90)]);
  assert.equal(scanMsgpack(wide(100)).containers, 101);
  assert.throws(() => scanMsgpack(wide(1_000_000)), PayloadTooComplex);
  // An array32 that claims 4 billion items in 5 bytes is malformed (400), not "too big" (413).
  assert.throws(
    () => scanMsgpack(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])),
    (e) => e instanceof DecodeError && !(e instanceof PayloadTooComplex),
  );
  assert.throws(() => scanMsgpack(Buffer.from([0x91, 0xc1])), DecodeError);
  assert.throws(() => scanMsgpack(Buffer.from([0x90, 0x90])), /extra byte/);
  assert.throws(() => scanMsgpack(Buffer.from([0xdb, 0, 0, 1, 0, 0x61])), /truncated/);
  // The same verdict as the decoder on every encoding it writes.
  for (const v of [
    null,
    true,
    -1,
    2 ** 40,
    -(2 ** 40),
    1.5,
    'x'.repeat(300),
    'y'.repeat(70_000),
    new Uint8Array(300),
    new Uint8Array(70_000),
    Array(20).fill(0),
    Array(70_000).fill(1),
    Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
  ]) {
    assert.doesNotThrow(() => scanMsgpack(encode(v)), `value ${typeof v}`);
  }
  assert.equal(DECODE_LIMITS.maxDepth, 32);
  assert.equal(decodeTraces(encode([[]]), 'v0.4').length, 1);
});

test('18.2: a 16 MiB body of nested empty arrays gets 413 at once, costs no memory, and the intake keeps answering', async (t) => {
  const nested = Buffer.alloc(16 * MiB - 64, 0x91);
  nested[nested.length - 1] = 0x90;
  const wide = Buffer.concat([Buffer.from([0xdd, 0x00, 0xff, 0xff, 0xc0]), Buffer.alloc(0xffffc0, 0x90)]);
  gc();
  const base = rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 5);
  try {
    for (const [name, body] of [
      ['nested', nested],
      ['wide', wide],
    ] as const) {
      const r = await request(intake.port, '/v0.4/traces', body);
      assert.equal(r.status, 413, `${name}: ${r.body}`);
      assert.match(r.body, /levels|arrays and maps|items/);
    }
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, rss());
  t.diagnostic(`RSS growth ${Math.round((peak - base) / MiB)} MiB`);
  // The two bodies themselves are 32 MiB in this process, and the server reads each (16 MiB) once.
  assert.ok(peak - base < 160 * MiB, `RSS grew by ${Math.round((peak - base) / MiB)} MiB`);
  assert.equal((await fetch(`${intake.url}/info`)).status, 200);
  assert.ok((intake.stats().tooLarge ?? 0) >= 2);
});

test("18.1: the issue's 65,000-span × 60-tag payloads get 413 before decoding (8.7 million items), cheaply", async (t) => {
  const body = bigV05(65_000, 60);
  gc();
  const base = rss();
  let peak = base;
  for (let i = 0; i < 5; i++) {
    const r = await request(intake.port, '/v0.5/traces', body);
    assert.equal(r.status, 413, r.body);
    assert.match(r.body, /more than 6000000 msgpack items/);
    peak = Math.max(peak, rss());
  }
  t.diagnostic(`RSS growth ${Math.round((peak - base) / MiB)} MiB over 5 refused payloads of ${body.length} bytes`);
  assert.ok(peak - base < 200 * MiB, `RSS grew by ${Math.round((peak - base) / MiB)} MiB`);
});

test('18.1: payloads within the limits keep coming and what is kept stays within spans and bytes (RSS bounded)', async (t) => {
  const small = await startIntake({ port: 0, maxSpans: 20_000, maxKeptBytes: 32 * MiB });
  try {
    const body = bigV05(40_000, 30);
    gc();
    const base = rss();
    let peak = base;
    for (let i = 0; i < 6; i++) {
      const r = await request(small.port, '/v0.5/traces', body);
      assert.equal(r.status, 200, r.body);
      gc();
      peak = Math.max(peak, rss());
      const s = small.stats();
      assert.ok(s.keptSpans! <= 20_000, `kept ${s.keptSpans} spans`);
      assert.ok(s.keptBytes! <= 32 * MiB, `kept ${s.keptBytes} bytes`);
    }
    const s = small.stats();
    assert.equal(s.spans, 240_000);
    assert.equal(s.traces, 6);
    const kept = small.traces();
    assert.equal(
      kept.reduce((n, x) => n + x.spans.length, 0),
      s.keptSpans,
    );
    assert.ok(
      kept.every((x) => x.droppedSpans! > 0),
      'each 40,000-span trace keeps only its first spans',
    );
    assert.equal(kept.at(-1)!.spans[0]!.meta['tag.key.29'], `value-29-${'x'.repeat(20)}`);
    t.diagnostic(`RSS growth ${Math.round((peak - base) / MiB)} MiB over 6 payloads of ${body.length} bytes`);
    // Without the bound the heap grew with every payload (4.4 GB and a crash at 20 of the payloads).
    assert.ok(peak - base < 900 * MiB, `RSS grew by ${Math.round((peak - base) / MiB)} MiB over 6 payloads`);
  } finally {
    await small.close();
  }
});

test('18.1: while a big payload is decoded the intake still answers (the decode runs in slices)', async () => {
  const body = bigV05(40_000, 60);
  const order: string[] = [];
  // /info is asked once the whole body is sent: the intake is then reading or decoding it.
  let info: Promise<unknown> | undefined;
  const big = request(intake.port, '/v0.5/traces', body, {}, () => {
    info = fetch(`${intake.url}/info`).then((r) => order.push(`info ${r.status}`));
  }).then((r) => order.push(`put ${r.status}`));
  await big;
  await info;
  assert.deepEqual(order, ['info 200', 'put 200']);
});

test('18.1: bytes being read and payloads waiting are bounded: 429, and the intake keeps working', async () => {
  const tight = await startIntake({ port: 0, maxInFlightBytes: 2 * MiB, maxPendingPayloads: 1 });
  try {
    const body = bigV05(6_000, 60); // about 1 MiB
    const results = await Promise.all(Array.from({ length: 8 }, () => request(tight.port, '/v0.5/traces', body)));
    const codes = results.map((r) => r.status);
    assert.ok(codes.includes(200), codes.join(','));
    assert.ok(
      codes.some((c) => c === 429 || c === -1),
      codes.join(','),
    );
    assert.ok(
      codes.every((c) => c === 200 || c === 429 || c === -1),
      codes.join(','),
    );
    assert.ok(tight.stats().busy! > 0);
    assert.equal((await request(tight.port, '/v0.5/traces', body)).status, 200);
  } finally {
    await tight.close();
  }
});

test('18.3: a web page cannot forge an ASM event: Origin / Sec-Fetch-Site → 403, text/plain or no type on a trace endpoint → 415', async () => {
  const forged = Buffer.from(
    encode([
      [
        {
          trace_id: 1,
          span_id: 2,
          parent_id: 0,
          name: 'web.request',
          resource: 'GET /',
          service: 'bank',
          type: 'web',
          start: 1,
          duration: 1,
          error: 0,
          meta: { 'appsec.event': 'true', '_dd.appsec.json': '{"triggers":[{"rule":{"id":"crs-942-100","name":"SQLi"}}]}' },
          metrics: {},
        },
      ],
    ]),
  );
  const before = intake.stats();
  const cases: Array<[Record<string, string>, number]> = [
    [{ origin: 'https://evil.example', 'content-type': 'text/plain' }, 403],
    [{ origin: 'null', 'content-type': 'application/msgpack' }, 403],
    [{ 'sec-fetch-site': 'cross-site', 'content-type': 'application/msgpack' }, 403],
    [{ 'content-type': 'text/plain;charset=UTF-8' }, 415],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 415],
    [{ 'content-type': '' }, 415],
  ];
  for (const [headers, want] of cases) {
    const r = await request(intake.port, '/v0.4/traces', forged, headers);
    assert.equal(r.status, want, JSON.stringify(headers));
  }
  // A browser's text/plain POST elsewhere is refused too; the browser's own address-bar GET (Sec-Fetch-Site: none) is fine.
  assert.equal((await fetch(`${intake.url}/telemetry/proxy/api/v2/apmtelemetry`, { method: 'POST', body: '{}' })).status, 415);
  assert.equal((await fetch(`${intake.url}/info`, { headers: { 'sec-fetch-site': 'none' } })).status, 200);
  const after1 = intake.stats();
  assert.equal(after1.events, before.events, 'no forged event recorded');
  assert.equal(after1.payloads, before.payloads);
  assert.equal(after1.refused! - before.refused!, cases.length + 1);
  // The same payload from a tracer (msgpack, no Origin) is accepted.
  assert.equal((await request(intake.port, '/v0.4/traces', forged)).status, 200);
  assert.equal(intake.stats().events, before.events + 1);
});
