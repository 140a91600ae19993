// The `host` stage of `npm test`: integration tests inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3).
//  (a) UI scenarios test/host/e2e/*.e2e.mjs, driven by Playwright in headless Chromium, against code-server with
//      the packaged asm-troubleshooter.vsix installed, all in one session on a temp copy of demo/;
//  (b) extension-host suites test/host/suite/*.test.ts (bundled into out/test/host/suite/), run in code-server's
//      Node extension host with the extension loaded from this checkout;
//  (c) the same suites in desktop VS Code through @vscode/test-electron when VSCODE_EXECUTABLE is set or a download works;
//  (d) `npm start --smoke --browser` (scripts/start.mjs) with a throwaway profile: builds, packages, serves demo/.
// Each session gets fresh user-data/extensions/XDG dirs under a temp run folder, its own free port, and is stopped
// as a process group. Ends with `host: N passed, N failed`. See test/host/README.md.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium, chromiumPath } from './lib/browser.mjs';
import { ensureCodeServer, installVsix, prepareProfile, startCodeServer, REPO } from './lib/codeServer.mjs';
import { runSuitesInCodeServer } from './lib/extHostSession.mjs';
import { freePort, killGroup, killGroupsOnExit, runSync, spawnGroup } from './lib/proc.mjs';
import { makeHelpers } from './lib/ui.mjs';

const env = process.env;
const parts = new Set((env.ASM_HOST_ONLY ?? 'e2e,suite,electron,start').split(',').map((s) => s.trim()));
const grep = env.ASM_HOST_GREP ? new RegExp(env.ASM_HOST_GREP) : undefined;
const scenarioTimeoutMs = Number(env.ASM_HOST_SCENARIO_TIMEOUT_MS ?? 90_000);
const suiteTimeoutMs = Number(env.ASM_HOST_SUITE_TIMEOUT_MS ?? 240_000);
const outDir = path.join(REPO, 'test-results');
const VSIX = path.join(REPO, 'asm-troubleshooter.vsix');
const SUITE_INDEX = path.join(REPO, 'out/test/host/suite/index.js');

const results = []; // { part, name, ok, ms, error? }
const t0 = Date.now();
const secs = (ms) => (ms / 1000).toFixed(1) + 's';
const log = (...a) => console.log(...a);

function record(part, name, ok, ms, error) {
  results.push({ part, name, ok, ms, error });
  log(`${ok ? 'ok  ' : 'FAIL'} ${part}: ${name} (${secs(ms)})`);
  if (!ok && error)
    log(
      String(error)
        .split('\n')
        .map((l) => '       ' + l)
        .join('\n'),
    );
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)));
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

/** Builds what the host tests load when it is missing or older than its sources (running this file alone). */
function ensureBuilt() {
  if (env.ASM_HOST_NO_BUILD === '1') return;
  const sources = Math.max(...['src', 'kb', 'syntaxes', 'language-configuration', 'media', 'package.json'].map((p) => newestMtime(path.join(REPO, p))));
  if (parts.has('e2e') && (!existsSync(VSIX) || statSync(VSIX).mtimeMs < sources)) {
    log('packaging asm-troubleshooter.vsix (missing or older than the sources)…');
    const r = runSync('npm', ['run', '--silent', 'package'], { cwd: REPO, timeoutMs: 300_000, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  const testSources = Math.max(sources, newestMtime(path.join(REPO, 'test/host/suite')), newestMtime(path.join(REPO, 'test/host/support')));
  if (!existsSync(SUITE_INDEX) || statSync(SUITE_INDEX).mtimeMs < testSources) {
    log('bundling the extension and its tests (node esbuild.mjs --tests)…');
    const r = runSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: REPO, timeoutMs: 300_000, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('node esbuild.mjs --tests failed');
  }
}

/** A throwaway copy of demo/, so no test ever modifies the repository's demo workspace. */
function copyDemo(dir) {
  mkdirSync(dir, { recursive: true });
  const demo = path.join(REPO, 'demo');
  if (existsSync(demo)) cpSync(demo, dir, { recursive: true });
  return dir;
}

async function loadScenarios() {
  const dir = path.join(REPO, 'test/host/e2e');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.e2e.mjs'))
    .sort();
  const out = [];
  for (const f of files) {
    try {
      const m = await import(pathToFileURL(path.join(dir, f)).href);
      if (typeof m.run !== 'function') throw new Error('exports no run({ page, ws, outDir, helpers })');
      out.push({ file: f, name: m.name ?? f.replace(/\.e2e\.mjs$/, ''), run: m.run, setup: m.setup, timeoutMs: m.timeoutMs ?? scenarioTimeoutMs });
    } catch (e) {
      record('e2e', f, false, 0, `cannot load ${f}: ${e?.stack ?? e}`);
    }
  }
  return grep ? out.filter((s) => grep.test(`${s.file} ${s.name}`)) : out;
}

async function runUiScenarios(cs, runDir) {
  const scenarios = await loadScenarios();
  if (!scenarios.length) return log('e2e: no scenarios selected');
  const ws = copyDemo(path.join(runDir, 'workspace-e2e'));
  // Scenario set-up (fixture files) happens before the workbench opens, so the file watcher has nothing to catch up on.
  const ready = [];
  for (const s of scenarios) {
    try {
      await withTimeout(Promise.resolve(s.setup?.({ ws, outDir })), 30_000, `${s.name} setup`);
      ready.push(s);
    } catch (e) {
      record('e2e', s.name, false, 0, `setup failed: ${e?.stack ?? e}`);
    }
  }
  const profile = prepareProfile(path.join(runDir, 'e2e'));
  let t = Date.now();
  installVsix(cs, profile, VSIX);
  log(`  installed ${path.relative(REPO, VSIX)} into a fresh profile (${secs(Date.now() - t)})`);
  const server = await startCodeServer(cs, profile, { port: await freePort() });
  let browser;
  const pageLog = [];
  try {
    browser = await launchChromium(path.join(profile.dir, 'chromium-xdg'));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => {
      if (m.type() === 'error') pageLog.push(`[console.error] ${m.text().slice(0, 500)}`);
    });
    page.on('pageerror', (e) => pageLog.push(`[pageerror] ${e.message}`));
    t = Date.now();
    await page.goto(`${server.url}?folder=${encodeURIComponent(ws)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    await page
      .locator('.explorer-folders-view .monaco-list')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => {});
    log(`  workbench ready on ${server.url} in ${secs(Date.now() - t)} (workspace ${ws})`);
    const helpers = makeHelpers(page, { outDir });
    for (const s of ready) {
      const st = Date.now();
      try {
        await withTimeout(
          Promise.resolve().then(() => s.run({ page, ws, outDir, helpers })),
          s.timeoutMs,
          `scenario ${s.name}`,
        );
        record('e2e', s.name, true, Date.now() - st);
      } catch (e) {
        const shot = await helpers.screenshot(`e2e-failed-${s.name.replace(/[^\w.-]+/g, '_')}`).catch(() => null);
        record(
          'e2e',
          s.name,
          false,
          Date.now() - st,
          `${e?.stack ?? e}${shot ? `\nscreenshot: ${path.relative(REPO, shot)}` : ''}${pageLog.length ? `\nworkbench errors:\n${pageLog.slice(-10).join('\n')}` : ''}`,
        );
      }
      const rt = Date.now();
      await withTimeout(helpers.reset(), 20_000, 'reset between scenarios').catch((e) => log(`  (reset after ${s.name} failed: ${e?.message ?? e})`));
      if (env.ASM_HOST_DEBUG) log(`  reset took ${secs(Date.now() - rt)}`);
    }
  } finally {
    const ct = Date.now();
    await browser?.close().catch(() => {});
    await server.stop();
    if (env.ASM_HOST_DEBUG) log(`  browser and server stopped in ${secs(Date.now() - ct)}`);
  }
}

async function runSuitesCodeServer(cs, runDir) {
  const t = Date.now();
  const ws = copyDemo(path.join(runDir, 'workspace-suite'));
  const r = await runSuitesInCodeServer(cs, { runDir, workspace: ws, testsPath: SUITE_INDEX, timeoutMs: suiteTimeoutMs, log });
  reportSuiteResults('suite', r.results, r.exitCode, t, r.log, r.serverLog);
}

function reportSuiteResults(part, list, exitCode, t, logLines = [], serverLog) {
  for (const x of list) record(part, `${x.file.replace(/\.test\.js$/, '')} › ${x.name}`, x.ok, x.ms, x.error);
  const anyFailed = list.some((x) => !x.ok);
  // The host's own verdict must agree with the per-test results (a crash after the last test, a load error…).
  if (exitCode !== 0 && !anyFailed) {
    const tail = logLines
      .filter((l) => !/^\[console\.(debug|log)\]/.test(l))
      .slice(-25)
      .join('\n');
    const sl = serverLog && existsSync(serverLog) ? readFileSync(serverLog, 'utf8').slice(-1500) : '';
    record(
      part,
      '(extension host run)',
      false,
      Date.now() - t,
      `host exited with ${exitCode} (124 = timeout)${list.length ? '' : ', no test results'}\n${tail}${sl ? `\ncode-server log tail:\n${sl}` : ''}`,
    );
  } else if (exitCode === 0 && !list.length) {
    record(part, '(extension host run)', false, Date.now() - t, 'host exited 0 but reported no test results');
  }
}

async function runSuitesElectron(runDir) {
  const t = Date.now();
  const resultsFile = path.join(runDir, 'electron-results.json');
  const ws = copyDemo(path.join(runDir, 'workspace-electron'));
  const child = spawnGroup(process.execPath, [path.join(REPO, 'test/host/electron.mjs')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, ASM_HOST_RESULTS: resultsFile, ASM_HOST_WORKSPACE: ws },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  let timer;
  const code = await new Promise((resolve) => {
    timer = setTimeout(() => {
      void killGroup(child.pid);
      resolve(124);
    }, suiteTimeoutMs + 60_000);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  clearTimeout(timer);
  if (code === 3)
    return log(
      out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('electron:'))
        .join('\n') || out.trim(),
    );
  const list = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
  reportSuiteResults('electron', list, code, t, out.split('\n'));
}

/** `npm start`'s browser path, end to end but without waiting for Ctrl-C (--smoke), in a throwaway profile. */
function runStartSmoke(runDir) {
  const t = Date.now();
  const r = runSync(process.execPath, [path.join(REPO, 'scripts/start.mjs'), '--smoke', '--browser'], {
    cwd: REPO,
    timeoutMs: 600_000,
    env: { ...env, ASM_START_HOME: path.join(runDir, 'start') },
  });
  const out = `${r.stdout}${r.stderr}`;
  const ok = r.status === 0 && /smoke: workbench HTTP 200, extension installed: true/.test(out);
  record(
    'start',
    'npm start serves demo/ with the .vsix installed',
    ok,
    Date.now() - t,
    ok ? undefined : `exit ${r.status ?? r.error?.message}\n${out.slice(-3000)}`,
  );
}

async function main() {
  killGroupsOnExit();
  mkdirSync(outDir, { recursive: true });
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'asm-host-'));
  let fatal;
  try {
    let t = Date.now();
    if (parts.has('e2e') || parts.has('suite')) chromiumPath();
    const cs = ensureCodeServer({ log });
    log(`host: code-server ${cs.dir} (${secs(Date.now() - t)})`);
    ensureBuilt();
    if (parts.has('e2e')) {
      t = Date.now();
      log('\n--- UI scenarios (code-server + .vsix, Playwright)');
      await runUiScenarios(cs, runDir);
      log(`--- UI scenarios took ${secs(Date.now() - t)}`);
    }
    if (parts.has('suite')) {
      t = Date.now();
      log('\n--- extension-host suites (code-server extension host)');
      await runSuitesCodeServer(cs, runDir);
      log(`--- extension-host suites took ${secs(Date.now() - t)}`);
    }
    if (parts.has('electron')) {
      t = Date.now();
      log('\n--- extension-host suites (@vscode/test-electron)');
      await runSuitesElectron(runDir);
      log(`--- test-electron took ${secs(Date.now() - t)}`);
    }
    if (parts.has('start')) {
      log('\n--- npm start (browser VS Code, smoke)');
      runStartSmoke(runDir);
    }
  } catch (e) {
    fatal = e;
    record('host', 'set-up', false, 0, e?.message ?? String(e));
  }
  const failed = results.filter((r) => !r.ok).length;
  const passed = results.length - failed;
  if (failed || fatal || env.ASM_HOST_KEEP === '1') log(`\nrun folder kept for inspection: ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true });
  log(`screenshots: ${path.relative(REPO, outDir)}/`);
  log(`host stage took ${secs(Date.now() - t0)}`);
  log(`host: ${passed} passed, ${failed} failed`);
  process.exit(failed || !results.length ? 1 : 0);
}

await main();
