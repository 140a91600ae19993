// Deterministic generator of a mixed tracer/agent/helper log for `npm run bench` (seeded PRNG, no Math.random):
// every tracer's real line formats (see /work/shared/facts/asm-formats.md), the lines the rules look for at a realistic
// low rate, and plenty of noise (debug spans, HTTP access lines, stack traces, JSON, non-ASCII text).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** mulberry32: tiny, fast, good enough for test data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Line templates by tracer. `noise` lines are what a debug log is mostly made of; `signal` lines are what rules look for. */
function templates(r) {
  const pick = (a) => a[Math.floor(r() * a.length)];
  const int = (n) => Math.floor(r() * n);
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  let t = Date.UTC(2024, 0, 15, 8, 0, 0);
  const tick = () => (t += int(40));
  const d = () => new Date(tick());
  const ymd = (x) => `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
  const hms = (x) => `${pad(x.getUTCHours())}:${pad(x.getUTCMinutes())}:${pad(x.getUTCSeconds())}`;
  const ms = (x) => pad(x.getUTCMilliseconds(), 3);
  const java = (lvl, logger, msg) => {
    const x = d();
    return `[dd.trace ${ymd(x)} ${hms(x)}:${ms(x)} +0000] [${pick(['main', 'dd-trace-processor', 'http-nio-8080-exec-3', 'dd-task-scheduler'])}] ${lvl} ${logger} - ${msg}`;
  };
  const dotnet = (lvl, msg) => {
    const x = d();
    return `${ymd(x)} ${hms(x)}.${ms(x)} +00:00 [${lvl}] ${msg}`;
  };
  const go = (lvl, msg) => {
    const x = d();
    return `${ymd(x).replace(/-/g, '/')} ${hms(x)} Datadog Tracer v1.36.0 ${lvl}: ${msg}`;
  };
  const ruby = (l, lvl, msg) => {
    const x = d();
    return `${l}, [${ymd(x)}T${hms(x)}.${ms(x)}${pad(int(1000), 3)} #${35 + int(4)}] ${lvl.padStart(5)} -- ddtrace: [ddtrace] ${msg}`;
  };
  const helper = (lvl, msg) => {
    const x = d();
    return `[${ymd(x)} ${hms(x)}.${ms(x)}][${lvl}][${1200 + int(8)}] ${msg}`;
  };
  const agent = (lvl, where, msg) => {
    const x = d();
    return `${ymd(x)} ${hms(x)} UTC | TRACE | ${lvl} | (${where}) | ${msg}`;
  };
  const path = () => pick(['/', '/api/users', '/api/orders/' + int(99999), '/health', '/static/app.js', '/login', '/search?q=caf%C3%A9']);
  const span = () =>
    `Finished span (WRITTEN): DDSpan [ t_id=${int(1e9)}${int(1e9)}, s_id=${int(1e9)}, p_id=0 ] trace=${pick(['servlet.request', 'spring.handler', 'http.request', 'jdbc.query'])}/${path()}/GET metrics={_dd.agent_psr=1.0, _sampling_priority_v1=1} tags={component=tomcat-server, http.method=GET, http.status_code=200, http.url=http://localhost:8080${path()}, span.kind=server, thread.name=http-nio-8080-exec-${int(10)}}, duration_ns=${int(1e8)}`;
  const cfg = (extra) =>
    JSON.stringify({
      date: '2024-01-15T08:00:00Z',
      os_name: 'Linux',
      os_version: '6.1.0',
      ...extra,
      service: 'shop',
      agent_url: 'http://localhost:8126',
      debug: true,
    });
  const noise = [
    () => java('DEBUG', 'datadog.trace.agent.core.DDSpan', span()),
    () => java('DEBUG', 'datadog.trace.agent.common.writer.RemoteWriter', `Enqueued trace for serialization: ${int(12)} spans, queue size ${int(300)}`),
    () => java('INFO', 'com.example.shop.OrderController', `Order ${hex(12)} created for customer ${int(1e6)} — total ${int(500)}.${pad(int(100))} €`),
    () =>
      dotnet(
        'DBG',
        `Span started: [s_id: ${int(1e9)}, p_id: ${int(1e9)}, t_id: ${hex(32)}] with Tags: [http.method (tag):GET, http.request.headers.host (tag):localhost:5000, http.url (tag):http://localhost:5000${path()}], Details:TraceId=${int(1e9)}`,
      ),
    () =>
      dotnet(
        'DBG',
        `Span closed: [s_id: ${int(1e9)}, p_id: null, t_id: ${hex(32)}] for (Service: shop-web, Resource: GET ${path()}, Operation: aspnet_core.request, Tags: [span.kind (tag):server, http.status_code (tag):200])`,
      ),
    () => go('DEBUG', `Sending payload: size: ${int(5000)} traces: ${int(20)}.`),
    () => go('DEBUG', `appsec: registered dyngo listener for ${pick(['http.request', 'grpc.server.request.message', 'graphql.resolve'])} operations`),
    () => ruby('D', 'DEBUG', `Flushed ${int(20)} traces to the agent (${int(40000)} bytes) in ${int(40)}ms`),
    () =>
      ruby(
        'D',
        'DEBUG',
        `Name: rack.request\nSpan ID: ${int(1e12)}\nParent ID: 0\nTrace ID: ${int(1e12)}\nType: web\nService: shop-rb\nResource: GET ${path()}\nError: 0`.replace(
          /\n/g,
          ' | ',
        ),
      ),
    () =>
      helper(
        'debug',
        `DDAS-0010-00: Executing AppSec In-App WAF with parameters: {"server.request.uri.raw":"${path()}","server.request.method":"GET","server.request.headers.no_cookies":{"user-agent":"Mozilla/5.0 (X11; Linux x86_64)","accept":"*/*"}}`,
      ),
    () => helper('debug', `DDAS-0011-00: AppSec In-App WAF returned: ok. Took ${int(900)} ms`),
    () => helper('info', `Client ${hex(8)} handshake completed (runtime ${hex(4)}, service "shop-php", env "prod")`),
    () =>
      agent(
        'DEBUG',
        'pkg/trace/api/api.go:490 in handleTraces',
        `Processing payload of ${int(30)} traces from ${pick(['java', '.NET', 'go', 'ruby', 'php', 'nodejs'])} (${int(20000)} bytes)`,
      ),
    () =>
      agent(
        'INFO',
        'pkg/trace/info/stats.go:111 in LogStats',
        `[lang:${pick(['java', '.NET', 'go'])} lang_version:${int(20)}.0.${int(9)} tracer_version:1.${int(40)}.0 endpoint_version:v0.4] -> traces received: ${1 + int(500)}, traces filtered: 0, traces amount: ${int(900000)} bytes, events extracted: 0, events sampled: 0`,
      ),
    () =>
      `    at com.example.shop.${pick(['OrderService', 'CartService', 'PaymentGateway'])}.${pick(['process', 'charge', 'load'])}(${pick(['OrderService', 'CartService'])}.java:${int(400)})`,
    () =>
      `Encoding payload: [{"trace_id":"${hex(16)}","span_id":"${hex(16)}","parent_id":"0000000000000000","name":"express.request","resource":"GET ${path()}","service":"shop-node","type":"web","error":0,"meta":{"http.method":"GET","span.kind":"server"},"metrics":{"_sampling_priority_v1":1},"start":${Date.now()}000000,"duration":${int(9e6)}}]`,
    () =>
      `127.0.0.1 - - [15/Jan/2024:08:${pad(int(60))}:${pad(int(60))} +0000] "GET ${path()} HTTP/1.1" 200 ${int(9000)} "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"`,
    () =>
      `{"level":"info","ts":"2024-01-15T08:00:${pad(int(60))}Z","msg":"request handled","path":"${path()}","status":200,"latency_ms":${int(300)},"user":"josé-ñ-${int(100)}"}`,
  ];
  const signal = [
    () =>
      java(
        'INFO',
        'datadog.trace.core.StatusLogger',
        `DATADOG TRACER CONFIGURATION ${cfg({ version: '1.30.1~3c9ab63', lang: 'jvm', lang_version: '17.0.9', appsec_enabled: pick(['FULLY_ENABLED', 'ENABLED_INACTIVE', 'FULLY_DISABLED']), agent_error: false })}`,
      ),
    () => java('INFO', 'com.datadog.appsec.AppSecSystem', 'AppSec is FULLY_ENABLED with powerwaf(libddwaf: 1.12.0) loaded'),
    () =>
      java(
        'WARN',
        'datadog.trace.agent.common.writer.ddagent.DDAgentApi',
        `Error while sending ${int(20)} (size=5KB) traces to the DD agent. Total: 9, Received: 9, Sent: 0, Failed: 9. java.net.ConnectException: Failed to connect to localhost/127.0.0.1:8126 (Will not log errors for 5 minutes)`,
      ),
    () =>
      dotnet(
        'INF',
        `DATADOG TRACER CONFIGURATION - ${cfg({ version: '2.43.0.0', lang: '.NET', lang_version: '8.0.0', env: 'prod', enabled: true, disabled_integrations: pick([[], ['AspNetCore'], ['OpenTelemetry']]), agent_reachable: true, agent_error: '', appsec_enabled: r() < 0.5 })}  { MachineName: ".", Process: "[35160 dotnet]", AppDomain: "[1 Shop]", TracerVersion: "2.43.0.0" }`,
      ),
    () => dotnet('DBG', 'DDAS-0012-01: Detecting an attack from rule ua0-600-12x'),
    () =>
      dotnet(
        'ERR',
        'DDAS-0003-01: AppSec could not read the rule file "/etc/rules.json". Reason: File not found. AppSec will not run any protections in this application.',
      ),
    () =>
      go(
        'INFO',
        `DATADOG TRACER CONFIGURATION ${cfg({ version: 'v1.36.0', lang: 'Go', lang_version: 'go1.17.1', env: 'prod', appsec: r() < 0.5, agent_features: { DropP0s: false } })}`,
      ),
    () => go('WARN', 'DIAGNOSTICS Unable to reach agent intake: Post http://localhost:8126/v0.4/traces: dial tcp 127.0.0.1:8126: connect: connection refused'),
    () => go('INFO', 'appsec: up and running'),
    () => ruby('I', 'INFO', `DATADOG CONFIGURATION - CORE - ${cfg({ version: '1.13.0', lang: 'ruby', lang_version: '3.2.2', env: null, dd_version: null })}`),
    () =>
      ruby(
        'W',
        'WARN',
        'DATADOG ERROR - TRACER - Agent Error: Datadog::Transport::InternalErrorResponse ok?: false unsupported?: false, not_found?: false, client_error?: false, server_error?: false, internal_error?: true, payload:, error_type: Errno::ECONNREFUSED error: Failed to open TCP connection to localhost:8126',
      ),
    () => 'PHP Warning:  Unknown: [ddappsec] Connection to helper failed and we are not going to attempt to launch it: dd_error',
    () => 'PHP Warning:  Unknown: [ddappsec] Could not open lock file /tmp/ddappsec.lock: Permission denied in Unknown on line 0',
    () => helper('info', 'DDAS-0014-00: AppSec has started'),
    () => helper('debug', 'DDAS-0012-01: Detected an attack'),
    () =>
      `DATADOG TRACER CONFIGURATION - ${cfg({ version: '5.132.0', lang: 'nodejs', lang_version: '20.11.0', env: 'prod', enabled: true, appsec_enabled: r() < 0.5 })}`,
    () => 'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:8126',
    () => '[ASM] AppSec could not load native package. In-app WAF features will not be available.',
    () => agent('INFO', 'pkg/trace/info/stats.go:104 in LogStats', 'No data received'),
  ];
  return { noise, signal, pick, r };
}

/**
 * Writes about `bytes` bytes of log to `file`. `signalRate`: fraction of lines the rules act on (default 1 in 2000);
 * `eol`: '\n' or '\r\n'. Resolves to the number of lines written.
 */
export async function generateLog(file, bytes, { seed = 42, signalRate = 1 / 2000, eol = '\n' } = {}) {
  const r = prng(seed);
  const { noise, signal, pick } = templates(r);
  const out = createWriteStream(file);
  let written = 0;
  let lines = 0;
  const BLOCK = 1 << 20;
  while (written < bytes) {
    let block = '';
    while (block.length < BLOCK) {
      block += (r() < signalRate ? pick(signal) : pick(noise))() + eol;
      lines++;
    }
    const buf = Buffer.from(block, 'utf8');
    written += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { lines, bytes: written };
}

/** A few lines of every kind, in memory (for tests of the streaming reader against real formats). */
export function sampleLines(seed, count) {
  const r = prng(seed);
  const { noise, signal, pick } = templates(r);
  return Array.from({ length: count }, () => (r() < 0.3 ? pick(signal) : pick(noise))());
}
