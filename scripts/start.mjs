// `npm start`: build, package and open the extension in VS Code on the demo/ workspace.
//  - desktop VS Code (`code` on PATH): code --extensionDevelopmentPath=<repo> demo/
//  - otherwise the browser VS Code (code-server 4.100.3 from npm, installed once into ~/.cache/asm-troubleshooter),
//    with the packaged .vsix installed into a dedicated profile (~/.cache/asm-troubleshooter/start), bound to
//    127.0.0.1 on port 8080 (or a free port when 8080 is busy), running until Ctrl-C.
// Options: --browser (code-server even when `code` is on PATH), --smoke (start, check the workbench answers with the
// extension installed, stop: for tests). Env: PORT (exact port; refused when busy), ASM_START_HOME (profile dir).
// Uses only Node built-ins until `npm ci` has run, so it works on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = path.join(REPO, 'demo');
const args = new Set(process.argv.slice(2));
const smoke = args.has('--smoke');
const say = (m) => console.log(`[start] ${m}`);
const fail = (m) => {
  console.error(`[start] ${m}`);
  process.exit(1);
};

function run(cmd, argv, what) {
  say(`${what}: ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd: REPO, stdio: 'inherit', timeout: 15 * 60_000 });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal ?? r.error?.message})`);
}

function onPath(bin) {
  return (process.env.PATH ?? '').split(path.delimiter).find((d) => d && existsSync(path.join(d, bin)));
}

// 1. npm dependencies (the README's first command is this script, on a fresh clone).
if (!existsSync(path.join(REPO, 'node_modules', '.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund'], 'installing npm dependencies');

// 2. build and package (the .vsix is what the browser VS Code installs; dist/ is then rebuilt with source maps).
run('npm', ['run', '--silent', 'package'], 'packaging');
run(process.execPath, ['esbuild.mjs'], 'building');
if (!existsSync(DEMO)) fail(`no demo workspace at ${DEMO}`);

// 3a. desktop VS Code.
const desktop = !args.has('--browser') && !smoke && onPath('code') && !process.env.ASM_START_BROWSER;
if (desktop) {
  say(`opening desktop VS Code on ${DEMO} with the extension loaded from ${REPO}`);
  const r = spawnSync('code', [`--extensionDevelopmentPath=${REPO}`, DEMO], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// 3b. browser VS Code (code-server).
const { ensureCodeServer, installVsix, prepareProfile, startCodeServer } = await import('../test/host/lib/codeServer.mjs');
const { freePort, portBusy } = await import('../test/host/lib/proc.mjs');
let cs;
try {
  cs = ensureCodeServer({ log: say });
} catch (e) {
  if (e.reported) process.exit(1); // its one line (what to run) is already printed
  fail(e.message);
}
const home = process.env.ASM_START_HOME ?? path.join(os.homedir(), '.cache', 'asm-troubleshooter', 'start');
const profile = prepareProfile(home);
const vsix = path.join(REPO, 'asm-troubleshooter.vsix');
try {
  installVsix(cs, profile, vsix);
} catch (e) {
  fail(e.message);
}
say(`installed ${path.basename(vsix)} into ${profile.extensions}`);

let port;
if (process.env.PORT) {
  port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`PORT=${process.env.PORT} is not a port number`);
  if (await portBusy(port)) fail(`port ${port} on 127.0.0.1 is already in use; choose another with PORT=…`);
} else {
  port = (await portBusy(8080)) ? await freePort() : 8080;
}
// PORT is code-server's: its integrated terminals must not inherit it (the demo app would listen on code-server's port).
delete process.env.PORT;

let server;
try {
  server = await startCodeServer(cs, profile, { port, folder: DEMO });
} catch (e) {
  fail(e.message);
}
const url = `${server.url}?folder=${encodeURI(DEMO)}`;

function get(u) {
  return new Promise((resolve, reject) => {
    http
      .get(u, { timeout: 10_000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', reject)
      .on('timeout', function () {
        this.destroy(new Error('timeout'));
      });
  });
}

if (smoke) {
  // The workbench page answers and the profile holds the installed extension.
  let ok = false;
  try {
    const status = await get(url);
    const installed = readdirSync(profile.extensions).some((d) => d.startsWith('asm-troubleshooter.asm-troubleshooter-'));
    say(`smoke: workbench HTTP ${status}, extension installed: ${installed}`);
    ok = status === 200 && installed;
  } finally {
    await server.stop();
  }
  process.exit(ok ? 0 : 1);
}

say('ASM Troubleshooter is running in the browser VS Code (code-server 4.100.3 = VS Code 1.100.3):');
console.log(`\n    ${url}\n`);
say(`code-server log: ${server.logFile}. Press Ctrl-C to stop.`);
let stopping = false;
const shutdown = async (sig) => {
  if (stopping) return;
  stopping = true;
  say(`${sig}: stopping code-server…`);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// Exit with code-server if it stops by itself.
const watch = setInterval(() => {
  try {
    process.kill(server.pid, 0);
  } catch {
    clearInterval(watch);
    if (!stopping) fail(`code-server exited; see ${server.logFile}`);
  }
}, 1000);
