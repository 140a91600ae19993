// Activation: the language client, the troubleshooting tree, the status bar and the commands. No logic of its own.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AnalysisStore, type DocAnalysisLite } from './analysisStore';
import { registerFindPhpIni } from './commands/findPhpIni';
import { registerStatusBar } from './statusBar';
import { registerScopeCommand, StepsTreeProvider } from './tree';
import { registerStepsCommands } from './commands/steps';
import { registerBundleCommand } from './commands/bundle';
import { registerAttackCommands } from './commands/attack';
import { registerAnalyzeLogFile } from './commands/analyzeLogFile';
import { Notifications, Requests } from '../server/protocol';
import { registerTracerDiagnostics } from './commands/tracerDiagnostics';
import { registerLogSniff } from './logSniff';
import { registerFindingCommands } from './commands/findings';
import { registerEnableAsm } from './commands/enableAsm';
import { FindingsTreeProvider, type FindingsNode } from './findingsTree';

let client: LanguageClient | undefined;

export interface ExtensionApi {
  store: AnalysisStore;
  tree: StepsTreeProvider;
  client: LanguageClient;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const activated = Date.now();
  const output = vscode.window.createOutputChannel('ASM Troubleshooter', { log: true });
  // dist/server-start.js runs dist/server.js from V8's code cache (a faster start: the tree's first verdict sooner).
  const serverModule = context.asAbsolutePath(path.join('dist', 'server-start.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'asm-log' },
      { language: 'asm-ini' },
      { language: 'ini' },
      // Ruby initializers only: a manual `c.use :rack` there keeps ASM from seeing requests (ruby-rack-manual).
      { language: 'ruby', pattern: '**/config/initializers/*.rb' },
      // Deployment files keep their own languages; the server picks the ones it knows by path and content.
      ...[
        '**/{docker-compose,compose}*.{yml,yaml}',
        '**/*.{yml,yaml}',
        '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile}',
        '**/{.env,.env.*,*.env}',
        '**/.vscode/launch.json',
        '**/*.service',
        '**/*.conf',
        '**/.htaccess',
      ].map((pattern) => ({ scheme: 'file', pattern })),
    ],
    outputChannel: output,
    // The steps tree's parameters: the server starts the workspace scan at initialize (the first verdict sooner).
    initializationOptions: () => ({ steps: tree.params(true) }),
  };
  client = new LanguageClient('asmTroubleshooter', 'ASM Troubleshooter', serverOptions, clientOptions);

  const store = new AnalysisStore();
  // The steps are computed by the server; the tree asks for them once the client runs, and renders what it gets.
  const tree = new StepsTreeProvider(client, { log: (m) => output.info(m) });
  const view = vscode.window.createTreeView('asmTroubleshooter.steps', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(output, store, tree, view, registerStatusBar(store));
  registerAttackCommands(context, { tree, output, client });
  registerFindPhpIni(context);

  registerStepsCommands(context, { tree, output, client });
  registerBundleCommand(context, { client, output });
  registerAnalyzeLogFile(context, client, output);
  registerTracerDiagnostics(context, client, output);
  registerLogSniff(context, (m) => output.info(m));
  registerScopeCommand(context, tree);
  registerFindingCommands(context, client, store);
  registerEnableAsm(context, client, output, tree);
  const findings = new FindingsTreeProvider(store);
  const c = client;
  context.subscriptions.push(
    findings,
    vscode.window.createTreeView('asmTroubleshooter.findings', { treeDataProvider: findings, showCollapseAll: true }),
    vscode.commands.registerCommand('asmTroubleshooter.clearResults', async (n?: FindingsNode | vscode.Uri) => {
      const uri = n instanceof vscode.Uri ? n.toString() : (n?.uri ?? vscode.window.activeTextEditor?.document.uri.toString());
      if (!uri) return;
      await c.sendRequest(Requests.clearResults, { uri });
      store.delete(uri);
    }),
    vscode.commands.registerCommand('asmTroubleshooter.clearAllResults', async () => {
      for (const a of store.all()) {
        await c.sendRequest(Requests.clearResults, { uri: a.uri });
        store.delete(a.uri);
      }
    }),
  );

  // How long the user waited (Output): activation until the server runs and until the tree's first verdict.
  let serverMs = -1;
  const firstVerdict = tree.onDidChangeTreeData(() => {
    if (!tree.getSteps().some((x) => x.status !== 'unknown')) return;
    firstVerdict.dispose();
    const server = serverMs < 0 ? 'before the language client finished starting' : `language server running after ${serverMs} ms`;
    output.info(`steps: first verdict ${Date.now() - activated} ms after activation (${server})`);
  });
  context.subscriptions.push(firstVerdict);
  await client.start();
  serverMs = Date.now() - activated;
  context.subscriptions.push(
    client.onNotification(Notifications.analysis, (a: DocAnalysisLite) => store.set(a)),
    client.onNotification(Notifications.closed, (a) => store.delete(a.uri)),
    { dispose: () => void client?.stop() },
  );
  return { store, tree, client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
