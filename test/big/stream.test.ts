// Streaming a log from disk gives exactly the in-memory analysis of the same bytes, whatever the chunk boundaries,
// line terminators, invalid UTF-8 or over-long lines; cancellation stops it; the findings cap holds.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { analyzeFile, streamLines, type FileReport } from '../../src/core/files';
import { analyzeLogText, type LogAnalysis, type LogAnalyzerOptions } from '../../src/core/log/analyzer';
import { forEachLine } from '../../src/core/document';
import { generateLog, sampleLines } from '../../scripts/bench-gen.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'asm-big-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const tmp = (bytes: Uint8Array | string) => {
  const p = path.join(dir, `t${seq++}.log`);
  writeFileSync(p, bytes);
  return p;
};

const REAL = sampleLines(7, 400);
const appsecOff = (i: number) => `DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false,"n":${i}}`;

function memory(bytes: Uint8Array, opts?: LogAnalyzerOptions): LogAnalysis {
  return analyzeLogText(new TextDecoder().decode(bytes), opts);
}

function same(r: FileReport, m: LogAnalysis, label: string) {
  assert.equal(r.kind, 'log', label + ' ' + r.notes.join('; '));
  assert.deepEqual(r.findings, m.findings, label);
  assert.deepEqual(r.summary, m.summary, label);
  assert.deepEqual(r.dropped ?? {}, m.dropped, label);
}

// A piece of a log: a real line of some tracer, an edge case, or raw bytes (invalid UTF-8, multi-byte characters).
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...REAL) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'ü€😀 non-ASCII', '\ufeffBOM inside', 'x'.repeat(120)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 99 }).map(appsecOff) },
);
const eol = fc.constantFrom('\n', '\r\n', '\r', '\n', '\n');
const junk = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('é'));

const logBytes = fc
  .record({
    lines: fc.array(fc.tuple(piece, eol, fc.option(junk, { freq: 8 })), { maxLength: 60 }),
    // Past the dialect head (1000 lines) the reader skips undecoded lines: cover both sides of it.
    head: fc.constantFrom(0, 0, 1100),
    headEol: eol,
    bom: fc.boolean(),
    finalEol: fc.boolean(),
  })
  .map(({ lines, head, headEol, bom, finalEol }) => {
    const parts: Buffer[] = [];
    if (bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
    for (let i = 0; i < head; i++) parts.push(Buffer.from(REAL[i % REAL.length]! + headEol));
    lines.forEach(([text, e, j], i) => {
      parts.push(Buffer.from(text));
      if (j) parts.push(j);
      if (i < lines.length - 1 || finalEol) parts.push(Buffer.from(e));
    });
    return Buffer.concat(parts);
  });

test('streaming equals in-memory analysis: random real lines, terminators, junk bytes, chunk sizes', async () => {
  await fc.assert(
    fc.asyncProperty(logBytes, fc.integer({ min: 1, max: 70 }), fc.constantFrom(undefined, 48), async (bytes, small, maxLineLength) => {
      // Tiny chunks put boundaries everywhere; past 10 KB, larger ones keep the run short (still at odd offsets).
      const chunkSize = bytes.length > 10000 ? small * 997 : small;
      const opts = maxLineLength ? { maxLineLength } : {};
      const r = await analyzeFile(tmp(bytes), { chunkSize, ...opts });
      same(r, memory(bytes, opts), `chunk ${chunkSize}`);
    }),
    { numRuns: 100 },
  );
});

test('lines read from disk are the lines of the decoded text (CRLF and CR split across chunks, multi-byte split)', async () => {
  const text = 'a\r\nb\rc\n\né€😀\r\r\n\rlast';
  const bytes = Buffer.from(text);
  const want: string[] = [];
  forEachLine(text, (l) => want.push(l));
  for (let chunkSize = 1; chunkSize <= bytes.length; chunkSize++) {
    const got: string[] = [];
    const r = await streamLines(tmp(bytes), (l, n) => got.push(`${n}:${l}`), { chunkSize });
    assert.deepEqual(
      got,
      want.map((l, i) => `${i}:${l}`),
      `chunk ${chunkSize}`,
    );
    assert.equal(r.lines, want.length);
    assert.equal(r.invalidUtf8, false);
  }
  // Invalid UTF-8 is replaced as TextDecoder does, and noted.
  const bad = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xe2, 0x82]), Buffer.from('\nz')]);
  const got: string[] = [];
  const r = await streamLines(tmp(bad), (l) => got.push(l), { chunkSize: 2 });
  assert.deepEqual(got, ['ok', '\ufffd', 'z']);
  assert.equal(r.invalidUtf8, true);
});

test('a 10 MB single line: cut, reported once, same result as in memory, bounded carry', async () => {
  const line = appsecOff(1) + ' ' + 'x'.repeat(10 * 1024 * 1024) + ' ' + appsecOff(2);
  const bytes = Buffer.from(line + '\n' + appsecOff(3) + '\n');
  const p = tmp(bytes);
  const r = await analyzeFile(p);
  same(r, memory(bytes), '10 MB');
  assert.deepEqual(r.findings.map((f) => `${f.range.start.line}:${f.code}`).sort(), ['0:appsec-disabled', '0:file-too-large', '1:appsec-disabled']);
  assert.ok(
    r.notes.some((n) => /1 over-long line\(s\) cut/.test(n)),
    r.notes.join('; '),
  );
  // Cut across many small chunks too (the carried part of the line is what gets cut).
  same(await analyzeFile(p, { chunkSize: 4096 }), memory(bytes), '10 MB, 4 KB chunks');
  // Without a final newline.
  const noEol = Buffer.from(line);
  same(await analyzeFile(tmp(noEol), { chunkSize: 65536 }), memory(noEol), '10 MB, no final newline');
});

test('cancellation stops the stream: the promise rejects and the rest of the file is not read', async () => {
  const p = path.join(dir, 'cancel.log');
  await generateLog(p, 8 * 1024 * 1024, { seed: 3 });
  const ac = new AbortController();
  let last = 0;
  let total = 0;
  await assert.rejects(
    analyzeFile(p, {
      signal: ac.signal,
      chunkSize: 64 * 1024,
      onProgress: (pr) => {
        last = pr.bytes;
        total = pr.total;
        if (pr.bytes >= 1024 * 1024) ac.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.ok(total > 8 * 1000 * 1000);
  assert.ok(last < 2 * 1024 * 1024, `read ${last} of ${total} bytes after the abort`);
});

test('the findings cap holds: findings kept at the cap, the rest counted by code in `dropped` and a note', async () => {
  const lines = Array.from({ length: 300 }, (_, i) => appsecOff(i)).join('\n');
  const r = await analyzeFile(tmp(lines), { maxFindings: 50 });
  assert.equal(r.findings.length, 50);
  assert.deepEqual(r.dropped, { 'appsec-disabled': 250 });
  assert.ok(
    r.notes.some((n) => n.startsWith('250 more finding(s) not listed (appsec-disabled: 250)')),
    r.notes.join('; '),
  );
  assert.deepEqual(
    r.findings.map((f) => f.range.start.line),
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test('a generated 50 MB log keeps exactly the capped number of findings, and counts all the others', async () => {
  const p = path.join(dir, 'fifty.log');
  const g = await generateLog(p, 50 * 1024 * 1024, { seed: 11, signalRate: 1 / 40 });
  const capped = await analyzeFile(p, { maxFindings: 200 });
  const all = await analyzeFile(p, { maxFindings: 1_000_000 });
  assert.equal(capped.summary!.lines, g.lines);
  assert.ok(all.findings.length > 400, `only ${all.findings.length} findings in the generated log`);
  assert.equal(capped.findings.length, 200);
  const dropped = Object.values(capped.dropped ?? {}).reduce((a, b) => a + b, 0);
  assert.equal(200 + dropped, all.findings.length);
  assert.deepEqual(capped.summary, all.summary);
});
