// `npm test`: the whole suite, in stages. Build (with tests), type-check, lint (ESLint, type-aware), format (Prettier check), node:test (unit, LSP, real dd-trace runs),
// grammar snapshots, package the .vsix, then the integration tests inside a real VS Code (test/host/run.mjs).
// Options: --only <stage>[,<stage>] with stages build,typecheck,lint,format,node,grammar,package,host; --grep <pattern> for node tests.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const only = opt('--only')?.split(',');
const grep = opt('--grep');
const want = (s) => !only || only.includes(s);
const results = [];

/** Runs a stage; `count(output)` may return the stage's test counts {passed, failed} read from its output. */
function run(stage, cmd, args, { env = {}, count } = {}) {
  if (!want(stage)) return true;
  const t0 = Date.now();
  console.log(`\n=== ${stage}: ${cmd} ${args.join(' ')}`);
  // Output is shown as it comes; stages with test counts also write it to a log the counts are read from.
  const logFile = count ? path.join('out', `${stage}.log`) : null;
  const r = logFile
    ? spawnSync('bash', ['-o', 'pipefail', '-c', `"$0" "$@" 2>&1 | tee ${JSON.stringify(logFile)}`, cmd, ...args], {
        stdio: 'inherit',
        env: { ...process.env, ...env },
      })
    : spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  const counts = logFile && existsSync(logFile) ? count(readFileSync(logFile, 'utf8')) : null;
  results.push({ stage, ok, seconds: (Date.now() - t0) / 1000, counts });
  if (!ok) console.log(`=== ${stage} FAILED (exit ${r.status ?? r.signal})`);
  return ok;
}

const lastNumber = (text, re) => {
  let m;
  let v = null;
  for (const x of text.matchAll(re)) m = x;
  if (m) v = Number(m[1]);
  return v;
};
/** node:test's closing lines: ℹ pass N / ℹ fail N. */
const nodeCounts = (t) => ({ passed: lastNumber(t, /^ℹ pass (\d+)$/gm) ?? 0, failed: lastNumber(t, /^ℹ fail (\d+)$/gm) ?? 0 });
/** The host runner's closing line: host: N passed, N failed. */
const hostCounts = (t) => ({
  passed: lastNumber(t, /^host: (\d+) passed, \d+ failed$/gm) ?? 0,
  failed: lastNumber(t, /^host: \d+ passed, (\d+) failed$/gm) ?? 0,
});

function list(dir, pred) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...list(p, pred));
    else if (pred(p)) out.push(p);
  }
  return out.sort();
}

const npx = (bin) => path.join('node_modules', '.bin', bin);

// A fresh clone: install the npm dependencies first, so `npm test` alone is enough.
if (!existsSync(path.join('node_modules', '.package-lock.json'))) {
  console.log('=== node_modules missing: npm ci');
  if (spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}
// The host stage needs system packages (Chromium; for a first code-server install also ripgrep and a native
// tool chain): installed now, once, when missing (apt-get as root or with password-less sudo), or one line saying how.
if (want('host') && existsSync('test/host/run.mjs')) {
  const { requireForHostStage } = await import('./lib/prereqs.mjs');
  const probe = spawnSync('bash', ['test/host/install-code-server.sh'], { env: { ...process.env, ASM_INSTALL_PROBE: '1' }, stdio: 'ignore' });
  try {
    requireForHostStage(probe.status === 0);
  } catch (e) {
    if (!e.reported) console.log(e.message);
    process.exit(1); // the line saying what to run is printed: nothing would pass the host stage without it
  }
}
// The build must pass for anything else to run.
if (!run('build', process.execPath, ['esbuild.mjs', '--tests'])) finish();
run('typecheck', npx('tsc'), ['--noEmit']);
run('lint', npx('eslint'), ['src', 'test']);
run('format', 'npm', ['run', '--silent', 'format:check']);
const nodeTests = list('out/test', (p) => p.endsWith('.test.js') && !p.includes(`${path.sep}host${path.sep}`));
mkdirSync('out', { recursive: true });
run('node', process.execPath, ['--test', '--test-reporter=spec', ...(grep ? ['--test-name-pattern', grep] : []), ...nodeTests], { count: nodeCounts });
if (existsSync('test/grammar/run.mjs')) run('grammar', process.execPath, ['test/grammar/run.mjs']);
run('package', 'npm', ['run', '--silent', 'package']);
if (existsSync('test/host/run.mjs')) run('host', process.execPath, ['test/host/run.mjs'], { count: hostCounts });
finish();

function finish() {
  console.log('\n=== summary');
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.stage.padEnd(10)} ${r.seconds.toFixed(1)}s`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`stages: ${results.length - failed} passed, ${failed} failed`);
  // The closing line: every test counted (node:test and the real-VS-Code host tests); a failed stage without its
  // own counts (build, typecheck, grammar, package) counts as one failure.
  const tests = results.reduce((a, r) => ({ passed: a.passed + (r.counts?.passed ?? 0), failed: a.failed + (r.counts?.failed ?? (r.ok ? 0 : 1)) }), {
    passed: 0,
    failed: 0,
  });
  console.log(`tests: ${tests.passed} passed, ${tests.failed} failed`);
  process.exit(failed ? 1 : 0);
}
