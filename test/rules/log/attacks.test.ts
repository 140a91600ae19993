// The attacks log rule (src/core/log/rules/attacks.ts), as annotated fixtures (test/support/annotated.ts): attack
// evidence from helper/.NET lines and span dumps.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('attacks: a detection line and a span dump with appsec.event', () => {
  checkDiagnostics(
    'log',
    `
    DDAS-0012-01: Detecting an attack from rule crs-913-110: scanner
                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ information attack-detected
       appsec.event => true,
    ^^^^^^^^^^^^^^^^^^^^^^^ information attack-detected
       appsec.event => false,
  `,
    { only: ['attack-detected', 'attack-blocked'] },
  );
});

test('attacks: a blocked attack', () => {
  checkDiagnostics(
    'log',
    `
    [2024-01-01 10:00:06.500][debug][42] DDAS-0012-01: Blocked attack
                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ information attack-blocked
  `,
    { only: ['attack-detected', 'attack-blocked'] },
  );
});
