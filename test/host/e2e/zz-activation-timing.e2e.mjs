// Issue 17.3, measured (printed, never asserted): on demo/, how long from the workbench opening until the
// Troubleshooting Steps tree shows its first verdict row (a pass/fail/warning icon on a top-level node), once in a
// fresh window (new browser context: the extension activates when its view is opened) and after "Developer: Reload
// Window", twice (the view container is remembered, so the extension activates with the workbench).
// Times come from the page's own clock (performance.now(), 0 = the navigation's start), polled every frame.
// The window opens its own fresh copy of demo/ (the shared scenario workspace holds other scenarios' files, some of
// which activate the extension at start-up); the file name sorts it last.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHelpers } from '../lib/ui.mjs';

export const name = 'activation timing: workbench open → first verdict in the steps tree (printed)';
export const timeoutMs = 180_000;

const PANE = 'Troubleshooting Steps';
const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../demo');
const folderFor = (ws) => path.join(path.dirname(ws), 'workspace-timing');

export function setup({ ws }) {
  cpSync(DEMO, folderFor(ws), { recursive: true });
}

/** Waits for the steps tree's first top-level row with a verdict icon; returns performance.now() at that frame. */
async function verdictAt(page) {
  const h = await page.waitForFunction(
    (title) => {
      for (const pane of document.querySelectorAll('.part.sidebar .pane')) {
        if (!pane.querySelector('.pane-header')?.textContent?.includes(title)) continue;
        const row = pane.querySelector(
          '.monaco-list-row[aria-level="1"] .codicon-pass, .monaco-list-row[aria-level="1"] .codicon-error, .monaco-list-row[aria-level="1"] .codicon-warning',
        );
        if (row) return performance.now();
      }
      return false;
    },
    PANE,
    { polling: 'raf', timeout: 60_000 },
  );
  return h.jsonValue();
}

const s = (ms) => (ms / 1000).toFixed(2) + ' s';

/** The extension's own figure, from its Output channel (the editor renders spaces as no-break spaces): "steps: first verdict N ms after activation (…)". */
async function extensionFigure(page, helpers) {
  await helpers.runCommand('ASM Troubleshooter: Show Output');
  const line = await helpers
    .waitForText('.part.panel .view-lines', /steps:\sfirst\sverdict\s\d+\sms\safter\sactivation\s\([^)]*\)/, { timeout: 30_000 })
    .catch(() => '');
  await page.keyboard.press('Escape');
  return /steps:\sfirst\sverdict\s(\d+)\sms\safter\sactivation\s\(([^)]*)\)/.exec(line.replace(/\u00a0/g, ' '))?.slice(1) ?? ['?', 'not in the Output'];
}

export async function run({ page, ws, outDir }) {
  const url = new URL(page.url());
  url.searchParams.set('folder', folderFor(ws));
  const browser = page.context().browser();
  assert.ok(browser, 'the scenario page belongs to a launched browser');
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const fresh = await context.newPage();
    fresh.setDefaultTimeout(30_000);
    const helpers = makeHelpers(fresh, { outDir });
    await fresh.goto(url.href, { timeout: 60_000 });
    await fresh.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const workbench = await fresh.evaluate(() => performance.now());
    // A fresh window shows the Explorer: open the extension's view as a user would (this activates it: onView).
    await helpers.openViewContainer('ASM Troubleshooter');
    const viewShown = await fresh.evaluate(() => performance.now());
    const first = await verdictAt(fresh);
    await helpers.screenshot('e2e-activation-first-verdict');
    const [extFirst, extFirstServer] = await extensionFigure(fresh, helpers);

    // Reload (twice: the server's code cache, written at its first exit, is there for the second, as it is for every
    // start after a user's first): the workbench comes back with the view container shown, and the extension activates.
    const reloads = [];
    for (let i = 0; i < 2; i++) {
      // The main frame's navigation only: webviews and other iframes navigate too, and an early resolve let the
      // next step run against the page being torn down (seen once in CI: the scenario's pending wait then rejected
      // unhandled when its context closed). The wait is always settled, also when the command itself throws.
      const reloaded = fresh.waitForEvent('framenavigated', { predicate: (f) => f === fresh.mainFrame(), timeout: 60_000 });
      reloaded.catch(() => {});
      // The palette can close under the typing while the window is still settling (the Output view just shown and
      // dismissed): seen once in CI as "fill: element is not visible". Bounded retry; the reload happens only on
      // the click, so a failed attempt has not reloaded.
      for (let attempt = 1; ; attempt++) {
        try {
          await helpers.runCommand('Developer: Reload Window', { timeout: 10_000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
          await fresh.keyboard.press('Escape');
        }
      }
      await reloaded;
      await fresh.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const workbench2 = await fresh.evaluate(() => performance.now());
      const verdict = await verdictAt(fresh);
      if (i === 0) await helpers.screenshot('e2e-activation-after-reload');
      const [ext, extServer] = await extensionFigure(fresh, helpers);
      reloads.push({ workbench2, verdict, ext, extServer });
      if (process.env.ASM_HOST_DEBUG) {
        // Epoch times of the reload's navigation start and verdict, to line up with the extension host's logs.
        const origin = await fresh.evaluate(() => performance.timeOrigin);
        console.log(`  reload ${i + 1}: navigation ${new Date(origin).toISOString()}, verdict ${new Date(origin + verdict).toISOString()}`);
      }
    }
    const [r1, r2] = reloads;
    const afterReload = r1.verdict;
    console.log(
      `host: activation → first verdict ${s(first)} (workbench ${s(workbench)}, view opened at ${s(viewShown)}: ${s(first - viewShown)} after), ` +
        `after reload ${s(r1.verdict)} (workbench ${s(r1.workbench2)}: ${s(r1.verdict - r1.workbench2)} after), ` +
        `after a second reload ${s(r2.verdict)} (workbench ${s(r2.workbench2)}: ${s(r2.verdict - r2.workbench2)} after); ` +
        `in the extension host, activate() → first verdict ${extFirst} ms (${extFirstServer}), after reload ${r1.ext} ms (${r1.extServer}), ` +
        `after the second ${r2.ext} ms (${r2.extServer})`,
    );
    assert.ok(first > 0 && afterReload > 0);
  } finally {
    await context.close().catch(() => {});
  }
}
