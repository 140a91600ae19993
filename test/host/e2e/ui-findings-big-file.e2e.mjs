// A 200 MB tracer log (issue 16 §5): "Analyze Log File…" from the Explorer's context menu (VS Code does not open or
// sync files above 50 MB; the language server streams it from disk). The ASM Findings view lists, per code, the
// count and the first and last line (every occurrence, also those over the 5,000-findings cap that Problems cannot
// show); a click opens a read-only excerpt with the lines around the finding; Clear Results empties the view.
// The file: a 4 MB mixed log of every tracer's real formats (scripts/bench-gen.mjs, seeded) repeated 50 times,
// then the Java catalogue's AppSec errors (test/fixtures/logs/catalogue/java.log), found only at its very end.
// Counts are compared with `node dist/cli.js check --json` on the same file.
// Screenshots: test-results/e2e-findings-summary.png, test-results/e2e-findings-excerpt.png.
// (File name ui-…: scenarios run in file-name order in one session, and the services this one shows the steps (its
// logs, its traces at the intake) stay there; after the steps scenarios, the steps tree is theirs as they expect.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLog } from '../../../scripts/bench-gen.mjs';
import { onlyPane, widenSidebar } from '../lib/panes.mjs';

export const name = 'ASM Findings: summary and excerpt of a 200 MB log, Clear Results';
export const timeoutMs = 240_000;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// A rotated log's name: the Explorer offers "Analyze Log File…" on it, and the steps' workspace walk (**/*.log) does
// not take it, so the other scenarios' steps and `steps --json` do not see it.
const FILE = 'big-tracer.log.1';
const FILE_RE = FILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const REPEAT = 50;
/** Expected per code: { count, first, last } (1-based lines), and the text of a line (1-based). */
let expected;
let lineText;

function cliCheck(file) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'check', '--json', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status === null) throw new Error(`cli check: ${r.error ?? r.signal}`);
  return JSON.parse(r.stdout).files[0];
}

/** Per code of a CLI report: first and last line (1-based, as the CLI says them) of its listed findings. */
function extents(report) {
  const by = {};
  for (const f of report.findings) {
    const e = (by[f.code] ??= { first: f.line, last: f.line, n: 0 });
    e.n++;
    e.first = Math.min(e.first, f.line);
    e.last = Math.max(e.last, f.line);
  }
  return by;
}

export async function setup({ ws }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'asm-e2e-big-'));
  try {
    const chunkFile = path.join(tmp, 'chunk.log');
    await generateLog(chunkFile, 4 * 1024 * 1024, { seed: 7 });
    const chunk = readFileSync(chunkFile);
    assert.equal(chunk.at(-1), 0x0a, 'the chunk ends with a newline');
    const chunkLines = chunk.toString('latin1').split('\n').length - 1;
    const tail = readFileSync(path.join(REPO, 'test/fixtures/logs/catalogue/java.log'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const tailFile = path.join(tmp, 'tail.log');
    await (async () => {
      const w = createWriteStream(tailFile);
      w.end(tail.join('\n') + '\n');
      await once(w, 'finish');
    })();
    const big = path.join(ws, FILE);
    const w = createWriteStream(big);
    for (let i = 0; i < REPEAT; i++) if (!w.write(chunk)) await once(w, 'drain');
    w.end(tail.join('\n') + '\n');
    await once(w, 'finish');
    assert.ok(statSync(big).size > 200 * 1024 * 1024, 'the log is above 200 MB');

    // The oracle: the chunk and the tail are small enough to list every finding.
    const inChunk = extents(cliCheck(chunkFile));
    const inTail = extents(cliCheck(tailFile));
    const whole = cliCheck(big);
    const counts = {};
    for (const f of whole.findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
    // What is not listed, the CLI says in a note: "178950 more finding(s) not listed (DDAS-0010-00: 60351, …)".
    const note = whole.notes.find((n) => /more finding\(s\) not listed/.test(n)) ?? '';
    for (const [, k, v] of note.matchAll(/([\w.-]+): (\d+)/g)) counts[k] = (counts[k] ?? 0) + Number(v);
    // The CLI's report of the big file lists 5,000 findings and counts the rest in a note.
    assert.ok(Object.values(counts).reduce((a, b) => a + b, 0) > 5000, 'the file has findings over the cap');
    expected = {};
    for (const [code, count] of Object.entries(counts)) {
      const c = inChunk[code];
      const t = inTail[code];
      const first = c ? c.first : t ? REPEAT * chunkLines + t.first : null;
      const last = t ? REPEAT * chunkLines + t.last : c ? (REPEAT - 1) * chunkLines + c.last : null;
      // Only codes whose count the repetition explains (a rule with state across chunks has no simple oracle).
      if ((c?.n ?? 0) * REPEAT + (t?.n ?? 0) === count) expected[code] = { count, first, last };
    }
    const chunkText = chunk.toString('utf8').split('\n');
    lineText = (n1) => {
      const i = n1 - 1;
      return i >= REPEAT * chunkLines ? tail[i - REPEAT * chunkLines] : chunkText[i % chunkLines];
    };
    assert.ok(expected['appsec-start-failed'], `a code found only at the end: ${JSON.stringify(expected)}`);
    assert.ok(expected['appsec-disabled'], `a code found in every chunk: ${JSON.stringify(expected)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const num = (s) => Number(s.replace(/,/g, ''));
/** "ASM could not start1× appsec-start-failed · line 1,071,751" → { code, count, first, last } (1-based). */
function parseCodeRow(text) {
  const m = /([\d,]+)× ([\w.-]+)(?: · lines? ([\d,]+)(?:–([\d,]+))?)?/.exec(text);
  if (!m) return null;
  return { text, code: m[2], count: num(m[1]), first: m[3] ? num(m[3]) : null, last: m[4] ? num(m[4]) : m[3] ? num(m[3]) : null };
}

/** Waits until the active editor shows `marker` (the excerpt's text comes from the server after the tab opens). */
async function waitForEditorText(page, marker) {
  await page.waitForFunction(
    (m) =>
      (document.querySelector('.editor-group-container.active .editor-instance .monaco-editor .view-lines')?.textContent ?? '')
        .replace(/\u00a0/g, ' ')
        .includes(m),
    marker,
    { timeout: 30_000 },
  );
}

/** The active editor's visible text (Monaco renders spaces as U+00A0). */
async function editorText(page) {
  const t = await page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first().textContent();
  return (t ?? '').replace(/\u00a0/g, ' ');
}

export async function run({ page, helpers }) {
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'ASM Findings' }) }).first();
  const codeRow = (code) => pane.locator('.monaco-list-row[aria-level="2"]', { hasText: new RegExp(`× ${code}\\b`) }).first();

  // Only this file's results in the view, and room for them (earlier scenarios may have left the panel open).
  await helpers.runCommand('ASM Troubleshooter: Clear All Results');
  await helpers.runCommand('View: Hide Panel').catch(() => {});
  await helpers.runCommand('Notifications: Hide Notifications').catch(() => {});
  // As a user does: right-click the file in the Explorer, "Analyze Log File…".
  await helpers.runCommand('View: Show Explorer');
  const entry = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first();
  await entry.waitFor({ timeout: 30_000 });
  await entry.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Analyze Log File…' }).first();
  await item.waitFor({ timeout: 10_000 });
  // A menu ignores a click that comes right as it opens: click until it closes (bounded).
  const menu = page.locator('.context-view .monaco-menu');
  for (let i = 0; i < 5 && (await menu.isVisible().catch(() => false)); i++) {
    await item.hover();
    await item.locator('.action-menu-item').first().click();
    await menu.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => {});
  }
  assert.equal(await menu.isVisible(), false, 'the context menu closed on "Analyze Log File…"');

  // The result notification, then its "Show Findings".
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: new RegExp(`${FILE_RE}: [\\d,]+ lines`) }).first();
  await toast.waitFor({ timeout: 180_000 });
  const said = ((await toast.textContent()) ?? '').trim();
  assert.match(said, /more counted \(see ASM Findings\)/, said);
  await toast.locator('.monaco-button', { hasText: 'Show Findings' }).click();
  await pane.locator('.monaco-list-row[aria-level="1"]', { hasText: FILE }).first().waitFor({ timeout: 30_000 });
  const restorePanes = await onlyPane(page, 'ASM Findings');
  const restoreWidth = await widenSidebar(page, 640);
  try {
    await codeRow('appsec-start-failed').waitFor({ timeout: 30_000 });
    await checkSummary(page, helpers, pane, codeRow);
  } finally {
    await restoreWidth().catch(() => {});
    await restorePanes().catch(() => {});
  }
}

async function checkSummary(page, helpers, pane, codeRow) {
  const fileRow = pane.locator('.monaco-list-row[aria-level="1"]', { hasText: FILE }).first();
  assert.match((await fileRow.textContent()) ?? '', /[\d,]+ finding\(s\) · [\d,]+ lines/);
  const rows = (await pane.locator('.monaco-list-row[aria-level="2"]').allTextContents()).map(parseCodeRow).filter(Boolean);
  assert.ok(rows.length >= 3, `code rows: ${JSON.stringify(rows)}`);
  // Every code row shown says what the CLI counts, and the first and last line of the file where it occurs.
  for (const r of rows) {
    const e = expected[r.code];
    if (!e) continue;
    assert.deepEqual({ code: r.code, count: r.count, first: r.first, last: r.last }, { code: r.code, ...e }, `the ${r.code} row`);
    // Line numbers read as numbers do (1,069,524).
    if (e.first !== e.last) assert.ok(r.text.includes(`lines ${e.first.toLocaleString('en-US')}–${e.last.toLocaleString('en-US')}`), r.text);
  }
  for (const code of ['appsec-start-failed', 'appsec-disabled'])
    assert.ok(
      rows.some((r) => r.code === code),
      `${code} is listed: ${JSON.stringify(rows)}`,
    );
  await helpers.screenshot('e2e-findings-summary');

  // A click on the code found only at the end: an excerpt of the file (read-only) around its line.
  const start = expected['appsec-start-failed'];
  await codeRow('appsec-start-failed').click();
  await page.locator('.tabs-container .tab.active', { hasText: `${FILE} (line ${start.first})` }).waitFor({ timeout: 60_000 });
  await waitForEditorText(page, `${start.first} > `).catch(() => {});
  let text = await editorText(page);
  assert.match(text, new RegExp(`Excerpt of \\S*${FILE_RE}, lines`), text.slice(0, 300));
  assert.ok(text.includes(`${start.first} > ${lineText(start.first).slice(0, 80)}`), `the excerpt shows line ${start.first}: ${text.slice(0, 2000)}`);

  // The last of a code found all through the file: its "Last" entry opens the excerpt around that line.
  const dis = expected['appsec-disabled'];
  assert.ok(dis.last > dis.first + 1_000_000, `appsec-disabled occurs to the end: ${JSON.stringify(dis)}`);
  await codeRow('appsec-disabled').locator('.monaco-tl-twistie').click();
  const lastRow = pane.locator('.monaco-list-row[aria-level="3"]', { hasText: `Last: line ${dis.last.toLocaleString('en-US')}` }).first();
  await lastRow.waitFor({ timeout: 10_000 });
  await lastRow.click();
  await page.locator('.tabs-container .tab.active', { hasText: `${FILE} (line ${dis.last})` }).waitFor({ timeout: 60_000 });
  await waitForEditorText(page, `${dis.last} > `).catch(() => {});
  text = await editorText(page);
  const want = lineText(dis.last);
  assert.ok(text.includes(`${dis.last} > ${want.slice(0, 60)}`), `the excerpt shows line ${dis.last} (${want.slice(0, 80)}): ${text.slice(0, 2000)}`);
  // Read-only: typing changes nothing.
  await page.locator('.editor-group-container.active .editor-instance .monaco-editor textarea').first().focus();
  await page.keyboard.type('xyz');
  assert.ok(!(await editorText(page)).includes('xyz'), 'the excerpt is read-only');
  await helpers.screenshot('e2e-findings-excerpt');

  // Clear Results (the file row's inline action): the view forgets the file.
  await fileRow.hover();
  await fileRow.locator('.action-label[aria-label^="Clear Results"]').click();
  await fileRow.waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal(await pane.locator('.monaco-list-row').count(), 0, 'the ASM Findings view is empty');
}
