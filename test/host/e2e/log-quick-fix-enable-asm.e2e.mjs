// Issue 16.2 through the UI: the lightbulb on a log error does what it says. A Node.js log with ASM off, in a
// workspace whose compose file runs the Node.js service `web` without DD_APPSEC_ENABLED: the cursor on the
// appsec-disabled finding (column ~516 of the startup line), Ctrl+. lists the actions (enable ASM in the compose
// file, the read-only instructions, the documentation); "Enable ASM for web in …" edits the compose file at once (opened,
// the new line selected, unsaved) and Save All writes DD_APPSEC_ENABLED into web's environment, every other byte kept.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'log quick fix: Ctrl+. on ASM off lists the actions, "Enable ASM for web" edits the compose file on disk';
export const timeoutMs = 120_000;
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../demo/logs/dd-trace-node-asm-off.log');
const DIR = 'host-e2e-enable';
const LOG = `${DIR}/dd-trace-asm-off.log`;
const COMPOSE = `${DIR}/docker-compose.yml`;
// No DD_SERVICE here: the other scenarios' steps tree keeps one service.
const BEFORE = [
  'services:',
  '  web:',
  '    image: node:20',
  '    command: node -r dd-trace/init app.js',
  '    environment:',
  '      NODE_ENV: production',
  '',
].join('\n');

export function setup({ ws }) {
  mkdirSync(path.join(ws, DIR), { recursive: true });
  copyFileSync(FIXTURE, path.join(ws, LOG));
  writeFileSync(path.join(ws, COMPOSE), BEFORE);
}

async function readUntil(file, pred, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let text = readFileSync(file, 'utf8');
  while (!pred(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    text = readFileSync(file, 'utf8');
  }
  return text;
}

export async function run({ page, ws, helpers }) {
  await helpers.openFile(LOG);
  await helpers.waitForText('[id="status.editor.mode"]', 'ASM Tracer Log');
  // The analysis is in (its code lens is drawn): the diagnostic is there to act on.
  await helpers.waitForText('.editor-instance .monaco-editor .codelens-decoration', /ASM off · Node\.js/);

  // Cursor on the finding: `"appsec_enabled":false` of line 1, as a user would go there (Go to Line/Column).
  const line1 = readFileSync(path.join(ws, LOG), 'utf8').split('\n')[0];
  const col = line1.indexOf('"appsec_enabled"') + 2;
  assert.ok(col > 400, `the finding is far right on line 1 (column ${col})`);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.type(`:1:${col}`);
  await page.keyboard.press('Enter');
  await helpers.waitForText('[id="status.editor.selection"]', `Ln 1, Col ${col}`);

  // Quick Fix (Ctrl+.): the log error's actions.
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row');
  const enableTitle = `Enable ASM for web in ${COMPOSE}`;
  await rows.filter({ hasText: enableTitle }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const titles = (await rows.allTextContents()).map((t) => t.trim());
  for (const want of [enableTitle, 'Show how to enable ASM for Node.js', 'Open the documentation'])
    assert.ok(
      titles.some((t) => t.includes(want)),
      `"${want}" in the Quick Fix menu: ${JSON.stringify(titles)}`,
    );
  assert.ok(!titles.some((t) => /No code actions available/.test(t)), JSON.stringify(titles));
  await helpers.screenshot('e2e-log-quick-fix-menu');

  // Choose it with the keyboard (the menu keeps a pointer block over the page).
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let i = 0; i < 15 && !((await focused.textContent().catch(() => '')) ?? '').includes(enableTitle); i++) await page.keyboard.press('ArrowDown');
  assert.match((await focused.textContent()) ?? '', new RegExp(enableTitle.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  await page.keyboard.press('Enter');

  // Applied at once, as a quick fix is: the compose file opens with the new line selected, unsaved; the
  // notification says so and offers Save.
  await helpers.waitForText('.notifications-toasts .notification-toast', /not saved yet\. Save the file and redeploy or restart web/);
  await helpers.waitForText('.editor-instance .view-lines', /DD_APPSEC_ENABLED/);
  assert.ok(!(await page.locator('.part.panel .monaco-button', { hasText: /^Apply$/ }).count()), 'no Refactor Preview to confirm');
  await helpers.screenshot('e2e-log-quick-fix-edited');
  await helpers.runCommand('File: Save All Files');

  // On disk: DD_APPSEC_ENABLED in web's environment, after its last variable; every other byte kept.
  const file = path.join(ws, COMPOSE);
  const after = await readUntil(file, (t) => t.includes('DD_APPSEC_ENABLED'));
  const lines = after.split('\n');
  const at = lines.findIndex((l) => l.includes('DD_APPSEC_ENABLED'));
  assert.ok(at >= 0, `DD_APPSEC_ENABLED written: ${JSON.stringify(after)}`);
  assert.match(lines[at], /^ {6}DD_APPSEC_ENABLED: "?true"?$/);
  assert.equal(at, 6, "inside web's environment, after NODE_ENV");
  lines.splice(at, 1);
  assert.equal(lines.join('\n'), BEFORE, 'every other byte kept');
  await helpers.openFile(COMPOSE);
  await helpers.waitForText('.editor-instance .view-lines', /DD_APPSEC_ENABLED/);
  await helpers.screenshot('e2e-log-quick-fix-applied');
}
