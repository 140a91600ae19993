// The signal simulation stays within its bounds: exact request counts, in-flight requests never above the
// concurrency (measured by the loopback server), a rate cap, cancel, and no redirect followed.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulateSignal, joinPath, SIMULATE_LIMITS } from '../../src/core/attack';

interface Probe {
  url: string;
  inFlight: number;
  maxInFlight: number;
  hits: Map<string, number>;
  arrivals: number[];
  userAgents: Set<string>;
  server: http.Server;
}
const probes: Probe[] = [];
after(async () => {
  for (const p of probes) {
    p.server.closeAllConnections();
    await new Promise((r) => p.server.close(r));
  }
});

/** A loopback service that counts requests per path and the most requests it had in flight at once. */
async function probe(delayMs: number): Promise<Probe> {
  const p = { inFlight: 0, maxInFlight: 0, hits: new Map<string, number>(), arrivals: [] as number[], userAgents: new Set<string>() } as Probe;
  p.server = http.createServer((q, s) => {
    p.inFlight++;
    p.maxInFlight = Math.max(p.maxInFlight, p.inFlight);
    p.arrivals.push(performance.now());
    p.userAgents.add(String(q.headers['user-agent']));
    const path = q.url!;
    p.hits.set(path, (p.hits.get(path) ?? 0) + 1);
    setTimeout(() => {
      p.inFlight--;
      if (path === '/redirect') {
        s.writeHead(302, { location: 'http://elsewhere.example/' });
        return s.end();
      }
      s.writeHead(path === '/exists' ? 200 : 404);
      s.end('x');
    }, delayMs);
  });
  await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
  p.url = `http://127.0.0.1:${(p.server.address() as AddressInfo).port}`;
  probes.push(p);
  return p;
}

test('simulate: exact counts per route, user agent from the KB, in-flight never above the concurrency', async () => {
  const p = await probe(20);
  const progress: number[] = [];
  const s = await simulateSignal({
    url: p.url,
    existingPath: '/exists',
    missingPath: '/missing',
    rounds: 15,
    concurrency: 3,
    maxRequestsPerSecond: 100,
    onProgress: (x) => progress.push(x.done),
  });
  assert.equal(p.hits.get('/exists'), 15);
  assert.equal(p.hits.get('/missing'), 15);
  assert.deepEqual([...p.userAgents], ['dd-test-scanner-log']);
  assert.ok(p.maxInFlight <= 3, `max in flight ${p.maxInFlight}`);
  assert.ok(p.maxInFlight >= 1);
  assert.deepEqual(s.existing.statuses, { '200': 15 });
  assert.deepEqual(s.missing.statuses, { '404': 15 });
  assert.equal(s.requested, 30);
  assert.equal(s.completed, 30);
  assert.equal(progress.length, 30);
  assert.equal(progress.at(-1), 30);
  assert.deepEqual(s.notes, []);
  assert.match(s.next, /Signals/);
});

test('simulate: concurrency 1 means strictly one request at a time', async () => {
  const p = await probe(5);
  await simulateSignal({ url: p.url, existingPath: '/exists', missingPath: '/missing', rounds: 5, concurrency: 1, maxRequestsPerSecond: 100 });
  assert.equal(p.maxInFlight, 1);
  assert.equal(p.hits.get('/exists'), 5);
});

test('simulate: the rate cap spaces request starts (no 1 s window holds more than rate + concurrency)', async () => {
  const p = await probe(0);
  const rate = 10;
  await simulateSignal({ url: p.url, existingPath: '/exists', missingPath: '/missing', rounds: 8, concurrency: 4, maxRequestsPerSecond: rate });
  assert.equal(p.arrivals.length, 16);
  const a = p.arrivals;
  // Slots are 100 ms apart, so 16 requests span at least 1.5 s; any window of 1 s sees at most ~rate.
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, a.filter((t) => t >= a[i]! && t < a[i]! + 1000).length);
  assert.ok(worst <= rate + 4, `${worst} requests in one second`);
  assert.ok(a.at(-1)! - a[0]! >= 1000, 'the cap must have spread 16 requests over more than a second');
});

test('simulate: cancel stops early and says so; inputs are clamped to the limits', async () => {
  const p = await probe(5);
  const ac = new AbortController();
  const s = await simulateSignal({
    url: p.url,
    existingPath: '/exists',
    missingPath: '/missing',
    rounds: 1_000_000,
    concurrency: 1000,
    maxRequestsPerSecond: 100,
    signal: ac.signal,
    onProgress: (x) => {
      if (x.done >= 6) ac.abort();
    },
  });
  assert.equal(s.rounds, SIMULATE_LIMITS.maxRounds);
  assert.equal(s.cancelled, true);
  assert.ok(s.requested < 30, `requested ${s.requested}`);
  assert.ok(p.maxInFlight <= SIMULATE_LIMITS.maxConcurrency);
  assert.match(s.notes.join(' '), /Cancelled/);
});

test('simulate: redirects are counted, never followed; wrong routes are pointed out', async () => {
  const p = await probe(0);
  const s = await simulateSignal({ url: p.url, existingPath: '/redirect', missingPath: '/exists', rounds: 2 });
  assert.deepEqual(s.existing.statuses, { '302': 2 });
  assert.equal(p.hits.size, 2);
  assert.match(s.notes.join('\n'), /never answered 2xx/);
  assert.match(s.notes.join('\n'), /never answered 404/);
});

test('joinPath keeps the origin and base path', () => {
  assert.equal(joinPath(new URL('http://127.0.0.1:3000/app/'), '/x?y=1'), 'http://127.0.0.1:3000/app/x?y=1');
  assert.equal(joinPath(new URL('http://127.0.0.1:3000'), 'x'), 'http://127.0.0.1:3000/x');
  assert.equal(joinPath(new URL('http://127.0.0.1:3000/'), '//evil.example/x'), 'http://127.0.0.1:3000//evil.example/x');
});

// Issue 18.7: `/\/+$/` on a path of many slashes not at the end backtracks from every slash (1–2 s at 50 KB).
// The timeout only catches the quadratic case (minutes at this size), it measures nothing.
test('18.7: joinPath on a target of 300,000 slashes is linear and keeps the same result', { timeout: 20_000 }, () => {
  const many = '/'.repeat(300_000);
  const u = joinPath(new URL(`http://127.0.0.1:3000${many}x`), '/y');
  assert.equal(u, `http://127.0.0.1:3000${many}x/y`);
  assert.equal(joinPath(new URL(`http://127.0.0.1:3000/app${many}`), '/y'), 'http://127.0.0.1:3000/app/y');
});
