// asm-troubleshooter: the extension's core without VS Code, for terminals, CI and support engineers.
import { checkCommand } from './check';
import { stepsCommand } from './steps';
import { agentCommand } from './agent';
import { UsageError, type CliIO } from './io';

export const USAGE = `usage: asm-troubleshooter <command> [options]

commands:
  check [--json] <file-or-dir>...   analyse tracer, agent and helper logs and PHP AppSec ini files
                                    exit 0: no error finding, 1: an error finding, 2: usage error or unreadable input
  steps [--json] [--workspace DIR] [--logs GLOB...] [--agent URL] [--language LANG] [--timeout MS]
                                    the troubleshooting checklist (confirm ASM runs, steps 1-4) with evidence
                                    exit 0: no step fails, 1: a step fails, 2: usage error
  agent [--url URL] [--json] [--workspace DIR] [--timeout MS]
                                    check the Datadog Agent's /info (address resolved like the steps view)
                                    exit 0: the agent answers with a trace intake, 1: it does not, 2: usage error
  help                              this text
`;

type Command = (args: string[], io: CliIO) => Promise<number>;

/** Subcommands; each lives in its own module. */
export const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  steps: stepsCommand,
  agent: agentCommand,
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
