// PHP AppSec ini in the real VS Code: the guide's pasted snippet (typographic quotes, a relative path) in a CRLF file
// without a final newline shows ini-smart-quotes in the Problems panel; the lightbulb's "Fix all ini-smart-quotes in
// file" straightens every value, and the saved file is byte for byte what it should be (CRLF, comment, no final newline).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const name = 'ini: Problems panel, Fix all smart quotes, file saved byte for byte';
const FILE = 'host-e2e-ini/98-ddappsec.ini';
const BEFORE =
  '; pasted from the troubleshooting guide\r\ndatadog.appsec.log_level=‘debug’\r\ndatadog.appsec.helper_log_file=‘/tmp/helper.log’\r\ndatadog.appsec.log_file=’/tmp/extension.log’';
const AFTER =
  "; pasted from the troubleshooting guide\r\ndatadog.appsec.log_level='debug'\r\ndatadog.appsec.helper_log_file='/tmp/helper.log'\r\ndatadog.appsec.log_file='/tmp/extension.log'";

export function setup({ ws }) {
  mkdirSync(path.join(ws, 'host-e2e-ini'), { recursive: true });
  writeFileSync(path.join(ws, FILE), BEFORE);
}

export async function run({ page, ws, helpers }) {
  await helpers.openFile(FILE);
  await helpers.waitForText('[id="status.editor.mode"]', 'PHP AppSec ini');

  // Before: the three findings in the Problems panel.
  await helpers.focusProblems();
  await helpers.waitForText('.markers-panel .monaco-list-row', /typographic quotes/);
  await page.waitForFunction(
    () => [...document.querySelectorAll('.markers-panel .monaco-list-row')].filter((r) => r.textContent?.includes('ini-smart-quotes')).length >= 3,
    null,
    { timeout: 30_000 },
  );
  const before = (await helpers.problemsRows()).filter((r) => r.includes('ini-smart-quotes'));
  assert.equal(before.length, 3, JSON.stringify(await helpers.problemsRows()));
  await helpers.screenshot('e2e-ini-problems-before');

  // Cursor into the first value (line 2, column 26), then the lightbulb menu (Ctrl+.).
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.type(':2:26');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Fix all ini-smart-quotes in file (3)' }).first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await helpers.screenshot('e2e-ini-quick-fix-menu');
  // The menu keeps a pointer block over the page: choose with the keyboard, as a user would.
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let i = 0; i < 10 && !((await focused.textContent().catch(() => '')) ?? '').includes('Fix all ini-smart-quotes'); i++)
    await page.keyboard.press('ArrowDown');
  assert.match((await focused.textContent()) ?? '', /Fix all ini-smart-quotes in file \(3\)/);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+S');

  // After: the file on disk, byte for byte, and no ini-smart-quotes left in the Problems panel.
  const file = path.join(ws, FILE);
  const deadline = Date.now() + 30_000;
  let text = readFileSync(file, 'utf8');
  while (text !== AFTER && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    text = readFileSync(file, 'utf8');
  }
  assert.equal(JSON.stringify(text), JSON.stringify(AFTER));
  await page.waitForFunction(
    () => ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent?.includes('ini-smart-quotes')),
    null,
    { timeout: 30_000 },
  );
  await helpers.screenshot('e2e-ini-after-fix');
}
