// "Send Test Attack" in a real VS Code against the demo service (demo/app/app.js: Express + the real dd-trace,
// ASM on) whose tracer sends to the extension's local trace intake: the notification and the status bar report the
// rule that fired (ua0-600-12x "Arachni"), the Local Intake Traces view shows the appsec.event span, and step 1
// of the Troubleshooting Steps turns green. Screenshot: test-results/e2e-test-attack.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, killGroup, spawnGroup } from '../lib/proc.mjs';
import { onlyPane } from '../lib/panes.mjs';
import { mergeSettings, readSettings } from '../lib/workspace.mjs';

export const name = 'Send Test Attack: demo app + local intake report rule ua0-600-12x';
export const timeoutMs = 120_000;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let appPort;
let intakePort;

/** Workspace settings before the workbench opens: the demo service's real port, and the intake's port. */
export async function setup({ ws }) {
  appPort = await freePort();
  intakePort = await freePort();
  // Merged: other scenarios keep their settings; each reads the target and the intake port back in run().
  mergeSettings(ws, {
    'asmTroubleshooter.attack.targetUrl': `http://127.0.0.1:${appPort}/`,
    'asmTroubleshooter.intake.port': intakePort,
    'asmTroubleshooter.intake.waitForSpanMs': 20000,
  });
}

async function startDemoApp() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('DD_')) delete env[k];
  delete env.NODE_OPTIONS;
  Object.assign(env, {
    PORT: String(appPort),
    DD_APPSEC_ENABLED: 'true',
    DD_TRACE_AGENT_URL: `http://127.0.0.1:${intakePort}`,
    DD_TRACE_STARTUP_LOGS: 'true',
    DD_TRACE_TELEMETRY_ENABLED: 'false',
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
    DD_REMOTE_CONFIG_ENABLED: 'false',
    DD_SERVICE: 'asm-troubleshooter-demo',
    DD_TRACE_FLUSH_INTERVAL: '200',
    // The WAF's budget per request (µs; default 5 ms): on a loaded test machine the first request can exceed it,
    // and step 1 then shows the WAF timeout as a warning instead of passing.
    DD_APPSEC_WAF_TIMEOUT: '500000',
  });
  const child = spawnGroup(process.execPath, [path.join(REPO, 'demo/app/app.js')], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 20_000;
  while (!/^LISTENING \d+/m.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await killGroup(child.pid);
      throw new Error(`demo app did not start:\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

export async function run({ page, ws, helpers }) {
  // A scenario set up after this one may have chosen its own ports: what the workspace says now is what counts.
  const settings = readSettings(ws);
  appPort = Number(new URL(settings['asmTroubleshooter.attack.targetUrl']).port);
  intakePort = settings['asmTroubleshooter.intake.port'];
  const app = await startDemoApp();
  try {
    // An earlier scenario may have left the notification center open: then notifications show there, not as toasts.
    await helpers.runCommand('Notifications: Hide Notifications').catch(() => {});
    await helpers.runCommand('ASM Troubleshooter: Start Local Trace Intake');
    await helpers.waitForText('.notifications-toasts', `Local trace intake listening on http://127.0.0.1:${intakePort}`);

    await helpers.runCommand('ASM Troubleshooter: Send Test Attack');
    // The result notification names the outcome and the rule the intake saw in the tracer's span.
    const toast = await helpers.waitForText('.notifications-toasts', /Rule that fired: ua0-600-12x "Arachni"/, { timeout: 60_000 });
    // The status is said once ("reached the service: 200 OK", not "(200): 200 OK").
    assert.match(toast, /The test attack reached the service: 200 OK/);
    const status = await helpers.waitForText('.part.statusbar', /Test attack 200 · \d+ ms · ua0-600-12x/);
    assert.match(status, /ua0-600-12x/);
    // The result document is shown and the progress notification ("waiting up to 20 s for the span…") is gone
    // with it: a finished attack leaves no progress on screen (bounded wait: it closes when the result arrives).
    await page.locator('.tabs-container .tab', { hasText: 'Test attack result.http' }).first().waitFor({ timeout: 30_000 });
    await page
      .waitForFunction(
        () =>
          ![...document.querySelectorAll('.notifications-toasts .notification-toast, .notifications-center .notification-list-item')].some((t) =>
            /waiting up to \d+ s for the span|Test attack →/.test(t.textContent ?? ''),
          ),
        null,
        { timeout: 10_000 },
      )
      .catch(async () => {
        const left = await page.locator('.notifications-toasts .notification-toast').allTextContents();
        throw new Error(`the test attack's progress notification is still shown after the result: ${JSON.stringify(left)}`);
      });

    // Said once and plainly (issue 16 §7): no byte count in the status bar, and neither the result document nor the
    // Output asks to start the local intake while it runs.
    assert.doesNotMatch(status, /\d\s?B\b/, status);
    const resultGroup = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'Test attack result.http' }) }).first();
    const resultText = ((await resultGroup.locator('.view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(resultText, /# Proven: The tracer sent the appsec\.event span/, resultText);
    assert.doesNotMatch(resultText, /start the local (trace )?intake/i, resultText);
    await helpers.runCommand('ASM Troubleshooter: Show Output');
    const out = (
      await helpers.waitForText('.part.panel .monaco-editor .view-lines', /attack:\sthe\slocal\sintake\sreceived\sthe\sappsec\.event\sspan/)
    ).replace(/\u00a0/g, ' ');
    assert.doesNotMatch(out, /start the local (trace )?intake/i, out);
    await helpers.runCommand('View: Hide Panel').catch(() => {});

    // The Local Intake Traces view lists the trace with the ASM event and its rule.
    await helpers.openViewContainer('ASM Troubleshooter');
    await helpers.waitForText('.part.sidebar .pane', /ua0-600-12x "Arachni"/, { timeout: 30_000 });
    const traceRows = await helpers.treeRows('Local Intake Traces');
    assert.ok(
      traceRows.some((r) => /ua0-600-12x/.test(r)),
      `a trace row with the rule: ${JSON.stringify(traceRows)}`,
    );
    assert.ok(
      traceRows.some((r) => /matched value/.test(r) && /Arachni\/v/.test(r)),
      `the matched value: ${JSON.stringify(traceRows)}`,
    );
    // Grouped by service and rule, with the count.
    assert.ok(
      traceRows.some((r) => /ua0-600-12x "Arachni"/.test(r) && /\d+ traces?/.test(r)),
      `a group row with its count: ${JSON.stringify(traceRows)}`,
    );
    await helpers.screenshot('e2e-intake-grouped');

    // Step 1 of the checklist passes (green) with the attack's checks.
    const steps = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Troubleshooting Steps' }) }).first();
    await steps.locator('.monaco-list-row[aria-level="1"]').first().waitFor({ timeout: 30_000 });
    // Earlier scenarios may have shown the steps other services (their logs, their traces at the intake): the tree
    // then has a service level. Judge the demo service alone, as a user would (Choose Steps Scope), then go back.
    const scoped = (await steps.locator('.monaco-list-row[aria-level="1"]', { hasText: 'asm-troubleshooter-demo' }).count()) > 0;
    const chooseScope = async (label) => {
      await helpers.runCommand('ASM Troubleshooter: Choose Steps Scope (All, Open Logs, One Service, One File)');
      const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click();
    };
    if (scoped) await chooseScope('Service: asm-troubleshooter-demo');
    // Room for the steps' rows (the intake's rows fill its pane): the other panes collapsed, then put back.
    const restorePanes = await onlyPane(page, 'Troubleshooting Steps');
    try {
      // At the top, or under the demo service's node.
      const step1 = steps.locator('.monaco-list-row', { hasText: '1. Send a test attack' }).first();
      await step1.waitFor({ timeout: 30_000 });
      await step1
        .locator('.codicon-pass')
        .waitFor({ timeout: 30_000 })
        .catch(async (e) => {
          throw new Error(`step 1 did not pass: ${JSON.stringify(await helpers.treeRows('Troubleshooting Steps'))}\n${e.message}`);
        });
      await helpers.screenshot('e2e-test-attack');
    } finally {
      await restorePanes().catch(() => {});
      if (scoped) await chooseScope('All evidence').catch(() => {});
    }

    // Clear Received Traces empties the view (the intake goes on listening).
    await helpers.runCommand('ASM Troubleshooter: Clear Received Traces');
    const intakePane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Local Intake Traces' }) }).first();
    await intakePane.locator('.monaco-list-row', { hasText: 'ua0-600-12x' }).first().waitFor({ state: 'detached', timeout: 30_000 });
  } finally {
    await killGroup(app.pid);
    await helpers.runCommand('ASM Troubleshooter: Stop Local Trace Intake').catch(() => {});
  }
}
