// The ASM Troubleshooter language server: thin wiring of the core's analyzers to LSP, one module per feature.
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, CodeActionKind, CodeLensRefreshRequest } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { kb } from '../core/kb';
import { registerAnalyzeFile } from './analyzeFile';
import { registerTracerDiagnostics } from './diagnosticsRun';
import { codeActions } from './codeActions';
import { completion } from './completion';
import { ConfigService } from './config';
import { DiagnosticsService, LANGUAGE_KIND } from './diagnostics';
import { hover } from './hover';
import { registerAgent } from './agent';
import { AttackService } from './attack';
import { registerBundle } from './bundle';
import { IntakeService } from './intake';
import { StepsService } from './steps';
import { registerExcerpts } from './excerpts';
import { codeLenses } from './codeLens';
import { logFindingCommands } from './logActions';
import { Requests, type FindingActionsParams } from './protocol';

const connection = createConnection(ProposedFeatures.all);
// The steps (tree view) see every complete analysis the diagnostics service publishes (not the capped notification).
const steps = new StepsService(connection);
const diagnostics = new DiagnosticsService(connection);
diagnostics.listener = steps;
// The diagnostics service sees each change's range: appends to a log re-analyse only the new lines.
const documents = new TextDocuments<TextDocument>(diagnostics.documentsConfig());
registerAnalyzeFile(connection, diagnostics);
registerTracerDiagnostics(connection);
// What the thin client asks the server to run: steps, agent check, support bundle, test attack, local intake.
steps.register(connection);
registerAgent(connection, steps);
registerBundle(connection, steps);
const intake = new IntakeService(connection, steps);
// A trace at the local intake is live evidence for the steps (an appsec.event span, _dd.appsec.enabled).
intake.onTrace = (t) => steps.observeIntake(t);
intake.register(connection);
new AttackService(intake, steps).register(connection);
// Deployment files (compose, Kubernetes, Dockerfile, .env, …): their own diagnostics, hovers, completion, fixes.
const config = new ConfigService(connection);
config.register(connection);
registerExcerpts(connection, Requests.excerpt);
connection.onRequest(Requests.clearResults, (p: { uri?: string }) => {
  if (typeof p?.uri === 'string') diagnostics.clear(p.uri);
  return null;
});
// A finding's actions without an open document (the tree's Apply Fix on a file above 50 MB): commands only.
connection.onRequest(Requests.findingActions, (p: FindingActionsParams) => {
  const a = diagnostics.analysis(p.uri);
  if (!a || a.kind !== 'log') return [];
  const f = a.findings.find((x) => x.range.start.line === p.line && (!p.code || x.code === p.code));
  return f ? logFindingCommands(f, a.summary?.tracer) : [];
});
connection.onShutdown(async () => {
  steps.dispose();
  await intake.dispose();
});

let lensRefresh = false;
connection.onInitialize((params) => {
  kb(); // validate the knowledge base once, at start: a broken one fails loudly here
  lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  // the deployment files "Enable ASM for <service> in <file>" offers from log findings
  const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  if (root?.startsWith('file:')) config.setWorkspace(fileURLToPath(root));
  // The steps tree's first verdict: the client's steps parameters come with initialize, so the scan starts now.
  steps.prime(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '=', '_', ':'] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Source] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'asm-troubleshooter' },
  };
});

documents.onDidOpen((e) => (config.handles(e.document) ? config.schedule(e.document) : diagnostics.schedule(e.document)));
documents.onDidChangeContent((e) => (config.handles(e.document) ? config.schedule(e.document) : diagnostics.schedule(e.document)));
documents.onDidClose((e) => (config.handles(e.document) ? config.close(e.document.uri) : diagnostics.close(e.document.uri)));

const guard = <T>(name: string, fn: () => T, fallback: T): T => {
  try {
    return fn();
  } catch (e) {
    connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
    return fallback;
  }
};

connection.onHover((p) => {
  const doc = documents.get(p.textDocument.uri);
  if (doc && config.handles(doc)) return guard('hover', () => config.hover(doc, p), null);
  return doc && LANGUAGE_KIND[doc.languageId] ? guard('hover', () => hover(doc, p), null) : null;
});
connection.onCompletion((p) => {
  const doc = documents.get(p.textDocument.uri);
  if (doc && config.handles(doc)) return guard('completion', () => config.completion(doc, p), []);
  return doc ? guard('completion', () => completion(doc, p), []) : [];
});
connection.onCodeLens((p) => {
  const doc = documents.get(p.textDocument.uri);
  if (!doc) return [];
  const lineText = (line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return guard('codeLens', () => codeLenses(doc.uri, diagnostics.analysis(doc.uri, doc.version), lineText), []);
});
// Lenses follow the analysis (debounced after an edit): ask the client to fetch them again once it is published.
let refreshTimer: NodeJS.Timeout | undefined;
diagnostics.onPublish = () => {
  if (!lensRefresh) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined), 50);
};
connection.onCodeAction((p) => {
  const doc = documents.get(p.textDocument.uri);
  if (doc && config.handles(doc)) return guard('codeAction', () => config.codeActions(p, doc.version), []);
  return guard('codeAction', () => codeActions(p.textDocument.uri, diagnostics.analysis(p.textDocument.uri, doc?.version), p), []);
});

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e}`));
documents.listen(connection);
connection.listen();
