// Issue 15 §3, "Send Blocking Test", end to end with the real dd-trace (its recommended rules block ua0-600-56x:
// dd-trace npm 5.132.0 packages/dd-trace/src/appsec/recommended.json, on_match [block]): 403 with Datadog's block
// response, appsec.blocked on the span at the local intake → blocking-verified; a service where ASM is off →
// blocking-not-enforced; the verdicts for the other evidence shapes; the CLI and the server request. Loopback only.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appWithIntake, startDdApp } from '../support/ddApp';
import { startIntake } from '../../src/core/intake';
import { blockingVerdict, sendBlockingTest, BLOCKING_RULE } from '../../src/core/attack/blocking';
import type { AttackResult } from '../../src/core/attack';
import type { AsmEvent } from '../../src/core/intake';
import { attackCommand } from '../../src/cli/attack';
import { AttackService } from '../../src/server/attack';
import type { CheckReport } from '../../src/core/steps';

const env = appWithIntake();

test("real dd-trace: the blocking test gets 403, Datadog's block response and appsec.blocked → blocking-verified", async () => {
  const b = await sendBlockingTest({ url: `${env.app.url}/hello`, timeoutMs: 5000, intake: env.intake, waitMs: 15_000 });
  assert.equal(b.result.userAgent, 'dd-test-scanner-log-block');
  assert.equal(b.result.status, 403);
  assert.equal(b.result.blocked, true);
  assert.ok(b.event, 'the span arrived');
  assert.equal(b.event.blocked, true);
  assert.equal(b.event.ruleId, BLOCKING_RULE);
  assert.equal(b.verdict, 'verified');
  assert.equal(b.finding?.code, 'blocking-verified');
  assert.equal(b.finding?.severity, 'information');
  assert.match(b.explanation, /appsec\.blocked \(rule ua0-600-56x\)/);
});

test('server asm/attack/blockingTest: same verdict, recorded as step 1\'s "Blocking is enforced" check', async () => {
  const recorded: CheckReport[][] = [];
  const s = new AttackService({ current: env.intake }, { setExtraChecks: (_step, c) => void recorded.push(c) });
  const b = await s.blockingTest({ url: `${env.app.url}/hello`, timeoutMs: 5000, confirmedHosts: [], waitMs: 15_000 });
  assert.equal(b.verdict, 'verified');
  assert.equal(recorded.at(-1)![0]!.title, 'Blocking is enforced');
  assert.equal(recorded.at(-1)![0]!.status, 'pass');
});

test('CLI attack --blocking --json: the verdict and exit 0', async () => {
  let out = '';
  const code = await attackCommand(['--url', `${env.app.url}/hello`, '--blocking', '--json'], { out: (s) => (out += s), err: () => undefined });
  assert.equal(code, 0);
  const j = JSON.parse(out) as { status: number; verdict: string; code: string };
  assert.deepEqual([j.status, j.verdict, j.code], [403, 'verified', 'blocking-verified']);
});

test('real dd-trace with ASM off: 200, no span with an event → blocking-not-enforced (warning) with the reason', async () => {
  const intake = await startIntake({ port: 0 });
  const app = await startDdApp({ agentUrl: intake.url, env: { DD_APPSEC_ENABLED: 'false' } });
  try {
    const b = await sendBlockingTest({ url: `${app.url}/hello`, timeoutMs: 5000, intake, waitMs: 3000 });
    assert.equal(b.result.status, 200);
    assert.equal(b.event, null);
    assert.equal(b.verdict, 'not-enforced');
    assert.equal(b.finding?.code, 'blocking-not-enforced');
    assert.equal(b.finding?.severity, 'warning');
    assert.match(b.explanation, /no ASM span arrived.*ASM does not run/);
  } finally {
    await app.stop();
    await intake.close();
  }
});

test("verdicts for the other shapes: detected but not blocked, another rule, a proxy's 403, no intake, no answer", () => {
  const r = (o: Partial<AttackResult>) =>
    ({
      url: 'http://127.0.0.1:1/',
      finalUrl: 'http://127.0.0.1:1/',
      userAgent: 'dd-test-scanner-log-block',
      expectedRules: [],
      status: 200,
      statusText: 'OK',
      latencyMs: 1,
      bytes: 1,
      headers: {},
      blocked: false,
      redirects: [],
      proxies: [],
      outcome: { kind: 'reached', code: 'attack-reached', ok: true, title: '', explanation: 'x' },
      ...o,
    }) as AttackResult;
  const ev = (o: Partial<AsmEvent>) => ({ ruleId: BLOCKING_RULE, blocked: false, ...o }) as AsmEvent;
  assert.match(
    blockingVerdict(r({}), ev({})).explanation,
    /detected the request \(rule ua0-600-56x\) but answered 200 instead of blocking.*headers already sent/,
  );
  assert.match(blockingVerdict(r({}), ev({ ruleId: 'custom-1' })).explanation, /another rule \(custom-1\).*DD_APPSEC_RULES/);
  assert.match(blockingVerdict(r({ status: 403 }), undefined).explanation, /not with Datadog's block response.*proxy/);
  const noIntake = blockingVerdict(r({ status: 403, blocked: true }), undefined);
  assert.equal(noIntake.verdict, 'verified');
  assert.match(noIntake.explanation, /start the local intake/);
  const none = blockingVerdict(r({ status: null, error: { kind: 'refused', code: 'ECONNREFUSED', message: '' } as never }), undefined);
  assert.equal(none.verdict, 'unknown');
  assert.equal(none.finding, null);
});
