// The activity-bar container opens and the Troubleshooting Steps tree shows the confirm node and steps 1-4,
// with the running step failed by the log's appsec-disabled finding.
import assert from 'node:assert/strict';
import { LOG, setup as setupLog } from './log-diagnostics.e2e.mjs';

export const name = 'activity bar: Troubleshooting Steps tree';
export const setup = setupLog;

export async function run({ page, helpers }) {
  await helpers.openFile(LOG); // evidence for the tree; without any, it shows the viewsWelcome
  await helpers.openViewContainer('ASM Troubleshooter');
  await helpers.waitForText('.part.sidebar .pane-header', 'Troubleshooting Steps');
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Troubleshooting Steps' }) }).first();
  await pane.locator('.monaco-list-row[aria-level="1"]').nth(4).waitFor({ timeout: 30_000 });
  const top = await helpers.treeRows('Troubleshooting Steps', { level: 1 });
  assert.equal(top.length, 5, `five top-level nodes: ${JSON.stringify(top)}`);
  assert.match(top[0], /^Confirm Application Security is running/);
  for (let i = 1; i <= 4; i++) assert.match(top[i], new RegExp(`^${i}\\. `), `node ${i}: ${top[i]}`);
  // The log's appsec-disabled finding fails the confirm node (error icon); steps 1-4 have no evidence from it.
  const rows = pane.locator('.monaco-list-row[aria-level="1"]');
  await rows.first().locator('.codicon-error').waitFor({ timeout: 30_000 });
  assert.equal(await rows.nth(1).locator('.codicon-error').count(), 0, 'step 1 is not failed by a startup log');
  await helpers.screenshot('e2e-tree');
}
