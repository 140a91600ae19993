// The pure parts of the editor surfaces: the intake view's grouping and what it keeps after Stop, the findings
// summary per file (counts, first and last line, over-the-cap counts), and Problems saying where the rest is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupTraces, ReceivedTraces } from '../../src/client/intakeGroups';
import type { ReceivedTrace } from '../../src/core/intake';
import { analyzeText } from '../../src/core/analyze';
import { LogAnalyzer } from '../../src/core/log/analyzer';
import { summarizeByCode } from '../../src/server/findingsSummary';
import { problemDiagnostics } from '../../src/server/problems';

function trace(seq: number, service: string, ruleId: string | null, at = seq, blocked = false): ReceivedTrace {
  const span = {
    traceId: String(seq),
    spanId: String(seq),
    parentId: '0',
    service,
    name: 'web.request',
    resource: 'GET /',
    type: 'web',
    start: 0,
    durationNs: 1,
    error: 0,
    meta: {},
    metrics: {},
  };
  const events = ruleId
    ? [
        {
          traceId: String(seq),
          spanId: String(seq),
          service,
          resource: 'GET /',
          url: null,
          method: 'GET',
          status: 200,
          clientIp: null,
          userAgent: null,
          ruleId,
          ruleName: 'Arachni',
          address: null,
          value: null,
          blocked,
          triggers: [],
        },
      ]
    : [];
  return { seq, receivedAt: at, version: 'v0.4', spans: [span], events } as unknown as ReceivedTrace;
}

test('412 identical simulated requests are one group with its count; other services and rules are their own groups', () => {
  const ts = [
    ...Array.from({ length: 412 }, (_, i) => trace(i + 1, 'web', 'ua0-600-12x', i + 1)),
    trace(500, 'web', null, 500),
    trace(501, 'api', 'ua0-600-12x', 501, true),
  ];
  const g = groupTraces(ts);
  assert.deepEqual(
    g.map((x) => [x.service, x.ruleId, x.traces.length, x.blocked]),
    [
      ['api', 'ua0-600-12x', 1, 1],
      ['web', 'ua0-600-12x', 412, 0],
      ['web', null, 1, 0],
    ],
  );
  assert.equal(g[1]!.traces[0]!.seq, 412, 'newest first');
});

test('received traces stay after Stop until Clear, and a Clear hides what came before it', () => {
  const r = new ReceivedTraces();
  r.setCurrent([trace(1, 'web', 'r', 10), trace(2, 'web', 'r', 20)]);
  r.endRun(); // Stop
  assert.equal(r.all().length, 2);
  r.setCurrent([trace(1, 'web', 'r', 30)]); // a new run
  assert.equal(r.all().length, 3);
  r.clear(30);
  assert.equal(r.all().length, 0);
  r.setCurrent([trace(1, 'web', 'r', 30), trace(2, 'web', 'r', 31)]); // the ring still holds the one before Clear
  assert.deepEqual(
    r.all().map((t) => t.receivedAt),
    [31],
  );
});

test('a trace kept from an earlier intake run and a new one with the same seq have different keys (tree item ids)', () => {
  // Each intake run numbers its traces from 1: the view's ids must not collide ("Element with id trace:4 is
  // already registered" in VS Code, and the view stops updating).
  const r = new ReceivedTraces();
  r.setCurrent([trace(1, 'web', 'r', 10), trace(2, 'web', 'r', 20)]);
  r.endRun();
  r.setCurrent([trace(1, 'web', 'r', 30), trace(2, 'web', 'r', 40)]);
  const keys = r.all().map((t) => r.keyOf(t));
  assert.equal(new Set(keys).size, 4, JSON.stringify(keys));
  // The same trace fetched again (a refresh brings new objects) keeps its key.
  const before = r.keyOf(r.all().at(-1)!);
  r.setCurrent([trace(1, 'web', 'r', 30), trace(2, 'web', 'r', 40)]);
  assert.equal(r.keyOf(r.all().at(-1)!), before);
});

test('the findings summary counts every code, kept or over the cap, with its first and last line', () => {
  const a = new LogAnalyzer({ maxFindings: 3 });
  const lines = [
    'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9',
    ...Array.from({ length: 5 }, () => 'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9'),
  ];
  lines.forEach((l, i) => a.push(l, i));
  const r = a.finish();
  const s = summarizeByCode(r.findings, r.dropped, r.timeline.codes);
  const agent = s.find((x) => x.code === 'agent-unreachable')!;
  assert.ok(agent, JSON.stringify(s));
  assert.equal(agent.count, r.findings.filter((f) => f.code === 'agent-unreachable').length + (r.dropped['agent-unreachable'] ?? 0));
  assert.equal(agent.first, r.findings.find((f) => f.code === 'agent-unreachable')!.range.start.line);
  assert.equal(r.findings.length, 3);
  assert.ok((r.dropped['agent-unreachable'] ?? 0) > 0, JSON.stringify(r.dropped));
  assert.equal(agent.notKept, r.dropped['agent-unreachable']);
  // The last line is the file's last occurrence, also when it is over the cap (line 5, not the last kept, 2).
  assert.equal(agent.last, 5);
});

test('the findings summary gives the lines of a code found only over the cap (the end of a 200 MB log)', () => {
  const a = new LogAnalyzer({ maxFindings: 2 });
  const lines = [
    ...Array.from({ length: 4 }, () => 'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9'),
    'noise',
    '[dd.trace 2024-05-02 10:00:00:101 +0000] [main] ERROR com.datadog.appsec.ddwaf.WafInitialization - AppSec could not load libddwaf native library, as a result, AppSec could not start. No security activities will be collected.',
  ];
  lines.forEach((l, i) => a.push(l, i));
  const r = a.finish();
  assert.equal(
    r.findings.some((f) => f.code === 'appsec-start-failed'),
    false,
    'over the cap',
  );
  const s = summarizeByCode(r.findings, r.dropped, r.timeline.codes).find((x) => x.code === 'appsec-start-failed')!;
  assert.deepEqual({ count: s.count, notKept: s.notKept, first: s.first, last: s.last }, { count: 1, notKept: 1, first: 5, last: 5 });
  // Without the extents (an older caller), what is kept is all that is known.
  assert.equal(summarizeByCode(r.findings, r.dropped).find((x) => x.code === 'appsec-start-failed')!.first, null);
});

test('Problems says where the findings over the cap are', () => {
  const a = analyzeText('log', 'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9\n');
  const d = problemDiagnostics('file:///x.log', a.findings, 'log', { 'attack-detected': 4000, 'agent-unreachable': 12 });
  assert.equal(d[0]!.code, 'findings-not-listed');
  assert.match(
    d[0]!.message,
    /^4,012 more finding\(s\) in this file are not listed here \(attack-detected 4,000, agent-unreachable 12\)\. The ASM Findings view lists every code/,
  );
  assert.equal(
    problemDiagnostics('file:///x.log', a.findings, 'log', {}).some((x) => x.code === 'findings-not-listed'),
    false,
  );
});

test('"Analyze Log File…" is offered in the Explorer on log-like files only, not on app.js or package.json', async () => {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
  const when = pkg.contributes.menus['explorer/context']!.find((m) => m.command === 'asmTroubleshooter.analyzeLogFile')!.when!;
  const ext = /resourceExtname =~ \/(.+?)\/(i?) /.exec(when);
  assert.ok(ext, when);
  const re = new RegExp(ext[1]!, ext[2]);
  assert.deepEqual(
    ['.js', '.json', '.ts', '.md'].filter((e) => re.test(e)),
    [],
  );
  assert.deepEqual(
    ['.log', '.LOG', '.txt', '.ini'].filter((e) => re.test(e)),
    ['.log', '.LOG', '.txt', '.ini'],
  );
});

test('attack texts: the status is said once, a repeated error detail once, and what was not proven is said', async () => {
  const { outcomeText, provenText, attackDocument, simulateQuestion } = await import('../../src/client/attackText');
  assert.equal(
    outcomeText('The test attack reached the service (200)', '200 OK from http://127.0.0.1:3000/ for User-Agent "Arachni/v".'),
    'The test attack reached the service: 200 OK from http://127.0.0.1:3000/ for User-Agent "Arachni/v".',
  );
  assert.equal(
    outcomeText(
      'Connection refused',
      'Connection refused at 127.0.0.1:9 (ECONNREFUSED: fetch failed: connect ECONNREFUSED 127.0.0.1:9): nothing listens there.',
    ),
    'Connection refused: Connection refused at 127.0.0.1:9 (fetch failed: connect ECONNREFUSED 127.0.0.1:9): nothing listens there.',
  );
  const r = {
    url: 'http://127.0.0.1:3000/',
    finalUrl: 'http://127.0.0.1:3000/',
    userAgent: 'Arachni/v',
    expectedRules: [],
    status: 200,
    statusText: 'OK',
    latencyMs: 12,
    bytes: 44,
    headers: { 'content-type': 'text/plain' },
    blocked: false,
    redirects: [],
    proxies: [],
    outcome: {
      kind: 'reached',
      code: 'attack-reached',
      ok: true,
      title: 'The test attack reached the service (200)',
      explanation: '200 OK from http://127.0.0.1:3000/',
      next: 'Now verify…',
    },
  } as never;
  assert.match(provenText(r, undefined).notProven[0]!, /start the local trace intake/);
  assert.match(provenText(r, null).notProven[0]!, /no appsec\.event span reached the local trace intake/);
  const doc = attackDocument(r, undefined);
  assert.match(doc, /^GET http:\/\/127\.0\.0\.1:3000\/\nUser-Agent: Arachni\/v$/m);
  assert.match(doc, /^HTTP 200 OK\ncontent-type: text\/plain$/m);
  assert.match(doc, /^# Not proven: That ASM detected it/m);
  assert.doesNotMatch(doc, /\(200\): 200/);
  const withIntake = {
    ...(r as object),
    outcome: { ...(r as { outcome: object }).outcome, next: 'Now verify that there is a trace (start the local trace intake to see it).' },
  } as never;
  assert.match(attackDocument(withIntake, undefined, false), /^# Next: Now verify/m);
  assert.doesNotMatch(attackDocument(withIntake, undefined, true), /# Next:/);
  assert.equal(
    simulateQuestion({ url: 'http://127.0.0.1:3000/', existingPath: '/', missingPath: '/missing', rounds: 200, concurrency: 4, maxRequestsPerSecond: 20 }),
    'Send 400 requests to http://127.0.0.1:3000/ (200 rounds of / and /missing, User-Agent dd-test-scanner-log) at up to 20 requests/s, 4 at a time (about 20 s)?',
  );
});

test('the simulation summary says how many requests were sent and how many ASM events the local intake saw', async () => {
  const { simulateSummaryText } = await import('../../src/client/attackText');
  const sent = { requested: 10, existing: { statuses: { '200': 5 } }, missing: { statuses: { '404': 5 } }, cancelled: false };
  assert.equal(
    simulateSummaryText(sent, { events: 10, traces: 10 }),
    'Signal simulation: 10 requests sent (existing: 200×5; missing: 404×5). The local intake saw 10 ASM events in 10 traces.',
  );
  assert.match(simulateSummaryText(sent, { events: 1, traces: 3 }), /saw 1 ASM event in 3 traces\.$/);
  assert.match(simulateSummaryText(sent, { events: 0, traces: 0 }), /saw no ASM event \(no trace arrived\)\.$/);
  // Without the intake, it says so instead of a count.
  assert.match(simulateSummaryText(sent, null), /\. ASM events not counted: the local trace intake is not running\.$/);
  assert.match(simulateSummaryText({ ...sent, cancelled: true, requested: 4 }, null), /^Signal simulation cancelled: 4 requests sent/);
});

test('the status bar says what a log says: an Agent log is an Agent log, never "? tracer ? · ASM ?"', async () => {
  const { summaryText } = await import('../../src/client/summaryText');
  const { readFileSync } = await import('node:fs');
  const { analyzeText } = await import('../../src/core/analyze');
  const note = (file: string) => {
    const a = analyzeText('log', readFileSync(file, 'utf8'));
    return { uri: 'file:///x', version: 1, kind: 'log' as const, summary: a.summary, counts: {}, findings: [] };
  };
  const agent = summaryText(note('test/fixtures/logs/agent/trace-agent.log'))!;
  assert.doesNotMatch(agent.text, /\?/);
  assert.match(agent.text, /^\$\(server\) Datadog Agent log · 2 traces received$/);
  const node = summaryText(note('demo/logs/dd-trace-node-asm-on.log'))!;
  assert.match(node.text, /^\$\(shield\) Node\.js 5\.132\.0 · ASM on/);
  const helper = summaryText(note('test/fixtures/logs/php-helper/helper.log'))!;
  assert.doesNotMatch(helper.text, /\?/);
});

test('Node.js debug lines ("Encoding payload:", "Request to the agent:") are not painted like errors (Light Modern: entity.name.tag is maroon)', async () => {
  const { readFileSync } = await import('node:fs');
  const g = readFileSync('syntaxes/asm-log.tmLanguage.json', 'utf8');
  const j = JSON.parse(g) as unknown;
  const found: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.match === 'string' && o.match.includes('Encoding payload')) found.push(JSON.stringify(o.captures));
    Object.values(o).forEach(walk);
  };
  walk(j);
  assert.equal(found.length, 1);
  assert.doesNotMatch(found[0]!, /entity\.name\.tag|invalid|markup\.deleted|keyword\.control/);
});

test('npm start does not pass PORT on to code-server (its integrated terminal would hand it to the demo app)', async () => {
  const { readFileSync } = await import('node:fs');
  const src = readFileSync('scripts/start.mjs', 'utf8');
  const del = src.indexOf('delete process.env.PORT');
  const start = src.indexOf('await startCodeServer(');
  assert.ok(del > 0 && start > 0 && del < start, 'PORT is removed from the environment before code-server starts');
});
