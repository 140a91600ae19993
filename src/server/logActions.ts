// The actions a log finding offers (lightbulb, tree): no log finding is fixed by editing the log, so each offers what
// to do next as a command of the client — show how to enable ASM for the service's language, check the Agent at the
// address the log names, start the local trace intake and copy DD_TRACE_AGENT_URL, copy the exact shell command the
// fix names, open the documentation section.
import type { Command } from 'vscode-languageserver/node';
import { WRITABLE_DIR_COMMAND } from '../core/ini/model';
import type { Finding } from '../core/finding';
import { kb, type Language } from '../core/kb';
import { isLanguage } from '../core/language';
import {
  CLIENT_COMMANDS,
  type CheckAgentArgs,
  type CopyTextArgs,
  type EnableAsmArgs,
  type EnableInstructionsArgs,
  type OpenDocumentationArgs,
  type StartIntakeArgs,
} from './commands';

/** Codes whose fix is "turn ASM on": the enable instructions for the language. */
const ENABLE = new Set(['appsec-disabled', 'appsec-not-configured', 'appsec-inactive', 'tracer-disabled', 'tracer-too-old']);
/** Of those, the codes a configuration edit fixes (ASM off or not set); an old or disabled tracer needs more. */
const ENABLE_BY_EDIT = new Set(['appsec-disabled', 'appsec-not-configured', 'appsec-inactive']);
/** At most this many "Enable ASM for <service> in <file>" actions per finding. */
const MAX_ENABLE_TARGETS = 3;

/** A deployment file's service that an edit can turn ASM on for (ConfigService's last workspace scan). */
export interface EnableTarget {
  uri: string;
  file: string;
  service: string;
}
let enableTargets: (language: Language | null) => EnableTarget[] = () => [];
/** Where the log actions find the workspace's deployment files (set by the ConfigService). */
export function setEnableAsmTargets(fn: (language: Language | null) => EnableTarget[]): void {
  enableTargets = fn;
}

/** Codes about the tracer → Agent → Datadog path: check the Agent, or use the local intake instead. */
const AGENT_STEPS = new Set(['agent', 'backend']);
/** Codes about the PHP helper's files: the command that creates a directory the PHP user can write. */
const PHP_HELPER_DIR = new Set(['php-helper-permission', 'php-helper-connection-failed']);
/** A backquoted span of a fix that is a shell command to run (copied, never run for the user). */
const SHELL = /^(?:sudo|npm|npx|pip|pip3|gem|bundle|go|dotnet|systemctl|kubectl|docker|php|service|chown|chmod|install|export)\s/;

/** The shell commands a text names in backquotes, in order, without repeats. */
export function commandsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`([^`\n]{1,400})`/g)) {
    const c = m[1]!.trim();
    if (SHELL.test(c) && !out.includes(c)) out.push(c);
  }
  return out;
}

const short = (s: string) => (s.length > 60 ? s.slice(0, 57) + '…' : s);

/** The service's language for a finding: the tracer its data names, else the log's summary. */
function languageOf(f: Finding, summaryTracer?: string | null): Language | null {
  const t = f.data?.tracer ?? summaryTracer;
  return isLanguage(t) ? t : null;
}

/** The command actions of a log finding (errors and warnings; evidence needs none). */
export function logFindingCommands(f: Finding, summaryTracer?: string | null, rawText = f.message): Command[] {
  if (f.severity !== 'error' && f.severity !== 'warning') return [];
  const out: Command[] = [];
  if (ENABLE.has(f.code)) {
    const language = languageOf(f, summaryTracer);
    if (ENABLE_BY_EDIT.has(f.code)) {
      for (const t of enableTargets(language).slice(0, MAX_ENABLE_TARGETS)) {
        const a: EnableAsmArgs = { uri: t.uri, service: t.service, language };
        out.push({ title: `Enable ASM for ${t.service} in ${t.file}`, command: CLIENT_COMMANDS.enableAsm, arguments: [a] });
      }
    }
    const args: EnableInstructionsArgs = { language };
    out.push({
      title: language ? `Show how to enable ASM for ${kb().tracer(language).name}` : 'Show how to enable ASM',
      command: CLIENT_COMMANDS.showEnableInstructions,
      arguments: [args],
    });
  }
  if (f.step && AGENT_STEPS.has(f.step)) {
    const url = typeof f.data?.agentUrl === 'string' ? f.data.agentUrl : undefined;
    const args: CheckAgentArgs = url ? { agentUrl: url } : {};
    out.push({
      title: url ? `Check the Datadog Agent at ${url}` : 'Check the Datadog Agent at the configured address',
      command: CLIENT_COMMANDS.checkAgent,
      arguments: [args],
    });
    const intake: StartIntakeArgs = { copyAgentUrl: true };
    out.push({ title: 'Start the local trace intake and copy DD_TRACE_AGENT_URL', command: CLIENT_COMMANDS.startIntake, arguments: [intake] });
  }
  if (f.step === 'test-attack' && f.code === 'attack-no-span') {
    const intake: StartIntakeArgs = { copyAgentUrl: true };
    out.push({ title: 'Start the local trace intake and copy DD_TRACE_AGENT_URL', command: CLIENT_COMMANDS.startIntake, arguments: [intake] });
  }
  const commands = commandsIn(rawText);
  if (PHP_HELPER_DIR.has(f.code) && !commands.includes(WRITABLE_DIR_COMMAND)) commands.push(WRITABLE_DIR_COMMAND);
  for (const c of commands) {
    const args: CopyTextArgs = { text: c, label: 'the command' };
    out.push({ title: `Copy the command: ${short(c)}`, command: CLIENT_COMMANDS.copyText, arguments: [args] });
  }
  if (f.docUrl) {
    const step = f.step ? kb().step(f.step) : undefined;
    const args: OpenDocumentationArgs = { url: f.docUrl };
    out.push({ title: `Open the documentation${step ? `: ${step.title}` : ''}`, command: CLIENT_COMMANDS.openDocumentation, arguments: [args] });
  }
  return out;
}
