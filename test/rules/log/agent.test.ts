// The agent log rule (src/core/log/rules/agent.ts), as annotated fixtures (test/support/annotated.ts): the
// tracer saying it reached the Agent or not.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('agent: unreachable and reachable, on the whole line', () => {
  checkDiagnostics(
    'log',
    `
    DATADOG TRACER DIAGNOSTICS - agent_error: Couldn't connect to server
    ^$ error agent-unreachable
    Response from the agent: {"rate_by_service":{"service:,env:":1}}
    ^$ information agent-reachable
  `,
  );
});
