// Process-group and port helpers shared by the host runner and `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
export function portBusy(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (busy) => {
      s.destroy();
      resolve(busy);
    };
    s.setTimeout(1000, () => done(true));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A port the OS considers free on 127.0.0.1 (bind to 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const groups = new Set();

/** Spawns `cmd` as the leader of a new process group (setsid), so the whole tree can be stopped with killGroup. */
export function spawnGroup(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { ...opts, detached: true });
  if (child.pid) groups.add(child.pid);
  child.once('exit', () => {});
  return child;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, then SIGKILL after `graceMs`; resolves when the group is gone (bounded). */
export async function killGroup(pgid, graceMs = 5000) {
  if (!pgid) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
    for (let i = 0; i < 30 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  groups.delete(pgid);
}

/** Synchronous last resort when the runner itself is exiting (signal or crash). */
export function killAllGroupsSync() {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  groups.clear();
}

let hooked = false;
/** On Ctrl-C, SIGTERM or exit, stop every process group this process started. */
export function killGroupsOnExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAllGroupsSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      killAllGroupsSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Runs a command synchronously with a hard timeout; returns { status, stdout, stderr }. */
export function runSync(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, killSignal: 'SIGKILL', ...opts });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}
