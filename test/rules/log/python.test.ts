// The python log rule (src/core/log/rules/python.ts), as annotated fixtures (test/support/annotated.ts): dd-trace-py's
// Remote Configuration worker says the Agent serves no Remote Configuration (the Agent side of remote-config-disabled);
// other worker lines are nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDiagnostics } from '../../support/annotated';
import { analyzeLogText } from '../../../src/core/log/analyzer';

const PREFIX = '2026-11-30 10:00:05,000 DEBUG [ddtrace.internal.remoteconfig.worker] [worker.py:67] - ';
const MSG = 'Agent is down or Remote Config is not enabled in the Agent';

test('python: the Remote Configuration worker line is remote-config-disabled on its message; another worker line is nothing', () => {
  checkDiagnostics(
    'log',
    `${PREFIX}${MSG}\n${' '.repeat(PREFIX.length)}${'^'.repeat(MSG.length)} warning remote-config-disabled\n${PREFIX}Remote Config is enabled`,
    {
      only: ['remote-config-disabled'],
    },
  );
});

test('python: the finding says it is the Agent side, for the Python tracer', () => {
  const f = analyzeLogText(`${PREFIX}${MSG}\n`).findings.filter((x) => x.code === 'remote-config-disabled');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.data?.side, 'agent');
  assert.equal(f[0]!.data?.tracer, 'python');
});
