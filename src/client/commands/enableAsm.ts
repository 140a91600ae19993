// "Enable ASM for this service": the server finds the workspace's deployment files whose services do not turn ASM on
// (asm/enableAsmTargets), the user picks the service (no question when there is one), the server makes the minimal
// edit (asm/enableAsm), applied at once and left unsaved in the opened file (Ctrl+Enter on the quick fix previews it
// first, as for any code action). When no file configures the service, or the edit cannot be made there, the read-only instructions open instead
// (code changes, restarts).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_COMMANDS, type EnableAsmArgs, type EnableInstructionsArgs } from '../../server/commands';
import type { EnableAsmTarget } from '../../server/config';
import { Requests } from '../../server/protocol';
import { localFolder, type StepsTreeProvider } from '../tree';

type Client = Pick<LanguageClient, 'sendRequest' | 'protocol2CodeConverter'>;
// The server's edits are `changes` (uri → TextEdit[]), as ConfigService.enableAsm makes them.

export function registerEnableAsm(
  context: vscode.ExtensionContext,
  client: Client,
  output: vscode.LogOutputChannel,
  tree?: Pick<StepsTreeProvider, 'getLanguage'>,
): void {
  // From a log finding: EnableAsmArgs; from the tree's context menu: the step node (no args of ours); from the palette or the walkthrough: none.
  context.subscriptions.push(
    vscode.commands.registerCommand(CLIENT_COMMANDS.enableAsm, (args?: EnableAsmArgs) => enableAsm(client, output, args, tree?.getLanguage().language ?? null)),
  );
}

const instructions = (language?: string | null) => {
  const a: EnableInstructionsArgs = { language: language ?? null };
  return vscode.commands.executeCommand(CLIENT_COMMANDS.showEnableInstructions, a);
};

async function enableAsm(client: Client, output: vscode.LogOutputChannel, args: EnableAsmArgs | undefined, treeLanguage: string | null): Promise<boolean> {
  const language = typeof args?.language === 'string' ? args.language : null;
  let target: Pick<EnableAsmTarget, 'uri' | 'service'> | undefined =
    typeof args?.uri === 'string' && typeof args.service === 'string' ? { uri: args.uri, service: args.service } : undefined;
  if (!target) {
    const folder = localFolder()?.uri.fsPath;
    // the log's language; else the tree's (detected or set), and every service when none of that language is found
    let r = folder ? await client.sendRequest(Requests.enableAsmTargets, { folder, language: language ?? treeLanguage }) : { folder: null, targets: [] };
    if (folder && !r.targets.length && !language && treeLanguage) r = await client.sendRequest(Requests.enableAsmTargets, { folder });
    if (!r.targets.length) {
      const pick = await vscode.window.showInformationMessage(
        folder
          ? 'No deployment file in this workspace configures a service without ASM (compose, Kubernetes, Dockerfile, .env, php-fpm pool, systemd unit, launch.json, serverless.yml, SAM template).'
          : "Open a folder with the service's deployment files to enable ASM there.",
        'Show how to enable ASM',
      );
      if (pick) await instructions(language);
      return false;
    }
    if (r.targets.length === 1) target = r.targets[0];
    else {
      const picked = await vscode.window.showQuickPick(
        r.targets.map((t) => ({ label: t.service, description: t.file, detail: t.title, target: t })),
        { title: 'Enable ASM for which service?', placeHolder: 'The service whose deployment file gets DD_APPSEC_ENABLED=true', matchOnDescription: true },
      );
      if (!picked) return false;
      target = picked.target;
    }
  }
  const res = await client.sendRequest(Requests.enableAsm, { uri: target!.uri, service: target!.service });
  if (!res.edit) {
    output.info(`Enable ASM for ${target!.service}: ${res.message ?? 'no edit'}`);
    const pick = await vscode.window.showInformationMessage(res.message ?? `Nothing to edit for ${target!.service}.`, 'Show how to enable ASM');
    if (pick) await instructions(language);
    return false;
  }
  // Applied at once, as a quick fix is (VS Code's Refactor Preview starts entries that need confirmation unticked,
  // so Apply there did nothing); the edited file opens with the change selected and stays unsaved until the user
  // saves it (undo reverts it). isRefactoring keeps the user's auto-save setting for the edited file.
  const edit = new vscode.WorkspaceEdit();
  const meta: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: false, label: res.title ?? `Enable ASM for ${target!.service}` };
  let first: { uri: vscode.Uri; range: vscode.Range; text: string } | undefined;
  for (const [uri, edits] of Object.entries(res.edit.changes ?? {})) {
    for (const e of edits) {
      const range = client.protocol2CodeConverter.asRange(e.range);
      edit.replace(vscode.Uri.parse(uri), range, e.newText, meta);
      first ??= { uri: vscode.Uri.parse(uri), range, text: e.newText };
    }
  }
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  if (!applied) return false;
  output.info(`${res.title ?? 'Enable ASM'}: edited ${target!.uri} (not saved yet)`);
  if (first) {
    const start = first.range.start;
    const lines = first.text.split('\n');
    const end = lines.length > 1 ? new vscode.Position(start.line + lines.length - 1, lines[lines.length - 1].length) : start.translate(0, first.text.length);
    await vscode.window.showTextDocument(first.uri, { selection: new vscode.Range(start, end), preview: false });
  }
  const pick = await vscode.window.showInformationMessage(
    `${res.title ?? 'ASM enabled'}, not saved yet. Save the file and redeploy or restart ${target!.service}: the tracer reads the setting when the process starts.`,
    'Save',
    'Show how to enable ASM',
  );
  if (pick === 'Save') await (await vscode.workspace.openTextDocument(vscode.Uri.parse(target!.uri))).save();
  else if (pick) await instructions(language);
  return true;
}
