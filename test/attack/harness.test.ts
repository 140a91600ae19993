// The real-client harness and the local intake together: the real dd-trace app sends its spans to the intake,
// and the Arachni test attack shows up as an ASM event with rule ua0-600-12x.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appWithIntake } from '../support/ddApp';

const env = appWithIntake();

test('harness: the app listens on loopback and prints the startup CONFIGURATION line to stderr', async () => {
  assert.match(env.app.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${env.app.url}/hello`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { hello: 'world', userAgent: 'node' });
  assert.match(env.app.stderr(), /DATADOG TRACER CONFIGURATION - \{.*"appsec_enabled":true/);
});

test('harness + intake: Arachni/v is reported as rule ua0-600-12x by the real tracer', async () => {
  const t0 = Date.now();
  const res = await fetch(`${env.app.url}/`, { headers: { 'user-agent': 'Arachni/v' } });
  assert.equal(res.status, 200);
  const ev = await env.intake.waitForEvent((e) => e.receivedAt >= t0 && e.userAgent === 'Arachni/v', 15_000);
  assert.ok(ev, `no ASM event at the intake; stats ${JSON.stringify(env.intake.stats())}`);
  assert.equal(ev.ruleId, 'ua0-600-12x');
  assert.equal(ev.ruleName, 'Arachni');
  assert.equal(ev.address, 'server.request.headers.no_cookies');
  assert.equal(ev.value, 'Arachni/v');
  assert.equal(ev.blocked, false);
  assert.equal(ev.status, 200);
  assert.equal(ev.clientIp, '127.0.0.1');
  assert.equal(ev.service, 'asm-troubleshooter-demo');
});
