// Commands run from the command palette: Show Output reveals the extension's log channel, which has the
// language client's start-up; Refresh Troubleshooting Steps keeps the tree's five nodes.
import assert from 'node:assert/strict';
import { LOG, setup as setupLog } from './log-diagnostics.e2e.mjs';

export const name = 'command palette: Show Output, Refresh Troubleshooting Steps';
export const setup = setupLog;

export async function run({ page, helpers }) {
  await helpers.openFile(LOG); // activates the extension (onLanguage:asm-log)
  await helpers.runCommand('ASM Troubleshooter: Show Output');
  // The Output panel switches to the extension's channel.
  const panel = page.locator('.part.panel');
  await panel.waitFor({ state: 'visible', timeout: 30_000 });
  // The Output view is the active panel and its channel picker has the extension's channel selected.
  await helpers.waitForText('.part.panel .composite-bar .action-item.checked', /^Output$/i);
  const channel = await page.waitForFunction(
    () => {
      for (const s of document.querySelectorAll('.part.panel select')) {
        const t = s.options[s.selectedIndex]?.text;
        if (t === 'ASM Troubleshooter') return t;
      }
      return false;
    },
    null,
    { timeout: 30_000 },
  );
  assert.equal(await channel.jsonValue(), 'ASM Troubleshooter');
  await helpers.screenshot('e2e-output');

  await helpers.runCommand('ASM Troubleshooter: Refresh Troubleshooting Steps');
  await helpers.openViewContainer('ASM Troubleshooter');
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Troubleshooting Steps' }) }).first();
  await pane.locator('.monaco-list-row[aria-level="1"]').nth(4).waitFor({ timeout: 30_000 });
  assert.equal((await helpers.treeRows('Troubleshooting Steps', { level: 1 })).length, 5);
}
