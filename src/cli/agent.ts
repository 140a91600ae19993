// `asm-troubleshooter agent [--url URL] [--json] [--workspace DIR] [--timeout MS]`: seed step 3, "check the details
// of the running Agent at http://<agent-machine-name>:<agent-port>/info". Without --url the address is resolved like
// the tree does (environment, .env, launch.json, docker-compose, Kubernetes, Dockerfile, datadog.yaml, default).
// --json: {"url","source":{"kind","file"?,"line"?,"context"?},"outcome","reachable","traceIntake","httpStatus"?,
//          "version","endpoints","message","notes":[]} (line 1-based).
// Exit: 0 the agent answers with a trace intake, 1 anything else, 2 usage error.
import path from 'node:path';
import { checkAgent, hasRemoteConfig } from '../core/agent/check';
import { resolveAgentAddress } from '../core/agent/address';
import { describeSource } from '../core/agent/report';
import { agentInfoFindings } from '../core/agent/status';
import { parseArgs, UsageError, type CliIO } from './io';

export async function agentCommand(args: string[], io: CliIO): Promise<number> {
  const o = parseArgs('agent', args, { flags: ['--json'], valued: ['--url', '--workspace', '--timeout'] }).options;
  const json = o.has('--json');
  const url = o.get('--url');
  const workspace = o.has('--workspace') ? path.resolve(o.get('--workspace')!) : process.cwd();
  const timeoutMs = o.has('--timeout') ? Number(o.get('--timeout')) : 3000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60000) throw new UsageError('agent: --timeout must be milliseconds between 1 and 60000');
  const address = await resolveAgentAddress({ env: process.env, workspaceDir: workspace, explicitUrl: url, explicitLabel: '--url' });
  const r = await checkAgent({ url: address.url, timeoutMs });
  // Version floors and Remote Configuration, by code (issue 15 §1).
  const findings = r.info ? agentInfoFindings(r.info) : [];
  if (json) {
    const s = address.source;
    const out = {
      url: r.url,
      source: {
        kind: s.kind,
        ...(s.file ? { file: s.file } : {}),
        ...(s.line !== undefined ? { line: s.line + 1 } : {}),
        ...(s.context ? { context: s.context } : {}),
      },
      outcome: r.outcome,
      reachable: r.reachable,
      traceIntake: r.traceIntake,
      ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
      version: r.info?.version ?? null,
      endpoints: r.info?.endpoints ?? [],
      message: r.message,
      notes: address.notes,
      remoteConfig: r.info && !r.info.localIntake ? hasRemoteConfig(r.info) : null,
      findings: findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, ...(f.data ? { data: f.data } : {}) })),
    };
    io.out(JSON.stringify(out, null, 2) + '\n');
  } else {
    io.out(`Agent address: ${describeSource(address.source)}\n`);
    io.out(`${r.outcome === 'ok' ? 'OK' : 'PROBLEM'}: ${r.message}\n`);
    if (r.info) io.out(`Endpoints: ${r.info.endpoints.join(', ') || '(none)'}\n`);
    for (const f of findings) io.out(`${f.severity} ${f.code}: ${f.message}\n`);
    for (const n of address.notes) io.out(`note: ${n}\n`);
  }
  return r.outcome === 'ok' ? 0 : 1;
}
