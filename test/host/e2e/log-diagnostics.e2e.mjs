// Opening a real-format Node.js tracer log: the language mode, the grammar's tokens, and the extension's
// diagnostic in the Problems panel.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'tracer log: language, tokens, Problems panel';
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/dd-trace-appsec-disabled.log');
export const LOG = 'host-e2e/dd-trace-appsec-disabled.log';

export function setup({ ws }) {
  mkdirSync(path.join(ws, 'host-e2e'), { recursive: true });
  copyFileSync(FIXTURE, path.join(ws, LOG));
}

export async function run({ page, helpers }) {
  await helpers.openFile(LOG);

  // The contributed language, by its first alias.
  await helpers.waitForText('[id="status.editor.mode"]', 'ASM Tracer Log');
  assert.equal(await helpers.statusBarLanguage(), 'ASM Tracer Log');

  // The TextMate grammar (syntaxes/asm-log.tmLanguage.json) colours the banner: mtk1 is the theme's default
  // foreground, so a banner token with another mtk class was scoped by the grammar.
  await page.waitForFunction(
    () => [...document.querySelectorAll('.editor-instance .view-lines .view-line span span')].some((s) => s.textContent?.includes('DATADOG')),
    null,
    { timeout: 30_000 },
  );
  const line0 = (await helpers.tokens()).filter((t) => t.line === 0 && t.text.trim());
  const mtk = (t) => t.className.match(/\bmtk\d+\b/)?.[0];
  const banner = line0.find((t) => t.text.includes('DATADOG'));
  assert.ok(banner, `a DATADOG token on line 1: ${JSON.stringify(line0)}`);
  assert.notEqual(mtk(banner), 'mtk1', `the banner has a grammar colour: ${JSON.stringify(banner)}`);
  assert.ok(new Set(line0.map(mtk)).size >= 2, `line 1 has tokens of different colours: ${JSON.stringify(line0)}`);

  // The language server's finding, in the Problems panel.
  await helpers.focusProblems();
  const row = await helpers.waitForText('.markers-panel .monaco-list-row', /appsec_enabled is false/);
  assert.match(row, /appsec-disabled/);
  assert.match(row, /Application Security is off/);
  const rows = await helpers.problemsRows();
  assert.ok(
    rows.some((r) => r.includes('dd-trace-appsec-disabled.log')),
    `a file row for the log: ${JSON.stringify(rows)}`,
  );
  await helpers.screenshot('e2e-problems');
}
