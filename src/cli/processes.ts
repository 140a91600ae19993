// `asm-troubleshooter processes [--json] [--workspace DIR] [--docker]`: the local processes that load a Datadog tracer, their
// effective DD_* settings (read-only from /proc/<pid>/cmdline, environ, maps; only what this user may read), and
// process-env-mismatch where the workspace's deployment files set something the process does not have.
// --json: {"processes":[{pid,command,tracer,why,env,appsecEnabled}],"mismatches":[{code,pid,service,file,line,name,
//          fileValue,processValue,message}],"note"?} (line 1-based). Exit: 0 no mismatch, 1 a mismatch, 2 usage error.
import path from 'node:path';
import { compareWithWorkspace, listTracedProcesses } from '../core/config/processes';
import { scanDeploymentFiles } from '../core/config/workspace';
import { compareContainers, inspectComposeContainers, realRunner, type Runner } from '../core/config/docker';
import { parseArgs, type CliIO } from './io';

/** `runner`: how the docker client is run (tests pass a fake one). */
export async function processesCommand(args: string[], io: CliIO, runner: Runner = realRunner): Promise<number> {
  const o = parseArgs('processes', args, { valued: ['--workspace'], flags: ['--json', '--docker'] }).options;
  const json = o.has('--json');
  const docker = o.has('--docker');
  const workspace = path.resolve(o.get('--workspace') ?? process.cwd());
  const { processes, note } = await listTracedProcesses();
  const scan = await scanDeploymentFiles(workspace);
  const mismatches = compareWithWorkspace(processes, scan);
  // --docker: the compose-started containers too (docker inspect), only when asked.
  const dk = docker ? await inspectComposeContainers(runner) : null;
  const containerMismatches = dk ? compareContainers(dk.containers, scan) : [];
  if (json) {
    io.out(
      JSON.stringify(
        {
          processes,
          mismatches: mismatches.map((m) => ({ ...m, line: m.line + 1 })),
          ...(note ? { note } : {}),
          ...(dk
            ? {
                containers: dk.containers,
                containerMismatches: containerMismatches.map((m) => ({ ...m, line: m.line + 1 })),
                ...(dk.note ? { dockerNote: dk.note } : {}),
              }
            : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const parts: string[] = [];
    if (note) parts.push(`${note}\n`);
    for (const p of processes) {
      parts.push(`${p.pid} ${p.tracer} (${p.why}): ${p.command.slice(0, 120)}\n`);
      if (!p.env) parts.push("    environment not readable (another user's process)\n");
      else
        parts.push(
          `    ASM ${p.appsec} for this tracer · DD_APPSEC_ENABLED=${p.appsecEnabled ?? '(unset)'}${
            Object.keys(p.env).length
              ? `; ${Object.entries(p.env)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}`
              : ''
          }\n`,
        );
    }
    for (const m of mismatches) parts.push(`${m.file}:${m.line + 1}: warning process-env-mismatch: ${m.message}\n`);
    if (dk) {
      if (dk.note) parts.push(`${dk.note}\n`);
      for (const c of dk.containers)
        parts.push(
          `container ${c.name}${c.composeService ? ` (compose service ${c.composeService})` : ''}: DD_APPSEC_ENABLED=${c.env.DD_APPSEC_ENABLED ?? '(unset)'}\n`,
        );
      for (const m of containerMismatches) parts.push(`${m.file}:${m.line + 1}: warning process-env-mismatch: ${m.message}\n`);
    }
    parts.push(`${processes.length} traced process(es), ${mismatches.length} mismatch(es)\n`);
    io.out(parts.join(''));
  }
  return mismatches.length || containerMismatches.length ? 1 : 0;
}
