// `npm run bench`: speed and size figures, each next to a reference measured in the same run.
//   1. `check` on a generated 100 MB log (all tracers' real formats + noise, seeded) vs `grep -E -c` with the rules' literals
//   2. peak RSS of `check` on a 1 GB log (the 100 MB log 10×, a real file) vs `node -e 0`
//   3. language-server diagnostics latency after an edit in a 5 MB document (didChange → publishDiagnostics), p50/p95,
//      and didOpen of a 40 MB log (scripts/bench-server.mjs, which also runs alone for profiling)
//   4. bundle sizes (production build) and activation-related times (server start → initialize; bundle compile time)
// Options: --size <MB> (default 100), --big <MB> (default 10 × size, 0 to skip), --edits <n> (default 30), --seed <n>,
// --runs <n> (timing rounds, default 5: medians are reported).
// Generated files are cached in bench-data/ (gitignored), keyed by size and seed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import { parse } from 'yaml';
import { generateLog } from './bench-gen.mjs';
import { lspLatency, ruleLiterals } from './bench-server.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  return i === -1 ? def : Number(argv[i + 1]);
};
const SIZE_MB = opt('--size', 100);
const BIG_MB = opt('--big', SIZE_MB * 10);
const EDITS = opt('--edits', 30);
const SEED = opt('--seed', 42);
const RUNS = Math.max(1, opt('--runs', 5));
const DATA = 'bench-data';
mkdirSync(DATA, { recursive: true });
const rows = [];
const row = (metric, ours, ref, ratio, target) => rows.push({ metric, ours, ref, ratio, target });
const ms = (n) => `${n.toFixed(0)} ms`;
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const log = (m) => process.stderr.write(m + '\n');
const t0 = Date.now();

// ---------------------------------------------------------------- build (production) and sizes
log('building (production)…');
spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
// The bundles are copied at once: dist/ is shared with whoever rebuilds (a development build must not be measured).
const BIN = path.join('bench-data', 'bin');
mkdirSync(BIN, { recursive: true });
for (const f of ['extension', 'server', 'cli', 'cli-bundle']) copyFileSync(`dist/${f}.js`, path.join(BIN, `${f}.js`));
const CLI = path.join(BIN, 'cli.js');
for (const f of ['extension', 'server', 'cli', 'cli-bundle']) {
  const size = statSync(path.join(BIN, `${f}.js`)).size;
  row(`bundle dist/${f}.js`, `${(size / 1024).toFixed(0)} KB`, '', '', f === 'extension' ? '≤ 150 KB' : '');
}
const extMeta = await esbuild.build({
  entryPoints: ['src/client/extension.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  write: false,
  external: ['vscode'],
  metafile: true,
  plugins: [yamlPlugin()],
  logLevel: 'silent',
});
const byPkg = new Map();
for (const [f, i] of Object.entries(Object.values(extMeta.metafile.outputs)[0].inputs)) {
  const key = f.startsWith('node_modules/')
    ? f
        .split('/')
        .slice(1, f.split('/')[1].startsWith('@') ? 3 : 2)
        .join('/')
    : f.split('/').slice(0, 2).join('/');
  byPkg.set(key, (byPkg.get(key) ?? 0) + i.bytesInOutput);
}
const topInputs = [...byPkg]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 6)
  .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KB`);

// ---------------------------------------------------------------- data
const file = path.join(DATA, `bench-${SIZE_MB}mb-s${SEED}.log`);
if (!existsSync(file)) {
  log(`generating ${file}…`);
  const g = await generateLog(file, SIZE_MB * 1048576, { seed: SEED });
  log(`  ${g.lines} lines, ${mb(g.bytes)}`);
}
const bytes = statSync(file).size;

// The rules' literals, read from the sources (bundled on the fly: the rules read some from the knowledge base).
const literals = await ruleLiterals(DATA);
const ere = literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

// ---------------------------------------------------------------- 1. check vs grep
function timed(cmd, args, { input } = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1048576, ...(input ? { input } : {}) });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout, err: r.stderr, status: r.status };
}
// The machine may be shared (other builds and tests): the commands take turns, RUNS rounds, and the median
// of each is reported (the minimum too). The load average is printed with the table.
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
function rounds(n, fns) {
  const res = fns.map(() => []);
  for (let i = 0; i < n; i++) fns.forEach((f, k) => res[k].push(f()));
  return res.map((rs) => ({ ...rs[0], ms: median(rs.map((r) => r.ms)), min: Math.min(...rs.map((r) => r.ms)), all: rs.map((r) => r.ms) }));
}
log('check vs grep…');
timed('cat', [file]); // warm the page cache
const loadBefore = os.loadavg();
const [grep, check, nodeStart] = rounds(RUNS, [
  () => timed('grep', ['-E', '-c', '-e', ere, file]),
  () => timed(process.execPath, [CLI, 'check', file]),
  () => timed(process.execPath, ['-e', '0']),
]);
log(`  grep ${grep.all.map(ms).join(', ')}\n  check ${check.all.map(ms).join(', ')}\n  node -e 0 ${nodeStart.all.map(ms).join(', ')}`);
const summaryLine = check.out.trim().split('\n').at(-1);
row(
  `check ${mb(bytes)} (${literals.length} literals), median of ${RUNS}`,
  `${ms(check.ms)} (min ${ms(check.min)})`,
  `grep -E -c ${ms(grep.ms)} (min ${ms(grep.min)})`,
  `${(check.ms / grep.ms).toFixed(1)}×`,
  '≤ 3×',
);
row('  check throughput', `${(bytes / 1048576 / (check.ms / 1000)).toFixed(0)} MB/s`, `grep ${(bytes / 1048576 / (grep.ms / 1000)).toFixed(0)} MB/s`, '', '');
row('  node start-up alone (node -e 0)', ms(nodeStart.ms), '', `${((nodeStart.ms / check.ms) * 100).toFixed(0)}% of check`, '');
row('  lines matching a literal', `grep: ${grep.out.trim()}`, '', '', '');

// ---------------------------------------------------------------- 2. RSS on a 1 GB file
const hasTime = existsSync('/usr/bin/time');
function peak(args) {
  if (hasTime) {
    const r = timed('/usr/bin/time', ['-f', '%M %e', ...args]);
    const [kb, s] = r.err.trim().split('\n').at(-1).split(' ');
    return { rssMB: Number(kb) / 1024, ms: Number(s) * 1000, out: r.out };
  }
  // No /usr/bin/time: a wrapper reads the child's maxRSS from process.resourceUsage() of a node child.
  const wrap = `const {spawnSync}=require('child_process');const t=Date.now();const r=spawnSync(process.execPath,${JSON.stringify(args.slice(1))},{stdio:['ignore','ignore','inherit']});console.log(JSON.stringify({kb:require('process').resourceUsage().maxRSS,ms:Date.now()-t}))`;
  const r = JSON.parse(timed(process.execPath, ['-e', wrap]).out);
  return { rssMB: r.kb / 1024, ms: r.ms, out: '' };
}
if (BIG_MB > 0) {
  const big = path.join(DATA, `bench-${BIG_MB}mb-s${SEED}.log`);
  if (!existsSync(big)) {
    log(`writing ${big} (${Math.ceil(BIG_MB / SIZE_MB)} × ${file})…`);
    const out = createWriteStream(big);
    for (let i = 0; i < Math.ceil(BIG_MB / SIZE_MB); i++) {
      for await (const c of createReadStream(file)) if (!out.write(c)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  log('check on the big file…');
  const bigBytes = statSync(big).size;
  timed('cat', [big]); // warm the page cache (as far as it holds)
  // Time and peak RSS, interleaved with grep over the same literals (fewer rounds: each takes seconds).
  const bigRuns = Math.min(RUNS, 3);
  const rs = [];
  const gs = [];
  for (let i = 0; i < bigRuns; i++) {
    gs.push(timed('grep', ['-E', '-c', '-e', ere, big]).ms);
    rs.push(peak([process.execPath, CLI, 'check', big]));
  }
  log(`  grep ${gs.map(ms).join(', ')}\n  check ${rs.map((x) => ms(x.ms)).join(', ')}`);
  const r = { rssMB: Math.max(...rs.map((x) => x.rssMB)), ms: median(rs.map((x) => x.ms)) };
  const bigGrep = median(gs);
  const base = peak([process.execPath, '-e', '0']);
  row(`check ${mb(bigBytes)}, median of ${bigRuns}`, ms(r.ms), `grep -E -c ${ms(bigGrep)}`, `${(r.ms / bigGrep).toFixed(1)}×`, '≤ 2×');
  row(
    `check ${mb(bigBytes)}: peak RSS (max of ${bigRuns})`,
    `${r.rssMB.toFixed(0)} MB`,
    `node -e 0: ${base.rssMB.toFixed(0)} MB`,
    `${(r.rssMB / base.rssMB).toFixed(1)}×`,
    '≤ 96 MB',
  );
  row(
    `  check ${mb(bigBytes)} throughput`,
    `${(bigBytes / 1048576 / (r.ms / 1000)).toFixed(0)} MB/s`,
    `grep ${(bigBytes / 1048576 / (bigGrep / 1000)).toFixed(0)} MB/s`,
    '',
    '',
  );
}

// ---------------------------------------------------------------- 3. LSP latency in a 5 MB document
// --edits 0 skips this section (a quick check-vs-grep run).
const lat =
  EDITS > 0 ? (log('language server latency…'), await lspLatency({ bin: BIN, file, data: DATA, literals: literals.filter(Boolean), edits: EDITS })) : null;
if (lat) {
  // Server CPU: the server process's CPU time (all threads) per case, less dependent on the machine's load than wall-clock.
  const cpu = (c) => (c.cpu == null ? '' : `, server CPU ${ms(c.cpu)}`);
  row(
    `server: diagnostics after an append, 5 MB doc (p50/p95 of ${EDITS})`,
    `${ms(lat.append.p50)} / ${ms(lat.append.p95)}${cpu(lat.append)}`,
    `debounce ${lat.debounce} ms`,
    `${ms(lat.append.p50 - lat.debounce)} beyond it`,
    '',
  );
  row(
    `server: diagnostics after a mid-document edit (from the checkpoint before it)`,
    `${ms(lat.middle.p50)} / ${ms(lat.middle.p95)}${cpu(lat.middle)}`,
    `debounce ${lat.debounce} ms`,
    `${ms(lat.middle.p50 - lat.debounce)} beyond it`,
    '≤ 30 ms beyond',
  );
  row(
    `  the same edit on a line holding a rule's literal (re-analysed)`,
    `${ms(lat.ruleLine.p50)} / ${ms(lat.ruleLine.p95)}${cpu(lat.ruleLine)}`,
    `debounce ${lat.debounce} ms`,
    `${ms(lat.ruleLine.p50 - lat.debounce)} beyond it`,
    '≤ 30 ms beyond',
  );
  row(
    `  the same edit on a line holding none (previous analysis kept)`,
    `${ms(lat.noiseLine.p50)} / ${ms(lat.noiseLine.p95)}${cpu(lat.noiseLine)}`,
    `debounce ${lat.debounce} ms`,
    `${ms(lat.noiseLine.p50 - lat.debounce)} beyond it`,
    '',
  );
  if (lat.open40) {
    row(
      `server: didOpen of a ${mb(lat.open40.bytes)} log → first diagnostics (median of ${lat.open40.runs})`,
      `${ms(lat.open40.ms)}${cpu(lat.open40)}`,
      `check on the same file ${ms(lat.open40.check)}${lat.open40.checkCpu == null || Number.isNaN(lat.open40.checkCpu) ? '' : `, CPU ${ms(lat.open40.checkCpu)}`}`,
      `${(lat.open40.ms / lat.open40.check).toFixed(1)}×`,
      '≤ 1.5×',
    );
  }
  row('server: hover answered during a full re-analysis (p50)', ms(lat.hoverDuring), `idle hover ${ms(lat.hoverIdle)}`, '', '');
  row('server start → initialize response', ms(lat.init), `node -e 0: ${ms(nodeStart.ms)}`, `${(lat.init / nodeStart.ms).toFixed(1)}×`, '');
  row('server: first diagnostics of the 5 MB doc after didOpen', ms(lat.first), '', '', '');
}

// ---------------------------------------------------------------- 4. activation-related: compile time of the bundles
const compile = (f) => {
  const code = readFileSync(f, 'utf8');
  const t = process.hrtime.bigint();
  new vm.Script(code, { filename: f });
  return Number(process.hrtime.bigint() - t) / 1e6;
};
row(
  'dist/extension.js parse+compile (vm.Script, not run: needs vscode)',
  ms(compile(path.join(BIN, 'extension.js'))),
  `dist/cli-bundle.js ${ms(compile(path.join(BIN, 'cli-bundle.js')))}`,
  '',
  '',
);

// ---------------------------------------------------------------- report
const w = [0, 0, 0, 0, 0];
const cells = (r) => [r.metric, r.ours, r.ref, r.ratio, r.target];
const head = { metric: 'metric', ours: 'ours', ref: 'reference (same run)', ratio: 'ratio', target: 'target' };
for (const r of [head, ...rows]) cells(r).forEach((c, i) => (w[i] = Math.max(w[i], String(c).length)));
const line = (r) =>
  '| ' +
  cells(r)
    .map((c, i) => String(c).padEnd(w[i]))
    .join(' | ') +
  ' |';
console.log(
  `\nASM Troubleshooter bench — node ${process.version}, ${new Date().toISOString()}, ${SIZE_MB} MB log (seed ${SEED}), ${os.cpus().length} CPUs, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} (before the timings) / ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (end)`,
);
console.log(line(head));
console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
console.log(`\ncheck's last line: ${summaryLine}`);
console.log(`client bundle, largest inputs (minified): ${topInputs.join(', ')}`);
console.log(`total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s`);

// ---------------------------------------------------------------- helpers
function yamlPlugin() {
  return {
    name: 'yaml',
    setup(build) {
      build.onLoad({ filter: /\.ya?ml$/ }, async (a) => ({ contents: JSON.stringify(parse(readFileSync(a.path, 'utf8'))), loader: 'json' }));
    },
  };
}
