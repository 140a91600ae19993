// The rate-limit log rule (src/core/log/rules/rate-limit.ts), as annotated fixtures (test/support/annotated.ts): the
// tracer's dropped-traces metric, and more attack traces in one second than the limit.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('rate-limit: the dropped-traces metric, only when above 0', () => {
  checkDiagnostics(
    'log',
    `
       _dd.appsec.rate_limit.dropped_traces => 12.0,
       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning rate-limited
       _dd.appsec.rate_limit.dropped_traces => 0,
  `,
    { only: ['rate-limited'] },
  );
});

test('rate-limit: 100 attack traces in one second are within the limit; the 101st is reported, once, on its line', () => {
  const attack = (s: number) => `[2024-01-01 10:00:0${s}.121][debug][42] DDAS-0012-01: Detected an attack`;
  const marker = `${' '.repeat(37)}${'^'.repeat(32)} warning rate-limited`;
  const at100 = [...Array.from({ length: 100 }, () => attack(5)), attack(6)].join('\n');
  checkDiagnostics('log', at100, { only: ['rate-limited'] });
  const at101 = [...Array.from({ length: 101 }, () => attack(5)), marker, ...Array.from({ length: 50 }, () => attack(5))].join('\n');
  checkDiagnostics('log', at101, { only: ['rate-limited'] });
});
