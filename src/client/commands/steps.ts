// Commands of the troubleshooting tree: refresh, run a check, open a step's documentation, apply a finding's fix,
// check the agent (step 3), choose the service language, show how to enable ASM, open a tracer log, show the output.
// The checks themselves run in the language server (asm/checkAgent, asm/languages, asm/enableInstructions).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type AgentCheckResult, type CheckAgentParams } from '../../server/protocol';
import type { CheckAgentArgs, EnableInstructionsArgs } from '../../server/commands';
import { EDITOR_MAX_BYTES } from './findings';
import { readOnlyUri, registerReadOnlyDocs } from '../readOnlyDocs';
import { localFolder, STEP_COMMAND, type Node, type StepsTreeProvider } from '../tree';

const TROUBLESHOOTING_DOC = 'https://docs.datadoghq.com/security_platform/application_security/troubleshooting/';

export interface StepsCommandDeps {
  tree: StepsTreeProvider;
  output: vscode.LogOutputChannel;
  client: Pick<LanguageClient, 'sendRequest'>;
}

export function registerStepsCommands(context: vscode.ExtensionContext, { tree, output, client }: StepsCommandDeps): void {
  registerReadOnlyDocs(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.refreshSteps', async () => {
      await tree.rescan();
      return tree.getSteps();
    }),
    vscode.commands.registerCommand('asmTroubleshooter.runCheck', (arg?: Node) => runCheck(arg)),
    vscode.commands.registerCommand('asmTroubleshooter.openStepDoc', (arg?: Node) =>
      vscode.env.openExternal(vscode.Uri.parse((arg && arg.type !== 'service' ? arg.step.doc : undefined) ?? TROUBLESHOOTING_DOC)),
    ),
    vscode.commands.registerCommand('asmTroubleshooter.applyEvidenceFix', (arg?: Node) => applyEvidenceFix(client, arg)),
    vscode.commands.registerCommand('asmTroubleshooter.checkAgent', (args?: CheckAgentArgs) =>
      runAgentCheck(client, tree, output, typeof args?.agentUrl === 'string' ? args.agentUrl : undefined),
    ),
    vscode.commands.registerCommand('asmTroubleshooter.setLanguage', () => setLanguage(client, tree)),
    vscode.commands.registerCommand('asmTroubleshooter.showEnableInstructions', (args?: EnableInstructionsArgs) =>
      showEnableInstructions(client, tree, args?.language ?? undefined),
    ),
    vscode.commands.registerCommand('asmTroubleshooter.openLog', async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Open tracer log',
        filters: { Logs: ['log', 'txt', 'out', 'err'], 'All files': ['*'] },
      });
      for (const uri of picked ?? []) {
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(doc, 'asm-log');
        await vscode.window.showTextDocument(doc, { preview: false });
      }
    }),
    vscode.commands.registerCommand('asmTroubleshooter.showOutput', () => output.show()),
    // The walkthrough's "Open the checklist": a command of ours, so the step completes when it runs.
    vscode.commands.registerCommand('asmTroubleshooter.openSteps', () => vscode.commands.executeCommand('asmTroubleshooter.steps.focus')),
  );
}

/** A step node runs its step's check; a check node runs its own command. */
async function runCheck(arg?: Node): Promise<unknown> {
  if (!arg || arg.type === 'service') return vscode.commands.executeCommand('asmTroubleshooter.refreshSteps');
  const command = arg.type === 'step' ? STEP_COMMAND[arg.step.id] : (arg.type === 'check' && arg.check.command) || STEP_COMMAND[arg.step.id];
  if (!command.startsWith('asmTroubleshooter.')) {
    // A shell command from the knowledge base (e.g. "npm explore @datadog/native-appsec -- npm run install"): never run it for the user.
    await vscode.env.clipboard.writeText(command);
    return vscode.window.showInformationMessage(`Copied to the clipboard: ${command}`);
  }
  return vscode.commands.executeCommand(command);
}

/** The language server's quick fixes for the evidence's line: the one preferred fix is applied, several are offered. */
async function applyEvidenceFix(client: Pick<LanguageClient, 'sendRequest'>, arg?: Node): Promise<void> {
  if (arg?.type !== 'evidence' || !arg.evidence.file) return;
  const uri = vscode.Uri.file(arg.evidence.file);
  const line = arg.evidence.line ?? 0;
  const size = await vscode.workspace.fs.stat(uri).then(
    (s) => s.size,
    () => 0,
  );
  if (size > EDITOR_MAX_BYTES) {
    // VS Code does not open files above 50 MB for extensions: no edit can be applied; the log's actions are commands.
    const commands = await client.sendRequest(Requests.findingActions, { uri: uri.toString(), line, code: arg.evidence.code });
    const pick = commands.length
      ? await vscode.window.showQuickPick(
          commands.map((c) => ({ label: c.title, c })),
          { placeHolder: `${uri.path.split('/').pop()} is above 50 MB, so it cannot be edited here. What to do for this finding?` },
        )
      : undefined;
    if (!commands.length)
      void vscode.window.showInformationMessage(
        `${uri.path.split('/').pop()} is above 50 MB: VS Code cannot open it for editing, and this finding has no action. ${arg.check.hint ?? ''}`.trim(),
      );
    if (pick) await vscode.commands.executeCommand(pick.c.command, ...(pick.c.arguments ?? []));
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0), preview: false });
  const range = doc.lineAt(Math.min(line, doc.lineCount - 1)).range;
  const actions = (
    (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) ?? []
  ).filter(
    (a) =>
      !arg.evidence.code ||
      !a.diagnostics?.length ||
      a.diagnostics.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === arg.evidence.code),
  );
  if (!actions.length) {
    void vscode.window.showInformationMessage(`No automatic fix for this finding. ${arg.check.hint ?? ''}`.trim());
    return;
  }
  const chosen =
    actions.length === 1 || actions[0].isPreferred
      ? actions[0]
      : (
          await vscode.window.showQuickPick(
            actions.map((a) => ({ label: a.title, a })),
            { placeHolder: 'Apply which fix?' },
          )
        )?.a;
  if (!chosen) return;
  if (chosen.edit) await vscode.workspace.applyEdit(chosen.edit);
  if (chosen.command) await vscode.commands.executeCommand(chosen.command.command, ...(chosen.command.arguments ?? []));
  editor.revealRange(range);
}

/** Step 3: the server GETs <agent>/info at the effective address (and feeds step 3); progress and outcome here. */
export async function runAgentCheck(
  client: Pick<LanguageClient, 'sendRequest'>,
  tree: StepsTreeProvider,
  output: vscode.LogOutputChannel,
  agentUrl?: string,
): Promise<AgentCheckResult> {
  const folder = localFolder();
  const cfg = vscode.workspace.getConfiguration('asmTroubleshooter', folder?.uri);
  const timeoutMs = Math.min(60_000, Math.max(200, cfg.get<number>('agent.timeoutMs') ?? 3000));
  tree.setRunning('agent', true);
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking the Datadog Agent…' }, async () => {
      const params: CheckAgentParams = {
        workspaceFolder: folder?.uri.fsPath ?? null,
        agentUrl: agentUrl ?? cfg.get<string>('agent.url'),
        timeoutMs,
        trusted: vscode.workspace.isTrusted,
      };
      const { address, result, source } = await client.sendRequest(Requests.checkAgent, params);
      output.info(`agent check: address ${source}`);
      for (const n of address.notes) output.info(`agent check: note: ${n}`);
      (result.outcome === 'ok' ? output.info : output.warn).call(output, `agent check: ${result.outcome} in ${result.elapsedMs} ms: ${result.message}`);
      const actions = result.outcome === 'ok' ? [] : ['Show Output', 'Open Documentation'];
      void (
        result.outcome === 'ok'
          ? vscode.window.showInformationMessage(result.message)
          : vscode.window.showWarningMessage(`Datadog Agent check: ${result.message}`, ...actions)
      ).then((a) => {
        if (a === 'Show Output') output.show();
        if (a === 'Open Documentation') void vscode.env.openExternal(vscode.Uri.parse(`${TROUBLESHOOTING_DOC}#3-application-to-datadog-agent`));
      });
      return result;
    });
  } finally {
    tree.setRunning('agent', false);
  }
}

async function setLanguage(client: Pick<LanguageClient, 'sendRequest'>, tree: StepsTreeProvider): Promise<string | undefined> {
  const cfg = vscode.workspace.getConfiguration('asmTroubleshooter');
  const current = cfg.get<string>('language') ?? 'auto';
  const detected = tree.getLanguage();
  const languages = await client.sendRequest(Requests.languages);
  const items: (vscode.QuickPickItem & { value: string })[] = [
    {
      value: 'auto',
      label: 'Detect automatically',
      description: detected.source && detected.source !== 'setting' ? `now: ${detected.language} (${detected.reason})` : undefined,
    },
    ...languages.map((l) => ({ value: l.id, label: l.name, description: l.id })),
  ].map((i) => ({ ...i, picked: i.value === current, detail: i.value === current ? 'current setting' : undefined }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Language of the service (for the per-language troubleshooting steps)' });
  if (!pick) return undefined;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update('language', pick.value, target);
  await tree.refresh();
  return pick.value;
}

async function showEnableInstructions(client: Pick<LanguageClient, 'sendRequest'>, tree: StepsTreeProvider, language?: string): Promise<vscode.Uri> {
  const lang = language ?? tree.getLanguage().language;
  const content = await client.sendRequest(Requests.enableInstructions, { language: lang });
  const uri = readOnlyUri(`Enable ASM${lang ? ` (${lang})` : ''}.md`, content);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc, { preview: true }));
  return uri;
}
