// The agent /info check against real loopback servers: refused, timeout, non-JSON, HTTP errors, a real /info.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { checkAgent, agentTarget } from '../../src/core/agent/check';
import { agentChecks } from '../../src/core/agent/report';
import { resolveAgentAddress } from '../../src/core/agent/address';
import { agentCheckScope, urlToCheck } from '../../src/core/agent/trust';
import { runAgentCheck as runServerAgentCheck } from '../../src/server/agent';
import { serveLoopback } from '../support/loopback';

/** The older exact /info shape of datadog-agent pkg/trace/api/info_test.go (asm-formats.md §4.1), tab-indented. */
const REAL_INFO = JSON.stringify(
  {
    version: '0.99.0',
    git_commit: 'fab047e10',
    build_date: '2020-12-04 15:57:06.74187 +0200 EET m=+0.029001792',
    endpoints: [
      '/v0.3/traces',
      '/v0.3/services',
      '/v0.4/traces',
      '/v0.4/services',
      '/v0.5/traces',
      '/v0.7/traces',
      '/profiling/v1/input',
      '/telemetry/proxy/',
      '/v0.6/stats',
      '/v0.1/pipeline_stats',
      '/appsec/proxy/',
      '/debugger/v1/input',
    ],
    feature_flags: ['feature_flag'],
    client_drop_p0s: true,
    config: {
      default_env: 'prod',
      target_tps: 11,
      max_eps: 12,
      receiver_port: 8111,
      receiver_socket: '/sock/path',
      connection_limit: 12,
      receiver_timeout: 100,
      max_request_bytes: 123,
      statsd_port: 123,
      max_memory: 1000000,
      max_cpu: 12345,
    },
  },
  null,
  '\t',
);

function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void>; requests: string[] }> {
  return serveLoopback(handler);
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('a real /info payload: reachable, version, endpoints, trace intake', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(REAL_INFO);
  });
  try {
    const r = await checkAgent({ url: s.url, timeoutMs: 2000 });
    assert.equal(r.outcome, 'ok');
    assert.equal(r.reachable, true);
    assert.equal(r.traceIntake, true);
    assert.equal(r.info?.version, '0.99.0');
    assert.equal(r.info?.receiverPort, 8111);
    assert.ok(r.info?.endpoints.includes('/v0.4/traces'));
    assert.deepEqual(s.requests, ['GET /info']);
    const [info] = agentChecks(undefined, r);
    assert.equal(info.id, 'agent-info');
    assert.equal(info.title, 'Agent /info');
    assert.equal(info.status, 'pass');
    assert.ok(info.evidence.some((e) => e.text.includes('0.99.0')));
  } finally {
    await s.close();
  }
});

test('a base URL with a trailing slash or a path still asks <base>/info', async () => {
  const s = await serve((_req, res) => res.end(REAL_INFO));
  try {
    assert.equal((await checkAgent({ url: `${s.url}/`, timeoutMs: 2000 })).outcome, 'ok');
    assert.deepEqual(s.requests, ['GET /info']);
    assert.equal(agentTarget('localhost:8126')?.infoUrl, 'http://localhost:8126/info');
  } finally {
    await s.close();
  }
});

test('connection refused on a closed port', async () => {
  const port = await closedPort();
  const r = await checkAgent({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
  assert.equal(r.outcome, 'refused');
  assert.equal(r.reachable, false);
  assert.equal(r.errorCode, 'ECONNREFUSED');
  assert.match(r.message, /connection refused/);
  assert.equal(agentChecks(undefined, r)[0].status, 'fail');
});

test('a server that accepts but never answers: timeout, bounded', async () => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((sock) => sockets.push(sock)); // reads nothing, answers nothing
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  try {
    const r = await checkAgent({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 });
    assert.equal(r.outcome, 'timeout');
    assert.equal(r.reachable, false);
    assert.match(r.message, /within 300 ms/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a huge timeout is clamped (setTimeout would overflow and fire at once): a 50 ms answer is checked', async () => {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end(JSON.stringify({ version: '7.60.0', endpoints: ['/v0.4/traces'] })), 50);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  try {
    for (const timeoutMs of [1e10, 2 ** 31]) {
      const r = await checkAgent({ url: `http://127.0.0.1:${port}`, timeoutMs });
      assert.equal(r.outcome, 'ok', `${timeoutMs}: ${r.message}`);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('non-JSON answer (a web server on the agent port)', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html><body>It works!</body></html>');
  });
  try {
    const r = await checkAgent({ url: s.url, timeoutMs: 2000 });
    assert.equal(r.outcome, 'not-json');
    assert.equal(r.reachable, true);
    assert.equal(r.traceIntake, false);
    assert.match(r.message, /not JSON.*It works/);
  } finally {
    await s.close();
  }
});

test('HTTP 500 and 404', async () => {
  let status = 500;
  const s = await serve((_req, res) => {
    res.writeHead(status);
    res.end('{"error":"boom"}');
  });
  try {
    const r = await checkAgent({ url: s.url, timeoutMs: 2000 });
    assert.equal(r.outcome, 'http-error');
    assert.equal(r.httpStatus, 500);
    assert.equal(r.reachable, true);
    status = 404;
    const r2 = await checkAgent({ url: s.url, timeoutMs: 2000 });
    assert.equal(r2.httpStatus, 404);
    assert.match(r2.message, /not a Datadog Agent/);
  } finally {
    await s.close();
  }
});

test('JSON that is not an /info payload, and an /info without trace endpoints', async () => {
  let body = '{"status":"ok"}';
  const s = await serve((_req, res) => res.end(body));
  try {
    assert.equal((await checkAgent({ url: s.url, timeoutMs: 2000 })).outcome, 'not-agent');
    body = JSON.stringify({ version: '7.50.0', endpoints: ['/profiling/v1/input'] });
    const r = await checkAgent({ url: s.url, timeoutMs: 2000 });
    assert.equal(r.outcome, 'no-trace-intake');
    assert.equal(r.traceIntake, false);
    assert.equal(agentChecks(undefined, r)[0].status, 'fail');
  } finally {
    await s.close();
  }
});

test('an oversized body is cut off, not buffered', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200);
    res.end('x'.repeat(64 * 1024));
  });
  try {
    const r = await checkAgent({ url: s.url, timeoutMs: 2000, maxBytes: 1024 });
    assert.equal(r.outcome, 'too-large');
  } finally {
    await s.close();
  }
});

test('bad URLs are explained without a request', async () => {
  // Malformed percent-escapes in the credentials made decodeURIComponent throw "URI malformed".
  for (const u of ['ftp://agent:21', 'http://', 'unix://relative.sock', 'http://%E0%A4:x@127.0.0.1/', 'http://u:%ZZ%E0@127.0.0.1:1/']) {
    const r = await checkAgent({ url: u, timeoutMs: 100 });
    assert.equal(r.outcome, 'bad-url', u);
  }
});

test('a unix socket agent (DD_TRACE_AGENT_URL=unix:///…/apm.socket)', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-agent-'));
  const sock = path.join(dir, 'apm.socket');
  const server = http.createServer((req, res) => res.end(req.url === '/info' ? REAL_INFO : '{}'));
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const r = await checkAgent({ url: `unix://${sock}`, timeoutMs: 2000 });
    assert.equal(r.outcome, 'ok');
    assert.equal(r.info?.version, '0.99.0');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('the resolved address is the one checked and shows where it came from', async () => {
  const s = await serve((_req, res) => res.end(REAL_INFO));
  try {
    const port = new URL(s.url).port;
    const address = await resolveAgentAddress({ env: { DD_AGENT_HOST: '127.0.0.1', DD_TRACE_AGENT_PORT: port } });
    assert.equal(address.source.kind, 'environment');
    assert.equal(address.url, `http://127.0.0.1:${port}`);
    const r = await checkAgent({ url: address.url, timeoutMs: 2000 });
    const [info, addr] = agentChecks(address, r);
    assert.equal(info.status, 'pass');
    assert.equal(addr.id, 'agent-address');
    assert.equal(addr.title, 'Agent address');
    assert.equal(addr.status, 'pass');
    assert.match(addr.evidence[0].text, /from environment.*DD_AGENT_HOST=127\.0\.0\.1/);
  } finally {
    await s.close();
  }
});

test('the local trace intake (src/core/intake) answers /info: trace intake yes, but not a Datadog Agent', async () => {
  const { startIntake } = await import('../../src/core/intake/server');
  const intake = await startIntake({ port: 0 });
  try {
    const r = await checkAgent({ url: intake.url, timeoutMs: 2000 });
    assert.equal(r.outcome, 'ok');
    assert.equal(r.traceIntake, true);
    assert.equal(r.info?.localIntake, true);
    assert.match(r.message, /not a Datadog Agent/);
    assert.equal(agentChecks(undefined, r)[0].status, 'warning');
  } finally {
    await intake.close();
  }
});

test('Workspace Trust: untrusted, the address never comes from workspace files; credentials only from the user', () => {
  const ws = '/repo';
  assert.deepEqual(agentCheckScope({ trusted: true, workspaceFolder: ws, agentUrl: '' }), { options: { workspaceDir: ws } });
  assert.deepEqual(agentCheckScope({ trusted: true, workspaceFolder: ws, agentUrl: ' http://a:1 ' }), {
    options: { workspaceDir: ws, explicitUrl: 'http://a:1' },
  });
  const u = agentCheckScope({ trusted: false, workspaceFolder: ws, agentUrl: '' });
  assert.deepEqual(u.options, {});
  assert.match(u.note ?? '', /not trusted/);
  assert.deepEqual(agentCheckScope({ trusted: false, workspaceFolder: ws, agentUrl: 'http://mine:8126' }).options, { explicitUrl: 'http://mine:8126' });
  assert.deepEqual(agentCheckScope({ trusted: false, workspaceFolder: null }), { options: {} });
  // Credentials from a workspace file are stripped; the user's own setting/environment keeps them (as the tracers send them).
  assert.deepEqual(urlToCheck('http://u:p@agent:8126', '.env'), { url: 'http://agent:8126/', strippedCredentials: true });
  assert.deepEqual(urlToCheck('u:p@agent:8126', 'launch.json'), { url: 'http://agent:8126/', strippedCredentials: true });
  assert.deepEqual(urlToCheck('http://u:p@agent:8126', 'environment'), { url: 'http://u:p@agent:8126', strippedCredentials: false });
  assert.deepEqual(urlToCheck('http://u:p@agent:8126', 'setting'), { url: 'http://u:p@agent:8126', strippedCredentials: false });
  assert.deepEqual(urlToCheck('http://agent:8126', 'dockerfile'), { url: 'http://agent:8126', strippedCredentials: false });
  assert.deepEqual(urlToCheck('unix:///var/run/datadog/apm.socket', 'docker-compose'), {
    url: 'unix:///var/run/datadog/apm.socket',
    strippedCredentials: false,
  });
});

test("asm/checkAgent (server): an untrusted workspace's .env is not requested; a trusted one is, without its credentials", async () => {
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.end(JSON.stringify({ version: '7.60.0', endpoints: ['/v0.4/traces'] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-agent-trust-'));
  await fsp.writeFile(path.join(dir, '.env'), `DD_TRACE_AGENT_URL=http://repo:secret@127.0.0.1:${port}\n`);
  const steps = { setAgentResult: () => undefined };
  try {
    // Nothing of the user's sets an address: untrusted, the default (localhost:8126) is checked, not the .env's.
    const untrusted = await runServerAgentCheck({ workspaceFolder: dir, timeoutMs: 2000, trusted: false }, steps, {});
    assert.equal(untrusted.address.source.kind, 'default');
    assert.equal(untrusted.result.url, 'http://localhost:8126');
    assert.equal(auth.length, 0, "the repository's address was not requested");
    assert.ok(untrusted.address.notes.some((n) => /not trusted/.test(n)));
    const trusted = await runServerAgentCheck({ workspaceFolder: dir, timeoutMs: 2000, trusted: true }, steps, {});
    assert.equal(trusted.address.source.kind, '.env');
    assert.equal(trusted.result.outcome, 'ok');
    assert.deepEqual(auth, [undefined], "no Authorization header from the repository's credentials");
    assert.ok(trusted.address.notes.some((n) => /credentials/.test(n)));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

// Issue 18.5 / 18.7: `/\/+$/` on a long run of slashes not at the end is quadratic (56 s for a 400 KB endpoint).
// The timeouts only catch that case (minutes at these sizes); they measure nothing.
test('18.5: an /info answer with a 900 KB endpoint of slashes is read linearly', { timeout: 20_000 }, async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ version: '7.50.0', endpoints: ['/v0.4/traces//', `/${'/'.repeat(900_000)}x`] }));
  });
  try {
    const r = await checkAgent({ url: s.url, timeoutMs: 10_000 });
    assert.equal(r.outcome, 'ok');
    assert.match(r.message, /trace intake \(\/v0\.4\/traces\/\/\)/);
  } finally {
    await s.close();
  }
});

test('18.7: an agent URL with 300,000 slashes in its path is parsed linearly, trailing slashes dropped', { timeout: 20_000 }, () => {
  const many = '/'.repeat(300_000);
  assert.equal(agentTarget(`http://127.0.0.1:8126${many}x`)?.base, `http://127.0.0.1:8126${many}x`);
  assert.equal(agentTarget(`http://127.0.0.1:8126/p${many}`)?.options.path, '/p/info');
});
