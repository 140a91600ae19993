// A rule that retires (LogRule.done: tracer-line once tracer and version are known) leaves the prefilter, but a
// line holding only its literals may still name a dialect not seen yet: the summary must still list it, from disk
// and in memory, and a snapshot must carry the retired set and resume to the same result.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeFile } from '../../src/core/files';
import { LogAnalyzer, analyzeLogText } from '../../src/core/log/analyzer';
import { forEachLine } from '../../src/core/document';

const dir = mkdtempSync(path.join(tmpdir(), 'asm-retire-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Java startup line first (tracer + version known: tracer-line retires), then > 1000 plain Java lines (past the
// head the analyzer classifies anyway), then one Go line whose only literal is the retired `Datadog Tracer v`.
const lines = [
  '[dd.trace 2024-05-02 10:00:00:000 +0000] [main] INFO datadog.trace.core.StatusLogger - DATADOG TRACER CONFIGURATION {"version":"1.30.0","lang":"jvm","appsec_enabled":"FULLY_ENABLED"}',
  ...Array.from(
    { length: 1500 },
    (_, i) => `[dd.trace 2024-05-02 10:00:01:${String(i % 1000).padStart(3, '0')} +0000] [worker-${i}] DEBUG datadog.trace.core.DDSpan - Finished span ${i}`,
  ),
  '2024/05/02 10:00:05 Datadog Tracer v1.60.0 INFO: a line of another service',
];
const text = lines.join('\n') + '\n';

test('a line holding only a retired literal still adds its dialect (in memory and from disk)', async () => {
  const mem = analyzeLogText(text);
  assert.deepEqual(mem.summary.dialects, ['go', 'java']);
  const file = path.join(dir, 'mixed.log');
  writeFileSync(file, text);
  const disk = await analyzeFile(file, { chunkSize: 4096 });
  assert.deepEqual(disk.summary, mem.summary);
  assert.deepEqual(disk.findings, mem.findings);
});

test('a snapshot after the retirement carries the retired rule and resumes to the same result', () => {
  const a = new LogAnalyzer();
  let snap: ReturnType<LogAnalyzer['snapshot']> | undefined;
  forEachLine(text, (l, n) => {
    if (n < lines.length) a.push(l, n);
    if (n === 1200) snap = a.snapshot();
  });
  assert.ok(snap);
  assert.deepEqual(snap.retired, ['tracer-line']);
  const whole = a.finish();
  const b = new LogAnalyzer().restore(structuredClone(snap));
  forEachLine(text, (l, n) => {
    if (n > 1200 && n < lines.length) b.push(l, n);
  });
  const resumed = b.finish();
  assert.deepEqual(resumed.summary, whole.summary);
  assert.deepEqual(resumed.findings, whole.findings);
  assert.deepEqual(whole.summary.dialects, ['go', 'java']);
});
