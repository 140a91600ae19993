// `node scripts/adversarial.mjs [--runs N]`: a bounded adversarial run against the built bundles (run `npm run build`
// first). `check --json` on generated hostile files (binary, invalid UTF-8, 10 MB lines, CR/CRLF mixes, pumps of the
// rules' literals, deep JSON, huge startup lines), then hostile payloads to a local intake (`intake` on 127.0.0.1
// only: malformed msgpack, deep nesting, cross-origin text/plain, oversized counts), each answer checked and the
// intake's /info asked after every payload. Prints one line of figures; exit 1 on a crash, bad JSON or a dead intake.
// Loopback only; every loop is bounded in count, and each child in time.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 120;
const CLI = path.resolve('dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'asm-adversarial-'));
let seed = 42;
const rnd = (n) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
const LITERALS = [
  'DATADOG TRACER CONFIGURATION - {',
  '"appsec_enabled":',
  'DDAS-0012-01: ',
  '[dd.trace ',
  'Datadog Tracer v',
  '-- ddtrace: ',
  '| TRACE | INFO |',
  'integrations_loaded',
  '"@',
  'traces received: ',
  'AppSec is FULLY_ENABLED with ',
  '${A-',
  'api_key: |',
  'Plugin ',
  '=\t',
];
const kinds = [
  () => Buffer.from(Array.from({ length: 1 + rnd(200_000) }, () => rnd(256))),
  () => Buffer.concat([Buffer.from('DATADOG TRACER CONFIGURATION - {"appsec_enabled":'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.alloc(rnd(1000), 0x80)]),
  () => 'x'.repeat(10_000_000 + rnd(1000)),
  () => Array.from({ length: 20_000 }, (_, i) => `${LITERALS[i % LITERALS.length]}${'a'.repeat(rnd(50))}`).join(['\n', '\r\n', '\r'][rnd(3)]),
  () => `DATADOG TRACER CONFIGURATION - ${'{"a":'.repeat(100_000)}`,
  () => LITERALS[rnd(LITERALS.length)].repeat(200_000 + rnd(100_000)),
  () => `${LITERALS[rnd(LITERALS.length)]}${'\t'.repeat(300_000)}A\rB=${'@'.repeat(100_000)}\n`,
  () => `[dd.trace 2024-01-01 00:00:00:000 +0000] [main] INFO x - DATADOG TRACER CONFIGURATION {${'"integrations_loaded":["@x\\n@",'.repeat(50_000)}`,
];
let checks = 0,
  crashes = 0,
  badJson = 0;
const t0 = Date.now();
for (let i = 0; i < runs; i++) {
  const f = path.join(dir, `in-${i}${['.log', '.txt', '.ini', '.env', 'docker-compose.yml', '.out'][i % 6]}`);
  writeFileSync(f, kinds[i % kinds.length]());
  const r = spawnSync(process.execPath, [CLI, 'check', '--json', f], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  checks++;
  if (r.status === null || r.status > 2 || /\n\s+at .+:\d+:\d+/.test(r.stderr)) {
    crashes++;
    console.error(`crash on kind ${i % kinds.length}: ${r.signal ?? r.status} ${r.stderr.slice(0, 300)}`);
    continue;
  }
  try {
    JSON.parse(r.stdout);
  } catch {
    badJson++;
    console.error(`bad JSON on kind ${i % kinds.length}`);
  }
  rmSync(f);
}
const checkSeconds = (Date.now() - t0) / 1000;

// The intake: hostile payloads on loopback.
const port = 20000 + rnd(20000);
const intake = spawn(process.execPath, [CLI, 'intake', '--port', String(port), '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
let payloads = 0,
  deadIntake = 0,
  refused = 0;
try {
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/info`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const bodies = [
    () => ({ body: Buffer.from(Array.from({ length: 1 + rnd(100_000) }, () => rnd(256))), type: 'application/msgpack' }),
    () => ({ body: Buffer.alloc(8 * 1024 * 1024, 0x91), type: 'application/msgpack' }), // nested arrays
    () => ({ body: Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), type: 'application/msgpack' }), // a count the body cannot hold
    () => ({ body: Buffer.from('[[{"meta":{"appsec.event":"true"}}]]'), type: 'text/plain', origin: 'https://evil.example' }),
  ];
  for (let i = 0; i < 80; i++) {
    const b = bodies[i % bodies.length]();
    const headers = { 'content-type': b.type, ...(b.origin ? { origin: b.origin } : {}) };
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v0.4/traces`, { method: 'PUT', headers, body: b.body, signal: AbortSignal.timeout(30_000) });
      if (res.status >= 400) refused++;
      await res.arrayBuffer();
    } catch {
      /* the connection may be cut on a refused body */
    }
    payloads++;
    try {
      if (!(await fetch(`http://127.0.0.1:${port}/info`, { signal: AbortSignal.timeout(10_000) })).ok) deadIntake++;
    } catch {
      deadIntake++;
    }
  }
} finally {
  intake.kill();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `adversarial: ${checks} check runs over ${kinds.length} input kinds in ${checkSeconds.toFixed(0)} s: ${crashes} crashes, ${badJson} bad JSON; ${payloads} hostile intake payloads: ${refused} refused (4xx), ${deadIntake} times /info did not answer`,
);
process.exit(crashes || badJson || deadIntake ? 1 : 0);
