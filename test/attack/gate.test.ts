// Issue 18.12: the loopback gate outside the VS Code client. The CLI's attack and simulate ask (terminal) or refuse
// (no terminal, no --yes) before sending to a host that is not this machine; the language server refuses a target
// the user did not confirm and caps the simulation; a checkAgent request without `trusted` is untrusted.
// "Another host" here is 0.0.0.0: the policy does not count it as loopback, yet Linux delivers it to 127.0.0.1,
// so the confirmed case really sends — to a server of this test, on this machine.
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { attackCommand } from '../../src/cli/attack';
import { simulateCommand } from '../../src/cli/simulate';
import type { CliIO } from '../../src/cli/io';
import { AttackService, capSimulation, SERVER_SIMULATE_CAPS } from '../../src/server/attack';
import { runAgentCheck } from '../../src/server/agent';

let server: http.Server;
let port: number;
const hits: string[] = [];
before(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.host}`);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function capture(answer?: string): CliIO & { stdout: string; stderr: string; asked: string[] } {
  const io = {
    stdout: '',
    stderr: '',
    asked: [] as string[],
    out: (s: string) => void (io.stdout += s),
    err: (s: string) => void (io.stderr += s),
    ...(answer !== undefined ? { ask: async (q: string) => (io.asked.push(q), answer) } : {}),
  };
  return io;
}

const other = () => `http://0.0.0.0:${port}/`;

test('CLI attack: another host without a terminal and without --yes is refused; nothing is sent', async () => {
  hits.length = 0;
  const io = capture();
  assert.equal(await attackCommand(['--url', other()], io), 2);
  assert.match(io.stderr, /0\.0\.0\.0 is not this machine.*--yes.*not a terminal.*Nothing was sent/);
  assert.equal(hits.length, 0);
});

test('CLI attack: on a terminal it asks; "n" sends nothing, "y" sends; --yes sends without asking; loopback never asks', async () => {
  hits.length = 0;
  const no = capture('n');
  assert.equal(await attackCommand(['--url', other()], no), 2);
  assert.equal(no.asked.length, 1);
  assert.match(no.asked[0]!, /0\.0\.0\.0 is not this machine/);
  assert.equal(hits.length, 0);
  const yes = capture('y');
  await attackCommand(['--url', other(), '--json'], yes);
  assert.equal(hits.length, 1);
  const flag = capture('n');
  await attackCommand(['--url', other(), '--yes', '--json'], flag);
  assert.equal(flag.asked.length, 0);
  assert.equal(hits.length, 2);
  const local = capture('n');
  await attackCommand(['--url', `http://127.0.0.1:${port}/`, '--json'], local);
  assert.equal(local.asked.length, 0);
  assert.equal(hits.length, 3);
});

test('CLI simulate: the same gate (refused without a terminal, asked on one with the request count)', async () => {
  hits.length = 0;
  const io = capture();
  assert.equal(await simulateCommand(['--url', other(), '--existing', '/', '--missing', '/nope', '--count', '1'], io), 2);
  assert.equal(hits.length, 0);
  const asked = capture('no');
  assert.equal(await simulateCommand(['--url', other(), '--existing', '/', '--missing', '/nope', '--count', '3'], asked), 2);
  assert.match(asked.asked[0]!, /3 rounds, 6 requests/);
  assert.equal(hits.length, 0);
  const yes = capture();
  assert.equal(await simulateCommand(['--url', other(), '--existing', '/', '--missing', '/nope', '--count', '1', '--yes', '--json'], yes), 0);
  assert.equal(hits.length, 2);
});

const service = () => new AttackService({ current: undefined }, { setExtraChecks: () => undefined });

test('server asm/attack/send and asm/simulate: a host the user did not confirm is refused, a confirmed one goes', async () => {
  hits.length = 0;
  const s = service();
  assert.throws(() => s.send({ url: other(), timeoutMs: 2000, confirmedHosts: [] }), /0\.0\.0\.0 is not this machine and was not confirmed/);
  assert.throws(() => s.send({ url: other(), timeoutMs: 2000 } as never), /not confirmed/);
  await assert.rejects(
    s.simulate({ url: other(), existingPath: '/', missingPath: '/x', rounds: 1, concurrency: 1, maxRequestsPerSecond: 10, timeoutMs: 2000 }),
    /not confirmed/,
  );
  assert.equal(hits.length, 0);
  const r = await s.send({ url: other(), timeoutMs: 2000, confirmedHosts: ['0.0.0.0'] });
  assert.equal(r.status, 200);
  const sim = await s.simulate({
    url: other(),
    existingPath: '/',
    missingPath: '/x',
    rounds: 1,
    concurrency: 1,
    maxRequestsPerSecond: 10,
    timeoutMs: 2000,
    confirmedHosts: ['0.0.0.0'],
  });
  assert.equal(sim.requested, 2);
  assert.equal(hits.length, 3);
});

test('server asm/simulate: rounds, concurrency and rate are capped whatever the settings say, and the summary says so', async () => {
  assert.deepEqual(capSimulation({ rounds: 1000, concurrency: 16, maxRequestsPerSecond: 100 }), {
    rounds: 200,
    concurrency: 4,
    maxRequestsPerSecond: 20,
    notes: [
      'Rounds lowered from 1000 to 200 (the most a simulation sends from the editor).',
      'Concurrency lowered from 16 to 4 (the most a simulation sends from the editor).',
      'Requests per second lowered from 100 to 20 (the most a simulation sends from the editor).',
    ],
  });
  assert.deepEqual(capSimulation({ rounds: 3, concurrency: 2, maxRequestsPerSecond: 5 }), { rounds: 3, concurrency: 2, maxRequestsPerSecond: 5, notes: [] });
  assert.equal(capSimulation({ rounds: Number.NaN, concurrency: Infinity, maxRequestsPerSecond: -5 }).rounds, SERVER_SIMULATE_CAPS.rounds);
  // Run for real with the raised settings and cancel after the first answer: the summary counts 200 rounds.
  const ac = new AbortController();
  const sim = await service().simulate(
    { url: `http://127.0.0.1:${port}/`, existingPath: '/', missingPath: '/x', rounds: 1000, concurrency: 16, maxRequestsPerSecond: 100, timeoutMs: 2000 },
    { signal: ac.signal, onProgress: () => ac.abort() },
  );
  assert.equal(sim.rounds, 200);
  assert.ok(sim.cancelled);
  assert.ok(sim.requested <= 4, `${sim.requested} requests before the cancel (concurrency 4)`);
  assert.match(sim.notes[0]!, /Rounds lowered from 1000 to 200/);
});

test('server asm/checkAgent: a request without `trusted` is untrusted (the workspace .env is not requested)', async () => {
  hits.length = 0;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-gate-'));
  try {
    await fsp.writeFile(path.join(dir, '.env'), `DD_TRACE_AGENT_URL=http://127.0.0.1:${port}\n`);
    const r = await runAgentCheck({ workspaceFolder: dir, timeoutMs: 500 } as never, { setAgentResult: () => undefined }, {});
    assert.equal(r.address.source.kind, 'default');
    assert.equal(hits.length, 0);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('CLI steps: contacting an Agent address read from the workspace .env is said on stderr; --agent is not', async () => {
  const { stepsCommand } = await import('../../src/cli/steps');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-gate-steps-'));
  try {
    await fsp.writeFile(path.join(dir, '.env'), `DD_TRACE_AGENT_URL=http://127.0.0.1:${port}\n`);
    hits.length = 0;
    const io = capture();
    await stepsCommand(['--workspace', dir, '--json', '--timeout', '1000', '--logs', 'none/*.log'], io);
    assert.equal(hits.length, 1);
    assert.match(io.stderr, new RegExp(`contacted the Agent at http://127\\.0\\.0\\.1:${port} .*\\.env.*--agent URL`));
    JSON.parse(io.stdout);
    const explicit = capture();
    await stepsCommand(['--workspace', dir, '--json', '--timeout', '1000', '--logs', 'none/*.log', '--agent', `http://127.0.0.1:${port}`], explicit);
    assert.equal(hits.length, 2);
    assert.doesNotMatch(explicit.stderr, /contacted/);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
