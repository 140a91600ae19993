// `npm test`: the whole suite, in stages. Build (with tests), type-check, node:test (unit, LSP, real dd-trace runs),
// grammar snapshots, package the .vsix, then the integration tests inside a real VS Code (test/host/run.mjs).
// Options: --only <stage>[,<stage>] with stages build,typecheck,node,grammar,package,host; --grep <pattern> for node tests.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
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

function run(stage, cmd, args, env = {}) {
  if (!want(stage)) return true;
  const t0 = Date.now();
  console.log(`\n=== ${stage}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  results.push({ stage, ok, seconds: (Date.now() - t0) / 1000 });
  if (!ok) console.log(`=== ${stage} FAILED (exit ${r.status ?? r.signal})`);
  return ok;
}

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
// The build must pass for anything else to run.
if (!run('build', process.execPath, ['esbuild.mjs', '--tests'])) finish();
run('typecheck', npx('tsc'), ['--noEmit']);
const nodeTests = list('out/test', (p) => p.endsWith('.test.js') && !p.includes(`${path.sep}host${path.sep}`));
run('node', process.execPath, ['--test', '--test-reporter=spec', ...(grep ? ['--test-name-pattern', grep] : []), ...nodeTests]);
if (existsSync('test/grammar/run.mjs')) run('grammar', process.execPath, ['test/grammar/run.mjs']);
run('package', 'npm', ['run', '--silent', 'package']);
if (existsSync('test/host/run.mjs')) run('host', process.execPath, ['test/host/run.mjs']);
finish();

function finish() {
  console.log('\n=== summary');
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.stage.padEnd(10)} ${r.seconds.toFixed(1)}s`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`stages: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
