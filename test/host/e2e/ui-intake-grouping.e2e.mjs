// The Local Intake Traces view (issue 16 §6): traces a tracer PUTs to the local intake started from the palette are
// grouped by service and rule with their counts; a status bar item shows while it listens; Stop keeps the rows
// (the view says "stopped"); Clear Received Traces empties the view. Screenshots: test-results/e2e-intake-listening.png,
// test-results/e2e-intake-stopped.png.
// (File name ui-…: scenarios run in file-name order in one session, and the services this one shows the steps (its
// logs, its traces at the intake) stay there; after the steps scenarios, the steps tree is theirs as they expect.)
import assert from 'node:assert/strict';
import { freePort } from '../lib/proc.mjs';
import { onlyPane, paneAction, widenSidebar } from '../lib/panes.mjs';
import { mergeSettings, readSettings, sendTraces, webTrace } from '../lib/workspace.mjs';

export const name = 'intake view: grouped by service and rule, status bar while listening, Stop keeps rows, Clear empties';
export const timeoutMs = 90_000;

export async function setup({ ws }) {
  // A scenario set up later may choose its own intake port: run() reads back what the workspace says.
  mergeSettings(ws, { 'asmTroubleshooter.intake.port': await freePort() });
}

const ARACHNI = { id: 'ua0-600-12x', name: 'Arachni', value: 'Arachni/v', pattern: '^Arachni\\/v' };
const SQLI = { id: 'crs-942-100', name: 'SQL injection exploit', type: 'sql_injection', value: "1' OR '1'='1" };

export async function run({ page, ws, helpers }) {
  const port = readSettings(ws)['asmTroubleshooter.intake.port'];
  assert.ok(port, 'the workspace names the intake port');
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Local Intake Traces' }) }).first();
  const groupRow = (text) => pane.locator('.monaco-list-row[aria-level="1"]', { hasText: text }).first();
  const statusItem = page.locator('.part.statusbar .statusbar-item', { hasText: /Intake 127\.0\.0\.1:/ });
  let restorePanes;
  let restoreWidth;
  try {
    await helpers.runCommand('ASM Troubleshooter: Start Local Trace Intake');
    await helpers.waitForText('.notifications-toasts', `Local trace intake listening on http://127.0.0.1:${port}`);
    // While it listens, before anything arrived: the status bar says where.
    const idle = await helpers.waitForText('.part.statusbar .statusbar-item', new RegExp(`Intake 127\\.0\\.0\\.1:${port} · 0 traces`));
    assert.doesNotMatch(idle, /ASM event/);

    // What a tracer sends: 3 Arachni scans on demo-web, 2 SQL injections and 1 plain request on demo-api, in
    // several payloads (a tracer flushes every few seconds).
    assert.equal(await sendTraces(port, [webTrace({ service: 'demo-web', rule: ARACHNI, userAgent: 'Arachni/v1.5.1' })]), 200);
    assert.equal(
      await sendTraces(port, [
        webTrace({ service: 'demo-api', path: '/api/users?id=1', rule: SQLI }),
        webTrace({ service: 'demo-web', rule: ARACHNI, userAgent: 'Arachni/v1.5.1' }),
      ]),
      200,
    );
    assert.equal(
      await sendTraces(port, [
        webTrace({ service: 'demo-web', path: '/login', rule: ARACHNI, userAgent: 'Arachni/v1.5.1' }),
        webTrace({ service: 'demo-api', path: '/api/users?id=2', rule: SQLI }),
        webTrace({ service: 'demo-api', path: '/health' }),
      ]),
      200,
    );

    await helpers.openViewContainer('ASM Troubleshooter');
    restorePanes = await onlyPane(page, 'Local Intake Traces');
    restoreWidth = await widenSidebar(page, 640);
    await groupRow(/ua0-600-12x "Arachni".*demo-web · 3 traces/).waitFor({ timeout: 30_000 });
    // The groups alone (each opens on its newest trace's ASM event): one row per service and rule.
    await paneAction(page, 'Local Intake Traces', 'Collapse All');
    await pane.locator('.monaco-list-row[aria-level="2"]').first().waitFor({ state: 'detached', timeout: 10_000 });
    // One row per service and rule, with the count: not one row per request.
    await groupRow(/ua0-600-12x "Arachni".*demo-web · 3 traces/).waitFor({ timeout: 30_000 });
    await groupRow(/crs-942-100 "SQL injection exploit".*demo-api · 2 traces/).waitFor({ timeout: 30_000 });
    await groupRow(/Traces without an ASM event.*demo-api · 1 trace\b/).waitFor({ timeout: 30_000 });
    const groups = await helpers.treeRows('Local Intake Traces', { level: 1 });
    assert.equal(groups.length, 3, `three groups: ${JSON.stringify(groups)}`);
    // ASM events first.
    assert.doesNotMatch(groups[2], /ua0-600-12x|crs-942-100/, JSON.stringify(groups));
    // The status bar counts what arrived.
    const status = await helpers.waitForText('.part.statusbar .statusbar-item', new RegExp(`Intake 127\\.0\\.0\\.1:${port} · 6 traces · 5 ASM events`));
    assert.doesNotMatch(status, /\bB\b|bytes/, 'no cryptic byte counts in the status bar');
    await helpers.screenshot('e2e-intake-listening');

    // Stop: the status bar item goes, the rows stay, the view says it stopped.
    await helpers.runCommand('ASM Troubleshooter: Stop Local Trace Intake');
    await statusItem.first().waitFor({ state: 'hidden', timeout: 30_000 });
    await pane.locator('.pane-header', { hasText: 'stopped' }).waitFor({ timeout: 30_000 });
    await groupRow(/ua0-600-12x "Arachni".*demo-web · 3 traces/).waitFor({ timeout: 10_000 });
    assert.equal((await helpers.treeRows('Local Intake Traces', { level: 1 })).length, 3, 'Stop keeps what was received');
    await helpers.screenshot('e2e-intake-stopped');

    // Clear: the rows go, the view offers to start the intake again.
    await helpers.runCommand('ASM Troubleshooter: Clear Received Traces');
    await groupRow('ua0-600-12x').waitFor({ state: 'detached', timeout: 30_000 });
    await pane.locator('.welcome-view-content', { hasText: 'Start Local Trace Intake' }).waitFor({ timeout: 30_000 });
    assert.equal((await helpers.treeRows('Local Intake Traces', { level: 1 })).length, 0, 'Clear empties the view');
  } finally {
    await helpers.runCommand('ASM Troubleshooter: Stop Local Trace Intake').catch(() => {});
    await helpers.runCommand('ASM Troubleshooter: Clear Received Traces').catch(() => {});
    await restoreWidth?.().catch(() => {});
    await restorePanes?.().catch(() => {});
  }
}
