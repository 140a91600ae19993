// `asm/runTracerDiagnostics`: runs one of the known diagnostic tools (core/tools/run.ts) by id, only when the client
// asks (the user picked it), with a timeout; returns its output for the client to show as a document.
import { ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { DIAGNOSTIC_TOOLS, diagnosticTool, runDiagnosticTool, type DiagnosticRun } from '../core/tools/run';

import { Requests, type RunTracerDiagnosticsParams } from './protocol';

export function registerTracerDiagnostics(connection: Connection): void {
  connection.onRequest(Requests.listTracerDiagnostics, () =>
    DIAGNOSTIC_TOOLS.map((t) => ({ id: t.id, title: t.title, detail: t.detail, commandLine: [t.command, ...t.args].join(' ') })),
  );
  connection.onRequest(Requests.runTracerDiagnostics, async (p: RunTracerDiagnosticsParams, token: CancellationToken): Promise<DiagnosticRun> => {
    const tool = diagnosticTool(p?.tool);
    if (!tool) throw new ResponseError(-32602, `unknown diagnostic tool ${JSON.stringify(p?.tool)}; known: ${DIAGNOSTIC_TOOLS.map((t) => t.id).join(', ')}`);
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      const timeoutMs = typeof p.timeoutMs === 'number' && p.timeoutMs > 0 ? Math.min(p.timeoutMs, 120_000) : undefined;
      return await runDiagnosticTool(tool, {
        ...(p.pid ? { pid: p.pid } : {}),
        ...(p.cwd ? { cwd: p.cwd } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        signal: ac.signal,
      });
    } finally {
      sub.dispose();
    }
  });
}
