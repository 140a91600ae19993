// The tracer-line log rule (src/core/log/rules/tracer-line.ts): no finding of its own; it fills the summary's tracer
// and version from the line prefixes that carry them, and never overwrites a version a line said first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogText } from '../../../src/core/log/analyzer';
import { checkDiagnostics } from '../../support/annotated';

test("tracer-line: Go's and .NET's prefixes give tracer and version; Java's and Ruby's name the tracer only", () => {
  const go = checkDiagnostics(
    'log',
    `
    2023/05/10 08:00:00 Datadog Tracer v1.50.1 DEBUG: something else
  `,
  );
  assert.deepEqual([go.summary?.tracer, go.summary?.version], ['go', '1.50.1']);
  const dotnet = analyzeLogText('[2024-03-01 09:00:00.000 +00:00 | DD-TRACE-DOTNET 2.49.0 | INF] hello\n').summary;
  assert.deepEqual([dotnet.tracer, dotnet.version], ['dotnet', '2.49.0']);
  const java = analyzeLogText('[dd.trace 2023-09-25 07:48:58:993 +0000] [main] INFO x - hello\n').summary;
  assert.equal(java.tracer, 'java');
  assert.equal(java.version ?? null, null);
});

test('tracer-line: the first version wins; a version-like word too long is not read', () => {
  const s = analyzeLogText('2023/05/10 08:00:00 Datadog Tracer v1.50.1 DEBUG: a\n2023/05/10 08:00:00 Datadog Tracer v1.60.0 DEBUG: b\n').summary;
  assert.equal(s.version, '1.50.1');
  const long = analyzeLogText(`2023/05/10 08:00:00 Datadog Tracer v1${'.1'.repeat(30)} DEBUG: a\n`).summary;
  assert.equal(long.version ?? null, null);
});
