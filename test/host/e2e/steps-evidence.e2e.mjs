// The Troubleshooting Steps tree on a workspace with an agent log that only says "No data received" (line 3):
// step 4 fails, its evidence row names trace-agent.log:3, and clicking it opens the log with the finding's exact range
// selected (line 3, its column: the log was analysed in the background, not open). The tree's
// statuses agree with `asm-troubleshooter steps --json` run on the same workspace (one status function for both).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = "steps tree: statuses, evidence click selects the finding's range (Ln/Col) of a background-analysed log, agrees with the CLI";
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const FIXTURE = path.join(REPO, 'test/steps/fixtures/e2e/trace-agent.log');
const DIR = 'steps-e2e';

export function setup({ ws }) {
  mkdirSync(path.join(ws, DIR), { recursive: true });
  copyFileSync(FIXTURE, path.join(ws, DIR, 'trace-agent.log'));
  writeFileSync(path.join(ws, DIR, '.env'), 'DD_SERVICE=asm-troubleshooter-demo\nDD_APPSEC_ENABLED=true\n');
}

export async function run({ page, ws, helpers }) {
  await helpers.openViewContainer('ASM Troubleshooter');
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Troubleshooting Steps' }) }).first();
  const top = pane.locator('.monaco-list-row[aria-level="1"]');
  // The background analysis of the workspace's logs fails step 4 (agent-no-data).
  const step4 = top.filter({ hasText: '4. Datadog Agent to backend' });
  await step4.locator('.codicon-error').waitFor({ timeout: 60_000 });
  // The tree is long (every log of the workspace gives evidence) and virtualised: collapse all, then open step 4 only,
  // so its evidence row is rendered.
  await pane.hover();
  const collapseAll = pane.locator('.pane-header .action-label.codicon-collapse-all');
  if (await collapseAll.count()) {
    await collapseAll.first().click();
    await step4.first().click();
  }
  // Failing checks are shown expanded; expand it if the view kept it collapsed. Its evidence row names file and line.
  const check = pane.locator('.monaco-list-row[aria-level="2"]', { hasText: 'Agent LogStats' }).first();
  await check.waitFor({ timeout: 30_000 });
  if ((await check.getAttribute('aria-expanded')) === 'false') await check.click();
  const evidence = pane.locator('.monaco-list-row[aria-level="3"]', { hasText: 'trace-agent.log:3' }).first();
  await evidence.waitFor({ timeout: 30_000 });
  assert.match(await evidence.textContent(), /No data received/);
  await helpers.screenshot('e2e-steps-tree');

  await evidence.click();
  await page.locator('.tabs-container .tab.active', { hasText: 'trace-agent.log' }).waitFor({ timeout: 30_000 });
  // The finding's exact range is selected, also for a log the background scan read (not open in an editor): the
  // status bar shows the selection's end and its length. Expected range: `check --json` on the same file.
  const checked = spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'check', '--json', path.join(ws, DIR, 'trace-agent.log')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const f = JSON.parse(checked.stdout).files[0].findings.find((x) => x.code === 'agent-no-data');
  assert.ok(f && f.line === 3 && f.column > 1, `agent-no-data on line 3, past column 1: ${checked.stdout.slice(0, 800)}`);
  const want = `Ln ${f.endLine}, Col ${f.endColumn} (${f.endColumn - f.column} selected)`;
  const got = await page
    .waitForFunction((w) => (document.querySelector('[id="status.editor.selection"]')?.textContent ?? '').includes(w), want, { timeout: 30_000 })
    .then(
      () => want,
      async () => (await page.locator('[id="status.editor.selection"]').textContent())?.trim(),
    );
  assert.equal(got, want, "the status bar shows the finding's range selected");
  await helpers.screenshot('e2e-steps-evidence-opened');

  // Same statuses as the CLI on the same workspace (the agent is not contacted by either: no address configured).
  const labels = await top.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  const treeStatus = labels.map((l) => /: (pass|fail|warning|unknown|running)\./.exec(l)?.[1]);
  const cli = spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'steps', '--json', '--workspace', ws], { encoding: 'utf8', timeout: 60_000 });
  const json = JSON.parse(cli.stdout);
  assert.deepEqual(
    treeStatus,
    json.steps.map((s) => s.status),
    `tree ${JSON.stringify(labels)} vs CLI ${cli.stdout.slice(0, 2000)}`,
  );
}
