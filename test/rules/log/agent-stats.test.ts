// The agent-stats log rule (src/core/log/rules/agent-stats.ts), as annotated fixtures (test/support/annotated.ts): the
// trace-agent's LogStats lines: received, dropped, and "No data received" (reported once it repeats).
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('agent-stats: traces received and dropped; one "No data received" alone is not yet a finding', () => {
  checkDiagnostics(
    'log',
    `
    2021-11-29 21:18:48 CET | TRACE | INFO | (pkg/trace/info/stats.go:104 in LogStats) | No data received
    2021-11-29 21:19:58 CET | TRACE | WARN | (pkg/trace/info/stats.go:115 in LogStats) | [lang:go tracer_version:v1.36.0 endpoint_version:v0.4] -> traces_dropped(payload_too_large:1). Enable debug logging for more details.
                                                                                         ^$ warning agent-traces-dropped
    2021-11-29 21:19:58 CET | TRACE | INFO | (pkg/trace/info/stats.go:111 in LogStats) | [lang:go tracer_version:v1.36.0 endpoint_version:v0.4] -> traces received: 2, traces filtered: 0, traces amount: 1230 bytes, events extracted: 0, events sampled: 0
                                                                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ information agent-traces-received
  `,
  );
});

test('agent-stats: "No data received" twice is reported on the first', () => {
  checkDiagnostics(
    'log',
    `
    2021-11-29 21:18:48 CET | TRACE | INFO | (pkg/trace/info/stats.go:104 in LogStats) | No data received
                                                                                         ^^^^^^^^^^^^^^^^ error agent-no-data
    2021-11-29 21:19:48 CET | TRACE | INFO | (pkg/trace/info/stats.go:104 in LogStats) | No data received
  `,
  );
});
