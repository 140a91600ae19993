// `asm/analyzeFile`: the server streams a log from disk (any size: VS Code stops syncing files over 50 MB to
// extensions), with work-done progress and cancellation, then publishes diagnostics on its URI (open or not)
// and the `asm/analysis` summary for the tree view.
import { fileURLToPath } from 'node:url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { analyzeFile } from '../core/files';
import { countBySeverity } from '../core/finding';
import type { DiagnosticsService } from './diagnostics';
import { Requests, type AnalyzeFileParams, type AnalyzeFileResult } from './protocol';

export type { AnalyzeFileParams, AnalyzeFileResult };

/** Progress is reported at most once per percent: a 1 GB file makes ~1000 chunks, the client needs ≤ 100 updates. */
export function registerAnalyzeFile(connection: Connection, diagnostics: DiagnosticsService): void {
  connection.onRequest(Requests.analyzeFile, async (params: AnalyzeFileParams, token: CancellationToken): Promise<AnalyzeFileResult> => {
    if (!params?.uri?.startsWith('file:')) throw new ResponseError(-32602, `${Requests.analyzeFile.method} needs a file: URI, got ${params?.uri}`);
    const file = fileURLToPath(params.uri);
    const progress = connection.languages.attachWorkDoneProgress(params);
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    let lastPct = -1;
    progress.begin(`Analyzing ${file}`, 0, undefined, true);
    try {
      const started = Date.now();
      let bytes = 0;
      const r = await analyzeFile(file, {
        signal: ac.signal,
        ...(params.maxFindings ? { maxFindings: params.maxFindings } : {}),
        onProgress: (p) => {
          bytes = p.bytes;
          const pct = p.total ? Math.min(100, Math.floor((p.bytes * 100) / p.total)) : 0;
          if (pct !== lastPct) {
            lastPct = pct;
            progress.report(pct, `${mb(p.bytes)} of ${mb(p.total)}`);
          }
        },
      });
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      if (r.kind === 'log' || r.kind === 'ini') {
        diagnostics.publish(params.uri, undefined, r.kind === 'ini' ? 'ini' : 'log', { kind: r.kind === 'ini' ? 'ini' : 'log', findings: r.findings, ...(r.summary ? { summary: r.summary } : {}), ...(r.dropped ? { dropped: r.dropped } : {}) });
      }
      const counts = countBySeverity(r.findings);
      connection.console.log(`analysed ${file} (${mb(bytes)}) in ${Date.now() - started} ms`);
      return { uri: params.uri, kind: r.kind, bytes, lines: r.summary?.lines ?? 0, counts, dropped: r.dropped ?? {}, notes: r.notes, ...(r.summary ? { summary: r.summary } : {}) };
    } catch (e) {
      if (ac.signal.aborted || e instanceof ResponseError) throw e instanceof ResponseError ? e : new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      connection.console.error(`asm/analyzeFile ${file} failed: ${(e as Error).stack ?? e}`);
      throw new ResponseError(-32603, `analysis of ${file} failed: ${(e as Error).message}`);
    } finally {
      sub.dispose();
      progress.done();
    }
  });
}

const mb = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;
