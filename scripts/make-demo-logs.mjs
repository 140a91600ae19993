// Generates demo/logs/*.log from REAL runs: the demo service (demo/app/app.js, Express + dd-trace from npm) sends
// its traces to the local trace intake (`asm-troubleshooter intake`, on 127.0.0.1), receives the real test attack
// (`asm-troubleshooter attack`), and its stdout+stderr are written as produced (interleaved in arrival order).
// Usage: node scripts/make-demo-logs.mjs [--only name,name]   (builds dist/ first when missing)
// Everything runs on 127.0.0.1 and every process is bounded in time and killed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const APP = path.join(REPO, 'demo', 'app', 'app.js');
const OUT = path.join(REPO, 'demo', 'logs');
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1].split(',')) : null;

/** Scenarios: file name (picked up by the asm-log language: dd-trace*.log), environment, what to do. */
const SCENARIOS = [
  {
    name: 'asm-on',
    why: 'ASM on, debug logs, Arachni/v and the blocking scanner user agent',
    env: { DD_APPSEC_ENABLED: 'true', DD_TRACE_DEBUG: 'true' },
    attacks: ['Arachni/v', 'dd-test-scanner-log-block'],
  },
  {
    name: 'asm-off',
    why: 'DD_APPSEC_ENABLED=false: the startup line says appsec_enabled false; no event',
    env: { DD_APPSEC_ENABLED: 'false' },
    attacks: ['Arachni/v'],
  },
  { name: 'asm-unset', why: 'DD_APPSEC_ENABLED unset: the startup line has no appsec_enabled key', env: {}, attacks: ['Arachni/v'] },
  {
    name: 'http-disabled',
    why: 'DD_TRACE_DISABLED_PLUGINS=http with ASM on and debug: the required integration is off',
    env: { DD_APPSEC_ENABLED: 'true', DD_TRACE_DEBUG: 'true', DD_TRACE_DISABLED_PLUGINS: 'http' },
    attacks: ['Arachni/v'],
  },
  {
    name: 'agent-down',
    why: 'ASM on, the agent URL points at a closed port: the DIAGNOSTIC Agent Error line after ~15 s',
    env: { DD_APPSEC_ENABLED: 'true' },
    attacks: ['Arachni/v'],
    agentUrl: 'http://127.0.0.1:9',
    settleMs: 19_000,
  },
];

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function run(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(child);
  const p = { child, out: '', err: '', both: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => ((p.out += d), (p.both += d)));
  child.stderr.setEncoding('utf8').on('data', (d) => ((p.err += d), (p.both += d)));
  p.done = new Promise((r) =>
    child.on('exit', (code) => {
      children.delete(child);
      p.exited = code;
      r(code);
    }),
  );
  return p;
}

async function waitFor(pred, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stop(p) {
  if (p.exited !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 3000);
  await p.done;
  clearTimeout(t);
}

function appEnv(extra, agentUrl) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('DD_') || k.startsWith('OTEL_')) delete env[k];
  delete env.NODE_OPTIONS;
  return {
    ...env,
    PORT: '0',
    DD_SERVICE: 'asm-troubleshooter-demo',
    DD_ENV: 'local',
    DD_TRACE_STARTUP_LOGS: 'true',
    DD_TRACE_AGENT_URL: agentUrl,
    DD_TRACE_TELEMETRY_ENABLED: 'false',
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
    DD_REMOTE_CONFIG_ENABLED: 'false',
    DD_RUNTIME_METRICS_ENABLED: 'false',
    ...extra,
  };
}

async function scenario(s, intakeUrl) {
  const app = run(process.execPath, [APP], { env: appEnv(s.env, s.agentUrl ?? intakeUrl) });
  try {
    await waitFor(() => /^LISTENING \d+/m.test(app.out), 20_000, `${s.name}: LISTENING`);
    const port = /^LISTENING (\d+)/m.exec(app.out)[1];
    const results = [];
    for (const ua of s.attacks) {
      const a = run(process.execPath, [CLI, 'attack', '--url', `http://127.0.0.1:${port}/`, '--user-agent', ua, '--json', '--timeout', '5000']);
      await Promise.race([a.done, sleep(10_000)]);
      await stop(a);
      results.push(`${ua}: ${a.out.trim() || a.err.trim()}`);
    }
    // Let the exporter flush (and, for agent-down, the diagnostic appear), then stop.
    await sleep(s.settleMs ?? 2500);
    await stop(app);
    const file = path.join(OUT, `dd-trace-node-${s.name}.log`);
    writeFileSync(file, app.both);
    return { name: s.name, file, bytes: statSync(file).size, results };
  } finally {
    await stop(app);
  }
}

async function main() {
  if (!existsSync(CLI)) {
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build failed');
  }
  mkdirSync(OUT, { recursive: true });
  const intake = run(process.execPath, [CLI, 'intake', '--port', '0']);
  try {
    await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.test(intake.err), 10_000, 'the intake');
    const intakeUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(intake.err)[1];
    console.log(`intake: ${intakeUrl}`);
    const chosen = SCENARIOS.filter((s) => !only || only.has(s.name));
    const done = await Promise.all(chosen.map((s) => scenario(s, intakeUrl)));
    for (const d of done) {
      console.log(`${path.relative(REPO, d.file)}  ${(d.bytes / 1024).toFixed(1)} KB`);
      for (const r of d.results) console.log(`  attack ${r}`);
    }
    await sleep(300);
    console.log('intake received:');
    console.log(
      intake.out
        .trim()
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  } finally {
    await stop(intake);
  }
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
