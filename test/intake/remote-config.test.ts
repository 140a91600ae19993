// Issue 15 §2, Remote Configuration proven locally with the real dd-trace: a service started WITHOUT
// DD_APPSEC_ENABLED polls the intake's /v0.7/config, gets ASM_FEATURES {"asm":{"enabled":true}} (what 1-click
// activation sends), acknowledges it, and its next web spans carry _dd.appsec.enabled; an attack is then detected.
// With DD_APPSEC_ENABLED=false the tracer does not offer ASM_ACTIVATION (an explicit setting wins over RC).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startDdApp } from '../support/ddApp';
import { startIntake, type Intake } from '../../src/core/intake';
import { LocalRemoteConfig, RC_PATH } from '../../src/core/intake/remote-config';

async function until(pred: () => boolean, ms = 20_000): Promise<boolean> {
  for (let waited = 0; waited < ms && !pred(); waited += 100) await new Promise((r) => setTimeout(r, 100));
  return pred();
}

const RC_ENV = {
  DD_APPSEC_ENABLED: undefined,
  DD_REMOTE_CONFIG_ENABLED: 'true',
  DD_REMOTE_CONFIGURATION_ENABLED: 'true',
  DD_REMOTE_CONFIG_POLL_INTERVAL_SECONDS: '0.2',
};
const demo = (i: Intake) => i.services().find((s) => s.service === 'asm-troubleshooter-demo');

test('1-click activation reaches the real tracer through the local Remote Configuration', async () => {
  const intake = await startIntake({ port: 0, remoteConfig: { asm: { enabled: true } } });
  const app = await startDdApp({ agentUrl: intake.url, env: RC_ENV });
  try {
    assert.ok(await until(() => intake.remoteConfigClients().some((c) => c.applyState === 2)), JSON.stringify(intake.remoteConfigClients()));
    const c = intake.remoteConfigClients().find((x) => x.applyState === 2)!;
    assert.equal(c.service, 'asm-troubleshooter-demo');
    assert.equal(c.language, 'node');
    assert.ok(c.products.includes('ASM_FEATURES'));
    assert.equal(c.asmActivation, true, 'DD_APPSEC_ENABLED unset: the tracer can be activated remotely');
    // ASM now runs: the next web request's span says so, and an attack is detected.
    const t0 = Date.now();
    await (await fetch(`${app.url}/hello`, { headers: { 'user-agent': 'Arachni/v' } })).text();
    const ev = await intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'Arachni/v', 15_000);
    assert.ok(ev, `no event after remote activation; services ${JSON.stringify(intake.services())}`);
    assert.ok((demo(intake)?.appsecSpans ?? 0) > 0);
  } finally {
    await app.stop();
    await intake.close();
  }
});

test('with DD_APPSEC_ENABLED=false the tracer does not offer remote activation (ASM_ACTIVATION off)', async () => {
  const intake = await startIntake({ port: 0, remoteConfig: { asm: { enabled: true } } });
  const app = await startDdApp({ agentUrl: intake.url, env: { ...RC_ENV, DD_APPSEC_ENABLED: 'false' } });
  try {
    assert.ok(await until(() => intake.remoteConfigClients().some((c) => c.polls >= 2)), JSON.stringify(intake.remoteConfigClients()));
    assert.ok(intake.remoteConfigClients().every((c) => !c.asmActivation));
  } finally {
    await app.stop();
    await intake.close();
  }
});

test('the answer: a client without ASM_FEATURES gets {}, one with it gets the config with its sha256; junk gets 400', () => {
  const rc = new LocalRemoteConfig();
  assert.equal(rc.answer(JSON.stringify({ client: { id: 'a', products: ['APM_TRACING'] } })).body, '{}');
  const a = JSON.parse(
    rc.answer(JSON.stringify({ client: { id: 'b', products: ['ASM_FEATURES'], capabilities: Buffer.from([0x02]).toString('base64') } })).body,
  ) as { client_configs: string[]; targets: string; target_files: { path: string; raw: string }[] };
  assert.deepEqual(a.client_configs, [RC_PATH]);
  assert.equal(Buffer.from(a.target_files[0]!.raw, 'base64').toString(), '{"asm":{"enabled":true}}');
  const t = JSON.parse(Buffer.from(a.targets, 'base64').toString()) as { signed: { targets: Record<string, { length: number }> } };
  assert.equal(t.signed.targets[RC_PATH]!.length, 24);
  assert.equal(rc.list().find((c) => c.id === 'b')!.asmActivation, true);
  assert.equal(rc.answer('not json').status, 400);
});
