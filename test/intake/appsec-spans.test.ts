// Issue 15 §2 on built payloads: meta_struct decoded (a v0.4 payload built as dd-trace-py ≥ 2.8 builds it: the
// triggers msgpack-packed into meta_struct["appsec"], a RASP stack into meta_struct["_dd.stack"]), rules errors and
// WAF timeouts with the tracer's unit, the client-IP reading (header priority, Forwarded, brackets and ports).
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import { startIntake, decodeTraces, type Intake } from '../../src/core/intake';
import { AppsecTracker, appsecFindings, cleanIp, clientIpOf, headerIps, isPrivateIp } from '../../src/core/intake/appsec';

let intake: Intake;
before(async () => {
  intake = await startIntake({ port: 0 });
});
after(async () => {
  await intake?.close();
});

const TRIGGERS = {
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
};

function pySpan(extra: Record<string, unknown> = {}) {
  return {
    trace_id: 11n,
    span_id: 12n,
    parent_id: 0n,
    name: 'flask.request',
    resource: 'GET /',
    service: 'py-svc',
    type: 'web',
    start: 1700000000000000000n,
    duration: 1000n,
    error: 0,
    meta: { 'appsec.event': 'true', language: 'python', 'http.useragent': 'Arachni/v', 'http.client_ip': '127.0.0.1', 'http.status_code': '200' },
    metrics: { '_dd.appsec.enabled': 1, _sampling_priority_v1: 2 },
    // ddtrace/internal/_encoding.pyx packs each meta_struct value with msgpack into a bin.
    meta_struct: {
      appsec: encode(TRIGGERS),
      '_dd.stack': encode({ exploit: [{ language: 'python', id: 'abc', frames: [{ id: 0, file: 'app.py', line: 12, function: 'view' }] }] }),
    },
    ...extra,
  };
}

test('meta_struct: Python\'s triggers in meta_struct["appsec"] give the ASM event; _dd.stack is decoded too', async () => {
  const body = encode([[pySpan()]], { useBigInt64: true });
  const spans = decodeTraces(body, 'v0.4')[0]!;
  assert.deepEqual((spans[0]!.metaStruct!['_dd.stack'] as { exploit: { frames: { file: string }[] }[] }).exploit[0]!.frames[0]!.file, 'app.py');
  const res = await fetch(`${intake.url}/v0.4/traces`, { method: 'PUT', body, headers: { 'content-type': 'application/msgpack' } });
  assert.equal(res.status, 200);
  const ev = intake.events().at(-1)!;
  assert.equal(ev.ruleId, 'ua0-600-12x');
  assert.equal(ev.value, 'Arachni/v');
  assert.equal(ev.parseError, undefined);
  // A meta_struct value that is not msgpack is named, not fatal.
  const bad = decodeTraces(encode([[pySpan({ meta_struct: { appsec: new Uint8Array([0xc1]) } })]], { useBigInt64: true }), 'v0.4')[0]![0]!;
  assert.equal(bad.metaStruct, undefined);
  assert.match(bad.metaStructErrors![0]!, /^appsec: /);
  // A meta_struct bomb (nested arrays in a bin) is refused within its own limits.
  const bomb = new Uint8Array(10_000).fill(0x91);
  bomb[bomb.length - 1] = 0x90;
  assert.match(decodeTraces(encode([[pySpan({ meta_struct: { appsec: bomb } })]], { useBigInt64: true }), 'v0.4')[0]![0]!.metaStructErrors![0]!, /levels/);
});

test("rules errors and WAF timeouts from span tags, with DD_APPSEC_WAF_TIMEOUT in the tracer's unit", () => {
  const t = new AppsecTracker();
  const span = (service: string, language: string, meta: Record<string, string>, metrics: Record<string, number>) => ({
    traceId: '1',
    spanId: '2',
    parentId: '0',
    name: 'web.request',
    resource: 'GET /',
    service,
    type: 'web',
    start: 0,
    durationNs: 0,
    error: 0,
    meta: { language, ...meta },
    metrics: { '_dd.appsec.enabled': 1, ...metrics },
  });
  t.observe([
    span(
      'py',
      'python',
      {
        '_dd.appsec.event_rules.errors': '{"missing key \'conditions\'":["crs-913-110"]}',
        '_dd.appsec.event_rules.version': '1.10.0',
        '_dd.appsec.waf.version': '1.18.0',
      },
      { '_dd.appsec.event_rules.loaded': 150, '_dd.appsec.event_rules.error_count': 1, '_dd.appsec.waf.timeouts': 3 },
    ),
  ]);
  t.observe([span('js', 'javascript', {}, { '_dd.appsec.event_rules.loaded': 160, '_dd.appsec.event_rules.error_count': 0, '_dd.appsec.waf.timeouts': 2 })]);
  const f = appsecFindings(t.services());
  assert.deepEqual(f.map((x) => `${x.code}:${x.data?.service}`).sort(), ['appsec-rules-errors:py', 'appsec-waf-timeout:js', 'appsec-waf-timeout:py']);
  assert.match(f.find((x) => x.code === 'appsec-rules-errors')!.message, /crs-913-110/);
  assert.match(f.find((x) => x.code === 'appsec-waf-timeout' && x.data?.service === 'py')!.message, /milliseconds \(a float\), default 5\.0 ms/);
  assert.match(f.find((x) => x.code === 'appsec-waf-timeout' && x.data?.service === 'js')!.message, /microseconds, default 5000 µs/);
});

test('client IP reading: private ranges, Forwarded for=, brackets and ports, header priority', () => {
  assert.ok(
    isPrivateIp('10.0.0.1') &&
      isPrivateIp('172.31.255.255') &&
      isPrivateIp('192.168.1.1') &&
      isPrivateIp('127.0.0.1') &&
      isPrivateIp('::1') &&
      isPrivateIp('fd12::1'),
  );
  assert.ok(!isPrivateIp('203.0.113.9') && !isPrivateIp('172.32.0.1') && !isPrivateIp('2001:db8::1'));
  assert.equal(cleanIp('[2001:db8::1]:443'), '2001:db8::1');
  assert.equal(cleanIp('203.0.113.9:8080'), '203.0.113.9');
  assert.equal(cleanIp('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(cleanIp('unknown'), null);
  assert.deepEqual(headerIps('forwarded', 'for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"'), ['192.0.2.60', '2001:db8:cafe::17']);
  const s = {
    traceId: '1',
    spanId: '2',
    parentId: '0',
    name: 'n',
    resource: 'r',
    service: 's',
    type: 'web',
    start: 0,
    durationNs: 0,
    error: 0,
    metrics: { '_dd.appsec.enabled': 1 },
    meta: {
      'http.client_ip': '10.0.0.5',
      'http.request.headers.x-real-ip': '10.0.0.5',
      'http.request.headers.x-forwarded-for': '10.0.0.5',
      'http.request.headers.true-client-ip': '198.51.100.7',
    },
  };
  const ip = clientIpOf(s)!;
  assert.deepEqual(
    ip.headers.map((h) => h.name),
    ['x-forwarded-for', 'x-real-ip', 'true-client-ip'],
  );
  assert.equal(ip.publicHeader, 'true-client-ip');
  const t = new AppsecTracker();
  t.observe([s]);
  const f = appsecFindings(t.services()).find((x) => x.code === 'client-ip-private')!;
  assert.match(f.message, /Set DD_TRACE_CLIENT_IP_HEADER=true-client-ip/);
  // No forwarding header: a loopback or private address is the peer itself, not a finding.
  const direct = new AppsecTracker();
  direct.observe([{ ...s, meta: { 'http.client_ip': '127.0.0.1' } }]);
  assert.deepEqual(
    appsecFindings(direct.services()).map((x) => x.code),
    [],
  );
});

test("the server shows the intake's findings as checks of their steps (client IP under step 1)", async () => {
  const { IntakeService } = await import('../../src/server/intake');
  const body = encode(
    [
      [
        {
          trace_id: 21n,
          span_id: 22n,
          parent_id: 0n,
          name: 'web.request',
          resource: 'GET /',
          service: 'lb-svc',
          type: 'web',
          start: 1n,
          duration: 1n,
          error: 0,
          meta: { 'http.client_ip': '10.0.0.5', 'http.request.headers.x-forwarded-for': '10.0.0.5' },
          metrics: { '_dd.appsec.enabled': 1 },
        },
      ],
    ],
    { useBigInt64: true },
  );
  assert.equal((await fetch(`${intake.url}/v0.4/traces`, { method: 'PUT', body, headers: { 'content-type': 'application/msgpack' } })).status, 200);
  const s = new IntakeService({ sendNotification: async () => undefined, console: { warn: () => undefined } } as never);
  const checks = s.findingChecks(intake).get('test-attack') ?? [];
  const c = checks.find((x) => x.evidence[0]!.code === 'client-ip-private');
  assert.ok(c, JSON.stringify(checks));
  assert.equal(c.title, 'The client IP is a private or proxy address');
  assert.match(c.evidence[0]!.text, /lb-svc.*10\.0\.0\.5/);
});
