// Workbench helpers handed to every UI scenario (test/host/e2e/*.e2e.mjs) as `helpers`.
// Every wait is bounded; selectors are those of VS Code 1.100 (code-server 4.100.3).
import path from 'node:path';

export function makeHelpers(page, { outDir, timeoutMs = 30_000 }) {
  const quickInput = page.locator('.quick-input-widget');
  const quickInputBox = quickInput.locator('.quick-input-box input');

  async function closeQuickInput() {
    for (let i = 0; i < 3 && (await quickInput.isVisible().catch(() => false)); i++) await page.keyboard.press('Escape');
  }

  /** Opens the command palette and runs the command labelled exactly `label`, or the only one containing it. */
  async function runCommand(label, { timeout = timeoutMs } = {}) {
    await closeQuickInput();
    await page.keyboard.press('F1');
    await quickInputBox.waitFor({ state: 'visible', timeout });
    await quickInputBox.fill('>' + label);
    const row = quickInput.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) });
    await row.first().waitFor({ state: 'visible', timeout });
    // Several rows can contain the label as a substring: click the one whose label is exactly it.
    const n = await row.count();
    const seen = [];
    for (let i = 0; i < n; i++) {
      const text = ((await row.nth(i).locator('.label-name').first().textContent()) ?? '').trim();
      seen.push(text);
      if (text === label) {
        await row.nth(i).click();
        await quickInput.waitFor({ state: 'hidden', timeout }).catch(() => {});
        return;
      }
    }
    // No exact match: accept a single entry that contains the label (e.g. "View: Focus Problems (Errors, …)").
    if (n === 1) {
      await row.first().click();
      await quickInput.waitFor({ state: 'hidden', timeout }).catch(() => {});
      return;
    }
    throw new Error(`command palette has no entry labelled exactly "${label}" (saw ${JSON.stringify(seen)})`);
  }

  /** Opens a workspace file through Quick Open (file search), then waits for its editor tab to be active. */
  async function openFile(relPath, { timeout = timeoutMs } = {}) {
    const base = path.posix.basename(relPath);
    await closeQuickInput();
    await page.keyboard.press('F1');
    await quickInputBox.waitFor({ state: 'visible', timeout });
    await quickInputBox.fill(relPath);
    const row = quickInput.locator('.monaco-list-row', { hasText: base });
    await row.first().waitFor({ state: 'visible', timeout });
    await row.first().click();
    await page.locator('.tabs-container .tab.active', { hasText: base }).first().waitFor({ timeout });
    await page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().waitFor({ timeout });
  }

  async function focusProblems() {
    await runCommand('View: Focus Problems');
    await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Text of each row of the Problems panel (file rows and marker rows). */
  async function problemsRows() {
    return (await page.locator('.markers-panel .monaco-list-row').allTextContents()).map((t) => t.trim());
  }

  /** Waits until some element matching `selector` has text matching `text` (string = substring); returns that text. */
  async function waitForText(selector, text, { timeout = timeoutMs } = {}) {
    const handle = await page.waitForFunction(
      ({ selector, source, flags, plain }) => {
        const re = plain === null ? new RegExp(source, flags) : null;
        for (const el of document.querySelectorAll(selector)) {
          const t = el.textContent ?? '';
          if (re ? re.test(t) : t.includes(plain)) return t;
        }
        return false;
      },
      typeof text === 'string' ? { selector, source: '', flags: '', plain: text } : { selector, source: text.source, flags: text.flags, plain: null },
      { timeout },
    );
    return (await handle.jsonValue()).trim();
  }

  /** The language mode shown in the status bar for the active editor. */
  async function statusBarLanguage() {
    const el = page.locator('[id="status.editor.mode"]');
    await el.waitFor({ timeout: timeoutMs });
    return ((await el.textContent()) ?? '').trim();
  }

  /** Rendered tokens of the active editor's visible lines: [{ line, text, className }] (className holds mtkN). */
  async function tokens() {
    return page.evaluate(() => {
      const out = [];
      const editor =
        document.querySelector('.editor-group-container.active .editor-instance .monaco-editor') ?? document.querySelector('.editor-instance .monaco-editor');
      const lines = [...(editor?.querySelectorAll('.view-lines .view-line') ?? [])].sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      lines.forEach((l, line) => {
        for (const s of l.querySelectorAll(':scope > span > span')) out.push({ line, text: s.textContent ?? '', className: s.className });
      });
      return out;
    });
  }

  /** Shows the activity-bar view container whose title is `title` (clicks its entry unless it is already shown). */
  async function openViewContainer(title) {
    const sidebar = page.locator('.part.sidebar');
    const header = sidebar.locator('.composite.title .title-label');
    const shown = async () =>
      (await sidebar.isVisible().catch(() => false)) &&
      (
        (await header
          .first()
          .textContent()
          .catch(() => '')) ?? ''
      )
        .trim()
        .toLowerCase() === title.toLowerCase();
    if (await shown()) return;
    const item = page.locator(`.activitybar .action-item[role="tab"][aria-label^="${title}"], .activitybar .action-item a[aria-label^="${title}"]`).first();
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    await item.click();
    await sidebar.waitFor({ state: 'visible', timeout: timeoutMs });
    await page.waitForFunction(
      (t) => document.querySelector('.part.sidebar .composite.title .title-label')?.textContent?.trim().toLowerCase() === t.toLowerCase(),
      title,
      { timeout: timeoutMs },
    );
  }

  /** Rows of a tree view pane, identified by the pane's header title; `level` filters by aria-level. */
  async function treeRows(paneTitle, { level } = {}) {
    const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: paneTitle }) }).first();
    await pane.waitFor({ timeout: timeoutMs });
    const rows = pane.locator(level ? `.monaco-list-row[aria-level="${level}"]` : '.monaco-list-row');
    return (await rows.allTextContents()).map((t) => t.trim());
  }

  async function screenshot(name) {
    const file = path.join(outDir, name.endsWith('.png') ? name : `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  /** Back to a neutral state between scenarios: no quick input, no editors, no notifications. */
  async function reset() {
    await closeQuickInput();
    await runCommand('View: Close All Editors').catch(() => {});
    await runCommand('Notifications: Clear All Notifications').catch(() => {});
  }

  return {
    runCommand,
    openFile,
    focusProblems,
    problemsRows,
    waitForText,
    statusBarLanguage,
    tokens,
    openViewContainer,
    treeRows,
    screenshot,
    reset,
    closeQuickInput,
  };
}
