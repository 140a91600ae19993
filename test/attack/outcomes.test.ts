// Outcomes of the test attack against loopback servers that misbehave on purpose (bounded): refused, timeout,
// TLS on a plain port, redirects to other hosts, proxies known to block the Arachni test, other status codes.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sendTestAttack, classifyError, redirectConfirmation, type FetchImpl } from '../../src/core/attack';

const servers: Array<http.Server | net.Server> = [];
after(async () => {
  for (const s of servers) {
    (s as http.Server).closeAllConnections?.();
    await new Promise((r) => s.close(() => r(null)));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A port that was free a moment ago (nothing listens). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** fetch that records every URL it is asked for. */
function recordingFetch(seen: string[]): FetchImpl {
  return (u, i) => {
    seen.push(u);
    return fetch(u, i);
  };
}

test('connection refused is explained', async () => {
  const port = await closedPort();
  const r = await sendTestAttack({ url: `http://127.0.0.1:${port}/`, timeoutMs: 3000 });
  assert.equal(r.status, null);
  assert.equal(r.error?.kind, 'refused');
  assert.equal(r.outcome.code, 'attack-connection-refused');
  assert.match(r.outcome.explanation, /ECONNREFUSED/);
});

test('a server that never answers: bounded by the timeout, explained', async () => {
  const url = await serve(() => {
    /* never answers */
  });
  const r = await sendTestAttack({ url, timeoutMs: 300 });
  assert.equal(r.error?.kind, 'timeout');
  assert.equal(r.outcome.code, 'attack-timeout');
});

test('a huge timeout is clamped (setTimeout would overflow and fire at once): a 50 ms answer is reached', async () => {
  const url = await serve((_req, res) => {
    setTimeout(() => res.end('ok'), 50);
  });
  for (const timeoutMs of [1e10, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
    const r = await sendTestAttack({ url, timeoutMs });
    assert.equal(r.error, undefined, String(timeoutMs));
    assert.equal(r.outcome.kind, 'reached', String(timeoutMs));
  }
});

test('https:// to a plain HTTP port is a TLS error', async () => {
  const url = await serve((_q, s) => s.end('plain'));
  const r = await sendTestAttack({ url: url.replace('http:', 'https:'), timeoutMs: 3000 });
  assert.equal(r.error?.kind, 'tls', JSON.stringify(r.error));
  assert.equal(r.outcome.code, 'attack-tls-error');
});

test('DNS failures and TLS certificate errors are classified from the cause code', () => {
  const wrap = (code: string) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`getaddrinfo ${code} nowhere.invalid`), { code }) });
  assert.equal(classifyError(wrap('ENOTFOUND'), { timedOut: false, cancelled: false }).kind, 'dns');
  assert.equal(classifyError(wrap('EAI_AGAIN'), { timedOut: false, cancelled: false }).kind, 'dns');
  assert.equal(classifyError(wrap('CERT_HAS_EXPIRED'), { timedOut: false, cancelled: false }).kind, 'tls');
  assert.equal(classifyError(wrap('DEPTH_ZERO_SELF_SIGNED_CERT'), { timedOut: false, cancelled: false }).kind, 'tls');
  assert.equal(classifyError(wrap('ERR_TLS_CERT_ALTNAME_INVALID'), { timedOut: false, cancelled: false }).kind, 'tls');
  const agg = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}),
  });
  assert.equal(classifyError(agg, { timedOut: false, cancelled: false }).kind, 'refused');
  assert.equal(classifyError(wrap('ECONNREFUSED'), { timedOut: false, cancelled: true }).kind, 'cancelled');
});

test('DNS failure outcome (injected fetch: tests stay on loopback)', async () => {
  const fetchImpl: FetchImpl = async () => {
    throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND my-service.internal'), { code: 'ENOTFOUND' }) });
  };
  const r = await sendTestAttack({ url: 'http://my-service.internal/', timeoutMs: 1000, fetchImpl });
  assert.equal(r.outcome.code, 'attack-dns-failure');
  assert.match(r.outcome.explanation, /my-service\.internal/);
});

test('a redirect to another host is not followed', async () => {
  const url = await serve((_q, s) => {
    s.writeHead(302, { location: 'http://attacker.example/steal' });
    s.end();
  });
  const seen: string[] = [];
  const r = await sendTestAttack({ url: `${url}/`, timeoutMs: 3000, fetchImpl: recordingFetch(seen) });
  assert.deepEqual(seen, [`${url}/`]);
  assert.equal(r.status, 302);
  assert.equal(r.redirectTo, 'http://attacker.example/steal');
  assert.equal(r.outcome.code, 'attack-redirect-other-host');
  assert.deepEqual(redirectConfirmation(r), { url: new URL('http://attacker.example/steal'), host: 'attacker.example' });
});

test('a redirect that is never followed (invalid, non-HTTP, credentials) has its own outcome and nothing to confirm', async () => {
  const locations: Record<string, RegExp> = {
    'ftp://internal-db/': /non-HTTP/,
    'http://a b/': /invalid redirect location/,
    'http://u:p@other.example/': /credentials/,
  };
  const url = await serve((q, s) => {
    s.writeHead(302, { location: decodeURIComponent(q.url!.slice(2)) });
    s.end();
  });
  for (const [location, why] of Object.entries(locations)) {
    const seen: string[] = [];
    const r = await sendTestAttack({ url: `${url}/?${encodeURIComponent(location)}`, timeoutMs: 3000, fetchImpl: recordingFetch(seen) });
    assert.equal(seen.length, 1, location);
    assert.equal(r.status, 302, location);
    assert.equal(r.outcome.kind, 'redirect-stopped', location);
    assert.equal(r.redirectTo, undefined, location);
    assert.match(r.redirectStopped ?? '', why, location);
    assert.match(r.outcome.explanation, why, location);
    // The client offers a confirmation only for this: none here (no host `internal-db` to remember).
    assert.equal(redirectConfirmation(r), null, location);
  }
});

test('same-host redirects are followed, a bounded number of times', async () => {
  const url = await serve((q, s) => {
    if (q.url === '/') {
      s.writeHead(301, { location: '/hello' });
      return s.end();
    }
    if (q.url === '/loop') {
      s.writeHead(302, { location: '/loop' });
      return s.end();
    }
    s.end(`hello ${q.headers['user-agent']}`);
  });
  const r = await sendTestAttack({ url: `${url}/`, timeoutMs: 3000 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.redirects, [`${url}/hello`]);
  assert.equal(r.finalUrl, `${url}/hello`);
  assert.equal(r.bytes, 'hello Arachni/v'.length);
  const seen: string[] = [];
  const loop = await sendTestAttack({ url: `${url}/loop`, timeoutMs: 3000, maxRedirects: 3, fetchImpl: recordingFetch(seen) });
  assert.equal(seen.length, 4);
  assert.equal(loop.status, 302);
  assert.equal(loop.outcome.code, 'attack-http-status');
});

test('known blockers are recognised from response headers', async () => {
  const url = await serve((q, s) => {
    if (q.url === '/apigw') {
      s.writeHead(403, { 'x-amzn-requestid': 'abc', 'x-amzn-errortype': 'ForbiddenException', 'content-type': 'application/json' });
      return s.end('{"message":"Forbidden"}');
    }
    s.writeHead(200, { via: '1.1 google', 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' });
    s.end('ok');
  });
  const gw = await sendTestAttack({ url: `${url}/apigw`, timeoutMs: 3000 });
  assert.equal(gw.blocked, false);
  assert.equal(gw.outcome.code, 'attack-proxy-blocker');
  assert.equal(gw.proxies[0]?.proxy, 'AWS API Gateway');
  assert.ok(gw.proxies[0]!.evidence.includes('x-amzn-errortype: ForbiddenException'));
  const g = await sendTestAttack({ url: `${url}/g`, timeoutMs: 3000 });
  assert.equal(g.status, 200);
  assert.equal(g.outcome.code, 'attack-proxy-blocker');
  assert.match(g.outcome.explanation, /Extensible Service Proxy/);
});

test('a 403 that is not Datadog\'s block page is not "blocked"; 404 and 500 are explained', async () => {
  const url = await serve((q, s) => {
    const code = Number(q.url!.slice(1));
    s.writeHead(code);
    s.end(code === 403 ? "<h1>You've been blocked</h1> by our firewall" : 'x');
  });
  const r403 = await sendTestAttack({ url: `${url}/403`, timeoutMs: 3000 });
  assert.equal(r403.blocked, false);
  assert.equal(r403.outcome.code, 'attack-http-status');
  assert.match(r403.outcome.explanation, /Not Datadog's block page/);
  const r404 = await sendTestAttack({ url: `${url}/404`, timeoutMs: 3000 });
  assert.match(r404.outcome.explanation, /route does not exist/);
  const r500 = await sendTestAttack({ url: `${url}/500`, timeoutMs: 3000 });
  assert.match(r500.outcome.explanation, /failed/);
});

test('a cancelled attack says so', async () => {
  const url = await serve(() => {});
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const r = await sendTestAttack({ url, timeoutMs: 5000, signal: ac.signal });
  assert.equal(r.outcome.kind, 'cancelled');
});
