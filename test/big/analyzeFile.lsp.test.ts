// asm/analyzeFile through the real server over stdio: a file never opened is streamed from disk, with work-done
// progress, diagnostics published on its URI, the asm/analysis summary sent, and cancellation honoured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport, type WorkDoneProgressEnd } from 'vscode-languageserver-protocol';
import { LspClient, lspPerFile } from '../support/lspClient';
import { METHODS } from '../../src/server/protocol';
import { generateLog } from '../../scripts/bench-gen.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'asm-lsp-big-'));
let c: LspClient;
lspPerFile((x) => (c = x), [dir]);

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

test('a log never opened: streamed from disk with progress, diagnostics on its URI, summary notification', async () => {
  const file = path.join(dir, 'never-opened.log');
  await generateLog(file, 6 * 1024 * 1024, { seed: 5, signalRate: 1 / 500 });
  writeFileSync(file, 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n', { flag: 'a' });
  const uri = pathToFileURL(file).href;
  const progress: Progress[] = [];
  const token = 'analyze-1';
  const sub = c.conn.onProgress(WorkDoneProgress.type, token, (v) => progress.push(v));
  const r = await c.request<{
    uri: string;
    kind: string;
    lines: number;
    bytes: number;
    counts: Record<string, number>;
    summary: { lines: number; tracer: string | null };
  }>(METHODS.analyzeFile, { uri, workDoneToken: token, maxFindings: 40 });
  sub.dispose();
  assert.equal(r.kind, 'log');
  assert.ok(r.bytes > 6 * 1024 * 1024);
  assert.equal(r.summary.lines, r.lines);
  assert.ok(r.lines > 20_000);
  assert.equal(
    Object.values(r.counts).reduce((a, b) => a + b, 0),
    40,
    JSON.stringify(r.counts),
  );

  const diags = await c.diagnostics(uri, (d) => d.length > 0);
  const note = c.notifications.find((n) => n.method === METHODS.analysis && (n.params as { uri: string }).uri === uri);
  assert.ok(note, 'asm/analysis for the file');
  const p = note.params as { findings: { severity: string }[]; dropped?: Record<string, number>; summary: { lines: number } };
  assert.equal(p.findings.length, 40);
  // Problems: every kept problem finding once, as a diagnostic or as the related information of its cause's.
  const problems = p.findings.filter((f) => f.severity !== 'information').length;
  // Over the cap: Problems says so, in one entry at the top.
  assert.equal(diags[0]?.code, 'findings-not-listed');
  assert.match(diags[0]!.message, /more finding\(s\) in this file are not listed here/);
  const rest = diags.slice(1);
  assert.ok(
    rest.every((d) => d.severity !== 3),
    'no evidence in Problems',
  );
  assert.equal(
    rest.reduce((a, d) => a + 1 + (d.relatedInformation?.length ?? 0), 0),
    problems,
  );
  assert.ok(p.dropped && Object.values(p.dropped).reduce((a, b) => a + b, 0) > 0, 'dropped counts in the summary');
  assert.equal(p.summary.lines, r.lines);
  // The ASM Findings view's summary: the appended last line's code has its line, though it is over the cap.
  const byCode = (note.params as { byCode?: { code: string; first: number | null; last: number | null; notKept: number }[] }).byCode ?? [];
  const disabled = byCode.find((s) => s.code === 'appsec-disabled');
  assert.ok(disabled && disabled.notKept > 0, JSON.stringify(byCode));
  assert.equal(disabled.last, r.lines - 1, JSON.stringify(disabled));

  // Progress: begin, reports with growing percentages up to 100, end.
  await new Promise((res) => setTimeout(res, 50)); // $/progress notifications may trail the response by a tick
  assert.equal(progress[0]?.kind, 'begin');
  assert.equal(progress.at(-1)?.kind, 'end');
  const pcts = progress.filter((x): x is WorkDoneProgressReport => x.kind === 'report').map((x) => x.percentage!);
  assert.ok(pcts.length >= 2, JSON.stringify(progress));
  assert.deepEqual(
    pcts,
    [...pcts].sort((a, b) => a - b),
  );
  assert.equal(pcts.at(-1), 100);
});

test('cancelling asm/analyzeFile stops the stream: RequestCancelled, and no diagnostics for that file', async () => {
  const file = path.join(dir, 'cancel-me.log');
  await generateLog(file, 64 * 1024 * 1024, { seed: 6, signalRate: 1 / 100 });
  const uri = pathToFileURL(file).href;
  const cts = new CancellationTokenSource();
  const token = 'analyze-2';
  const pcts: number[] = [];
  const sub = c.conn.onProgress(WorkDoneProgress.type, token, (v) => {
    if (v.kind === 'report') {
      pcts.push(v.percentage ?? 0);
      if ((v.percentage ?? 0) >= 1) cts.cancel();
    }
  });
  await assert.rejects(
    c.conn.sendRequest(METHODS.analyzeFile, { uri, workDoneToken: token }, cts.token),
    (e: unknown) => e instanceof ResponseError && e.code === -32800,
  );
  sub.dispose();
  assert.ok(pcts.length > 0 && pcts.at(-1)! < 100, `stopped at ${pcts.at(-1)}%`);
  // The server is still fine and published nothing for the cancelled file.
  const ok = path.join(dir, 'small.log');
  writeFileSync(ok, 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n');
  await c.request(METHODS.analyzeFile, { uri: pathToFileURL(ok).href });
  await c.diagnostics(pathToFileURL(ok).href, (d) => d.length === 1);
  assert.equal(
    c.notifications.some((n) => n.method === METHODS.analysis && (n.params as { uri: string }).uri === uri),
    false,
  );
});

test('asm/analyzeFile on a missing file answers with the reason, not a crash', async () => {
  const r = await c.request<{ kind: string; notes: string[] }>(METHODS.analyzeFile, { uri: pathToFileURL(path.join(dir, 'nope.log')).href });
  assert.equal(r.kind, 'unreadable');
  assert.deepEqual(r.notes, ['no such file or directory']);
});
