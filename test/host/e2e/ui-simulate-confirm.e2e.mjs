// Simulate a Security Signal from the palette (issue 16 §7) against a service this test serves on 127.0.0.1: the
// modal names the target, the count and the rate before anything is sent; Cancel sends nothing; Send sends exactly
// what it said, and the summary says how many requests went out and how many ASM events the local intake saw (the
// fake service reports each scanner request to the intake as dd-trace would, with rule ua0-600-55x).
// Screenshots: test-results/e2e-simulate-confirm.png, test-results/e2e-simulate-summary.png.
// (File name ui-…: scenarios run in file-name order in one session, and the services this one shows the steps (its
// logs, its traces at the intake) stay there; after the steps scenarios, the steps tree is theirs as they expect.)
import assert from 'node:assert/strict';
import http from 'node:http';
import { freePort } from '../lib/proc.mjs';
import { mergeSettings, readSettings, sendTraces, webTrace } from '../lib/workspace.mjs';

export const name = 'Simulate a Security Signal: confirmation (target, count, rate), Cancel sends nothing, summary counts ASM events';
export const timeoutMs = 90_000;

const ROUNDS = 5;
const RATE = 10;

export async function setup({ ws }) {
  // A scenario set up later may choose its own target and intake port: run() reads back what the workspace says.
  mergeSettings(ws, {
    'asmTroubleshooter.attack.targetUrl': `http://127.0.0.1:${await freePort()}/`,
    'asmTroubleshooter.intake.port': await freePort(),
    'asmTroubleshooter.simulate.rounds': ROUNDS,
    'asmTroubleshooter.simulate.maxRequestsPerSecond': RATE,
    'asmTroubleshooter.simulate.concurrency': 2,
  });
}

/** The service: counts requests; each scanner request is reported to the intake before it is answered. */
async function fakeService(port, intakePort) {
  const seen = [];
  const server = http.createServer(async (req, res) => {
    const ua = req.headers['user-agent'] ?? '';
    seen.push(`${req.method} ${req.url} ${ua}`);
    const missing = req.url !== '/';
    if (/^dd-test-scanner-log/.test(ua)) {
      const rule = { id: 'ua0-600-55x', name: 'Datadog test scanner: user-agent', type: 'security_scanner', value: ua };
      await sendTraces(intakePort, [webTrace({ service: 'simulated-svc', path: req.url, rule, status: missing ? 404 : 200, userAgent: ua })]).catch(() => 0);
    }
    res.writeHead(missing ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(missing ? 'not found' : 'ok');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    seen,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export async function run({ page, ws, helpers }) {
  const settings = readSettings(ws);
  const target = settings['asmTroubleshooter.attack.targetUrl'];
  const intakePort = settings['asmTroubleshooter.intake.port'];
  const service = await fakeService(Number(new URL(target).port), intakePort);
  const dialog = page.locator('.monaco-dialog-box');
  const button = (label) => dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^${label}$`) }).first();
  try {
    await helpers.runCommand('ASM Troubleshooter: Start Local Trace Intake');
    await helpers.waitForText('.notifications-toasts', `Local trace intake listening on http://127.0.0.1:${intakePort}`);

    // The question, before anything is sent: target, count, rate.
    await helpers.runCommand('ASM Troubleshooter: Simulate a Security Signal');
    await dialog.waitFor({ timeout: 30_000 });
    const question = ((await dialog.textContent()) ?? '').trim();
    assert.match(question, new RegExp(`Send ${ROUNDS * 2} requests to ${target.replace(/[.:/]/g, '\\$&')}`), question);
    assert.match(question, new RegExp(`up to ${RATE} requests/s`), question);
    assert.match(question, /User-Agent dd-test-scanner-log/, question);
    await helpers.screenshot('e2e-simulate-confirm');

    // Cancel: nothing sent.
    await button('Cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(service.seen, [], 'Cancel sends no request');

    // Again, and Send: exactly the announced requests, and the summary says what the intake saw.
    // (Older notifications away, so the summary is on top of the screenshot.)
    await helpers.runCommand('Notifications: Clear All Notifications');
    await helpers.runCommand('ASM Troubleshooter: Simulate a Security Signal');
    await dialog.waitFor({ timeout: 30_000 });
    await button('Send').click();
    const summary = await helpers.waitForText('.notifications-toasts', /Signal simulation: \d+ requests sent/, { timeout: 60_000 });
    // Counted after the summary: the Cancel above would have added its own requests.
    assert.equal(service.seen.length, ROUNDS * 2, `requests the service got: ${JSON.stringify(service.seen)}`);
    assert.ok(
      service.seen.every((l) => / dd-test-scanner-log/.test(l)),
      JSON.stringify(service.seen),
    );
    assert.match(summary, new RegExp(`Signal simulation: ${ROUNDS * 2} requests sent`), summary);
    assert.match(summary, new RegExp(`The local intake saw ${ROUNDS * 2} ASM events?\\b`), summary);
    assert.doesNotMatch(summary, /start the local (trace )?intake/i, 'no advice to start the intake while it runs');
    // The Local Intake Traces view: the 10 identical requests are one row with its count.
    await helpers.openViewContainer('ASM Troubleshooter');
    const intakePane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Local Intake Traces' }) }).first();
    await intakePane
      .locator('.monaco-list-row[aria-level="1"]', {
        hasText: new RegExp(`ua0-600-55x "Datadog test scanner: user-agent".*simulated-svc · ${ROUNDS * 2} traces`),
      })
      .first()
      .waitFor({ timeout: 30_000 });
    // The summary toast fully shown (it fades in).
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.notifications-toasts .notification-toast-container')].some(
          (t) => /Signal simulation/.test(t.textContent ?? '') && getComputedStyle(t.querySelector('.notification-toast') ?? t).opacity === '1',
        ),
      null,
      { timeout: 10_000 },
    );
    await helpers.screenshot('e2e-simulate-summary');
  } finally {
    await service.close();
    await helpers.runCommand('ASM Troubleshooter: Stop Local Trace Intake').catch(() => {});
    // The next scenario starts from an empty Local Intake Traces view.
    await helpers.runCommand('ASM Troubleshooter: Clear Received Traces').catch(() => {});
  }
}
