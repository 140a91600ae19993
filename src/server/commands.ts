// The client commands the language server names in its code actions and code lenses (and their arguments). No
// runtime imports: the client bundles this module.

export const CLIENT_COMMANDS = {
  /** EnableInstructionsArgs: a read-only document "how to enable ASM", the given language first. */
  showEnableInstructions: 'asmTroubleshooter.showEnableInstructions',
  /** EnableAsmArgs: "Enable ASM for this service": the edit of the deployment file, previewed (else the instructions). */
  enableAsm: 'asmTroubleshooter.enableAsm',
  /** CheckAgentArgs: GET <agentUrl>/info (the address the log names, else the configured one). */
  checkAgent: 'asmTroubleshooter.checkAgent',
  /** StartIntakeArgs: start the local trace intake; with copyAgentUrl, copy DD_TRACE_AGENT_URL=… at once. */
  startIntake: 'asmTroubleshooter.startIntake',
  /** CopyTextArgs: put a command on the clipboard (never run it). */
  copyText: 'asmTroubleshooter.copyText',
  /** OpenDocumentationArgs: open a documentation page in the browser. */
  openDocumentation: 'asmTroubleshooter.openDocumentation',
  /** RevealFindingArgs: open a file at a finding's exact range (an excerpt when the file is too big to open). */
  revealFinding: 'asmTroubleshooter.revealFinding',
} as const;

export interface EnableInstructionsArgs {
  language?: string | null;
}
export interface EnableAsmArgs {
  /** The deployment file and service to edit; without them the user picks among the workspace's. */
  uri?: string;
  service?: string;
  /** The service's language (from the log): the instructions' language when nothing can be edited. */
  language?: string | null;
}
export interface CheckAgentArgs {
  agentUrl?: string;
}
export interface StartIntakeArgs {
  copyAgentUrl?: boolean;
}
export interface CopyTextArgs {
  text: string;
  /** What is copied, for the confirmation ("the command that creates /var/run/ddappsec"). */
  label?: string;
}
export interface OpenDocumentationArgs {
  url: string;
}
export interface RevealFindingArgs {
  /** A file: URI or a path. */
  uri?: string;
  file?: string;
  line: number;
  /** The finding's code: its exact range is looked up in the last analysis. */
  code?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/**
 * Text for plain-text surfaces (Problems, notifications, quick picks): the knowledge base writes code in markdown
 * backquotes for hovers; shown as plain text they would appear literally, so they go.
 */
export function plainText(s: string): string {
  return s.includes('`') ? s.replace(/`/g, '') : s;
}
