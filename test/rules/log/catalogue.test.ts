// The catalogue log rule (src/core/log/rules/catalogue.ts), as annotated fixtures (test/support/annotated.ts): the
// findings that name `rule: catalogue` in kb/findings.yaml, raised on the mined message's own range; the version
// floor of agent-too-old (raised below 7.41.1 only); dd-trace-py's Remote Configuration worker lines are left to
// python.ts (one finding, not two).
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

/** A fixture line with its marker under `what` (which must occur in `line`). */
function marked(line: string, what: string, severity: string, code: string): string {
  const at = line.indexOf(what);
  if (at < 0) throw new Error(`${what} is not in ${line}`);
  return `${line}\n${' '.repeat(at)}${'^'.repeat(what.length)} ${severity} ${code}`;
}

const JAVA = '[dd.trace 2024-05-02 10:00:00:123 +0000] [main] INFO com.datadog.appsec.config.AppSecConfigServiceImpl - ';

test('catalogue: Java Remote Configuration off and a custom rules file, each on its message', () => {
  checkDiagnostics(
    'log',
    [
      marked(
        `${JAVA}Remote config is disabled; AppSec will not be able to use it`,
        'Remote config is disabled; AppSec will not be able to use it',
        'warning',
        'remote-config-disabled',
      ),
      marked(
        `${JAVA}AppSec will not use remote config because there is a custom user configuration and AppSec is explicitly enabled`,
        'AppSec will not use remote config because there is a custom user configuration and AppSec is explicitly enabled',
        'warning',
        'appsec-rules-custom',
      ),
      `${JAVA}Remote config is enabled`,
    ].join('\n'),
    { only: ['remote-config-disabled', 'appsec-rules-custom'] },
  );
});

test('catalogue: agent-too-old from `datadog-agent version` below 7.41.1 only (7.41.1 itself is enough)', () => {
  const old = 'Agent 7.41.0 - Commit: 1e5c5a1 - Serialization version: v5.0.22 - Go version: go1.19.1';
  const ok = 'Agent 7.41.1 - Commit: 1e5c5a1 - Serialization version: v5.0.22 - Go version: go1.19.1';
  checkDiagnostics('log', marked(old, 'Agent 7.41.0 - Commit: ', 'warning', 'agent-too-old'), { only: ['agent-too-old'] });
  checkDiagnostics('log', ok, { only: ['agent-too-old'] });
});

test('catalogue: the dd-trace-py worker line is one remote-config-disabled (python.ts), not two', () => {
  const line =
    '2026-11-30 10:00:05,000 DEBUG [ddtrace.internal.remoteconfig.worker] [worker.py:67] - Agent is down or Remote Config is not enabled in the Agent';
  checkDiagnostics('log', marked(line, 'Agent is down or Remote Config is not enabled in the Agent', 'warning', 'remote-config-disabled'), {
    only: ['remote-config-disabled'],
  });
});
