// Rules keep per-file state as plain data: a snapshot taken mid-file (structured-cloned) and restored into a new
// analyzer gives the same findings and summary as one full run, for every fixture. Also the rate limit and the
// Agent-connection transitions, which depend on that state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { LogAnalyzer } from '../../src/core/log/analyzer';
import { forEachLine } from '../../src/core/document';
import { analyze, byCode, codes, FIXTURES, fixture } from './helpers';

function lines(text: string): string[] {
  const out: string[] = [];
  forEachLine(text, (l) => out.push(l));
  return out;
}

const all = readdirSync(FIXTURES).flatMap((d) => readdirSync(path.join(FIXTURES, d)).map((f) => `${d}/${f}`));

test('state is JSON-cloneable and a mid-file snapshot resumes to the same result, for every fixture', () => {
  assert.ok(all.length >= 20);
  for (const rel of all) {
    const ls = lines(fixture(rel));
    const full = new LogAnalyzer();
    ls.forEach((l, i) => full.push(l, i));
    const whole = full.finish();
    for (const cut of [1, Math.floor(ls.length / 2), ls.length - 1]) {
      const a = new LogAnalyzer();
      ls.slice(0, cut).forEach((l, i) => a.push(l, i));
      const snap = a.snapshot();
      // Plain data only: a JSON round trip keeps it intact.
      assert.deepEqual(JSON.parse(JSON.stringify([...snap.state])), [...snap.state], `${rel}: state not JSON data`);
      const b = new LogAnalyzer().restore(structuredClone(snap));
      ls.slice(cut).forEach((l, i) => b.push(l, cut + i));
      const r = b.finish();
      assert.deepEqual(codes(r), codes(whole), `${rel} cut at ${cut}`);
      assert.deepEqual(r.summary, whole.summary, `${rel} cut at ${cut}: summary`);
    }
  }
});

test('more than 100 ASM traces in one second are reported as rate-limited, once per second', () => {
  const mk = (n: number, sec: string) =>
    Array.from(
      { length: n },
      (_, i) => `2024-03-01 09:01:${sec}.${String(i).padStart(3, '0')} +00:00 [DBG] DDAS-0012-01: Detecting an attack from rule ua0-600-12x`,
    ).join('\n');
  assert.deepEqual(byCode(analyze(mk(100, '02')), 'rate-limited'), []);
  const a = analyze(`${mk(130, '02')}\n${mk(50, '03')}\n${mk(101, '04')}`);
  const r = byCode(a, 'rate-limited');
  assert.deepEqual(
    r.map((f) => f.range.start.line),
    [100, 280],
  );
  assert.match(r[0]!.message, /100 traces per second/);
  assert.equal(a.summary.attacks, 281);
  // .NET's startup line sets the limit.
  const b = analyze(
    `2024-03-01 09:00:00.000 +00:00 [INF] DATADOG TRACER CONFIGURATION - {"version":"2.49.0.0","lang":".NET","appsec_enabled":true,"appsec_trace_rate_limit":10}\n${mk(11, '05')}`,
  );
  assert.equal(byCode(b, 'rate-limited')[0]!.range.start.line, 11);
});

test('the span metric _dd.appsec.rate_limit.dropped_traces is rate-limited; zero is not', () => {
  assert.deepEqual(codes(analyze('   _dd.appsec.rate_limit.dropped_traces => 12.0,')), ['rate-limited']);
  assert.deepEqual(codes(analyze('{"metrics":{"_dd.appsec.rate_limit.dropped_traces":0}}')), []);
});

test('agent-reachable is reported once per recovery, agent-unreachable on every failure', () => {
  const ok = 'Response from the agent: {"rate_by_service":{}}';
  const ko = 'Error sending payload to the agent (status code: undefined)';
  const a = analyze([ok, ok, ko, ko, ok, ok].join('\n'));
  assert.deepEqual(codes(a), ['agent-reachable', 'agent-unreachable', 'agent-unreachable', 'agent-reachable']);
  assert.equal(a.summary.agentReachable, true);
});

test('a Node.js payload line cut in the middle still yields the attack and its rule', () => {
  const full = fixture('nodejs/debug-attacks.log')
    .split('\n')
    .find((l) => l.includes('ua0-600-12x'))!;
  const cut = full.slice(0, full.indexOf('ua0-600-12x') + 200);
  const a = analyze(cut);
  assert.deepEqual(codes(a), ['attack-detected']);
  assert.match(a.findings[0]!.message, /ua0-600-12x "Arachni".*too long to parse/);
});

test('an adversarial 10 MB line finishes and loses nothing around it (bounded, linear patterns)', { timeout: 60_000 }, () => {
  // Every literal of every rule, repeated, with no closing delimiters: worst case for the patterns.
  const junk = '"appsec.event":"true" DDAS-0012-01: Detecting an attack from rule [ Agent Error: {"id"=> WAF: #<struct ';
  const big = 'Encoding payload: [' + junk.repeat(Math.ceil((10 << 20) / junk.length));
  const text = `DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n${big}\nDATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9\n`;
  const a = analyze(text);
  assert.equal(a.findings[0]!.code, 'appsec-disabled');
  assert.ok(codes(a).includes('file-too-large'));
  assert.equal(a.findings.at(-1)!.code, 'agent-unreachable');
  assert.equal(a.findings.at(-1)!.range.start.line, 2);
});
