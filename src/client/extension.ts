// Activation: the language client, the troubleshooting tree, the status bar and the commands. No logic of its own.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AnalysisStore, type DocAnalysisLite } from './analysisStore';
import { registerFindPhpIni } from './commands/findPhpIni';
import { registerStatusBar } from './statusBar';
import { StepsTreeProvider } from './tree';
import { registerAttackCommands } from './commands/attack';

let client: LanguageClient | undefined;

export interface ExtensionApi {
  store: AnalysisStore;
  tree: StepsTreeProvider;
  client: LanguageClient;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const output = vscode.window.createOutputChannel('ASM Troubleshooter', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'asm-log' },
      { language: 'asm-ini' },
      { language: 'ini' },
    ],
    outputChannel: output,
  };
  client = new LanguageClient('asmTroubleshooter', 'ASM Troubleshooter', serverOptions, clientOptions);

  const store = new AnalysisStore();
  const tree = new StepsTreeProvider(store);
  const view = vscode.window.createTreeView('asmTroubleshooter.steps', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(output, store, tree, view, registerStatusBar(store));
  registerAttackCommands(context, { tree, output });
  registerFindPhpIni(context);

  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.refreshSteps', () => tree.refresh()),
    vscode.commands.registerCommand('asmTroubleshooter.openLog', async () => {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Open tracer log', filters: { Logs: ['log', 'txt', 'out', 'err'], 'All files': ['*'] } });
      for (const uri of picked ?? []) {
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(doc, 'asm-log');
        await vscode.window.showTextDocument(doc, { preview: false });
      }
    }),
    vscode.commands.registerCommand('asmTroubleshooter.showOutput', () => output.show()),
    vscode.commands.registerCommand('asmTroubleshooter.openStepDoc', (arg?: { step?: { doc?: string } }) => {
      const url = arg?.step?.doc ?? 'https://docs.datadoghq.com/security_platform/application_security/troubleshooting/';
      return vscode.env.openExternal(vscode.Uri.parse(url));
    }),
  );

  await client.start();
  context.subscriptions.push(
    client.onNotification('asm/analysis', (a: DocAnalysisLite) => store.set(a)),
    client.onNotification('asm/closed', (a: { uri: string }) => store.delete(a.uri)),
    { dispose: () => void client?.stop() },
  );
  return { store, tree, client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
