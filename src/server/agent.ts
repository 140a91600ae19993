// `asm/checkAgent`: step 3's check in the server — resolve the effective agent address (environment, .env,
// launch.json, docker-compose/Kubernetes through `yaml`, Dockerfile, datadog.yaml), GET <agent>/info with a
// timeout, and feed the result to the steps. The client shows progress and the outcome.
import type { Connection } from 'vscode-languageserver/node';
import { resolveAgentAddress } from '../core/agent/address';
import { checkAgent } from '../core/agent/check';
import { describeSource } from '../core/agent/report';
import { agentCheckScope, urlToCheck } from '../core/agent/trust';
import { plainErrors } from './errors';
import { Requests, type CheckAgentParams, type CheckAgentResult } from './protocol';
import type { StepsService } from './steps';

/** The bounds the client's setting is clamped to. */
export const AGENT_TIMEOUT_MS = { min: 200, max: 60_000, default: 3000 } as const;

export async function runAgentCheck(
  p: CheckAgentParams,
  steps: Pick<StepsService, 'setAgentResult'>,
  env: Record<string, string | undefined> = process.env,
): Promise<CheckAgentResult> {
  const timeoutMs = Math.min(AGENT_TIMEOUT_MS.max, Math.max(AGENT_TIMEOUT_MS.min, Number.isFinite(p?.timeoutMs) ? p.timeoutMs : AGENT_TIMEOUT_MS.default));
  // Untrusted workspace: the address does not come from the repository's files (see core/agent/trust).
  // A client that does not say the workspace is trusted gets the untrusted scope (issue 18.12).
  const scope = agentCheckScope({ trusted: p?.trusted === true, workspaceFolder: p?.workspaceFolder ?? null, agentUrl: p?.agentUrl });
  const address = await resolveAgentAddress({ env, ...scope.options });
  if (scope.note) address.notes.unshift(scope.note);
  const target = urlToCheck(address.url, address.source.kind);
  if (target.strippedCredentials)
    address.notes.push(`the credentials in ${address.source.kind}'s agent URL are not sent (only those of your own setting or environment are)`);
  const result = await checkAgent({ url: target.url, timeoutMs });
  steps.setAgentResult(address, result);
  return { address, result, source: describeSource(address.source) };
}

export function registerAgent(connection: Pick<Connection, 'onRequest'>, steps: StepsService): void {
  connection.onRequest(
    Requests.checkAgent,
    plainErrors((p: CheckAgentParams) => runAgentCheck(p, steps)),
  );
}
