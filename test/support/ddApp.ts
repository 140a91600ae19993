// Real-client harness: starts test/support/dd-app/app.js (Express + the real dd-trace from npm) on 127.0.0.1,
// captures its stdout/stderr, and stops it. Used by the attack, log and agent tests of every issue.
//
// Facts that shape it (shared/facts/node-dd-trace.md): the startup CONFIGURATION line goes to stderr; INTEGRATIONS
// LOADED appears only after the first agent response; the agent-down DIAGNOSTIC line after about 15 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { before, after } from 'node:test';
import { startIntake, type Intake } from '../../src/core/intake';

export interface DdApp {
  url: string;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Writes stdout/stderr to `<dir>/<name>.stdout.log` and `<dir>/<name>.stderr.log`; returns the paths. */
  saveLogs(dir: string, name: string): Promise<{ stdout: string; stderr: string }>;
  /** Waits (bounded) until `pred` holds on the captured output; resolves false on timeout. */
  waitForOutput(pred: (stdout: string, stderr: string) => boolean, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface DdAppOptions {
  /** Extra environment; a value `undefined` removes the variable (e.g. `DD_APPSEC_ENABLED: undefined`). */
  env?: Record<string, string | undefined>;
  /** DD_TRACE_AGENT_URL; default http://127.0.0.1:9 (nothing listens: agent down). */
  agentUrl?: string;
  /** Bound on the start (until `LISTENING <port>`); default 20 s. */
  timeoutMs?: number;
  /** Another app script (absolute, or relative to the repository root). */
  script?: string;
}

/** Cap on captured output per stream, so a chatty debug run cannot exhaust the test process. */
const MAX_CAPTURE = 8 * 1024 * 1024;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave an app running after the test process: kill synchronously on exit.
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/** The repository root: the nearest ancestor with package.json named asm-troubleshooter (works from src and out). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'test', 'support', 'dd-app', 'app.js'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

export function ddAppEnv(opts: DdAppOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's own DD_* settings must not leak into the app.
  for (const k of Object.keys(env)) if (k.startsWith('DD_') || k.startsWith('OTEL_')) delete env[k];
  delete env.NODE_OPTIONS;
  Object.assign(env, {
    DD_APPSEC_ENABLED: 'true',
    DD_TRACE_STARTUP_LOGS: 'true',
    DD_TRACE_DEBUG: 'true',
    DD_TRACE_AGENT_URL: opts.agentUrl ?? 'http://127.0.0.1:9',
    DD_TRACE_TELEMETRY_ENABLED: 'false',
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
    DD_REMOTE_CONFIG_ENABLED: 'false',
    DD_RUNTIME_METRICS_ENABLED: 'false',
    DD_SERVICE: 'asm-troubleshooter-demo',
    DD_ENV: 'local',
    // Flush spans quickly so tests don't wait for the default 2 s interval.
    DD_TRACE_FLUSH_INTERVAL: '200',
    // The WAF's per-request budget, one no machine misses (dd-trace-js reads µs, default 5000): on a loaded 2-core
    // machine a request's first WAF run went past 5 ms, the tracer tagged _dd.appsec.waf.timeouts and the intake
    // rightly reported appsec-waf-timeout. Tests that want that finding set their own value.
    DD_APPSEC_WAF_TIMEOUT: '10000000',
  });
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function startDdApp(opts: DdAppOptions = {}): Promise<DdApp> {
  installExitHook();
  const root = repoRoot();
  const script = path.resolve(root, opts.script ?? path.join('test', 'support', 'dd-app', 'app.js'));
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, [script], { cwd: root, env: ddAppEnv(opts), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of waiters) w();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    if (out.length < MAX_CAPTURE) out += d;
    poke();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (err.length < MAX_CAPTURE) err += d;
    poke();
  });
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      poke();
      resolve();
    }),
  );

  const waitForOutput = (pred: (o: string, e: string) => boolean, ms: number) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (pred(out, err)) return done(true);
        if (exited) return done(false);
      };
      const timer = setTimeout(() => done(false), ms);
      const done = (v: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(v);
      };
      waiters.add(check);
      check();
    });

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exitedP;
    clearTimeout(t);
  };

  return new Promise<DdApp>((resolve, reject) => {
    const re = /^LISTENING (\d+)\s*$/m;
    void waitForOutput((o) => re.test(o), timeoutMs).then(async (ok) => {
      const m = re.exec(out);
      if (!ok || !m) {
        const why = exited ? `exited (code ${(exited as { code: number | null }).code})` : `did not print LISTENING within ${timeoutMs} ms`;
        await stop();
        reject(new Error(`dd-app ${why}\n--- stderr ---\n${err.slice(-4000)}\n--- stdout ---\n${out.slice(-2000)}`));
        return;
      }
      const port = Number(m[1]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        stdout: () => out,
        stderr: () => err,
        waitForOutput,
        async saveLogs(dir, name) {
          await mkdir(dir, { recursive: true });
          const files = { stdout: path.join(dir, `${name}.stdout.log`), stderr: path.join(dir, `${name}.stderr.log`) };
          await writeFile(files.stdout, out);
          await writeFile(files.stderr, err);
          return files;
        },
        stop,
      });
    });
  });
}

/**
 * Registers node:test before/after hooks that start the local trace intake on 127.0.0.1 and a real dd-trace app
 * sending to it, and stop both. Read `app` and `intake` inside tests (they exist once `before` has run).
 */
export function appWithIntake(opts: Omit<DdAppOptions, 'agentUrl'> = {}): { readonly app: DdApp; readonly intake: Intake } {
  const ctx = {} as { app: DdApp; intake: Intake };
  before(async () => {
    ctx.intake = await startIntake({ port: 0 });
    ctx.app = await startDdApp({ ...opts, agentUrl: ctx.intake.url });
  });
  after(async () => {
    await ctx.app?.stop();
    await ctx.intake?.close();
  });
  return ctx;
}
