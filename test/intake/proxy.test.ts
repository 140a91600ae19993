// Issue 15 §2 proxy mode: the intake forwards every request of the real dd-trace to an Agent (a fake one on
// 127.0.0.1 here), passes its answers back unchanged, still shows the spans and ASM events, and counts forwarded
// and failed requests; a host outside loopback needs the user's confirmation; a forward to itself is refused.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDdApp } from '../support/ddApp';
import { startIntake } from '../../src/core/intake';
import { IntakeService } from '../../src/server/intake';

const AGENT_INFO = JSON.stringify({
  version: '7.52.0',
  endpoints: ['/v0.4/traces', '/v0.5/traces', '/v0.7/config', '/telemetry/proxy/'],
  config: { receiver_port: 8126 },
  marker: 'fake-agent',
});

async function fakeAgent(): Promise<{ url: string; paths: string[]; traceBodies: number; close(): Promise<void> }> {
  const state = { paths: [] as string[], traceBodies: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.paths.push(`${req.method} ${req.url}`);
      if (req.url === '/info') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-fake-agent': 'yes' });
        return res.end(AGENT_INFO);
      }
      if (/^\/v0\.[45]\/traces/.test(req.url ?? '')) {
        if (Buffer.concat(chunks).length > 0) state.traceBodies++;
        res.writeHead(200, { 'content-type': 'application/json', 'x-fake-agent': 'yes' });
        return res.end(JSON.stringify({ rate_by_service: { 'service:,env:': 0.5 } }));
      }
      if (req.url === '/v0.7/config') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{}');
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get paths() {
      return state.paths;
    },
    get traceBodies() {
      return state.traceBodies;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test('proxy mode with the real tracer: the Agent gets every request, its answers come back unchanged, the ASM event is shown', async () => {
  const agent = await fakeAgent();
  const intake = await startIntake({ port: 0, forwardTo: agent.url });
  const app = await startDdApp({ agentUrl: intake.url, env: { DD_REMOTE_CONFIG_ENABLED: 'true', DD_REMOTE_CONFIG_POLL_INTERVAL_SECONDS: '0.2' } });
  try {
    // The Agent's /info through the intake: byte for byte, with its headers.
    const info = await fetch(`${intake.url}/info`);
    assert.equal(info.headers.get('x-fake-agent'), 'yes');
    assert.equal(await info.text(), AGENT_INFO);
    const t0 = Date.now();
    await (await fetch(`${app.url}/hello`, { headers: { 'user-agent': 'Arachni/v' } })).text();
    const ev = await intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'Arachni/v', 15_000);
    assert.ok(ev, 'the ASM event is shown in proxy mode');
    assert.equal(ev.ruleId, 'ua0-600-12x');
    // Every trace payload the intake decoded went on to the Agent, and each request got the Agent's answer (the
    // event is shown before the forward completes: wait, bounded, until both sides agree).
    const settled = () => intake.stats().payloads === agent.traceBodies && intake.stats().forwarded === agent.paths.length;
    for (let i = 0; i < 100 && !settled(); i++) await new Promise((r) => setTimeout(r, 50));
    const s = intake.stats();
    assert.ok(s.payloads >= 1);
    assert.equal(agent.traceBodies, s.payloads, `agent ${agent.traceBodies} trace payloads, intake ${s.payloads}`);
    assert.equal(s.forwarded, agent.paths.length, `${s.forwarded} forwarded, the Agent saw ${agent.paths.length}: ${agent.paths.join(', ')}`);
    assert.equal(s.forwardFailed, 0);
    assert.ok(
      agent.paths.some((p) => p === 'POST /v0.7/config'),
      `the tracer's remote-config polls reach the Agent: ${[...new Set(agent.paths)].join(', ')}`,
    );
  } finally {
    await app.stop();
    await intake.close();
    await agent.close();
  }
});

test('proxy mode: an Agent that is down gives 502 (counted), the spans are still decoded', async () => {
  const agent = await fakeAgent();
  const url = agent.url;
  await agent.close();
  const intake = await startIntake({ port: 0, forwardTo: url });
  try {
    const r = await fetch(`${intake.url}/info`);
    assert.equal(r.status, 502);
    assert.match(await r.text(), /did not answer: ECONNREFUSED/);
    assert.equal(intake.stats().forwardFailed, 1);
    assert.equal(intake.stats().forwarded, 0);
  } finally {
    await intake.close();
  }
});

test('proxy mode gate: another host needs confirmation (core and server), a forward to the intake itself is refused', async () => {
  await assert.rejects(startIntake({ port: 0, forwardTo: 'http://agent.example:8126' }), /not this machine.*confirmation/);
  await assert.rejects(startIntake({ port: 0, forwardTo: 'ftp://127.0.0.1:1' }), /not an Agent address/);
  const s = new IntakeService({ sendNotification: async () => undefined, console: { warn: () => undefined } } as never);
  await assert.rejects(s.start(0, { url: 'http://agent.example:8126', confirmedHosts: [] }), /not confirmed/);
  // A port of its own: find a free one, then ask the intake to listen there and forward there.
  const probe = await startIntake({ port: 0 });
  const port = probe.port;
  await probe.close();
  await assert.rejects(startIntake({ port, fallbackToFreePort: false, forwardTo: `http://127.0.0.1:${port}` }), /would loop/);
});
