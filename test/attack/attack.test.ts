// End to end against the real dd-trace app (test/support/ddApp.ts) with the local intake: the test attack reports
// the rule that fired, the blocking user agent is blocked, and the signal simulation's scanner rule arrives.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appWithIntake, startDdApp } from '../support/ddApp';
import { sendTestAttack, simulateSignal, attackChecks, curlCommand, defaultUserAgent } from '../../src/core/attack';

const env = appWithIntake();

test('test attack: Arachni/v gets 200 and the intake reports rule ua0-600-12x', async () => {
  const t0 = Date.now();
  const r = await sendTestAttack({ url: `${env.app.url}/`, timeoutMs: 5000 });
  assert.equal(r.userAgent, 'Arachni/v');
  assert.equal(r.status, 200);
  assert.equal(r.blocked, false);
  assert.equal(r.outcome.kind, 'reached');
  assert.equal(r.outcome.code, 'attack-reached');
  assert.deepEqual(
    r.expectedRules.map((x) => x.id),
    ['ua0-600-12x'],
  );
  assert.ok(r.bytes > 0);
  const ev = await env.intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === r.userAgent, 15_000);
  assert.ok(ev, `no event; intake stats ${JSON.stringify(env.intake.stats())}`);
  assert.equal(ev.ruleId, 'ua0-600-12x');
  assert.equal(ev.ruleName, 'Arachni');
  assert.equal(ev.value, 'Arachni/v');
  const checks = attackChecks(r, ev);
  assert.deepEqual(
    checks.map((c) => c.status),
    ['pass', 'pass'],
  );
  // Titled like step 1's sub-steps in kb/steps.yaml, so the tree shows them in place of the unknown ones.
  assert.deepEqual(
    checks.map((c) => c.id),
    ['attack-response', 'attack-detection'],
  );
  assert.match(checks[1]!.evidence[0]!.text, /ua0-600-12x "Arachni"/);
});

test('test attack: dd-test-scanner-log-block is blocked with the Datadog block page and appsec.blocked', async () => {
  const t0 = Date.now();
  const r = await sendTestAttack({ url: `${env.app.url}/hello`, userAgent: 'dd-test-scanner-log-block', timeoutMs: 5000 });
  assert.equal(r.status, 403);
  assert.equal(r.blocked, true);
  assert.match(r.securityResponseId ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(r.outcome.kind, 'blocked-by-asm');
  assert.deepEqual(r.expectedRules, [{ id: 'ua0-600-56x', name: 'Datadog test scanner - blocking version: user-agent', blocking: true }]);
  const ev = await env.intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'dd-test-scanner-log-block', 15_000);
  assert.ok(ev);
  assert.equal(ev.ruleId, 'ua0-600-56x');
  assert.equal(ev.blocked, true);
  assert.equal(ev.status, 403);
});

test('test attack: the HTML block page is recognised too (Accept: text/html)', async () => {
  const r = await sendTestAttack({ url: `${env.app.url}/hello`, userAgent: 'dd-test-scanner-log-block', accept: 'text/html', timeoutMs: 5000 });
  assert.equal(r.status, 403);
  assert.match(r.headers['content-type'] ?? '', /text\/html/);
  assert.equal(r.blocked, true);
});

test('simulate against the real app: scanner events for the missing route reach the intake', async () => {
  const t0 = Date.now();
  const s = await simulateSignal({
    url: env.app.url,
    existingPath: '/hello',
    missingPath: '/dd-test-scanner-missing-route',
    rounds: 3,
    concurrency: 2,
    maxRequestsPerSecond: 50,
  });
  assert.equal(s.userAgent, 'dd-test-scanner-log');
  assert.deepEqual(s.existing.statuses, { '200': 3 });
  assert.deepEqual(s.missing.statuses, { '404': 3 });
  assert.equal(s.requested, 6);
  assert.equal(s.cancelled, false);
  const ev = await env.intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'dd-test-scanner-log' && e.status === 404, 15_000);
  assert.ok(ev);
  assert.equal(ev.ruleId, 'ua0-600-55x');
});

test("protocol v0.5: the real tracer's /v0.5/traces payloads are decoded with the same event", async () => {
  const app05 = await startDdApp({ agentUrl: env.intake.url, env: { DD_TRACE_AGENT_PROTOCOL_VERSION: '0.5', DD_SERVICE: 'svc-v05' } });
  try {
    const t0 = Date.now();
    const r = await sendTestAttack({ url: app05.url, timeoutMs: 5000 });
    assert.equal(r.status, 200);
    const ev = await env.intake.waitForEvent((e) => e.receivedAt >= t0 && e.service === 'svc-v05', 15_000);
    assert.ok(ev, `no v0.5 event; stats ${JSON.stringify(env.intake.stats())}`);
    assert.equal(ev.ruleId, 'ua0-600-12x');
    assert.ok(env.intake.traces().some((t) => t.version === 'v0.5' && t.events.includes(ev)));
  } finally {
    await app05.stop();
  }
});

test('copy as curl gives the seed command with the KB user agent', () => {
  assert.equal(defaultUserAgent(), 'Arachni/v');
  assert.equal(curlCommand({ url: 'http://127.0.0.1:3000/' }), 'curl -i --max-time 10 -A Arachni/v http://127.0.0.1:3000/');
  assert.equal(curlCommand({ url: "http://h/a'b", userAgent: 'Nessus SOAP', timeoutMs: 2500 }), `curl -i --max-time 3 -A 'Nessus SOAP' 'http://h/a'\\''b'`);
});
