// The language server's rows of `npm run bench`, over the real server (a bundle of src/server/server.ts) on stdio:
// diagnostics after an append and after a mid-document edit of a 5 MB log (beyond the debounce), a hover during a
// re-analysis, and didOpen of a 40 MB log until its first diagnostics against `check` on the same file.
// Besides wall-clock, each case reports the server process's CPU time (all its threads, from /proc/<pid>/task/*/schedstat,
// in ns): it depends much less on the load of a shared machine than wall-clock does.
//
// Standalone (for profiling): node scripts/bench-server.mjs [--bin <dir with server.js, cli.js>] [--file <log ≥ 40 MB>]
//   [--edits n] [--opens n] [--prof <dir>: the server runs with --cpu-prof into <dir>] [--build: production build first]
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
function pct(a, p) {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
function nthLine(s, n) {
  let i = 0;
  for (let k = 0; k < n; k++) i = s.indexOf('\n', i) + 1;
  return i;
}

/** CPU time (ms) of every thread of a process so far; null where /proc is not there. */
export function cpuMs(pid) {
  try {
    let ns = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    return null;
  }
}
/** CPU time (ms) of a finished child process (user + system), from `time`-like accounting of spawnSync's child. */
function timedCheck(cli, file) {
  // A tiny node wrapper reads the child's CPU time (resourceUsage of the wrapper's children is not exposed: use
  // /proc/self/stat's cutime/cstime after waiting).
  const wrap = `const {spawnSync}=require('child_process');const t=process.hrtime.bigint();spawnSync(process.execPath,${JSON.stringify([cli, 'check', file])},{stdio:'ignore'});const w=Number(process.hrtime.bigint()-t)/1e6;const f=require('fs').readFileSync('/proc/self/stat','utf8').split(') ')[1].split(' ');const hz=100;console.log(JSON.stringify({ms:w,cpu:(Number(f[13])+Number(f[14]))*1000/hz}))`;
  const r = spawnSync(process.execPath, ['-e', wrap], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { ms: NaN, cpu: NaN };
  }
}

/**
 * Runs the server cases. `bin`: a directory with server.js and cli.js; `file`: the generated log (its first 5 MB
 * and, when it is big enough, its first 40 MB are used); `data`: where the derived files go; `literals`: the rules'
 * literals (the mid-document edits are also measured on a line holding one, which the server re-analyses, and on a
 * line holding none, which it does not need to).
 */
export async function lspLatency({ bin, file, data, literals, edits = 30, opens = 3, prof = null, debounce = 120 }) {
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
  const tStart = performance.now();
  const args = [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), path.join(bin, 'server.js'), '--stdio'];
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiters = [];
  // Bytes the server writes (what the client has to decode), counted per case.
  let outBytes = 0;
  proc.stdout.on('data', (b) => (outBytes += b.length));
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    for (const w of [...waiters]) if (w.uri === p.uri && p.version === w.version) (waiters.splice(waiters.indexOf(w), 1), w.resolve(performance.now()));
  });
  conn.onNotification(() => {});
  conn.onRequest(() => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  const init = performance.now() - tStart;
  await conn.sendNotification('initialized', {});
  const wait = (uri, version) => new Promise((resolve) => waiters.push({ uri, version, resolve }));
  const cpu = () => cpuMs(proc.pid);

  // 5 MB of the generated log, whole lines.
  const fd = readFileSync(file)
    .subarray(0, 5 * 1048576)
    .toString('utf8');
  let text = fd.slice(0, fd.lastIndexOf('\n') + 1);
  const uri = pathToFileURL(path.resolve(data, 'latency.log')).href;
  let version = 1;
  let t = performance.now();
  const firstP = wait(uri, 1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'asm-log', version, text } });
  const first = (await firstP) - t;
  const lines = () => text.split('\n').length - 1;
  const sample = [
    '2024/01/15 08:00:00 Datadog Tracer v1.36.0 WARN: DIAGNOSTICS Unable to reach agent intake: connection refused\n',
    '[2024-01-15 08:00:00.233][info][1205] DDAS-0014-00: AppSec has started\n',
    'GET /health 200\n',
  ];
  const hasLiteral = (l) => literals.some((x) => l.includes(x));
  /** Inserts 'x' at the start of the first line from the middle on for which `want(line)` holds; [wall ms, server CPU ms]. */
  const midEdit = async (want) => {
    const ls = text.split('\n');
    let mid = Math.floor((ls.length - 1) / 2);
    while (mid < ls.length - 2 && !want(ls[mid])) mid++;
    version++;
    const p = wait(uri, version);
    const lineStart = nthLine(text, mid);
    text = text.slice(0, lineStart) + 'x' + text.slice(lineStart);
    const c0 = cpu();
    const t0 = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: mid, character: 0 }, end: { line: mid, character: 0 } }, text: 'x' }],
    });
    const w = (await p) - t0;
    return [w, cpu() - c0];
  };
  const ruleLine = [];
  const ruleLineCpu = [];
  const noiseLine = [];
  const noiseLineCpu = [];
  const append = [];
  const middle = [];
  const appendCpu = [];
  const middleCpu = [];
  const appendBytes = [];
  const middleBytes = [];
  const hoverDuring = [];
  const hoverIdle = [];
  for (let i = 0; i < edits; i++) {
    // An append at the end (a tailed log growing).
    const add = sample[i % sample.length];
    const end = { line: lines(), character: 0 };
    text += add;
    version++;
    let p = wait(uri, version);
    let c0 = cpu();
    let b0 = outBytes;
    t = performance.now();
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: end, end }, text: add }] });
    append.push((await p) - t);
    appendCpu.push(cpu() - c0);
    appendBytes.push(outBytes - b0);
    const h0 = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    hoverIdle.push(performance.now() - h0);
    // An edit in the middle: re-analysed from the checkpoint before it.
    const mid = Math.floor(lines() / 2);
    version++;
    p = wait(uri, version);
    const lineStart = nthLine(text, mid);
    text = text.slice(0, lineStart) + 'x' + text.slice(lineStart);
    c0 = cpu();
    b0 = outBytes;
    t = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: mid, character: 0 }, end: { line: mid, character: 0 } }, text: 'x' }],
    });
    // A hover while the re-analysis may run (after the debounce): answered between slices.
    await new Promise((r) => setTimeout(r, debounce + 20));
    const h1 = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    hoverDuring.push(performance.now() - h1);
    middle.push((await p) - t);
    middleCpu.push(cpu() - c0);
    // (the hover's answer is a few hundred bytes)
    middleBytes.push(outBytes - b0);
    // The same edit on a line that holds a rule's literal (re-analysed from the checkpoint before it), and on one
    // that holds none ('x' writes no literal: the previous analysis stands).
    const [rw, rc] = await midEdit(hasLiteral);
    ruleLine.push(rw);
    ruleLineCpu.push(rc);
    const [nw, nc] = await midEdit((l) => !hasLiteral(l) && !hasLiteral('x' + l));
    noiseLine.push(nw);
    noiseLineCpu.push(nc);
  }
  // Opening a 40 MB log (under VS Code's 50 MB limit for extensions' documents) until its first diagnostics,
  // against `check` on the same file; interleaved, median of `opens`.
  let open40 = null;
  const whole = readFileSync(file);
  if (whole.length >= 40 * 1048576 && opens > 0) {
    const s = whole.subarray(0, 40 * 1048576).toString('utf8');
    const t40 = s.slice(0, s.lastIndexOf('\n') + 1);
    const f40 = path.join(data, 'open-40mb.log');
    writeFileSync(f40, t40);
    const o = [];
    const oc = [];
    const ch = [];
    const chc = [];
    const ob = [];
    for (let k = 0; k < opens; k++) {
      const c = timedCheck(path.join(bin, 'cli.js'), f40);
      ch.push(c.ms);
      chc.push(c.cpu);
      const u = pathToFileURL(path.resolve(data, `open40-${k}.log`)).href;
      const p40 = wait(u, 1);
      const c0 = cpu();
      const b0 = outBytes;
      const t1 = performance.now();
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'asm-log', version: 1, text: t40 } });
      o.push((await p40) - t1);
      oc.push(cpu() - c0);
      ob.push(outBytes - b0);
      await conn.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
      // The close's empty publish and the GC of the old document: not part of the next open.
      await new Promise((r) => setTimeout(r, 300));
    }
    open40 = {
      bytes: Buffer.byteLength(t40),
      runs: opens,
      ms: median(o),
      all: o,
      cpu: median(oc),
      allCpu: oc,
      outBytes: median(ob),
      check: median(ch),
      checkAll: ch,
      checkCpu: median(chc),
    };
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
  return {
    init,
    first,
    open40,
    debounce,
    append: { p50: pct(append, 50), p95: pct(append, 95), cpu: median(appendCpu), bytes: median(appendBytes) },
    middle: { p50: pct(middle, 50), p95: pct(middle, 95), cpu: median(middleCpu), bytes: median(middleBytes) },
    ruleLine: { p50: pct(ruleLine, 50), p95: pct(ruleLine, 95), cpu: median(ruleLineCpu) },
    noiseLine: { p50: pct(noiseLine, 50), p95: pct(noiseLine, 95), cpu: median(noiseLineCpu) },
    hoverDuring: pct(hoverDuring, 50),
    hoverIdle: pct(hoverIdle, 50),
  };
}

/** The rules' literals, read from the sources (bundled on the fly: the rules read some from the knowledge base). */
export async function ruleLiterals(data) {
  const esbuild = await import('esbuild');
  const { parse } = await import('yaml');
  const r = await esbuild.build({
    stdin: {
      contents: "import { LOG_RULES } from './src/core/log/rules'; console.log(JSON.stringify(LOG_RULES.map((r) => r.literals)));",
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    plugins: [
      {
        name: 'yaml',
        setup: (b) => b.onLoad({ filter: /\.ya?ml$/ }, (a) => ({ contents: JSON.stringify(parse(readFileSync(a.path, 'utf8'))), loader: 'json' })),
      },
    ],
    logLevel: 'silent',
  });
  writeFileSync(path.join(data, 'literals-server.cjs'), r.outputFiles[0].text);
  const groups = JSON.parse(spawnSync(process.execPath, [path.join(data, 'literals-server.cjs')], { encoding: 'utf8' }).stdout);
  return [...new Set(groups.flat())].filter((l) => l.length > 0);
}

// ---------------------------------------------------------------- standalone
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const opt = (name, def) => {
    const i = argv.indexOf(name);
    return i === -1 ? def : argv[i + 1];
  };
  const data = 'bench-data';
  mkdirSync(data, { recursive: true });
  let bin = opt('--bin', null);
  if (!bin) {
    bin = path.join(data, 'bin-server');
    mkdirSync(bin, { recursive: true });
    if (argv.includes('--build') || !existsSync(path.join(bin, 'server.js'))) {
      spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
      for (const f of ['server', 'cli', 'cli-bundle']) copyFileSync(`dist/${f}.js`, path.join(bin, `${f}.js`));
    }
  }
  const file = opt('--file', path.join(data, 'bench-100mb-s42.log'));
  const prof = opt('--prof', null);
  const literals = await ruleLiterals(data);
  if (prof) mkdirSync(prof, { recursive: true });
  const load = os.loadavg();
  const r = await lspLatency({ bin, file, data, literals, edits: Number(opt('--edits', 30)), opens: Number(opt('--opens', 3)), prof });
  const f = (n) => (n == null || Number.isNaN(n) ? '-' : n.toFixed(0));
  console.log(
    `load ${load.map((l) => l.toFixed(2)).join(' ')} → ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`init ${f(r.init)} ms; first diagnostics of the 5 MB doc ${f(r.first)} ms`);
  console.log(`append p50/p95 ${f(r.append.p50)}/${f(r.append.p95)} ms (server CPU median ${f(r.append.cpu)} ms, ${f(r.append.bytes / 1024)} KB out)`);
  console.log(`middle p50/p95 ${f(r.middle.p50)}/${f(r.middle.p95)} ms (server CPU median ${f(r.middle.cpu)} ms, ${f(r.middle.bytes / 1024)} KB out)`);
  console.log(`middle, a line with a literal p50/p95 ${f(r.ruleLine.p50)}/${f(r.ruleLine.p95)} ms (server CPU median ${f(r.ruleLine.cpu)} ms)`);
  console.log(`middle, a line without p50/p95 ${f(r.noiseLine.p50)}/${f(r.noiseLine.p95)} ms (server CPU median ${f(r.noiseLine.cpu)} ms)`);
  console.log(`hover idle ${f(r.hoverIdle)} ms, during ${f(r.hoverDuring)} ms`);
  if (r.open40)
    console.log(
      `open40 ${r.open40.all.map(f).join(', ')} ms (median ${f(r.open40.ms)}), server CPU ${r.open40.allCpu.map(f).join(', ')} ms, ${f(r.open40.outBytes / 1024)} KB out; check ${r.open40.checkAll.map(f).join(', ')} ms (median ${f(r.open40.check)}, CPU ${f(r.open40.checkCpu)} ms) → ${(r.open40.ms / r.open40.check).toFixed(2)}×`,
    );
}
