// Issue 16.1: clicking a tree evidence row selects the finding's exact range — also for a log the background scan
// analysed, which the client has no analysis of (it only knows the open documents'). So the evidence the server
// sends carries the finding's range: asm/steps over stdio on a workspace with an Agent log that is not opened, and
// the collapse of identical evidence keeping the first line's range. `steps --json` does not show ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient, lspPerFile } from '../support/lspClient';
import { collapse, computeSteps, findingEvidence, type Evidence, type StepFinding } from '../../src/core/steps';
import { runSteps, toJsonSteps } from '../../src/cli/steps';
import { METHODS, type StepsState } from '../../src/server/protocol';

const AGENT_LOG = path.resolve(__dirname, '../../../test/steps/fixtures/e2e/trace-agent.log');
const tmp = mkdtempSync(path.join(tmpdir(), 'asm-evidence-range-'));
let c: LspClient;

lspPerFile((x) => (c = x), [tmp]);

const allEvidence = (s: Pick<StepsState, 'steps'>): Evidence[] => s.steps.flatMap((x) => x.checks.flatMap((k) => k.evidence));

test('asm/steps: the evidence of a background-analysed log carries its finding range (line 3, column 86-102: the message, not the separator before it)', async () => {
  const ws = path.join(tmp, 'ws');
  mkdirSync(ws, { recursive: true });
  copyFileSync(AGENT_LOG, path.join(ws, 'trace-agent.log'));
  const state = await c.request<StepsState>(METHODS.steps, { workspaceFolder: ws, settings: { language: 'auto', logsGlobs: [], agentUrl: '' }, rescan: true });
  const e = allEvidence(state).find((x) => x.code === 'agent-no-data');
  assert.ok(e, JSON.stringify(allEvidence(state)).slice(0, 2000));
  assert.equal(e.file, path.join(ws, 'trace-agent.log'));
  assert.equal(e.line, 2);
  assert.deepEqual(e.range, { start: { line: 2, character: 85 }, end: { line: 2, character: 101 } });
  // The CLI's JSON stays as it was: no range in it, and the same as the server's.
  const cli = await runSteps({ workspace: ws, logs: null, agent: null, language: null, timeoutMs: 3000, env: {} });
  const json = toJsonSteps(cli.language.language, cli.steps, cli.services);
  assert.ok(!JSON.stringify(json).includes('"range"'));
  assert.deepEqual(toJsonSteps(state.language.language, state.steps, state.services), json);
});

const f = (line: number, character: number): StepFinding => ({
  code: 'agent-unreachable',
  severity: 'error',
  step: 'agent',
  message: 'unreachable',
  file: '/logs/a.log',
  line,
  range: { start: { line, character }, end: { line, character: character + 5 } },
});

test('findingEvidence keeps the range; collapsed identical evidence keeps the range of its first line', () => {
  assert.deepEqual(findingEvidence(f(4, 7)).range, { start: { line: 4, character: 7 }, end: { line: 4, character: 12 } });
  const rows = collapse([findingEvidence(f(9, 30)), findingEvidence(f(4, 7)), findingEvidence(f(12, 1))]);
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0]!.count, rows[0]!.line, rows[0]!.lastLine], [3, 4, 12]);
  assert.deepEqual(rows[0]!.range, { start: { line: 4, character: 7 }, end: { line: 4, character: 12 } });
  // And through computeSteps, as the tree receives it.
  const ev = computeSteps({ language: null, findings: [f(9, 30), f(4, 7)] })
    .flatMap((s) => s.checks.flatMap((k) => k.evidence))
    .find((e) => e.code === 'agent-unreachable');
  assert.deepEqual(ev?.range?.start, { line: 4, character: 7 });
});
