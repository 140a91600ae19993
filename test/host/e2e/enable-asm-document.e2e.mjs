// Issue 16.8 through the UI: "Show How to Enable ASM" (command palette) opens a read-only document with the
// language's setting, and closing it with the keyboard asks nothing: no "Do you want to save" dialog, no dirty
// tab, no Untitled editor left behind.
import assert from 'node:assert/strict';
import { LOG, setup as setupLog } from './log-diagnostics.e2e.mjs';

export const name = 'Show How to Enable ASM: a read-only document that closes with the keyboard without a save prompt';
export const setup = setupLog;

export async function run({ page, helpers }) {
  await helpers.openFile(LOG); // a Node.js log: the extension runs and knows the language
  await helpers.runCommand('View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 30_000 });

  await helpers.runCommand('ASM Troubleshooter: Show How to Enable ASM');
  const tab = page.locator('.tabs-container .tab.active', { hasText: /Enable ASM/ }).first();
  await tab.waitFor({ timeout: 30_000 });
  // The instructions are there, rendered in the Markdown preview (a webview: nested iframes).
  const preview = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame').locator('body');
  const text = (
    await preview
      .filter({ hasText: /DD_APPSEC_ENABLED/ })
      .first()
      .innerText({ timeout: 30_000 })
  ).trim();
  assert.match(text, /DD_APPSEC_ENABLED/, 'the document says which setting turns ASM on');
  const tabs = (await page.locator('.tabs-container .tab').allTextContents()).map((t) => t.trim());
  assert.ok(!tabs.some((t) => /Untitled/.test(t)), `no Untitled editor: ${JSON.stringify(tabs)}`);
  assert.equal(await page.locator('.tabs-container .tab.dirty').count(), 0, 'nothing to save');
  await helpers.screenshot('e2e-enable-asm-document');

  // Close it with the keyboard, as a user would (focus the editor group first).
  await tab.click();
  await page.keyboard.press('Control+W');
  await page
    .locator('.tabs-container .tab', { hasText: /Enable ASM/ })
    .first()
    .waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no "Do you want to save" dialog');
  const left = (await page.locator('.tabs-container .tab').allTextContents()).map((t) => t.trim());
  assert.deepEqual(left, [], `no editor left behind: ${JSON.stringify(left)}`);
  await helpers.screenshot('e2e-enable-asm-document-closed');
}
