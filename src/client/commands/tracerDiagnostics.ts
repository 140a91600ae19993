// "Run Tracer Diagnostics": the user picks one of the tools the server knows (php --ri ddappsec, ddtrace-run --info,
// dd-dotnet check …); the server runs it (no shell, timeout) and the output opens as an ASM log document, where the
// usual diagnostics, hovers and tree evidence apply. Only in a trusted workspace (it runs programs from PATH).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { Requests } from '../../server/protocol';

export function registerTracerDiagnostics(context: vscode.ExtensionContext, client: LanguageClient, output?: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.runTracerDiagnostics', (toolId?: string, pid?: number) =>
      runTracerDiagnostics(client, toolId, pid, output),
    ),
  );
}

export async function runTracerDiagnostics(
  client: LanguageClient,
  toolId?: string,
  pid?: number,
  output?: vscode.LogOutputChannel,
): Promise<vscode.TextDocument | null> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Run Tracer Diagnostics runs programs (php, ddtrace-run, dd-dotnet): trust this workspace first.');
    return null;
  }
  const tools = await client.sendRequest(Requests.listTracerDiagnostics);
  let id = toolId;
  if (!id) {
    const pick = await vscode.window.showQuickPick(
      tools.map((t) => ({ label: t.title, description: t.commandLine, detail: t.detail, id: t.id })),
      { title: 'Run a tracer diagnostic tool', placeHolder: 'The output opens as a document and is analysed' },
    );
    if (!pick) return null;
    id = pick.id;
  }
  const tool = tools.find((t) => t.id === id);
  if (!tool) return null;
  if (tool.commandLine.includes('{pid}') && !pid) {
    const v = await vscode.window.showInputBox({
      title: tool.title,
      prompt: 'Process id of the .NET service',
      validateInput: (s) => (/^\d{1,10}$/.test(s.trim()) ? null : 'a process id (digits)'),
    });
    if (!v) return null;
    pid = Number(v.trim());
  }
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.scheme === 'file' ? vscode.workspace.workspaceFolders[0].uri.fsPath : undefined;
  const run = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running ${tool.commandLine.replace('{pid}', String(pid ?? ''))}`, cancellable: true },
    (_p, cancel) => client.sendRequest(Requests.runTracerDiagnostics, { tool: tool.id, ...(pid ? { pid } : {}), ...(cwd ? { cwd } : {}) }, cancel),
  );
  output?.info(`ran ${run.commandLine}: exit ${run.exitCode}${run.error ? `, ${run.error}` : ''}`);
  if (run.error && !run.output) {
    void vscode.window.showWarningMessage(`${run.commandLine}: ${run.error}`);
    return null;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'asm-log', content: run.output });
  await vscode.window.showTextDocument(doc, { preview: false });
  if (run.error) void vscode.window.showWarningMessage(`${run.commandLine}: ${run.error}`);
  return doc;
}
