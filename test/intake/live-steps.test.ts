// What the local intake gives the "running" step: the live proof that ASM runs goes once, through the evidence
// model (StepsService.observeIntake); the intake's own checks add only the services whose web spans lack
// _dd.appsec.enabled (before, the passing rows were sent too, and "running" showed the same proof twice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntakeService } from '../../src/server/intake';
import type { ServiceAppsec } from '../../src/core/intake/appsec';

const svc = (service: string, appsecSpans: number): ServiceAppsec =>
  ({
    service,
    language: 'nodejs',
    webSpans: 3,
    appsecSpans,
    rules: null,
    wafVersion: null,
    wafTimeouts: 0,
    privateClientIps: 0,
    lastPrivateClientIp: null,
  }) as ServiceAppsec;

test('absenceChecks: a service proven by its spans adds no check; one without _dd.appsec.enabled adds a failing one', () => {
  const service = new IntakeService({ sendNotification: async () => undefined, console: { warn: () => undefined } } as never);
  const intake = (list: ServiceAppsec[]) => ({ services: () => list }) as never;
  assert.equal(service.liveChecks(intake([svc('web', 3)]))[0]!.status, 'pass'); // what the intake itself shows
  assert.deepEqual(service.absenceChecks(intake([svc('web', 3)])), []);
  const mixed = service.absenceChecks(intake([svc('web', 3), svc('worker', 0)]));
  assert.equal(mixed.length, 1);
  assert.equal(mixed[0]!.status, 'fail');
  assert.deepEqual(
    mixed[0]!.evidence.map((e) => e.code),
    ['appsec-not-in-spans'],
  );
  assert.match(mixed[0]!.evidence[0]!.text, /^Service worker:/);
});
