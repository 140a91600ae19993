// Runs the extension-host suites (out/test/host/suite/index.js) inside code-server's Node extension host:
// the workbench is opened with a `payload` naming extensionDevelopmentPath and extensionTestsPath (the
// @vscode/test-web mechanism); it calls window.codeAutomationExit(code) when run() settles.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { launchChromium } from './browser.mjs';
import { prepareProfile, remoteAuthority, startCodeServer, REPO } from './codeServer.mjs';
import { freePort } from './proc.mjs';

/** Returns { exitCode, results: [{file,name,ok,ms,error}], log: string[] }. */
export async function runSuitesInCodeServer(cs, { runDir, workspace, testsPath, timeoutMs = 240_000, log = console.log }) {
  const profile = prepareProfile(path.join(runDir, 'suite'));
  const resultsFile = path.join(profile.dir, 'results.json');
  const port = await freePort();
  const server = await startCodeServer(cs, profile, {
    port,
    env: { ASM_HOST_RESULTS: resultsFile, ...(process.env.ASM_HOST_GREP ? { ASM_HOST_GREP: process.env.ASM_HOST_GREP } : {}) },
  });
  const lines = [];
  let browser;
  try {
    const authority = await remoteAuthority(server.url);
    const remote = (p) => `vscode-remote://${authority}${p}`;
    const url = new URL(server.url);
    url.searchParams.set('folder', workspace);
    url.searchParams.set(
      'payload',
      JSON.stringify([
        ['extensionDevelopmentPath', remote(REPO)],
        ['extensionTestsPath', remote(testsPath)],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ]),
    );
    browser = await launchChromium(path.join(profile.dir, 'chromium-xdg'));
    const page = await browser.newPage();
    let finish;
    const finished = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => lines.push(`[${type}] ${util.format(...(Array.isArray(args) ? args : [args]))}`));
    await page.exposeFunction('codeAutomationExit', (code) => finish({ code }));
    page.on('console', (m) => lines.push(`[console.${m.type()}] ${m.text().slice(0, 2000)}`));
    page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
    log(`  code-server on ${server.url} (authority ${authority}), extension from ${REPO}`);
    await page.goto(url.toString(), { timeout: 60_000 });
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r({ code: 124, timedOut: true }), timeoutMs)));
    const res = await Promise.race([finished, timeout]);
    clearTimeout(timer);
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
    if (res.timedOut) lines.push(`[runner] no codeAutomationExit within ${timeoutMs} ms`);
    return { exitCode: res.code, results, log: lines, serverLog: server.logFile };
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}
