// The ASM Troubleshooter language server: thin wiring of the core's analyzers to LSP, one module per feature.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, CodeActionKind, CodeLensRefreshRequest } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { kb } from '../core/kb';
import { registerAnalyzeFile } from './analyzeFile';
import { codeActions } from './codeActions';
import { completion } from './completion';
import { DiagnosticsService, LANGUAGE_KIND } from './diagnostics';
import { hover } from './hover';
import { registerAgent } from './agent';
import { AttackService } from './attack';
import { registerBundle } from './bundle';
import { IntakeService } from './intake';
import { observedConnection, StepsService } from './steps';
import { registerExcerpts } from './excerpts';
import { codeLenses } from './codeLens';
import { logFindingCommands } from './logActions';
import { METHODS, type FindingActionsParams } from './protocol';

const connection = createConnection(ProposedFeatures.all);
// The steps (tree view) see every analysis the diagnostics service publishes, on its way to the client.
const steps = new StepsService(connection);
const diagnostics = new DiagnosticsService(observedConnection(connection, steps));
// The diagnostics service sees each change's range: appends to a log re-analyse only the new lines.
const documents = new TextDocuments<TextDocument>(diagnostics.documentsConfig());
registerAnalyzeFile(connection, diagnostics);
// What the thin client asks the server to run: steps, agent check, support bundle, test attack, local intake.
steps.register(connection);
registerAgent(connection, steps);
registerBundle(connection, steps);
const intake = new IntakeService(connection);
intake.register(connection);
new AttackService(intake, steps).register(connection);
registerExcerpts(connection, METHODS.excerpt);
connection.onRequest(METHODS.clearResults, (p: { uri?: string }) => {
  if (typeof p?.uri === 'string') diagnostics.clear(p.uri);
  return null;
});
// A finding's actions without an open document (the tree's Apply Fix on a file above 50 MB): commands only.
connection.onRequest(METHODS.findingActions, (p: FindingActionsParams) => {
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
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '='] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Source] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'asm-troubleshooter' },
  };
});

documents.onDidOpen((e) => diagnostics.schedule(e.document));
documents.onDidChangeContent((e) => diagnostics.schedule(e.document));
documents.onDidClose((e) => diagnostics.close(e.document.uri));

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
  return doc && LANGUAGE_KIND[doc.languageId] ? guard('hover', () => hover(doc, p), null) : null;
});
connection.onCompletion((p) => {
  const doc = documents.get(p.textDocument.uri);
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
connection.onCodeAction((p) =>
  guard('codeAction', () => codeActions(p.textDocument.uri, diagnostics.analysis(p.textDocument.uri, documents.get(p.textDocument.uri)?.version), p), []),
);

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e}`));
documents.listen(connection);
connection.listen();
