// The system packages `npm start` and `npm test` need beyond Node.js and npm, installed when missing.
// Used by scripts/start.mjs (through test/host/lib/codeServer.mjs), scripts/test.mjs (before the host stage) and
// .ci/run (`node scripts/lib/prereqs-cli.mjs host-tests`). Node built-ins only: it runs before `npm ci`.
//
// Decision (unit-tested in test/setup/prereqs.test.ts with every runner faked):
//  - a package is missing when what it provides is not found (a binary on PATH, a header) and, on Debian/Ubuntu,
//    dpkg-query does not list it as installed (installed but not on PATH: said, not reinstalled);
//  - installer: apt-get as root, else `sudo -n` when sudo needs no password, else none;
//  - with an installer: one line saying what and why, then one `apt-get update` and one `apt-get install -y`,
//    non-interactive (DEBIAN_FRONTEND=noninteractive, no stdin); without one: one line with the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Debian package → what shows it is there, and why it is needed. */
export const PACKAGES = {
  ripgrep: { bins: ['rg'], why: 'code-server’s search (and its install)' },
  python3: { bins: ['python3'], why: 'building code-server’s native modules (node-gyp)' },
  make: { bins: ['make'], why: 'building code-server’s native modules (node-gyp)' },
  'g++': { bins: ['g++'], why: 'building code-server’s native modules (node-gyp)' },
  'pkg-config': { bins: ['pkg-config'], why: 'building code-server’s native modules (node-gyp)' },
  'libkrb5-dev': { files: ['/usr/include/krb5.h', '/usr/include/krb5/krb5.h'], why: 'building code-server’s kerberos module' },
  chromium: {
    bins: ['chromium', 'chromium-browser', 'google-chrome'],
    files: ['/usr/bin/chromium'],
    env: 'CHROMIUM_PATH',
    why: 'the host tests (headless Chromium drives the browser VS Code)',
  },
};

/** What each purpose needs. */
export const PURPOSES = {
  'code-server': ['ripgrep', 'python3', 'make', 'g++', 'pkg-config', 'libkrb5-dev'],
  chromium: ['chromium'],
  'host-tests': ['ripgrep', 'python3', 'make', 'g++', 'pkg-config', 'libkrb5-dev', 'chromium'],
};

/** The real system; every field can be replaced (tests fake them all). */
export function realSystem(env = process.env) {
  return {
    env,
    exists: (p) => existsSync(p),
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    /** Runs a command without a shell and without stdin; returns { status, stdout }. */
    run: (cmd, args, opts = {}) => {
      const r = spawnSync(cmd, args, {
        stdio: opts.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        env: { ...env, ...(opts.env ?? {}) },
        timeout: opts.timeoutMs ?? 30 * 60_000,
      });
      return { status: r.status ?? -1, stdout: r.stdout ?? '' };
    },
    log: (m) => console.log(`[prereqs] ${m}`),
  };
}

function onPath(sys, bin) {
  return (sys.env.PATH ?? '').split(path.delimiter).some((d) => d && sys.exists(path.join(d, bin)));
}

/** Whether what `pkg` provides is usable here. */
export function provided(sys, pkg) {
  const p = PACKAGES[pkg];
  if (p.env && sys.env[p.env] && sys.exists(sys.env[p.env])) return true;
  return (p.bins ?? []).some((b) => onPath(sys, b)) || (p.files ?? []).some((f) => sys.exists(f));
}

/** Debian or a derivative (Ubuntu…), from /etc/os-release, with dpkg-query and apt-get on PATH. */
export function isDebian(sys) {
  const rel = sys.readFile('/etc/os-release') ?? '';
  const ids = [...rel.matchAll(/^(?:ID|ID_LIKE)=["']?([^"'\n]*)/gm)].flatMap((m) => m[1].split(/\s+/));
  return (ids.includes('debian') || ids.includes('ubuntu')) && onPath(sys, 'dpkg-query') && onPath(sys, 'apt-get');
}

export function dpkgInstalled(sys, pkg) {
  const r = sys.run('dpkg-query', ['-W', '-f=${Status}', pkg]);
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** 'root' | 'sudo' | null: how apt-get can be run without asking anything. */
export function installer(sys) {
  const id = sys.run('id', ['-u']);
  if (id.status === 0 && id.stdout.trim() === '0') return 'root';
  if (onPath(sys, 'sudo') && sys.run('sudo', ['-n', 'true']).status === 0) return 'sudo';
  return null;
}

/**
 * Works out what is missing for `purposes` and installs it when it can.
 * Returns { missing, notOnPath, installer, installed, instruction, ok }.
 */
export function ensurePackages(purposes, sys = realSystem()) {
  const wanted = [...new Set(purposes.flatMap((p) => PURPOSES[p] ?? [p]))];
  const absent = wanted.filter((p) => !provided(sys, p));
  const result = { missing: [], notOnPath: [], installer: null, installed: [], instruction: null, ok: true };
  if (!absent.length) return result;
  const debian = isDebian(sys);
  for (const p of absent) (debian && dpkgInstalled(sys, p) ? result.notOnPath : result.missing).push(p);
  for (const p of result.notOnPath) {
    const what = PACKAGES[p].bins?.length ? `${PACKAGES[p].bins[0]} is not on PATH` : 'its files are not where expected';
    sys.log(`Debian package ${p} is installed but ${what} (needed for ${PACKAGES[p].why}); fix PATH.`);
    result.ok = false;
  }
  if (!result.missing.length) return result;
  const why = [...new Set(result.missing.map((p) => PACKAGES[p].why))].join('; ');
  const list = result.missing.join(' ');
  const isRoot = () => {
    const id = sys.run('id', ['-u']);
    return id.status === 0 && id.stdout.trim() === '0';
  };
  // The command to type: through sudo where there is one, else as root (a bare Debian has no sudo).
  const aptLine = () =>
    !isRoot() && onPath(sys, 'sudo')
      ? `run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${list}`
      : `${isRoot() ? '' : 'as root, '}run: apt-get update && apt-get install -y --no-install-recommends ${list}`;
  if (!debian) {
    result.instruction = `missing: ${list} (for ${why}); install them with your system's package manager, then run this again.`;
    sys.log(result.instruction);
    result.ok = false;
    return result;
  }
  result.installer = installer(sys);
  if (!result.installer) {
    result.instruction = `missing Debian packages: ${list} (for ${why}); ${aptLine()}`;
    sys.log(result.instruction);
    result.ok = false;
    return result;
  }
  // sudo may reset the environment: DEBIAN_FRONTEND goes on the command line through env(1).
  const pre = result.installer === 'sudo' ? ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'] : [];
  const apt = (args) => {
    const [cmd, ...rest] = [...pre, 'apt-get', ...args];
    return sys.run(cmd, rest, { inherit: true, env: { DEBIAN_FRONTEND: 'noninteractive' } }).status;
  };
  sys.log(`installing Debian packages ${list} with apt-get${result.installer === 'sudo' ? ' (sudo)' : ' (as root)'}: needed for ${why}.`);
  if (apt(['update']) !== 0) sys.log('apt-get update failed; trying the install with the current package lists.');
  const status = apt(['install', '-y', '--no-install-recommends', ...result.missing]);
  result.installed = result.missing.filter((p) => provided(sys, p));
  if (status !== 0 || result.installed.length !== result.missing.length) {
    const still = result.missing.filter((p) => !result.installed.includes(p)).join(' ');
    result.instruction =
      status !== 0
        ? `apt-get install failed (exit ${status}); still missing: ${still}; ${aptLine()}`
        : `apt-get installed ${list} but ${still} is still not found (PATH?)`;
    sys.log(result.instruction);
    result.ok = false;
  }
  return result;
}

/**
 * ensurePackages for a command that cannot go on without them: throws when something is still missing, with the
 * one line to act on as its message and `reported` set, because that line has already been logged (the caller
 * stops without printing it a second time).
 */
export function requirePackages(purposes, sys = realSystem()) {
  const r = ensurePackages(purposes, sys);
  if (!r.ok) {
    const names = [...r.missing, ...r.notOnPath].join(' ');
    throw Object.assign(new Error(r.instruction ?? `system packages not usable: ${names} (see above)`), { reported: true, result: r });
  }
  return r;
}

/**
 * `npm test`'s check before its first stage: what the host stage needs (Chromium, and code-server's build tool chain
 * while code-server is not installed yet). Throws like requirePackages: the suite stops there, its one line printed.
 */
export function requireForHostStage(codeServerInstalled, sys = realSystem()) {
  return requirePackages(codeServerInstalled ? ['chromium'] : ['host-tests'], sys);
}
