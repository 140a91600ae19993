// The ASM Troubleshooter language server: thin wiring of the core's analyzers to LSP, one module per feature.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, CodeActionKind } from 'vscode-languageserver/node';
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
connection.onShutdown(async () => {
  steps.dispose();
  await intake.dispose();
});

connection.onInitialize(() => {
  kb(); // validate the knowledge base once, at start: a broken one fails loudly here
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '=', '_', ':'] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Source] },
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
connection.onCodeAction((p) => {
  const doc = documents.get(p.textDocument.uri);
  if (doc && config.handles(doc)) return guard('codeAction', () => config.codeActions(p, doc.version), []);
  return guard('codeAction', () => codeActions(p.textDocument.uri, diagnostics.analysis(p.textDocument.uri, doc?.version), p), []);
});

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e}`));
documents.listen(connection);
connection.listen();
