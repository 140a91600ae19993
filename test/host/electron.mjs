// The extension-host suites (out/test/host/suite/index.js) in desktop VS Code through @vscode/test-electron.
// Used when VSCODE_EXECUTABLE names a VS Code binary, or when VS Code can be downloaded (tried once, with a
// short timeout; this machine cannot reach update.code.visualstudio.com, so code-server hosts the suites here).
//   node test/host/electron.mjs            exit 0 pass, 1 fail, 3 no desktop VS Code available (nothing ran)
// Env: VSCODE_EXECUTABLE, VSCODE_VERSION (download, default 1.100.3), ASM_HOST_WORKSPACE (folder to open, default
// a temp copy of demo/), ASM_HOST_RESULTS (JSON results file), ASM_HOST_ELECTRON=0 (do not try to download).
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const UNAVAILABLE = 3;

function onPath(bin) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, bin)));
}

/** Resolves the VS Code executable: VSCODE_EXECUTABLE, else a bounded download attempt; { path } or { reason }. */
export async function resolveVSCode({ timeoutMs = 20_000 } = {}) {
  if (process.env.VSCODE_EXECUTABLE) {
    return existsSync(process.env.VSCODE_EXECUTABLE)
      ? { path: process.env.VSCODE_EXECUTABLE }
      : { reason: `VSCODE_EXECUTABLE=${process.env.VSCODE_EXECUTABLE} does not exist` };
  }
  if (process.env.ASM_HOST_ELECTRON === '0') return { reason: 'ASM_HOST_ELECTRON=0: no download attempted' };
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  const cachePath = path.join(os.homedir(), '.cache', 'asm-troubleshooter', 'vscode-test');
  let timer;
  const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve({ reason: `download did not finish within ${timeoutMs} ms` }), timeoutMs)));
  const attempt = downloadAndUnzipVSCode({ version: process.env.VSCODE_VERSION ?? '1.100.3', cachePath, timeout: 10_000 })
    .then((p) => ({ path: p }))
    .catch((e) => ({ reason: `VS Code download not reachable here (${String(e?.message ?? e).split('\n')[0]})` }));
  const r = await Promise.race([attempt, deadline]);
  clearTimeout(timer);
  return r;
}

async function main() {
  const vscode = await resolveVSCode();
  if (!vscode.path) {
    console.log(`electron: ${vscode.reason}; the extension-host suites run in code-server instead.`);
    process.exit(UNAVAILABLE);
  }
  // Desktop VS Code needs a display; use xvfb-run when there is none and it is installed.
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.ASM_UNDER_XVFB) {
    if (!onPath('xvfb-run')) {
      console.log('electron: no DISPLAY and no xvfb-run (Debian package xvfb); desktop VS Code cannot start here.');
      process.exit(UNAVAILABLE);
    }
    const r = spawnSync('xvfb-run', ['-a', process.execPath, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, ASM_UNDER_XVFB: '1', VSCODE_EXECUTABLE: vscode.path },
    });
    process.exit(r.status ?? 1);
  }
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'asm-electron-'));
  let workspace = process.env.ASM_HOST_WORKSPACE;
  if (!workspace) {
    workspace = path.join(runDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    if (existsSync(path.join(REPO, 'demo'))) cpSync(path.join(REPO, 'demo'), workspace, { recursive: true });
  }
  const { runTests } = await import('@vscode/test-electron');
  try {
    const code = await runTests({
      vscodeExecutablePath: vscode.path,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'out/test/host/suite/index.js'),
      launchArgs: [workspace, '--disable-extensions', '--user-data-dir', path.join(runDir, 'user-data'), '--extensions-dir', path.join(runDir, 'extensions')],
      extensionTestsEnv: {
        ...(process.env.ASM_HOST_RESULTS ? { ASM_HOST_RESULTS: process.env.ASM_HOST_RESULTS } : {}),
        ...(process.env.ASM_HOST_GREP ? { ASM_HOST_GREP: process.env.ASM_HOST_GREP } : {}),
      },
    });
    process.exit(code === 0 ? 0 : 1);
  } catch (e) {
    console.error('electron: runTests failed:', e?.message ?? e);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
