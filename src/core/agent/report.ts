// The agent check and the effective address as step-3 checks (the same for the tree and the CLI).
import path from 'node:path';
import { kb } from '../kb';
import type { CheckReport, Evidence, StepStatus } from '../steps';
import type { AgentAddressSource, ResolvedAgentAddress } from './address';
import type { AgentCheckResult } from './check';

/** Ids of kb/steps.yaml's step-3 sub-steps, so these replace them in the tree (their titles come from the kb). */
export const AGENT_INFO_ID = 'agent-info';
export const AGENT_ADDRESS_ID = 'agent-address';
const titleOf = (id: string) =>
  kb()
    .step('agent')
    ?.checks.find((c) => c.id === id)?.title ?? id;

export function describeSource(c: AgentAddressSource): string {
  const where = c.file ? `${path.basename(c.file)}${c.line !== undefined ? `:${c.line + 1}` : ''}` : '';
  const label =
    c.kind === 'setting'
      ? `from ${c.context ?? 'the setting'}`
      : c.kind === 'default'
        ? 'the default (nothing sets DD_TRACE_AGENT_URL, DD_AGENT_HOST or DD_TRACE_AGENT_PORT)'
        : c.kind === 'datadog.yaml'
          ? `from ${where} apm_config.receiver_port`
          : `from ${c.kind}${where && c.kind !== 'environment' ? ` ${where}` : ''}${c.context ? ` (${c.context})` : ''}`;
  const vars = c.vars.length ? `: ${c.vars.map((v) => `${v.name}=${v.value}`).join(', ')}` : '';
  return `${c.url} ${label}${vars}`;
}

function sourceEvidence(c: AgentAddressSource, status?: StepStatus): Evidence {
  return { text: describeSource(c), ...(c.file ? { file: c.file } : {}), ...(c.line !== undefined ? { line: c.line } : {}), ...(status ? { status } : {}) };
}

export function agentInfoCheck(result: AgentCheckResult, address?: ResolvedAgentAddress): CheckReport {
  let status: StepStatus;
  switch (result.outcome) {
    // The local intake proves the tracer can send, but nothing reaches Datadog from there.
    case 'ok':
      status = result.info?.localIntake ? 'warning' : 'pass';
      break;
    case 'unreachable':
      // A compose/Kubernetes service name only resolves inside that network: not proof of a problem.
      status = result.errorCode === 'ENOTFOUND' && address && ['docker-compose', 'kubernetes'].includes(address.source.kind) ? 'warning' : 'fail';
      break;
    default:
      status = 'fail';
  }
  const evidence: Evidence[] = [{ text: result.message, status }];
  if (result.info) {
    if (result.info.version) evidence.push({ text: `Agent version ${result.info.version}${result.info.gitCommit ? ` (${result.info.gitCommit})` : ''}` });
    evidence.push({ text: `Endpoints: ${result.info.endpoints.join(', ') || '(none)'}` });
    if (result.info.receiverPort !== null)
      evidence.push({ text: `receiver_port ${result.info.receiverPort}${result.info.defaultEnv ? `, default_env ${result.info.defaultEnv}` : ''}` });
    // The version floors and Remote Configuration are the agent-version and agent-remote-config sub-steps'
    // (core/agent/status agentInfoCheckEvidence, through core/steps-inputs).
  }
  if (address) evidence.push(sourceEvidence(address.source));
  return {
    id: AGENT_INFO_ID,
    title: titleOf(AGENT_INFO_ID),
    status,
    evidence,
    hint: result.message,
    command: 'asmTroubleshooter.checkAgent',
    origin: 'agent-check',
  };
}

export function agentAddressCheck(address: ResolvedAgentAddress, result?: AgentCheckResult): CheckReport {
  const evidence: Evidence[] = [sourceEvidence(address.source)];
  for (const c of address.candidates.slice(1)) if (c.kind !== 'default') evidence.push(sourceEvidence(c));
  for (const n of address.notes) evidence.push({ text: n, status: 'warning' });
  let status: StepStatus;
  if (address.notes.length) status = 'warning';
  else if (address.source.kind !== 'default') status = 'pass';
  // The default address is right when the agent answers there; otherwise nothing tells the tracer where the agent is.
  else status = result ? (result.reachable && result.traceIntake ? 'pass' : 'warning') : 'unknown';
  if (address.apmConfig) {
    const a = address.apmConfig;
    evidence.push({
      text: `datadog.yaml apm_config: enabled ${a.enabled ?? 'default (true)'}, receiver_port ${a.receiverPort ?? 'default (8126)'}, apm_non_local_traffic ${a.nonLocalTraffic ?? 'default (false)'}`,
      file: a.file,
      line: a.line,
    });
  }
  const hint =
    status === 'warning' && address.source.kind === 'default'
      ? 'If the agent runs on another machine or container, set DD_AGENT_HOST (and DD_TRACE_AGENT_PORT) or DD_TRACE_AGENT_URL for the application.'
      : `The application sends traces to ${address.url}.`;
  return { id: AGENT_ADDRESS_ID, title: titleOf(AGENT_ADDRESS_ID), status, evidence, hint, origin: 'agent-address' };
}

/** Step 3's checks from the address resolution and (when run) the /info check. */
export function agentChecks(address: ResolvedAgentAddress | undefined, result: AgentCheckResult | undefined): CheckReport[] {
  const out: CheckReport[] = [];
  if (result) out.push(agentInfoCheck(result, address));
  if (address) out.push(agentAddressCheck(address, result));
  return out;
}
