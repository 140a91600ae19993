// The CLI subcommands attack, simulate and intake, in-process, against the real dd-trace app. (The commands are
// imported directly: bundling src/cli/main.ts into a test would run its `require.main === module` entry point.)
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { startDdApp, type DdApp } from '../support/ddApp';
import { attackCommand } from '../../src/cli/attack';
import { simulateCommand } from '../../src/cli/simulate';
import { UsageError } from '../../src/cli/io';
import type { CliIO } from '../../src/cli/io';
import { intakeCommand } from '../../src/cli/intake';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) };
  return io;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

let port: number;
let app: DdApp;
before(async () => {
  // The app's tracer points at a port where the CLI's intake will run (it retries until then).
  port = await freePort();
  app = await startDdApp({ agentUrl: `http://127.0.0.1:${port}` });
});
after(async () => {
  await app?.stop();
});

test('attack --intake --json: exactly url, status, latencyMs, blocked and the event rule', async () => {
  const io = capture();
  const code = await attackCommand(['--url', `${app.url}/`, '--intake', String(port), '--json'], io);
  assert.equal(code, 0, io.stderr);
  const j = JSON.parse(io.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(j), ['url', 'status', 'latencyMs', 'blocked', 'event']);
  assert.equal(j.url, `${app.url}/`);
  assert.equal(j.status, 200);
  assert.equal(j.blocked, false);
  assert.equal(typeof j.latencyMs, 'number');
  assert.deepEqual(j.event, { ruleId: 'ua0-600-12x', ruleName: 'Arachni' });
});

test('attack (text): the blocking user agent is explained as blocked by ASM', async () => {
  const io = capture();
  const code = await attackCommand(['--url', `${app.url}/hello`, '--user-agent', 'dd-test-scanner-log-block', '--intake', String(port)], io);
  assert.equal(code, 0, io.stdout + io.stderr);
  assert.match(io.stdout, /403 Forbidden/);
  assert.match(io.stdout, /ASM blocked the test attack/);
  assert.match(io.stdout, /rule ua0-600-56x/);
  assert.match(io.stdout, /blocked/);
});

test('attack: usage errors and a refused target', async () => {
  await assert.rejects(attackCommand([], capture()), (e: Error) => e instanceof UsageError && /--url URL is required/.test(e.message));
  await assert.rejects(attackCommand(['--url', 'ftp://x/'], capture()), UsageError);
  await assert.rejects(attackCommand(['--url', 'http://127.0.0.1/', '--intake', 'x'], capture()), UsageError);
  const refused = capture();
  assert.equal(await attackCommand(['--url', `http://127.0.0.1:${await freePort()}/`, '--json'], refused), 1);
  assert.deepEqual(JSON.parse(refused.stdout), {
    url: JSON.parse(refused.stdout).url,
    status: null,
    latencyMs: JSON.parse(refused.stdout).latencyMs,
    blocked: false,
    event: null,
  });
});

test('simulate --json: counts per route', async () => {
  const io = capture();
  const code = await simulateCommand(['--url', app.url, '--existing', '/hello', '--missing', '/nope', '--count', '4', '--json'], io);
  assert.equal(code, 0, io.stderr);
  const s = JSON.parse(io.stdout);
  assert.deepEqual(s.existing.statuses, { '200': 4 });
  assert.deepEqual(s.missing.statuses, { '404': 4 });
  await assert.rejects(simulateCommand(['--url', app.url, '--count', '5'], capture()), /--existing PATH and --missing PATH are required/);
  await assert.rejects(simulateCommand(['--url', app.url, '--existing', '/', '--missing', '/x', '--count', '0'], capture()), UsageError);
});

test('intake: prints the ASM events it receives from the real tracer, stops on signal', async () => {
  const app2Port = await freePort();
  const app2 = await startDdApp({ agentUrl: `http://127.0.0.1:${app2Port}`, env: { DD_SERVICE: 'cli-intake' } });
  const io = capture();
  const stop = new AbortController();
  try {
    const running = intakeCommand(['--port', String(app2Port)], io, stop.signal);
    // Wait (bounded) until the intake says it listens, then attack.
    for (let i = 0; i < 100 && !/listening on/.test(io.stderr); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(io.stderr, new RegExp(`listening on http://127\\.0\\.0\\.1:${app2Port}`));
    await fetch(`${app2.url}/`, { headers: { 'user-agent': 'Arachni/v' } });
    for (let i = 0; i < 300 && !/ASM event/.test(io.stdout); i++) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    assert.equal(await running, 0);
    assert.match(
      io.stdout,
      /ASM event: rule ua0-600-12x "Arachni" on GET http:\/\/127\.0\.0\.1:\d+\/ → 200; matched server\.request\.headers\.no_cookies = "Arachni\/v"; client 127\.0\.0\.1; service cli-intake/,
    );
    assert.match(io.stderr, /Stopped: \d+ trace\(s\)/);
  } finally {
    stop.abort();
    await app2.stop();
  }
});
