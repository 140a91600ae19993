// Issue 15 §2 with the real dd-trace (test/support/ddApp.ts → the local intake): `_dd.appsec.enabled` on web spans
// proves ASM runs in the service without an attack (the "running" check turns pass), the WAF's rules health comes
// from the first request's tags, a request with X-Forwarded-For from a private address gives client-ip-private and
// a direct loopback request does not; a service started without ASM gives appsec-not-in-spans. Loopback only.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appWithIntake, startDdApp } from '../support/ddApp';
import { startIntake, type Intake } from '../../src/core/intake';
import { IntakeService } from '../../src/server/intake';
import type { CheckReport } from '../../src/core/steps';

// The app's WAF budget is ddAppEnv's (test/support/ddApp.ts): one no machine misses, so "no finding" holds under load.
const env = appWithIntake();

/** Resolves once `pred` holds on the intake (checked on every trace), or false after `ms`. */
function until(intake: Intake, pred: () => boolean, ms = 15_000): Promise<boolean> {
  if (pred()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(pred());
    }, ms);
    const off = intake.onTrace(() => {
      if (!pred()) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
}

const svc = (i: Intake) => i.services().find((s) => s.service === 'asm-troubleshooter-demo');

test('a plain request (no attack): _dd.appsec.enabled proves ASM runs; the WAF version tagged; no finding', async () => {
  const res = await fetch(`${env.app.url}/hello`);
  assert.equal(res.status, 200);
  assert.ok(await until(env.intake, () => (svc(env.intake)?.appsecSpans ?? 0) > 0), JSON.stringify(env.intake.services()));
  const s = svc(env.intake)!;
  assert.equal(s.language, 'nodejs');
  // dd-trace-js 5.x tags the WAF version on the first request; its rules counts went to telemetry (reporter.js
  // reportWafInit), so no _dd.appsec.event_rules.loaded here (other tracers still tag it: see appsec-spans.test.ts).
  assert.match(s.wafVersion ?? '', /^\d+\.\d+\.\d+/);
  assert.equal(s.rules, null);
  assert.equal(env.intake.events().length, 0, 'no attack was sent');
  assert.deepEqual(
    env.intake.findings().map((f) => f.code),
    [],
  );
  // The server turns it into a passing "running" check (live evidence).
  const checks: CheckReport[][] = [];
  const service = new IntakeService({ sendNotification: async () => undefined, console: { warn: () => undefined } } as never, {
    setExtraChecks: (_step, c) => void checks.push(c),
  });
  const live = service.liveChecks(env.intake);
  assert.equal(live[0]!.status, 'pass');
  assert.match(live[0]!.evidence[0]!.text, /Service asm-troubleshooter-demo: ASM runs/);
});

test('client IP: a direct loopback attack is no finding; one through a proxy (X-Forwarded-For private) is client-ip-private', async () => {
  env.intake.clear();
  const t0 = Date.now();
  await (await fetch(`${env.app.url}/hello`, { headers: { 'user-agent': 'Arachni/v' } })).text();
  assert.ok(await env.intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'Arachni/v', 15_000));
  assert.equal(env.intake.events()[0]!.clientIp, '127.0.0.1');
  assert.deepEqual(
    env.intake.findings().filter((f) => f.code === 'client-ip-private'),
    [],
  );
  const t1 = Date.now();
  await (await fetch(`${env.app.url}/hello`, { headers: { 'user-agent': 'Arachni/v', 'x-forwarded-for': '10.1.2.3, 192.168.0.7' } })).text();
  const ev = await env.intake.waitForEvent((e) => e.receivedAt >= t1 && e.clientIp === '10.1.2.3', 15_000);
  assert.ok(ev, JSON.stringify(env.intake.events().map((e) => e.clientIp)));
  const f = env.intake.findings().find((x) => x.code === 'client-ip-private');
  assert.ok(f, JSON.stringify(env.intake.findings()));
  assert.equal(f.data?.ip, '10.1.2.3');
  assert.deepEqual(f.data?.headers, [{ name: 'x-forwarded-for', value: '10.1.2.3, 192.168.0.7' }]);
  assert.equal(f.data?.setting, null, 'no header carries a public address: the proxy must pass it');
  assert.match(f.message, /x-forwarded-for, x-real-ip, true-client-ip/);
  // A public address in another header: the exact DD_TRACE_CLIENT_IP_HEADER to set.
  env.intake.clear();
  const t2 = Date.now();
  await (
    await fetch(`${env.app.url}/hello`, {
      headers: { 'user-agent': 'Arachni/v', 'x-forwarded-for': '10.1.2.3', 'x-cluster-client-ip': '10.9.9.9', 'cf-connecting-ip': '203.0.113.9' },
    })
  ).text();
  assert.ok(await env.intake.waitForEvent((e) => e.receivedAt >= t2, 15_000));
  const g = env.intake.findings().find((x) => x.code === 'client-ip-private');
  // dd-trace takes the first public address it finds: 203.0.113.9 here, so no finding at all.
  assert.equal(g, undefined, JSON.stringify(env.intake.events().map((e) => e.clientIp)));
  assert.equal(env.intake.events().at(-1)!.clientIp, '203.0.113.9');
});

test('a service started without ASM: its web spans lack _dd.appsec.enabled → appsec-not-in-spans, running fails', async () => {
  const intake = await startIntake({ port: 0 });
  const app = await startDdApp({ agentUrl: intake.url, env: { DD_APPSEC_ENABLED: 'false' } });
  try {
    await (await fetch(`${app.url}/hello`)).text();
    assert.ok(await until(intake, () => (svc(intake)?.webSpans ?? 0) > 0));
    const s = svc(intake)!;
    assert.equal(s.appsecSpans, 0);
    const f = intake.findings();
    assert.deepEqual(
      f.map((x) => x.code),
      ['appsec-not-in-spans'],
    );
    assert.equal(f[0]!.data?.service, 'asm-troubleshooter-demo');
    const service = new IntakeService({ sendNotification: async () => undefined, console: { warn: () => undefined } } as never);
    assert.equal(service.liveChecks(intake)[0]!.status, 'fail');
  } finally {
    await app.stop();
    await intake.close();
  }
});
