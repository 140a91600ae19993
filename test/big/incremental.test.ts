// Open logs re-analyse only what changed: an append costs the appended lines, and gives the diagnostics of a full
// analysis; other edits re-analyse everything; big documents are analysed in slices that yield to the event loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { DiagnosticsService } from '../../src/server/diagnostics';
import { problemDiagnostics } from '../../src/server/problems';
import { analyzeText } from '../../src/core/analyze';
import { sampleLines } from '../../scripts/bench-gen.mjs';

const REAL = sampleLines(5, 300);
const appsecOff = (i: number) => `DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false,"n":${i}}`;

function harness() {
  const published: PublishDiagnosticsParams[] = [];
  const notes: { method: string; params: unknown }[] = [];
  const conn = {
    sendDiagnostics: async (p: PublishDiagnosticsParams) => void published.push(p),
    sendNotification: async (method: string, params: unknown) => void notes.push({ method, params }),
    console: { error: (m: string) => assert.fail(m), log: () => {} },
  };
  const svc = new DiagnosticsService(conn as never, 0);
  const cfg = svc.documentsConfig();
  let doc: TextDocument;
  return {
    svc,
    published,
    notes,
    open(text: string) {
      doc = cfg.create('file:///tmp/inc.log', 'asm-log', 1, text);
      return svc.run(doc);
    },
    edit(changes: TextDocumentContentChangeEvent[]) {
      doc = cfg.update(doc, changes, doc.version + 1);
      return svc.run(doc);
    },
    append(text: string) {
      const end = doc.positionAt(doc.getText().length);
      return this.edit([{ range: { start: end, end }, text }]);
    },
    get doc() {
      return doc;
    },
    last(): Diagnostic[] {
      return published.at(-1)!.diagnostics;
    },
  };
}

const full = (text: string) => {
  const a = analyzeText('log', text);
  return problemDiagnostics('file:///tmp/inc.log', a.findings, 'log', a.dropped);
};
/** Terminators in a text (\r\n counts once): the complete lines a checkpoint at its end covers. */
const terminators = (t: string) => (t.match(/\r\n|\r|\n/g) ?? []).length;
const lineCount = (t: string) => terminators(t) + (/[\r\n]$/.test(t) || t === '' ? 0 : 1);

const line = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...REAL) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }).map(appsecOff) }, { weight: 1, arbitrary: fc.constantFrom('', 'ü€😀') });
const text = fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r', '\n')), { maxLength: 40 }).map((ls) => ls.map(([l, e]) => l + e).join(''));

test('appends (split anywhere, even inside a line or a CRLF) give the diagnostics of a full analysis, for the cost of the new lines', async () => {
  await fc.assert(
    fc.asyncProperty(text, fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 4 }), async (t, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (t.length + 1)))].sort((a, b) => a - b);
      const parts = [0, ...points, t.length].slice(1).map((end, i, all) => t.slice(i === 0 ? 0 : all[i - 1], end));
      const h = harness();
      await h.open(parts[0] ?? '');
      let sofar = parts[0] ?? '';
      for (const p of parts.slice(1)) {
        const before = { ...h.svc.stats };
        await h.append(p);
        const incremental = h.svc.stats.incrementalRuns > before.incrementalRuns;
        const pushed = h.svc.stats.linesPushed - before.linesPushed;
        // Only an append right after a lone \r (which a \n could join) forces a full run.
        assert.equal(incremental, !sofar.endsWith('\r'), JSON.stringify(sofar.slice(-5)));
        sofar += p;
        if (incremental) assert.equal(pushed, lineCount(sofar) - terminators(sofar.slice(0, sofar.length - p.length)));
        else assert.equal(pushed, lineCount(sofar));
        assert.deepEqual(h.last(), full(sofar));
      }
      assert.equal(h.doc.getText(), t);
    }),
    { numRuns: 150 },
  );
});

test('appending 10 lines to a 20 000-line log pushes 10 lines (plus the unfinished last line), not 20 000', async () => {
  const h = harness();
  const head = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 0 ? appsecOff(i) : REAL[i % REAL.length]!)).join('\n') + '\n';
  await h.open(head);
  assert.equal(h.svc.stats.linesPushed, 20_000);
  const tail = Array.from({ length: 10 }, (_, i) => appsecOff(100 + i)).join('\n') + '\npartial';
  await h.append(tail);
  assert.equal(h.svc.stats.linesPushed, 20_000 + 11);
  assert.deepEqual(h.last(), full(head + tail));
  // The unfinished line is pushed again when it grows, and nothing else.
  await h.append(' more\n');
  assert.equal(h.svc.stats.linesPushed, 20_000 + 12);
  assert.deepEqual(h.last(), full(head + tail + ' more\n'));
  assert.deepEqual({ full: h.svc.stats.fullRuns, inc: h.svc.stats.incrementalRuns }, { full: 1, inc: 2 });
});

test('an edit before the checkpoint (or a whole-text change) re-analyses everything, with the right result', async () => {
  const h = harness();
  const t = [appsecOff(1), REAL[0], appsecOff(2), REAL[1]].join('\n') + '\n';
  await h.open(t);
  await h.edit([{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }]);
  assert.equal(h.svc.stats.fullRuns, 2);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // One appsec-off line fewer: one occurrence fewer (a cause's lines are one diagnostic and its related information).
  const occurrences = (ds: Diagnostic[]) => ds.reduce((a, d) => a + 1 + (d.relatedInformation?.length ?? 0), 0);
  assert.equal(occurrences(h.last()), occurrences(full(t)) - 1);
  await h.edit([{ text: appsecOff(9) }]);
  assert.equal(h.svc.stats.fullRuns, 3);
  assert.deepEqual(h.last(), full(appsecOff(9)));
  const notes = h.notes.filter((n) => n.method === 'asm/analysis');
  assert.equal(notes.length, 3);
});

test('a 5 MB document is analysed in slices: the event loop runs meanwhile, and a newer edit abandons the old run', async () => {
  const h = harness();
  const big = Array.from({ length: 30_000 }, (_, i) => REAL[i % REAL.length]).join('\n') + '\n' + appsecOff(1) + '\n';
  assert.ok(big.length > 5_000_000, String(big.length));
  let done = false;
  const run = h.open(big).then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'the run yielded to the event loop before finishing');
  // An edit while it runs: the old run is abandoned, publishes nothing; the new one publishes the new text's result.
  const start = h.doc.positionAt(0);
  const second = h.edit([{ range: { start, end: start }, text: appsecOff(0) + '\n' }]);
  await run;
  await second;
  assert.equal(h.svc.stats.abandonedRuns, 1);
  assert.equal(h.published.length, 1);
  assert.deepEqual(h.last(), full(appsecOff(0) + '\n' + big));
});
