// code-server (VS Code 1.100.3 in the browser, from npm) for the host tests and `npm start`:
// install check, isolated profiles, .vsix install, start/stop as a process group. Recipe measured in
// ../shared/facts/vscode-host.md; nothing here reaches beyond 127.0.0.1 and the npm registry.
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, portBusy, runSync, spawnGroup } from './proc.mjs';
import { realSystem, requirePackages } from '../../../scripts/lib/prereqs.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../../..');
export const CACHE_ROOT = path.join(os.homedir(), '.cache', 'asm-troubleshooter');

/**
 * Installs code-server once (cached under ~/.cache/asm-troubleshooter/vscode-host, or ASM_VSCODE_HOST_CACHE) and
 * returns its launcher. `sys`: the system prereqs.mjs looks at (tests fake it). When Debian packages are missing and
 * cannot be installed, throws with `reported` set: the one line to act on has already gone to `log`.
 */
export function ensureCodeServer({ log = console.log, sys = realSystem() } = {}) {
  const script = path.join(REPO, 'test/host/install-code-server.sh');
  const probe = runSync('bash', [script], { timeoutMs: 10_000, env: { ...process.env, ASM_INSTALL_PROBE: '1' } });
  const cachedDir = probe.status === 0 ? probe.stdout.trim().split('\n').pop() : '';
  if (!cachedDir) {
    // The Debian packages its install needs (ripgrep, the native-module tool chain): installed here when missing.
    requirePackages(['code-server'], { ...sys, log });
    log('installing code-server 4.100.3 from npm (once, about a minute)…');
  }
  const t0 = Date.now();
  const r = cachedDir ? probe : runSync('bash', [script], { timeoutMs: 15 * 60_000 });
  if (r.status !== 0) throw new Error(`test/host/install-code-server.sh failed (exit ${r.status ?? r.error?.message}):\n${r.stderr.slice(-3000)}`);
  const dir = r.stdout.trim().split('\n').pop();
  const bin = path.join(dir, 'node_modules/.bin/code-server');
  if (!existsSync(bin)) throw new Error(`code-server launcher missing: ${bin}`);
  if (!cachedDir) log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
  return { dir, bin };
}

/** A fresh, isolated profile: user data, extensions and XDG dirs (code-server writes into $HOME otherwise). */
export function prepareProfile(dir, { trust = false, settings = {} } = {}) {
  const p = { dir, userData: path.join(dir, 'user-data'), extensions: path.join(dir, 'extensions'), xdg: path.join(dir, 'xdg') };
  for (const d of [path.join(p.userData, 'User'), p.extensions, path.join(p.xdg, 'config'), path.join(p.xdg, 'data'), path.join(p.xdg, 'cache')])
    mkdirSync(d, { recursive: true });
  const file = path.join(p.userData, 'User', 'settings.json');
  const base = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(
    file,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': trust,
        ...base,
        ...settings,
      },
      null,
      2,
    ),
  );
  return p;
}

export function profileEnv(p, extra = {}) {
  return {
    ...process.env,
    EXTENSIONS_GALLERY: '{}', // no marketplace requests
    XDG_CONFIG_HOME: path.join(p.xdg, 'config'),
    XDG_DATA_HOME: path.join(p.xdg, 'data'),
    XDG_CACHE_HOME: path.join(p.xdg, 'cache'),
    ...extra,
  };
}

export function installVsix(cs, p, vsix) {
  const r = runSync(cs.bin, ['--user-data-dir', p.userData, '--extensions-dir', p.extensions, '--install-extension', vsix, '--force'], {
    env: profileEnv(p),
    timeoutMs: 120_000,
  });
  if (r.status !== 0 || !/successfully installed|already installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
}

function httpGet(url, timeoutMs = 3000, redirects = 5) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(httpGet(new URL(res.headers.location, url).toString(), timeoutMs, redirects - 1));
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/**
 * Starts code-server on 127.0.0.1:port in its own process group and waits (bounded) for /healthz.
 * Refuses a busy port: a stale server there would silently be tested instead.
 */
export async function startCodeServer(cs, p, { port, trust = false, env = {}, folder, readyTimeoutMs = 60_000 } = {}) {
  if (await portBusy(port)) throw new Error(`port ${port} on 127.0.0.1 is already in use; refusing to start code-server there`);
  const logFile = path.join(p.dir, 'code-server.log');
  const fd = openSync(logFile, 'a');
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    p.userData,
    '--extensions-dir',
    p.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? [] : ['--disable-workspace-trust']),
    ...(folder ? [folder] : []),
  ];
  const child = spawnGroup(cs.bin, args, { env: profileEnv(p, env), stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = null;
  child.once('exit', (code, sig) => (exited = sig ?? code));
  const url = `http://127.0.0.1:${port}/`;
  const stop = () => killGroup(child.pid);
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) break;
    try {
      const r = await httpGet(url + 'healthz', 2000);
      if (r.status === 200) return { url, port, pid: child.pid, logFile, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
  throw new Error(`code-server ${exited !== null ? `exited (${exited})` : `was not ready within ${readyTimeoutMs} ms`}; log ${logFile}:\n${tail}`);
}

/** The remote authority code-server puts into the workbench configuration ("remote" in 4.100.x). */
export async function remoteAuthority(url) {
  const r = await httpGet(url, 10_000);
  const m = r.body.match(/id="vscode-workbench-web-configuration" data-settings="([^"]*)"/);
  if (!m) throw new Error(`no workbench configuration in ${url} (status ${r.status})`);
  const cfg = JSON.parse(
    m[1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
  if (!cfg.remoteAuthority) throw new Error('workbench configuration has no remoteAuthority');
  return cfg.remoteAuthority;
}
