// The REAL dd-trace (npm) in the Express app of test/support/ddApp.ts, run with ASM on, unset, false, the http plugin
// disabled, the Agent down, and debug logs with attacks. Its real output goes to the CLI (`check --json`) and to the
// language server (stdio), which must agree; codes, lines and messages are asserted, and healthy output has no error.
// Scenarios run concurrently (the agent-down one waits for dd-trace's ~15 s diagnostic); every wait is bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { startDdApp, repoRoot, type DdAppOptions } from '../support/ddApp';
import { startIntake, type Intake } from '../../src/core/intake';
import { LspClient } from '../support/lspClient';

interface JsonFinding {
  code: string;
  severity: string;
  line: number;
  message: string;
  stepId: string | null;
}
interface Run {
  name: string;
  text: string;
  file: string;
  cli: JsonFinding[];
  summary: Record<string, unknown>;
  lsp: Diagnostic[];
}

const dir = mkdtempSync(path.join(tmpdir(), 'asm-real-node-'));
const root = repoRoot();
let intake: Intake;
let lsp: LspClient;
const runs = new Map<string, Promise<Run>>();

/** A 127.0.0.1 port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function cliCheck(file: string): Promise<{ findings: JsonFinding[]; summary: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(root, 'dist', 'cli.js'), 'check', '--json', file], { timeout: 30_000 }, (err, stdout, stderr) => {
      // Exit 1 means "errors found": still a valid report.
      if (err && (err as { code?: number }).code !== 1) return reject(new Error(`cli failed: ${err.message}\n${stderr}`));
      const out = JSON.parse(stdout) as { files: { findings: JsonFinding[]; summary: Record<string, unknown> }[] };
      resolve(out.files[0]!);
    });
  });
}

/** Runs the app, lets `act` drive it, waits (bounded) for `until`, then analyses the captured output both ways. */
async function scenario(name: string, opts: DdAppOptions, until: (out: string, err: string) => boolean, act?: (url: string) => Promise<void>): Promise<Run> {
  const app = await startDdApp(opts);
  try {
    await act?.(app.url);
    const ok = await app.waitForOutput(until, 30_000);
    assert.ok(ok, `${name}: expected output did not appear within 30 s\n--- stderr ---\n${app.stderr().slice(-3000)}`);
  } finally {
    await app.stop();
  }
  // stderr holds the startup lines (console.warn), stdout the debug lines: one file, startup first.
  const text = app.stderr() + app.stdout();
  const file = path.join(dir, `${name}.log`);
  writeFileSync(file, text);
  const { findings, summary } = await cliCheck(file);
  const uri = pathToFileURL(file).toString();
  lsp.open(uri, 'asm-log', text);
  const diags = await lsp.diagnostics(uri, undefined, 30_000);
  return { name, text, file, cli: findings, summary, lsp: diags };
}

const ua = (url: string, userAgent: string) => fetch(url, { headers: { 'User-Agent': userAgent }, signal: AbortSignal.timeout(5000) }).then((r) => r.text());
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
const noDebug = { DD_TRACE_DEBUG: undefined };
const loaded = (_o: string, e: string) => e.includes('DATADOG TRACER INTEGRATIONS LOADED');

before(async () => {
  intake = await startIntake({ port: 0 });
  lsp = new LspClient(path.join(root, 'dist', 'server.js'));
  await lsp.initialize();
  const down = await closedPort();
  const start = (name: string, ...a: Parameters<typeof scenario> extends [string, ...infer R] ? R : never) => {
    const p = scenario(name, ...a);
    p.catch(() => undefined); // awaited (and reported) by its test
    runs.set(name, p);
  };
  start('on', { agentUrl: intake.url, env: { ...noDebug } }, loaded, async (u) => void (await ua(u + '/hello', 'curl/8')));
  start('unset', { agentUrl: intake.url, env: { ...noDebug, DD_APPSEC_ENABLED: undefined } }, loaded);
  start('false', { agentUrl: intake.url, env: { ...noDebug, DD_APPSEC_ENABLED: 'false' } }, loaded);
  start('no-http', { agentUrl: intake.url, env: { DD_TRACE_DISABLED_PLUGINS: 'http' } }, loaded);
  start('agent-down', { agentUrl: `http://127.0.0.1:${down}`, env: { ...noDebug } }, (_o, e) => e.includes('Agent Error'));
  start(
    'attacks',
    { agentUrl: intake.url, env: { DD_TRACE_LOG_LEVEL: 'debug' } },
    (o) => o.includes('"appsec.blocked":"true"') && o.includes('ua0-600-12x') && o.includes('Response from the agent'),
    async (u) => {
      await ua(u + '/', 'Arachni/v');
      await ua(u + '/hello', 'dd-test-scanner-log-block');
    },
  );
});

after(async () => {
  await Promise.allSettled(runs.values());
  await lsp?.stop();
  await intake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (name: string) => runs.get(name)!;
const codes = (fs: { code: unknown }[]) => fs.map((f) => String(f.code));

/**
 * The CLI and the language server agree: Problems holds the CLI's errors and warnings, one per cause (code and
 * subject), at the cause's first line; evidence (information findings) stays out of Problems.
 */
function agree(r: Run) {
  const seen = new Set<string>();
  const expected: string[] = [];
  for (const f of r.cli) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    const key = `${f.code}\u0000${(f.message.match(/integration (\S+)/) ?? [])[1] ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    expected.push(`${f.line}:${f.code}`);
  }
  assert.deepEqual(
    r.lsp
      .filter((d) => d.severity !== 4)
      .map((d) => `${d.range.start.line + 1}:${d.code}`)
      .sort(),
    expected.sort(),
    `${r.name}: CLI and language server disagree`,
  );
}

test('ASM on, agent up: appsec-enabled on the startup line, no error, summary right', async () => {
  const r = await get('on');
  agree(r);
  assert.deepEqual(
    r.cli.filter((f) => f.severity === 'error'),
    [],
    r.text,
  );
  const f = r.cli.find((x) => x.code === 'appsec-enabled');
  assert.ok(f, JSON.stringify(r.cli));
  assert.equal(f.line, lineOf(r.text, 'DATADOG TRACER CONFIGURATION') + 1);
  assert.match(f.message, /Node\.js tracer 5\.\d+\.\d+: appsec_enabled is true/);
  assert.equal(r.summary.tracer, 'nodejs');
  assert.equal(r.summary.appsec, 'enabled');
  assert.ok((r.summary.integrations as string[]).includes('http'));
});

test('DD_APPSEC_ENABLED unset: appsec-not-configured, an error like appsec-disabled (ASM is not running either way)', async () => {
  const r = await get('unset');
  agree(r);
  assert.deepEqual(codes(r.cli), ['appsec-not-configured']);
  assert.equal(r.cli[0]!.severity, 'error');
  assert.match(r.cli[0]!.message, /no appsec_enabled field.*DD_APPSEC_ENABLED=true/);
  assert.equal(r.summary.appsec, 'not-configured');
});

test('DD_APPSEC_ENABLED=false: appsec-disabled (error) saying how to enable', async () => {
  const r = await get('false');
  agree(r);
  assert.deepEqual(codes(r.cli), ['appsec-disabled']);
  assert.equal(r.lsp[0]!.severity, 1);
  assert.match(r.cli[0]!.message, /appsec_enabled is false.*Set DD_APPSEC_ENABLED=true/);
});

test('DD_TRACE_DISABLED_PLUGINS=http: integration-disabled on the plugin line and on INTEGRATIONS LOADED', async () => {
  const r = await get('no-http');
  agree(r);
  const f = r.cli.filter((x) => x.code === 'integration-disabled');
  assert.deepEqual(f.map((x) => x.line).sort(), [lineOf(r.text, 'Plugin "http" was disabled') + 1, lineOf(r.text, 'INTEGRATIONS LOADED') + 1].sort());
  for (const x of f) {
    assert.equal(x.stepId, 'integrations');
    assert.match(x.message, /integration http.*Remove http from DD_TRACE_DISABLED_PLUGINS/);
  }
  assert.ok(codes(r.cli).includes('appsec-enabled'), 'the startup line still says appsec_enabled:true');
});

test('agent down: agent-unreachable on the DIAGNOSTIC line naming the address', async () => {
  const r = await get('agent-down');
  agree(r);
  const f = r.cli.find((x) => x.code === 'agent-unreachable');
  assert.ok(f, JSON.stringify(r.cli));
  assert.equal(f.line, lineOf(r.text, 'Agent Error') + 1);
  assert.match(f.message, /ECONNREFUSED 127\.0\.0\.1:\d+.*DD_TRACE_AGENT_URL/);
  assert.equal(r.summary.agentReachable, false);
});

test('debug logs with attacks: attack-detected and attack-blocked name the rule id and name; healthy, no error', async () => {
  const r = await get('attacks');
  agree(r);
  assert.deepEqual(
    r.cli.filter((f) => f.severity === 'error'),
    [],
    JSON.stringify(r.cli.filter((f) => f.severity === 'error')),
  );
  const det = r.cli.find((f) => f.code === 'attack-detected' && f.message.includes('ua0-600-12x'));
  assert.ok(det, JSON.stringify(r.cli));
  assert.match(det.message, /rule ua0-600-12x "Arachni" \(attack_tool\).*User-Agent "Arachni\/v"/);
  const lines = r.text.split('\n');
  assert.match(lines[det.line - 1]!, /^Encoding payload: .*"appsec.event":"true"/);
  const blk = r.cli.find((f) => f.code === 'attack-blocked');
  assert.ok(blk);
  assert.match(blk.message, /ua0-600-56x "Datadog test scanner - blocking version: user-agent".*status 403/);
  assert.ok((r.summary.attacks as number) >= 2);
  assert.equal(r.summary.blocked, 1);
  assert.deepEqual(r.summary.rules, ['ua0-600-12x', 'ua0-600-56x']);
  assert.equal(r.summary.agentReachable, true);
  // Hover on the rule id inside the real payload answers from the knowledge base.
  const at = lines[det.line - 1]!.indexOf('ua0-600-12x');
  const h = await lsp.request<Hover>('textDocument/hover', {
    textDocument: { uri: pathToFileURL(r.file).toString() },
    position: { line: det.line - 1, character: at + 2 },
  });
  assert.match((h.contents as { value: string }).value, /Arachni/);
});
