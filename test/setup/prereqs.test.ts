// The set-up decision of scripts/lib/prereqs.mjs (used by `npm start`, `npm test` and .ci/run) with the system
// faked: files, PATH, /etc/os-release, and the runners id, sudo, dpkg-query and apt-get. Nothing is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePackages, requireForHostStage, type System } from '../../scripts/lib/prereqs.mjs';
import { repoRoot } from '../support/ddApp';

// Loaded as the ES module it is (it reads import.meta), not bundled into this test.
type CodeServerLib = typeof import('../host/lib/codeServer.mjs');
const codeServerLib = (): Promise<CodeServerLib> => import(pathToFileURL(path.join(repoRoot(), 'test/host/lib/codeServer.mjs')).href);

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';
/** What each package puts on disk when the fake apt-get installs it. */
const FILES: Record<string, string[]> = {
  ripgrep: ['/usr/bin/rg'],
  python3: ['/usr/bin/python3'],
  make: ['/usr/bin/make'],
  'g++': ['/usr/bin/g++'],
  'pkg-config': ['/usr/bin/pkg-config'],
  'libkrb5-dev': ['/usr/include/krb5.h'],
  chromium: ['/usr/bin/chromium'],
};
const ALL = Object.keys(FILES);

interface Fake {
  sys: System;
  calls: string[];
  logs: string[];
  envs: Record<string, string>[];
}

function fake({
  os = DEBIAN,
  uid = '0',
  sudo = 'none' as 'none' | 'nopasswd' | 'password',
  have = ALL,
  dpkg = [] as string[],
  aptFails = false,
  env = {} as Record<string, string>,
} = {}): Fake {
  const files = new Set<string>(['/usr/bin/id', '/usr/bin/dpkg-query', '/usr/bin/apt-get', ...(sudo !== 'none' ? ['/usr/bin/sudo'] : [])]);
  if (os !== DEBIAN && os !== UBUNTU) {
    files.delete('/usr/bin/dpkg-query');
    files.delete('/usr/bin/apt-get');
  }
  for (const p of have) for (const f of FILES[p]) files.add(f);
  const dpkgDb = new Set([...have, ...dpkg]);
  const calls: string[] = [];
  const logs: string[] = [];
  const envs: Record<string, string>[] = [];
  const sys: System = {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...env },
    exists: (p) => files.has(p),
    readFile: (p) => (p === '/etc/os-release' ? os : undefined),
    log: (m) => logs.push(m),
    run: (cmd, args, opts) => {
      calls.push([cmd, ...args].join(' '));
      envs.push(opts?.env ?? {});
      if (cmd === 'id') return { status: 0, stdout: `${uid}\n` };
      if (cmd === 'dpkg-query') {
        const pkg = args[args.length - 1];
        return dpkgDb.has(pkg) ? { status: 0, stdout: 'install ok installed' } : { status: 1, stdout: '' };
      }
      let argv = [cmd, ...args];
      if (cmd === 'sudo') {
        if (sudo !== 'nopasswd') return { status: 1, stdout: '' };
        argv = argv.slice(2); // sudo -n
        if (argv[0] === 'true') return { status: 0, stdout: '' };
        if (argv[0] === 'env') argv = argv.slice(2);
      } else if (uid !== '0' && cmd === 'apt-get') {
        return { status: 100, stdout: '' }; // not root
      }
      if (argv[0] === 'apt-get' && argv[1] === 'update') return { status: 0, stdout: '' };
      if (argv[0] === 'apt-get' && argv[1] === 'install') {
        if (aptFails) return { status: 100, stdout: '' };
        for (const p of argv.slice(2).filter((a) => !a.startsWith('-'))) {
          for (const f of FILES[p]) files.add(f);
          dpkgDb.add(p);
        }
        return { status: 0, stdout: '' };
      }
      return { status: 127, stdout: '' };
    },
  };
  return { sys, calls, logs, envs };
}

const aptCalls = (f: Fake) => f.calls.filter((c) => c.includes('apt-get'));

test('prereqs: everything present — nothing is run and nothing is printed', () => {
  const f = fake();
  const r = ensurePackages(['host-tests'], f.sys);
  assert.deepEqual(r.missing, []);
  assert.equal(r.ok, true);
  assert.deepEqual(f.calls, []);
  assert.deepEqual(f.logs, []);
});

test('prereqs: Debian as root — one line saying what and why, one update, one non-interactive install of exactly the missing packages', () => {
  const f = fake({ have: ALL.filter((p) => p !== 'ripgrep' && p !== 'libkrb5-dev') });
  const r = ensurePackages(['code-server'], f.sys);
  assert.deepEqual(r.missing, ['ripgrep', 'libkrb5-dev']);
  assert.equal(r.installer, 'root');
  assert.deepEqual(r.installed, ['ripgrep', 'libkrb5-dev']);
  assert.equal(r.ok, true);
  assert.deepEqual(aptCalls(f), ['apt-get update', 'apt-get install -y --no-install-recommends ripgrep libkrb5-dev']);
  for (const [i, c] of f.calls.entries()) if (c.startsWith('apt-get')) assert.equal(f.envs[i].DEBIAN_FRONTEND, 'noninteractive');
  assert.equal(f.logs.length, 1);
  assert.match(f.logs[0], /^installing Debian packages ripgrep libkrb5-dev with apt-get \(as root\): needed for .*search.*kerberos/);
});

test('prereqs: Ubuntu, not root, password-less sudo — apt-get through sudo -n with DEBIAN_FRONTEND on its command line', () => {
  const f = fake({ os: UBUNTU, uid: '1000', sudo: 'nopasswd', have: ALL.filter((p) => p !== 'chromium') });
  const r = ensurePackages(['host-tests'], f.sys);
  assert.equal(r.installer, 'sudo');
  assert.deepEqual(r.installed, ['chromium']);
  assert.deepEqual(aptCalls(f), [
    'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update',
    'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium',
  ]);
  assert.match(f.logs.join('\n'), /with apt-get \(sudo\): needed for the host tests \(headless Chromium drives the browser VS Code\)\.$/);
});

test('prereqs: not root and sudo asks for a password — nothing is run, one line with the command to type', () => {
  const f = fake({ uid: '1000', sudo: 'password', have: ['python3', 'make', 'g++', 'pkg-config', 'chromium'] });
  const r = ensurePackages(['code-server'], f.sys);
  assert.equal(r.installer, null);
  assert.equal(r.ok, false);
  assert.deepEqual(
    aptCalls(f).filter((c) => !c.startsWith('sudo -n true')),
    [],
  );
  assert.equal(f.logs.length, 1);
  assert.equal(r.instruction, f.logs[0]);
  assert.match(
    f.logs[0],
    /^missing Debian packages: ripgrep libkrb5-dev \(for .*\); run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ripgrep libkrb5-dev$/,
  );
});

test('prereqs: not root, no sudo at all (a bare Debian has none) — one line saying to run apt-get as root, not sudo', () => {
  const f = fake({ uid: '1000', sudo: 'none', have: ALL.filter((p) => p !== 'make') });
  const r = ensurePackages(['code-server'], f.sys);
  assert.equal(r.installer, null);
  assert.deepEqual(r.missing, ['make']);
  assert.ok(!f.calls.some((c) => c.startsWith('sudo')));
  assert.deepEqual(f.logs, [r.instruction]);
  assert.match(r.instruction ?? '', /; as root, run: apt-get update && apt-get install -y --no-install-recommends make$/);
  assert.doesNotMatch(r.instruction ?? '', /sudo/);
});

test('prereqs: not Debian/Ubuntu — no package manager is guessed, one line naming what is missing', () => {
  const f = fake({ os: FEDORA, have: ALL.filter((p) => p !== 'ripgrep') });
  const r = ensurePackages(['code-server'], f.sys);
  assert.equal(r.ok, false);
  assert.deepEqual(f.calls, []);
  assert.deepEqual(f.logs, [
    "missing: ripgrep (for code-server’s search (and its install)); install them with your system's package manager, then run this again.",
  ]);
});

test('prereqs: a package dpkg lists as installed but whose binary is not on PATH is not reinstalled', () => {
  const f = fake({ have: ALL.filter((p) => p !== 'ripgrep'), dpkg: ['ripgrep'] });
  const r = ensurePackages(['code-server'], f.sys);
  assert.deepEqual(r.missing, []);
  assert.deepEqual(r.notOnPath, ['ripgrep']);
  assert.equal(r.ok, false);
  assert.deepEqual(aptCalls(f), []);
  assert.match(f.logs[0], /ripgrep is installed but rg is not on PATH/);
});

test('prereqs: a failing apt-get install is reported with what is still missing and the command to run', () => {
  const f = fake({ have: ALL.filter((p) => p !== 'g++'), aptFails: true });
  const r = ensurePackages(['code-server'], f.sys);
  assert.equal(r.ok, false);
  assert.deepEqual(r.installed, []);
  assert.match(
    r.instruction ?? '',
    /^apt-get install failed \(exit 100\); still missing: g\+\+; run: apt-get update && apt-get install -y --no-install-recommends g\+\+$/,
  );
});

test('prereqs: purposes select packages — chromium alone, and CHROMIUM_PATH counts as Chromium', () => {
  const f = fake({ have: ['chromium'] });
  assert.equal(ensurePackages(['chromium'], f.sys).ok, true);
  assert.deepEqual(f.calls, []);
  const g = fake({ have: [], env: { CHROMIUM_PATH: '/opt/chrome/chrome' } });
  (g.sys as { exists: (p: string) => boolean }).exists = (
    (orig) => (p: string) =>
      p === '/opt/chrome/chrome' || orig(p)
  )(g.sys.exists);
  assert.equal(ensurePackages(['chromium'], g.sys).ok, true);
  assert.deepEqual(g.calls, []);
});

/** What `npm start` prints when code-server cannot be installed: the log lines, then the error unless it is `reported`. */
async function startOutput(f: Fake): Promise<{ lines: string[]; error: unknown }> {
  const { ensureCodeServer } = await codeServerLib();
  const cache = mkdtempSync(path.join(os.tmpdir(), 'asm-prereqs-cs-')); // empty: code-server is not installed
  const before = process.env.ASM_VSCODE_HOST_CACHE;
  process.env.ASM_VSCODE_HOST_CACHE = cache;
  const lines: string[] = [];
  try {
    ensureCodeServer({ log: (m) => lines.push(m), sys: f.sys });
    return { lines, error: undefined };
  } catch (e) {
    if (!(e as { reported?: boolean }).reported) lines.push((e as Error).message);
    return { lines, error: e };
  } finally {
    if (before === undefined) delete process.env.ASM_VSCODE_HOST_CACHE;
    else process.env.ASM_VSCODE_HOST_CACHE = before;
    rmSync(cache, { recursive: true, force: true });
  }
}

test('prereqs: npm start without root or sudo prints the instruction once and stops before installing code-server', async () => {
  const f = fake({ uid: '1000', sudo: 'none', have: ['chromium'] });
  const { lines, error } = await startOutput(f);
  assert.ok(error, 'ensureCodeServer must stop');
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(
    lines[0],
    /^missing Debian packages: ripgrep python3 make g\+\+ pkg-config libkrb5-dev \(for .*\); as root, run: apt-get update && apt-get install/,
  );
  assert.equal(aptCalls(f).length, 0);
});

test('prereqs: npm test checks the host stage first — Chromium alone once code-server is installed, everything before', () => {
  const f = fake({ uid: '1000', sudo: 'password', have: ALL.filter((p) => p !== 'chromium' && p !== 'ripgrep') });
  assert.throws(
    () => requireForHostStage(true, f.sys),
    (e: Error & { reported?: boolean }) => e.reported === true && /^missing Debian packages: chromium \(/.test(e.message),
  );
  assert.deepEqual(f.logs.length, 1);
  assert.match(f.logs[0], /run: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium$/);
  const g = fake({ have: ALL.filter((p) => p !== 'chromium' && p !== 'ripgrep') });
  const r = requireForHostStage(false, g.sys);
  assert.deepEqual(r.installed, ['ripgrep', 'chromium']);
  assert.deepEqual(aptCalls(g), ['apt-get update', 'apt-get install -y --no-install-recommends ripgrep chromium']);
});
