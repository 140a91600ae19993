// Open logs re-analyse only what changed: an append costs the appended lines, and gives the diagnostics of a full
// analysis; other edits re-analyse everything; big documents are analysed in slices that yield to the event loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDocuments, type Diagnostic, type PublishDiagnosticsParams, type TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { DiagnosticsService } from '../../src/server/diagnostics';
import { METHODS } from '../../src/server/protocol';
import { problemDiagnostics } from '../../src/server/problems';
import { analyzeText } from '../../src/core/analyze';
import { analyzeLogText, LogAnalyzer, type AnalyzerSnapshot } from '../../src/core/log/analyzer';
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

const line = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...REAL) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }).map(appsecOff) },
  { weight: 1, arbitrary: fc.constantFrom('', 'ü€😀') },
);
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
  const notes = h.notes.filter((n) => n.method === METHODS.analysis);
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

/** A service with checkpoints every `every` characters (the default is every 256 KiB). */
function harnessEvery(every: number) {
  const h = harness();
  (h as { svc: DiagnosticsService }).svc = new DiagnosticsService(h.svc['connection' as never], 0, {}, every);
  const cfg = h.svc.documentsConfig();
  let doc: TextDocument;
  return {
    ...h,
    open(text: string) {
      doc = cfg.create('file:///tmp/inc.log', 'asm-log', 1, text);
      return h.svc.run(doc);
    },
    edit(changes: TextDocumentContentChangeEvent[]) {
      doc = cfg.update(doc, changes, doc.version + 1);
      return h.svc.run(doc);
    },
    get doc() {
      return doc;
    },
  };
}

test('an edit in the middle of a 20 000-line log re-analyses from the checkpoint before it, not from the top', async () => {
  const h = harness();
  const lines = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 0 ? appsecOff(i) : REAL[i % REAL.length]!));
  const t = lines.join('\n') + '\n';
  assert.ok(t.length > 2 * 256 * 1024, String(t.length));
  await h.open(t);
  const before = h.svc.stats.linesPushed;
  await h.edit([{ range: { start: { line: 15_000, character: 0 }, end: { line: 15_000, character: 0 } }, text: appsecOff(7) + '\n' }]);
  const pushed = h.svc.stats.linesPushed - before;
  assert.ok(pushed < 10_000, `pushed ${pushed} lines for an edit at line 15 000 of 20 000`);
  assert.ok(pushed >= 5_001, `pushed ${pushed}: at least the lines from the edit on`);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // An edit above every checkpoint is still a full run; one right after a lone \r too.
  await h.edit([{ range: { start: { line: 0, character: 3 }, end: { line: 0, character: 5 } }, text: '' }]);
  assert.deepEqual(h.last(), full(h.doc.getText()));
});

test('edits anywhere (several per change, deletions across lines, \\r and \\n inserted) give the diagnostics of a full analysis, resuming from checkpoints', async () => {
  const edit = fc.record({
    at: fc.nat(),
    len: fc.nat({ max: 30 }),
    text: fc.constantFrom('', 'x', '\n', '\r', '\r\n', REAL[0]! + '\n', appsecOff(3) + '\n', '\nDATADOG TRACER CONFIGURATION - {"lang":"nodejs"'),
  });
  let resumed = 0;
  await fc.assert(
    fc.asyncProperty(
      text,
      fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 400 }),
      async (t, rounds, every) => {
        const h = harnessEvery(every);
        await h.open(t);
        // The client's copy of the document: each change applies to the text left by the previous one (LSP order),
        // positions as that copy counts lines (TextDocument's incremental line table, as in VS Code's protocol use).
        let model = TextDocument.create('file:///x', 'asm-log', 0, t);
        for (const round of rounds) {
          const changes: TextDocumentContentChangeEvent[] = [];
          for (const e of round) {
            const len = model.getText().length;
            const start = e.at % (len + 1);
            const change = { range: { start: model.positionAt(start), end: model.positionAt(Math.min(len, start + e.len)) }, text: e.text };
            changes.push(change);
            model = TextDocument.update(model, [change], model.version + 1);
          }
          const cur = model.getText();
          const before = h.svc.stats.incrementalRuns;
          await h.edit(changes);
          if (h.svc.stats.incrementalRuns > before) resumed++;
          assert.equal(h.doc.getText(), cur);
          assert.deepEqual(h.last(), full(cur));
        }
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(resumed > 50, `only ${resumed} runs resumed from a checkpoint`);
});

test('past the head, lines without a literal are skipped by one scan per block; diagnostics stay those of a full analysis (edits, long lines, CR)', async () => {
  const opts = { maxLineLength: 300 };
  // Head lines in a tracer's format but without a literal still name the summary's dialects.
  const noise = Array.from({ length: 1100 }, (_, i) =>
    i % 50 === 0
      ? REAL[i % REAL.length]!
      : i === 333
        ? '2024-01-15 08:00:01.153 +00:00 [INF] Request finished in 3 ms'
        : `GET /health ${i} 200 ${'z'.repeat(i % 7)}`,
  );
  const extra = fc.constantFrom(...REAL, 'GET /x 200', 'y'.repeat(400), 'DDAS-0012-01 ' + 'w'.repeat(350), appsecOff(4), '');
  const tail = fc.array(fc.tuple(extra, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 30 }).map((ls) => ls.map(([l, e]) => l + e).join(''));
  const edit = fc.record({
    at: fc.nat(),
    len: fc.nat({ max: 40 }),
    text: fc.constantFrom('', 'x', '\n', '\r', REAL[1]! + '\n', appsecOff(5) + '\r\n', 'q'.repeat(320)),
  });
  const fullOf = (t: string) => {
    const r = analyzeLogText(t, opts);
    // What the server publishes: the Problems view of a full analysis (one diagnostic per cause).
    return { diagnostics: problemDiagnostics('file:///tmp/skip.log', r.findings, 'log', r.dropped), summary: r.summary };
  };
  await fc.assert(
    fc.asyncProperty(tail, fc.array(edit, { maxLength: 3 }), fc.integer({ min: 50, max: 5000 }), async (tl, edits, every) => {
      const published: PublishDiagnosticsParams[] = [];
      const summaries: unknown[] = [];
      const conn = {
        sendDiagnostics: async (p: PublishDiagnosticsParams) => void published.push(p),
        sendNotification: async (method: string, p: { summary?: unknown }) => void (method === METHODS.analysis && summaries.push(p.summary)),
        console: { error: (m: string) => assert.fail(m), log: () => {} },
      };
      const got = () => ({ diagnostics: published.at(-1)!.diagnostics, summary: summaries.at(-1) });
      const svc = new DiagnosticsService(conn as never, 0, opts, every);
      const cfg = svc.documentsConfig();
      let doc = cfg.create('file:///tmp/skip.log', 'asm-log', 1, noise.join('\n') + '\n' + tl);
      await svc.run(doc);
      assert.deepEqual(got(), fullOf(doc.getText()));
      for (const e of edits) {
        const len = doc.getText().length;
        // Edits in the tail half of the document (past the head lines), where lines are skipped.
        const startOff = Math.floor(len / 2) + (e.at % (Math.ceil(len / 2) + 1));
        const s0 = Math.min(len, startOff);
        doc = cfg.update(doc, [{ range: { start: doc.positionAt(s0), end: doc.positionAt(Math.min(len, s0 + e.len)) }, text: e.text }], doc.version + 1);
        await svc.run(doc);
        assert.deepEqual(got(), fullOf(doc.getText()));
      }
    }),
    { numRuns: 60 },
  );
});

test('a long document without \\r is searched for terminators a bounded number of times (no search to the end per block)', async () => {
  const h = harness();
  const t = Array.from({ length: 200_000 }, (_, i) => (i % 1000 === 0 ? appsecOff(i) : `GET /health ${i} 200`)).join('\n') + '\n';
  // Counts the characters String#indexOf looks at for terminators during the run (work, not time).
  const orig = String.prototype.indexOf;
  let looked = 0;
  String.prototype.indexOf = function (this: string, s: string, from?: number) {
    const r = orig.call(this, s, from);
    if ((s === '\n' || s === '\r') && this.length === t.length) looked += (r === -1 ? this.length : r) - (from ?? 0);
    return r;
  } as typeof String.prototype.indexOf;
  try {
    await h.open(t);
  } finally {
    String.prototype.indexOf = orig;
  }
  assert.ok(looked < 4 * t.length, `looked at ${looked} characters of a ${t.length}-character text`);
  assert.deepEqual(h.last(), full(t));
});

test('snapshots taken along one run (findings under, at and past the cap) each resume to the result of a full analysis', () => {
  // Successive snapshots share their findings and times while those do not change (past the cap, most of a big
  // log): each must still resume, and the run that took them still finish, exactly as a full analysis.
  fc.assert(
    fc.property(
      fc.array(line, { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      (ls, cap, picks) => {
        const opts = { maxFindings: cap };
        const whole = new LogAnalyzer(opts);
        ls.forEach((l, i) => whole.push(l, i));
        const expected = whole.finish();
        const a = new LogAnalyzer(opts);
        const snaps: AnalyzerSnapshot[] = [];
        ls.forEach((l, i) => {
          a.push(l, i);
          snaps.push(a.snapshot());
        });
        assert.deepEqual(a.finish(), expected);
        for (const p of picks) {
          const at = p % snaps.length;
          const b = new LogAnalyzer(opts).restore(snaps[at]!);
          ls.slice(at + 1).forEach((l, i) => b.push(l, at + 1 + i));
          assert.deepEqual(b.finish(), expected, `resumed after line ${at}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a document just opened is analysed at once: TextDocuments fires onDidOpen and onDidChangeContent for it, and neither waits for the debounce', async () => {
  const published: PublishDiagnosticsParams[] = [];
  const conn = {
    sendDiagnostics: async (p: PublishDiagnosticsParams) => void published.push(p),
    sendNotification: async () => undefined,
    console: { error: (m: string) => assert.fail(m), log: () => {} },
  };
  // An hour of debounce: only an analysis that does not wait for it publishes within the test.
  const svc = new DiagnosticsService(conn as never, 3_600_000);
  // The real TextDocuments over a fake connection, wired as server.ts wires it.
  const handlers: Record<string, (p: never) => void> = {};
  const fake = new Proxy({}, { get: (_t, name: string) => (h: (p: never) => void) => ((handlers[name] = h), { dispose() {} }) });
  const documents = new TextDocuments<TextDocument>(svc.documentsConfig());
  documents.listen(fake as never);
  documents.onDidOpen((e) => svc.schedule(e.document));
  documents.onDidChangeContent((e) => svc.schedule(e.document));
  const delays: number[] = [];
  const orig = globalThis.setTimeout;
  // (closed at the end, failed or not: no hour-long timer keeps the test process alive)
  try {
    globalThis.setTimeout = ((fn: () => void, ms?: number) => (delays.push(ms ?? 0), orig(fn, ms))) as typeof setTimeout;
    try {
      handlers.onDidOpenTextDocument!({ textDocument: { uri: 'file:///tmp/open.log', languageId: 'asm-log', version: 1, text: appsecOff(1) + '\n' } } as never);
    } finally {
      globalThis.setTimeout = orig;
    }
    assert.equal(delays.length, 2, 'scheduled once per event');
    assert.deepEqual(delays, [0, 0]);
    // (bounded: 200 turns of 5 ms)
    for (let i = 0; i < 200 && !published.length; i++) await new Promise((r) => orig(r, 5));
    assert.equal(published.length, 1);
    assert.deepEqual(published[0]!.diagnostics, full(appsecOff(1) + '\n'));
    // An edit after that waits for the debounce as before.
    delays.length = 0;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => (delays.push(ms ?? 0), orig(fn, ms))) as typeof setTimeout;
    try {
      handlers.onDidChangeTextDocument!({
        textDocument: { uri: 'file:///tmp/open.log', version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }],
      } as never);
    } finally {
      globalThis.setTimeout = orig;
    }
    assert.deepEqual(delays, [3_600_000]);
  } finally {
    svc.close('file:///tmp/open.log');
  }
});

test('an edit on a line no rule reads (no literal before or after, past the head) returns the previous analysis: nothing re-analysed, same diagnostics as a full analysis', async () => {
  const h = harness();
  const lines = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 0 ? appsecOff(i) : i % 2 ? `GET /health ${i} 200` : REAL[i % REAL.length]!));
  await h.open(lines.join('\n') + '\n');
  const pushed = h.svc.stats.linesPushed;
  const notes = h.notes.length;
  // Line 15 001 is a health-check line: no rule's literal in it, before or after the edit.
  assert.equal(lines[15_001], 'GET /health 15001 200');
  await h.edit([{ range: { start: { line: 15_001, character: 4 }, end: { line: 15_001, character: 11 } }, text: 'status' }]);
  assert.equal(h.svc.stats.reusedRuns, 1);
  assert.equal(h.svc.stats.linesPushed, pushed);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // Published for the new version; the asm/analysis summary (the client has it already) is not sent again.
  assert.equal(h.published.at(-1)!.version, h.doc.version);
  assert.equal(h.notes.length, notes);
  // The checkpoints after it moved with the text: an append afterwards still resumes at the end.
  const before = h.svc.stats.linesPushed;
  await h.append(appsecOff(77) + '\n');
  assert.equal(h.svc.stats.linesPushed - before, 1);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // An edit that writes a rule's literal into such a line is analysed (from the checkpoint before it).
  const lit = 'DATADOG TRACER CONFIGURATION - {"lang":"nodejs","appsec_enabled":false}';
  await h.edit([{ range: { start: { line: 15_003, character: 0 }, end: { line: 15_003, character: 0 } }, text: lit }]);
  assert.equal(h.svc.stats.reusedRuns, 1);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // Deleting it again (the line holds the literal before the edit): analysed too.
  await h.edit([{ range: { start: { line: 15_003, character: 0 }, end: { line: 15_003, character: lit.length } }, text: '' }]);
  assert.equal(h.svc.stats.reusedRuns, 1);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // An 'x' between the \r and the \n of a CRLF splits it into two terminators: every later line moves down.
  const crlf = h.doc.getText().indexOf('GET /health 16001 200\n');
  await h.edit([{ range: { start: h.doc.positionAt(crlf + 21), end: h.doc.positionAt(crlf + 21) }, text: '\r' }]);
  assert.ok(h.doc.getText().includes('GET /health 16001 200\r\n'));
  const r1 = h.svc.stats.reusedRuns;
  await h.edit([{ range: { start: h.doc.positionAt(crlf + 22), end: h.doc.positionAt(crlf + 22) }, text: 'x' }]);
  assert.ok(h.doc.getText().includes('GET /health 16001 200\rx\n'));
  assert.equal(h.svc.stats.reusedRuns, r1);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  assert.equal((h.notes.at(-1)!.params as { summary: { lines: number } }).summary.lines, analyzeLogText(h.doc.getText()).summary.lines);
  // Emptying a line between a lone \r and a \n joins them into one terminator: every later line moves up.
  const t2 = h.doc.getText();
  const at = t2.indexOf('GET /health 17001 200\n');
  await h.edit([{ range: { start: h.doc.positionAt(at + 20), end: h.doc.positionAt(at + 20) }, text: '\r' }]);
  assert.ok(h.doc.getText().includes('GET /health 17001 20\r0\n'));
  const reused = h.svc.stats.reusedRuns;
  const p0 = h.doc.positionAt(at + 21);
  await h.edit([{ range: { start: p0, end: { line: p0.line, character: p0.character + 1 } }, text: '' }]);
  assert.equal(h.svc.stats.reusedRuns, reused);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  assert.equal((h.notes.at(-1)!.params as { summary: { lines: number } }).summary.lines, analyzeLogText(h.doc.getText()).summary.lines);
});

test('edits past the head (within a line or not, literals written or broken, terminators joined) give the diagnostics and summary of a full analysis, reused or re-analysed', async () => {
  const noise = (i: number) => (i % 40 === 0 ? REAL[i % REAL.length]! : `GET /health ${i} 200`);
  const head = Array.from({ length: 1200 }, (_, i) => noise(i)).join('\n') + '\n';
  const tailLine = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 99 }).map((i) => `GET /x ${i} 200`) },
    { weight: 2, arbitrary: fc.constantFrom(...REAL) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }).map(appsecOff) },
    { weight: 1, arbitrary: fc.constantFrom('', 'ü€😀', 'AppSec', 'appsec_enabled') },
  );
  const tail = fc
    .array(fc.tuple(tailLine, fc.constantFrom('\n', '\r\n', '\r', '\n')), { minLength: 1, maxLength: 30 })
    .map((ls) => ls.map(([l, e]) => l + e).join(''));
  const edit = fc.record({
    at: fc.nat(),
    len: fc.nat({ max: 25 }),
    text: fc.constantFrom('', 'x', 'zz', ' ', '\n', '\r', '\r\n', 'DATADOG TRACER ', 'CONFIGURATION - {"lang":"nodejs","appsec_enabled":false}', REAL[2]!, 'ü'),
  });
  let reused = 0;
  let converged = 0;
  await fc.assert(
    fc.asyncProperty(
      tail,
      fc.array(fc.array(edit, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 100, max: 20_000 }),
      async (tl, rounds, every) => {
        const published: PublishDiagnosticsParams[] = [];
        const summaries: unknown[] = [];
        const conn = {
          sendDiagnostics: async (p: PublishDiagnosticsParams) => void published.push(p),
          sendNotification: async (method: string, p: { summary?: unknown }) => void (method === METHODS.analysis && summaries.push(p.summary)),
          console: { error: (m: string) => assert.fail(m), log: () => {} },
        };
        const svc = new DiagnosticsService(conn as never, 0, {}, every);
        const cfg = svc.documentsConfig();
        let doc = cfg.create('file:///tmp/neutral.log', 'asm-log', 1, head + tl);
        await svc.run(doc);
        // The client's copy: each change applies to the text left by the previous one, positions as that copy counts lines.
        let model = TextDocument.create('file:///x', 'asm-log', 0, doc.getText());
        for (const round of rounds) {
          const changes: TextDocumentContentChangeEvent[] = [];
          for (const e of round) {
            const len = model.getText().length;
            // Edits in the tail (past the head lines), where most lines are read by no rule.
            const s0 = Math.min(len, head.length - 30 + (e.at % (len - head.length + 31)));
            const change = { range: { start: model.positionAt(s0), end: model.positionAt(Math.min(len, s0 + e.len)) }, text: e.text };
            changes.push(change);
            model = TextDocument.update(model, [change], model.version + 1);
          }
          const r0 = svc.stats.reusedRuns;
          const c0 = svc.stats.convergedRuns;
          doc = cfg.update(doc, changes, doc.version + 1);
          await svc.run(doc);
          reused += svc.stats.reusedRuns - r0;
          converged += svc.stats.convergedRuns - c0;
          assert.equal(doc.getText(), model.getText());
          const r = analyzeLogText(doc.getText());
          assert.deepEqual(published.at(-1)!.diagnostics, problemDiagnostics('file:///tmp/neutral.log', r.findings, 'log', r.dropped));
          assert.deepEqual(summaries.at(-1), r.summary);
        }
      },
    ),
    { numRuns: 200 },
  );
  assert.ok(reused > 20, `only ${reused} runs reused the previous analysis`);
  assert.ok(converged > 10, `only ${converged} runs took the rest of the previous one`);
});

test('an edit within a line a rule reads stops re-analysing where the state is again the previous run’s: the rest of the previous run stands, the same diagnostics as a full analysis', async () => {
  const h = harness();
  const lines = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 0 ? appsecOff(i) : REAL[i % REAL.length]!));
  await h.open(lines.join('\n') + '\n');
  // Line 10 967 (997 × 11) is an "ASM off" startup line: a rule reads it; the edit changes its JSON, not its meaning.
  assert.equal(lines[10_967], appsecOff(10_967));
  const pushed = h.svc.stats.linesPushed;
  const at = lines[10_967]!.indexOf('"n":') + 4;
  await h.edit([{ range: { start: { line: 10_967, character: at }, end: { line: 10_967, character: at } }, text: '1' }]);
  assert.equal(h.svc.stats.convergedRuns, 1);
  const p1 = h.svc.stats.linesPushed - pushed;
  assert.ok(p1 < 3_000, `pushed ${p1} lines for an edit at line 10 967 of 20 000`);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // The checkpoints after it carry on: an append resumes at the end, an edit further down from the one before it.
  const p2 = h.svc.stats.linesPushed;
  await h.append(appsecOff(5) + '\n');
  assert.equal(h.svc.stats.linesPushed - p2, 1);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  await h.edit([{ range: { start: { line: 15_000, character: 0 }, end: { line: 15_000, character: 0 } }, text: appsecOff(8) + '\n' }]);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  // An edit that changes what the line means (ASM on) changes the state: no convergence, the right result still.
  const c = h.svc.stats.convergedRuns;
  const f = lines[10_967]!.indexOf('false');
  await h.edit([{ range: { start: { line: 10_967, character: f }, end: { line: 10_967, character: f + 5 } }, text: 'true' }]);
  assert.deepEqual(h.last(), full(h.doc.getText()));
  assert.ok(h.svc.stats.convergedRuns >= c);
});
