// "Run Tracer Diagnostics": the diagnostic tools people already run, run here only when the user asks, one at a time,
// without a shell, with a timeout and an output cap; the output is analysed like a log (tools/rule.ts recognises it).
// Only the commands listed here can be run: the server takes a tool id, never a command line.
import { execFile } from 'node:child_process';

export interface DiagnosticTool {
  id: string;
  title: string;
  command: string;
  /** `{pid}` is replaced by the process id the user gives. */
  args: string[];
  detail: string;
}

export const DIAGNOSTIC_TOOLS: readonly DiagnosticTool[] = [
  {
    id: 'php-ri-ddappsec',
    title: 'PHP AppSec extension (php --ri ddappsec)',
    command: 'php',
    args: ['--ri', 'ddappsec'],
    detail: 'State, Remote Configuration, helper connection. Runs the CLI binary: the web server may load other ini files.',
  },
  {
    id: 'php-ri-ddtrace',
    title: 'PHP tracer (php --ri ddtrace)',
    command: 'php',
    args: ['--ri', 'ddtrace'],
    detail: 'Tracing switch, startup configuration and Diagnostics rows.',
  },
  {
    id: 'ddtrace-info',
    title: 'Python tracer (ddtrace-run --info)',
    command: 'ddtrace-run',
    args: ['--info', '--colorless'],
    detail: 'Application Security and Remote Configuration as the environment sets them (ddtrace 1.13.0 and later).',
  },
  {
    id: 'dd-dotnet-agent',
    title: '.NET: Agent check (dd-dotnet check agent)',
    command: 'dd-dotnet',
    args: ['check', 'agent'],
    detail: 'Agent URL, reachability and version.',
  },
  {
    id: 'dd-dotnet-process',
    title: '.NET: process check (dd-dotnet check process <pid>)',
    command: 'dd-dotnet',
    args: ['check', 'process', '{pid}'],
    detail: 'Loaded tracer modules and environment of a running process (no AppSec check).',
  },
];

export interface DiagnosticRun {
  id: string;
  /** The command line, for the document's title and the log. */
  commandLine: string;
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
  /** Why it could not run (not installed, not allowed), when it did not. */
  error?: string;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
export const MAX_TOOL_OUTPUT = 4 * 1024 * 1024;

export function diagnosticTool(id: string): DiagnosticTool | undefined {
  return DIAGNOSTIC_TOOLS.find((t) => t.id === id);
}

/** Runs one tool (no shell; stdout then stderr; killed at the timeout). Never throws for the tool's own failures. */
export function runDiagnosticTool(
  tool: DiagnosticTool,
  opts: { pid?: number; timeoutMs?: number; cwd?: string; signal?: AbortSignal; maxOutput?: number } = {},
): Promise<DiagnosticRun> {
  if (tool.args.includes('{pid}') && !(Number.isInteger(opts.pid) && opts.pid! > 0)) {
    return Promise.resolve({
      id: tool.id,
      commandLine: tool.command,
      output: '',
      exitCode: null,
      timedOut: false,
      truncated: false,
      error: 'this check needs the id of a running process',
    });
  }
  const args = tool.args.map((a) => (a === '{pid}' ? String(opts.pid) : a));
  const commandLine = [tool.command, ...args].join(' ');
  const max = opts.maxOutput ?? MAX_TOOL_OUTPUT;
  return new Promise((resolve) => {
    execFile(
      tool.command,
      args,
      {
        timeout: opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
        maxBuffer: max,
        windowsHide: true,
        encoding: 'utf8',
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: number | string }) | null;
        const output = `${stdout ?? ''}${stderr ? (stdout ? '\n' : '') + stderr : ''}`;
        const timedOut = !!e && e.killed === true && e.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' && !opts.signal?.aborted;
        const truncated = e?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
        let error: string | undefined;
        if (e?.code === 'ENOENT') error = `${tool.command} was not found on the PATH of the language server`;
        else if (e?.code === 'ABORT_ERR' || opts.signal?.aborted) error = 'cancelled';
        else if (timedOut) error = `stopped after ${Math.round((opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS) / 1000)} s (timeout)`;
        else if (truncated) error = `output cut at ${max} bytes`;
        resolve({
          id: tool.id,
          commandLine,
          output,
          exitCode: typeof e?.code === 'number' ? e.code : e ? null : 0,
          timedOut,
          truncated,
          ...(error ? { error } : {}),
        });
      },
    );
  });
}
