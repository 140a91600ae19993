// The local trace intake: v0.4 and v0.5 payloads, ASM events, the tracer's other calls answered quietly, the port
// fallback, and robustness: truncated, oversized and random msgpack get 4xx and the intake keeps answering.
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { startIntake, decodeTraces, parseAppsecJson, isLocalHostHeader, type Intake } from '../../src/core/intake';
import { IntakeService } from '../../src/server/intake';
import { isAttackEvent } from '../../src/server/attack';

const APPSEC_JSON = JSON.stringify({
  triggers: [
    {
      rule: { id: 'ua0-600-12x', name: 'Arachni', tags: { type: 'attack_tool', category: 'attack_attempt' } },
      rule_matches: [
        {
          operator: 'match_regex',
          operator_value: '^Arachni\\/v',
          parameters: [{ address: 'server.request.headers.no_cookies', key_path: ['user-agent'], value: 'Arachni/v', highlight: ['Arachni/v'] }],
        },
      ],
    },
  ],
});
const META = {
  'appsec.event': 'true',
  '_dd.appsec.json': APPSEC_JSON,
  'http.url': 'http://127.0.0.1:3000/',
  'http.method': 'GET',
  'http.status_code': '200',
  'http.client_ip': '127.0.0.1',
  'http.useragent': 'Arachni/v',
};

function v04(meta: Record<string, string> = META): Uint8Array {
  return encode(
    [
      [
        {
          trace_id: 12345678901234567890n,
          span_id: 42n,
          parent_id: 0,
          name: 'web.request',
          resource: 'GET /',
          service: 'svc',
          type: 'web',
          start: 1700000000000000000n,
          duration: 1500000,
          error: 0,
          meta,
          metrics: { '_dd.appsec.enabled': 1 },
        },
      ],
    ],
    { useBigInt64: true },
  );
}

function v05(): Uint8Array {
  const table: string[] = [''];
  const s = (x: string) => {
    const i = table.indexOf(x);
    if (i >= 0) return i;
    table.push(x);
    return table.length - 1;
  };
  // @msgpack/msgpack writes object keys as strings; the real tracer's integer keys are covered end to end
  // (attack.test.ts runs dd-trace with DD_TRACE_AGENT_PROTOCOL_VERSION=0.5).
  const meta: Record<number, number> = {};
  for (const [k, v] of Object.entries({ ...META, 'appsec.blocked': 'true', 'http.status_code': '403' })) meta[s(k)] = s(v);
  const span = [s('svc'), s('web.request'), s('GET /'), 7n, 8n, 0n, 1700000000000000000n, 1000n, 0, meta, { [s('_dd.appsec.enabled')]: 1 }, s('web')];
  return encode([table, [[span]]], { useBigInt64: true });
}

let intake: Intake;
const logs: string[] = [];
before(async () => {
  intake = await startIntake({ port: 0, maxBodyBytes: 64 * 1024, maxTraces: 5, log: (l) => logs.push(l) });
});
after(async () => {
  await intake?.close();
});

const put = (path: string, body: Uint8Array | string, method = 'PUT') =>
  fetch(`${intake.url}${path}`, { method, body, headers: { 'content-type': 'application/msgpack' } });

test('v0.4: an appsec.event span becomes an ASM event; the answer is rate_by_service', async () => {
  const res = await put('/v0.4/traces', v04());
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { rate_by_service: {} });
  const e = intake.events().at(-1)!;
  assert.equal(e.traceId, '12345678901234567890');
  assert.equal(e.spanId, '42');
  assert.equal(e.ruleId, 'ua0-600-12x');
  assert.equal(e.ruleName, 'Arachni');
  assert.equal(e.address, 'server.request.headers.no_cookies');
  assert.equal(e.value, 'Arachni/v');
  assert.equal(e.clientIp, '127.0.0.1');
  assert.equal(e.status, 200);
  assert.equal(e.blocked, false);
  assert.equal(e.triggers[0]!.type, 'attack_tool');
  assert.deepEqual(e.triggers[0]!.matches[0]!.keyPath, ['user-agent']);
});

test('v0.5: string table and 12-element spans are decoded; appsec.blocked is reported', async () => {
  const res = await put('/v0.5/traces', v05(), 'POST');
  assert.equal(res.status, 200);
  const t = intake.traces().at(-1)!;
  assert.equal(t.version, 'v0.5');
  assert.equal(t.spans[0]!.service, 'svc');
  assert.equal(t.spans[0]!.traceId, '7');
  assert.equal(t.spans[0]!.metrics['_dd.appsec.enabled'], 1);
  const e = t.events[0]!;
  assert.equal(e.blocked, true);
  assert.equal(e.status, 403);
  assert.equal(e.ruleId, 'ua0-600-12x');
});

test('waitForEvent resolves on an arriving event and null after its bound', async () => {
  const t0 = Date.now();
  const p = intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'late', 5000);
  await put('/v0.4/traces', v04({ ...META, 'http.useragent': 'late' }));
  assert.equal((await p)?.userAgent, 'late');
  assert.equal(await intake.waitForEvent((e) => e.userAgent === 'never', 50), null);
});

test('ring buffer keeps the last maxTraces traces', async () => {
  for (let i = 0; i < 8; i++) assert.equal((await put('/v0.4/traces', v04({ x: String(i) }))).status, 200);
  const ts = intake.traces();
  assert.equal(ts.length, 5);
  assert.equal(ts.at(-1)!.spans[0]!.meta.x, '7');
});

test("/info answers honestly as the local intake; the tracer's other calls are answered quietly", async () => {
  const info = (await (await fetch(`${intake.url}/info`)).json()) as { version: string; endpoints: string[]; note: string };
  assert.equal(info.version, 'asm-troubleshooter-intake');
  assert.ok(info.endpoints.includes('/v0.4/traces') && info.endpoints.includes('/v0.5/traces'));
  assert.match(info.note, /not a Datadog Agent/);
  // Remote config: 404 is what dd-trace reads as "remote config disabled" and stays quiet about.
  // JSON bodies carry application/json, as the tracers send them (a text/plain body is a browser's: 415).
  const json = { 'content-type': 'application/json; charset=utf-8' };
  assert.equal((await fetch(`${intake.url}/v0.7/config`, { method: 'POST', body: '{}', headers: json })).status, 404);
  assert.equal((await fetch(`${intake.url}/telemetry/proxy/api/v2/apmtelemetry`, { method: 'POST', body: '{}', headers: json })).status, 202);
  assert.equal((await put('/v0.6/stats', 'x')).status, 200);
  assert.equal((await fetch(`${intake.url}/dogstatsd/v2/proxy`, { method: 'POST', body: 'a:1|c' })).status, 200);
  assert.equal((await fetch(`${intake.url}/debugger/v1/input`, { method: 'POST', body: '[]', headers: json })).status, 202);
  assert.equal((await fetch(`${intake.url}/evp_proxy/v2/api/v2/exposures`, { method: 'POST', body: '[]', headers: json })).status, 202);
  assert.equal((await fetch(`${intake.url}/v0.4/traces`)).status, 405);
  assert.equal((await fetch(`${intake.url}/nope`)).status, 404);
});

test('truncated, oversized and random payloads get 400/413, are counted, and the intake keeps working', async () => {
  const before = intake.stats();
  const good = v04();
  for (const cut of [1, 5, Math.floor(good.length / 2), good.length - 1])
    assert.equal((await put('/v0.4/traces', good.subarray(0, cut))).status, 400, `cut ${cut}`);
  assert.equal((await put('/v0.5/traces', v04())).status, 400, 'a v0.4 payload is not v0.5');
  assert.equal((await put('/v0.4/traces', encode({ not: 'traces' }))).status, 400);
  assert.equal((await put('/v0.4/traces', encode([[1, 2, 3]]))).status, 400);
  assert.equal((await put('/v0.5/traces', encode([['a'], [[[0, 0, 0, 1, 2, 3, 4, 5, 6, {}, {}, 99]]]]))).status, 400, 'string index out of the table');
  const big = await put('/v0.4/traces', new Uint8Array(64 * 1024 + 1));
  assert.equal(big.status, 413);
  const after1 = intake.stats();
  assert.equal(after1.malformed - before.malformed, 8);
  assert.equal(after1.tooLarge - before.tooLarge, 1);
  assert.ok(logs.some((l) => /400 malformed/.test(l)));
  assert.equal((await put('/v0.4/traces', good)).status, 200);
});

test('property: any bytes on either endpoint get 200 or 400, never a crash, and the intake keeps answering', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('/v0.4/traces', '/v0.5/traces'), async (bytes, path) => {
      const res = await put(path, bytes);
      await res.arrayBuffer();
      return res.status === 200 || res.status === 400;
    }),
    { numRuns: 150 },
  );
  // Structured garbage: valid msgpack of arbitrary shape.
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (v) => {
      const res = await put('/v0.4/traces', encode(v));
      await res.arrayBuffer();
      return res.status === 200 || res.status === 400;
    }),
    { numRuns: 150 },
  );
  assert.equal((await put('/v0.4/traces', v04())).status, 200);
  assert.equal((await fetch(`${intake.url}/info`)).status, 200);
});

test('decodeTraces and parseAppsecJson never throw anything but DecodeError / report errors', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
      try {
        decodeTraces(b, 'v0.4');
      } catch (e) {
        assert.equal((e as Error).constructor.name, 'DecodeError');
      }
      return true;
    }),
  );
  assert.deepEqual(parseAppsecJson('{').triggers, []);
  assert.match(parseAppsecJson('{').error!, /not JSON/);
  assert.deepEqual(parseAppsecJson('{"triggers":[{"rule":null}]}').triggers, [{ ruleId: '', ruleName: '', matches: [] }]);
});

test('busy port: falls back to a free port and says which DD_TRACE_AGENT_URL to set', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const busy = (blocker.address() as net.AddressInfo).port;
  const lines: string[] = [];
  const other = await startIntake({ port: busy, log: (l) => lines.push(l) });
  try {
    assert.notEqual(other.port, busy);
    assert.equal(other.requestedPort, busy);
    assert.equal(other.agentUrlEnv, `DD_TRACE_AGENT_URL=http://127.0.0.1:${other.port}`);
    assert.match(lines.join('\n'), new RegExp(`port ${busy} is busy`));
    await assert.rejects(startIntake({ port: busy, fallbackToFreePort: false }), /EADDRINUSE/);
  } finally {
    await other.close();
    await new Promise((r) => blocker.close(r));
  }
});

/** A raw request with a chosen Host header (fetch does not let a page — or a test — set it). */
function rawPut(path: string, body: Uint8Array, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: intake.port, method: 'PUT', path, headers: { host, 'content-type': 'application/msgpack', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test("DNS rebinding: a request whose Host is not a loopback name with the intake's port gets 421 and records nothing", async () => {
  const before = intake.events().length;
  for (const host of ['evil.example', `evil.example:${intake.port}`, `127.0.0.1.nip.io:${intake.port}`, `localhost:${intake.port + 1}`, `127.0.0.1`]) {
    assert.equal(await rawPut('/v0.4/traces', v04(), host), 421, host);
  }
  assert.equal(intake.events().length, before);
  for (const host of [`127.0.0.1:${intake.port}`, `LOCALHOST:${intake.port}`, `[::1]:${intake.port}`])
    assert.equal(await rawPut('/v0.4/traces', v04(), host), 200, host);
  assert.equal(intake.events().length, before + 3);
  assert.equal(isLocalHostHeader('localhost', 80), true);
  assert.equal(isLocalHostHeader(undefined, 8126), false);
});

test('IntakeService: Stop during a start in progress closes the intake being opened', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const svc = new IntakeService({ sendNotification: async () => undefined, console: { warn: () => undefined } } as never);
  const starting = svc.start(port);
  const stopped = await svc.stop();
  await assert.rejects(starting, /stopped while it was starting/);
  assert.equal(stopped, null);
  assert.equal(svc.current, undefined);
  // Nothing listens on that port any more.
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
  assert.equal(refused, true);
  // And a later start works.
  const info = await svc.start(port);
  assert.equal(info.port, port);
  assert.notEqual(await svc.stop(), null);
});

test("the attack's span must carry the attack's user agent (a span without one does not count)", () => {
  assert.equal(isAttackEvent({ receivedAt: 10, userAgent: 'Arachni/v' }, 5, 'Arachni/v'), true);
  assert.equal(isAttackEvent({ receivedAt: 10, userAgent: null }, 5, 'Arachni/v'), false);
  assert.equal(isAttackEvent({ receivedAt: 10, userAgent: 'curl/8' }, 5, 'Arachni/v'), false);
  assert.equal(isAttackEvent({ receivedAt: 4, userAgent: 'Arachni/v' }, 5, 'Arachni/v'), false);
});
