// Issue 16.3 through the UI: a healthy Node.js tracer log (ASM on, the Agent answering, attacks detected) shows its
// health where the eye is — the code lens at the start of the startup line and the status bar's log summary — and
// nothing in Problems: the status bar's problems item says 0 errors, 0 warnings, the Problems tab has no badge and
// the panel says no problems were detected.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'healthy log: code lens and status bar show the health, Problems badge 0';
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../demo/logs/dd-trace-node-asm-on.log');
const LOG = 'host-e2e-healthy/dd-trace-healthy.log';

export function setup({ ws }) {
  mkdirSync(path.join(ws, 'host-e2e-healthy'), { recursive: true });
  copyFileSync(FIXTURE, path.join(ws, LOG));
}

export async function run({ page, helpers }) {
  await helpers.openFile(LOG);
  await helpers.waitForText('[id="status.editor.mode"]', 'ASM Tracer Log');

  // The analysis is in: the lens at column 0 of the startup line and the status bar summary say ASM is on.
  const lens = await helpers.waitForText('.editor-instance .monaco-editor .codelens-decoration', /ASM on · Node\.js \d/);
  assert.match(lens, /Agent http:\/\/\S+/, `the lens names the Agent: ${lens}`);
  const summary = await helpers.waitForText('.part.statusbar .statusbar-item', /Node\.js [\d.]+ · ASM on · \d+ attacks?/);
  assert.doesNotMatch(summary, /\?/, 'the summary has no "?"');

  // Problems: nothing for this log (the workspace has no other open file with findings).
  await helpers.focusProblems();
  await page.waitForFunction(
    () =>
      /No problems have been detected/.test(document.querySelector('.markers-panel')?.textContent ?? '') ||
      !!document.querySelector('.markers-panel .monaco-list-row'),
    null,
    { timeout: 30_000 },
  );
  const rows = await helpers.problemsRows();
  assert.deepEqual(rows, [], `no Problems rows: ${JSON.stringify(rows)}`);
  await helpers.waitForText('.markers-panel', /No problems have been detected in the workspace/);
  const counts = ((await page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '').trim();
  assert.match(counts, /^No Problems$|\b0 errors?\b.*\b0 warnings?\b/i, `status bar problems item: "${counts}"`);
  // The Problems tab's count badge (the panel's activity badge) is not shown for 0.
  const badges = await page
    .locator('.part.panel .composite-bar .action-item', { hasText: /Problems/i })
    .locator('.badge .badge-content')
    .evaluateAll((els) => els.filter((e) => e.offsetParent !== null && (e.textContent ?? '').trim() !== '').map((e) => e.textContent?.trim()));
  assert.deepEqual(badges, [], `no badge on the Problems tab: ${JSON.stringify(badges)}`);
  await helpers.screenshot('e2e-healthy-log-badge-0');
}
