// `asm-troubleshooter steps` and `agent`: the JSON contract, exit codes, evidence from real fixture logs and a real loopback agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stepsCommand } from '../../src/cli/steps';
import { agentCommand } from '../../src/cli/agent';
import { UsageError } from '../../src/cli/io';
import { fakeAgent } from '../support/loopback';

/** The /info answer of a healthy 7.52 Agent. */
const INFO = { version: '7.52.0', endpoints: ['/v0.4/traces', '/v0.5/traces', '/v0.6/stats'], config: { receiver_port: 8126 } };

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures');
const DEMO = path.join(FIX, 'ws-demo');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // As src/cli/main.ts dispatches (importing main itself would run it: its entry check is true inside a bundle).
  const [cmd, ...rest] = args;
  const fn = cmd === 'steps' ? stepsCommand : agentCommand;
  let code: number;
  try {
    code = await fn(rest, { out: (s) => (out += s), err: (s) => (err += s) });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err += e.message;
    code = 2;
  }
  return { code, out, err };
}

test('steps --json: exactly {language, steps:[{id,title,status,description,checks:[{id,title,status,evidence}]}], services}', async () => {
  const r = await run(['steps', '--json', '--workspace', DEMO, '--logs', 'logs/*.log']);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j), ['language', 'steps', 'services']);
  assert.equal(j.language, 'nodejs');
  assert.deepEqual(
    j.steps.map((s: { id: string }) => s.id),
    ['running', 'test-attack', 'integrations', 'agent', 'backend'],
  );
  for (const s of j.steps) {
    assert.deepEqual(Object.keys(s), ['id', 'title', 'status', 'description', 'checks']);
    assert.ok(['pass', 'fail', 'warning', 'unknown'].includes(s.status));
    for (const c of s.checks) {
      assert.deepEqual(Object.keys(c), ['id', 'title', 'status', 'evidence']);
      for (const e of c.evidence) {
        assert.equal(typeof e.text, 'string');
        for (const k of Object.keys(e)) assert.ok(['text', 'file', 'line', 'lastLine', 'count', 'time', 'history'].includes(k), k);
      }
    }
  }
  // Step 4: the agent logged only "No data received": the step fails, the evidence is that line.
  const backend = j.steps.find((s: { id: string }) => s.id === 'backend');
  assert.equal(backend.status, 'fail');
  const logstats = backend.checks.find((c: { id: string }) => c.id === 'agent-logstats');
  assert.deepEqual(
    logstats.evidence.map((e: { file: string; line: number }) => [path.basename(e.file), e.line]),
    [['trace-agent.log', 1]],
  );
  // Confirm ASM runs: the Node.js startup line says appsec_enabled true.
  const startup = j.steps[0].checks.find((c: { id: string }) => c.id === 'startup-asm');
  assert.equal(startup.status, 'pass');
  assert.equal(path.basename(startup.evidence[0].file), 'dd-trace.log');
  // The environment: DD_APPSEC_ENABLED=true in .env, with its line (1-based in JSON).
  const running = j.steps.find((s: { id: string }) => s.id === 'running');
  const env = running.checks.find((c: { id: string }) => c.id === 'appsec-env');
  assert.equal(env.status, 'pass');
  assert.deepEqual([path.basename(env.evidence[0].file), env.evidence[0].line], ['.env', 2]);
  assert.equal(r.code, 1, 'a failing step exits 1');
});

test('steps with --agent checks that agent (loopback) and reports it under step 3', async () => {
  const agent = await fakeAgent(INFO);
  try {
    const r = await run(['steps', '--json', '--workspace', DEMO, '--logs', 'logs/trace-agent.log', '--agent', agent.url]);
    const j = JSON.parse(r.out);
    const step3 = j.steps.find((s: { id: string }) => s.id === 'agent');
    const info = step3.checks.find((c: { id: string }) => c.id === 'agent-info');
    assert.equal(info.status, 'pass');
    assert.ok(info.evidence.some((e: { text: string }) => e.text.includes('7.52.0')));
    const addr = step3.checks.find((c: { id: string }) => c.id === 'agent-address');
    assert.match(addr.evidence[0].text, /from --agent/);
  } finally {
    await agent.close();
  }
});

test('steps human output names the language, the logs and each node', async () => {
  const r = await run(['steps', '--workspace', DEMO, '--logs', 'logs/*.log', '--language', 'go']);
  assert.match(r.out, /^Language: go \(setting asmTroubleshooter\.language = go\)/);
  assert.match(r.out, /FAIL 4\. Datadog Agent to backend/);
  assert.match(r.out, /CGO and the appsec build tag/, 'the Go sub-steps');
  assert.match(r.out, /Agent: not contacted/);
});

test('steps with no logs and no failing evidence exits 0', async () => {
  const r = await run(['steps', '--json', '--workspace', path.join(FIX, 'lang-java'), '--logs', 'nothing/*.log']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  assert.equal(j.language, 'java');
  assert.ok(j.steps.every((s: { status: string }) => s.status === 'unknown'));
});

test('usage errors exit 2', async () => {
  assert.equal((await run(['steps', '--logs'])).code, 2);
  assert.equal((await run(['steps', '--language', 'cobol'])).code, 2);
  assert.equal((await run(['steps', '--workspace', path.join(FIX, 'nope')])).code, 2);
  assert.equal((await run(['steps', '--bogus'])).code, 2);
  assert.equal((await run(['agent', '--timeout', 'x'])).code, 2);
});

test('agent --json: outcome and where the address came from', async () => {
  const agent = await fakeAgent(INFO);
  try {
    const ok = await run(['agent', '--json', '--url', agent.url]);
    assert.equal(ok.code, 0);
    const j = JSON.parse(ok.out);
    assert.equal(j.outcome, 'ok');
    assert.equal(j.version, '7.52.0');
    assert.equal(j.source.kind, 'setting');
  } finally {
    await agent.close();
  }
  const refused = await run(['agent', '--json', '--url', agent.url, '--timeout', '1000']);
  assert.equal(refused.code, 1);
  assert.equal(JSON.parse(refused.out).outcome, 'refused');
});
