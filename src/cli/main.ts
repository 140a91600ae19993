// asm-troubleshooter: the extension's core without VS Code, for terminals, CI and support engineers.
import { UsageError, type CliIO } from './io';

export const USAGE = `usage: asm-troubleshooter <command> [options]

commands:
  check [--json] <file-or-dir>...   analyse tracer, agent and helper logs, PHP AppSec ini files and deployment
                                    files (compose, Kubernetes, Dockerfile, .env, php-fpm pools, systemd units,
                                    .vscode/launch.json, serverless.yml, SAM templates)
                                    exit 0: no error finding, 1: an error finding, 2: usage error or unreadable input
  steps [--json] [--workspace DIR] [--logs GLOB...] [--agent URL] [--language LANG] [--timeout MS]
                                    the troubleshooting checklist (confirm ASM runs, steps 1-4) with evidence
                                    exit 0: no step fails, 1: a step fails, 2: usage error
  agent [--url URL] [--json] [--workspace DIR] [--timeout MS]
                                    check the Datadog Agent's /info (address resolved like the steps view)
                                    exit 0: the agent answers with a trace intake, 1: it does not, 2: usage error
  attack --url URL [--intake PORT] [--user-agent UA | --blocking] [--timeout MS] [--wait MS] [--yes] [--json]
                                    send the test attack (User-Agent: Arachni/v) and explain the answer; with
                                    --intake, run a local trace intake on PORT and wait for the appsec.event span
                                    exit 0: reached (200) or blocked by ASM [and the span arrived], 1: otherwise
                                    --blocking: the blocking test (User-Agent dd-test-scanner-log-block, rule
                                    ua0-600-56x): exit 0 when Datadog's 403 block response comes back
  simulate --url URL --existing PATH --missing PATH [--count N] [--concurrency N] [--rate N] [--yes] [--json]
                                    the Getting Started loop with User-Agent dd-test-scanner-log (default 200 rounds)
                                    attack and simulate ask before sending to a host that is not this machine;
                                    --yes sends without asking (needed when stdin is not a terminal)
  intake [--port N] [--forward AGENT_URL [--yes] | --activate-asm] [--json]
                                    run the local trace intake on 127.0.0.1 (default 8126) until Ctrl-C and print
                                    the ASM events it receives; --forward: pass everything on to your Agent too;
                                    --activate-asm: answer remote configuration with ASM on (1-click activation)
  processes [--json] [--workspace DIR] [--docker]
                                    local processes that load a Datadog tracer (Linux /proc), their DD_* settings,
                                    and what the workspace's deployment files set that they do not have;
                                    --docker: the compose-started containers too (docker inspect)
                                    exit 0: no mismatch, 1: a mismatch (process-env-mismatch), 2: usage error
  help                              this text
`;

type Command = (args: string[], io: CliIO) => Promise<number>;

/**
 * Subcommands; each lives in its own module, loaded (initialised) only when run: `check` then pays for neither the
 * HTTP stack, YAML, globbing nor msgpack that the others pull in (measured: ~25 ms and ~4 MB RSS at start-up).
 */
export const COMMANDS: Record<string, Command> = {
  check: async (a, io) => (await import('./check')).checkCommand(a, io),
  steps: async (a, io) => (await import('./steps')).stepsCommand(a, io),
  agent: async (a, io) => (await import('./agent')).agentCommand(a, io),
  attack: async (a, io) => (await import('./attack')).attackCommand(a, io),
  simulate: async (a, io) => (await import('./simulate')).simulateCommand(a, io),
  intake: async (a, io) => (await import('./intake')).intakeCommand(a, io),
  processes: async (a, io) => (await import('./processes')).processesCommand(a, io),
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(USAGE);
    return cmd ? 0 : 2;
  }
  const fn = COMMANDS[cmd];
  if (!fn) {
    io.err(`asm-troubleshooter: unknown command ${cmd}\n${USAGE}`);
    return 2;
  }
  try {
    return await fn(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`asm-troubleshooter: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.err(`asm-troubleshooter: ${(e as Error).message ?? String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // `check … | head` closes stdout early: stop quietly instead of printing a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const io: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
  // Only a terminal can answer a confirmation (attack and simulate outside loopback); a pipe or CI cannot.
  if (process.stdin.isTTY) {
    io.ask = async (question) => {
      const rl = (await import('node:readline/promises')).createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    };
  }
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`asm-troubleshooter: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
