// `asm/analyzeFile`: the server streams a log from disk (any size: VS Code stops syncing files over 50 MB to
// extensions), with work-done progress and cancellation, then publishes diagnostics on its URI (open or not)
// and the `asm/analysis` summary for the tree view.
import { fileURLToPath } from 'node:url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { analyzeArchive, isArchivePath } from '../core/archive/archive';
import { analyzeFile, type FileReport } from '../core/files';
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
      if (isArchivePath(file))
        return await archiveResult(
          params,
          file,
          diagnostics,
          ac.signal,
          (p) => {
            bytes = p.bytes;
            const pct = p.total ? Math.min(100, Math.floor((p.read * 100) / p.total)) : 0;
            if (pct !== lastPct) {
              lastPct = pct;
              progress.report(pct, `${mb(p.read)} of ${mb(p.total)} (${mb(p.bytes)} uncompressed)`);
            }
          },
          token,
        );
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
        diagnostics.publish(params.uri, undefined, r.kind === 'ini' ? 'ini' : 'log', {
          kind: r.kind === 'ini' ? 'ini' : 'log',
          findings: r.findings,
          ...(r.summary ? { summary: r.summary } : {}),
          ...(r.dropped ? { dropped: r.dropped } : {}),
          ...(r.timeline ? { timeline: r.timeline } : {}),
        });
      }
      const counts = countBySeverity(r.findings);
      connection.console.log(`analysed ${file} (${mb(bytes)}) in ${Date.now() - started} ms`);
      return {
        uri: params.uri,
        kind: r.kind,
        bytes,
        lines: r.summary?.lines ?? 0,
        counts,
        dropped: r.dropped ?? {},
        notes: r.notes,
        ...(r.summary ? { summary: r.summary } : {}),
      };
    } catch (e) {
      if (ac.signal.aborted || e instanceof ResponseError)
        throw e instanceof ResponseError ? e : new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      connection.console.error(`asm/analyzeFile ${file} failed: ${(e as Error).stack ?? e}`);
      throw new ResponseError(-32603, `analysis of ${file} failed: ${(e as Error).message}`);
    } finally {
      sub.dispose();
      progress.done();
    }
  });
}

const mb = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;

/**
 * A support archive: every member analysed (streamed) and published under `<archive URI>!/<member>` (Problems and the
 * tree's evidence), one result with the members and the summed counts.
 */
async function archiveResult(
  params: AnalyzeFileParams,
  file: string,
  diagnostics: DiagnosticsService,
  signal: AbortSignal,
  onProgress: (p: { bytes: number; total: number; read: number }) => void,
  token: CancellationToken,
): Promise<AnalyzeFileResult> {
  let bytes = 0;
  const reports: FileReport[] = await analyzeArchive(file, {
    signal,
    ...(params.maxFindings ? { maxFindings: params.maxFindings } : {}),
    onProgress: (p) => {
      bytes = p.bytes;
      onProgress(p);
    },
  });
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  const [top, ...members] = reports;
  const counts: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  for (const m of members) {
    if (m.kind === 'log' || m.kind === 'ini') {
      const kind = m.kind === 'ini' ? 'ini' : 'log';
      diagnostics.publish(`${params.uri}!/${encodeURI(m.path.slice(file.length + 2))}`, undefined, kind, {
        kind,
        findings: m.findings,
        ...(m.summary ? { summary: m.summary } : {}),
        ...(m.dropped ? { dropped: m.dropped } : {}),
      });
    }
    for (const [k, v] of Object.entries(countBySeverity(m.findings))) counts[k] = (counts[k] ?? 0) + v;
    for (const [k, v] of Object.entries(m.dropped ?? {})) dropped[k] = (dropped[k] ?? 0) + v;
  }
  return {
    uri: params.uri,
    kind: top!.kind,
    bytes,
    lines: members.reduce((n, m) => n + (m.summary?.lines ?? 0), 0),
    counts,
    dropped,
    notes: [...top!.notes, ...members.filter((m) => m.notes.length).map((m) => `${m.path.slice(file.length + 2)}: ${m.notes.join('; ')}`)],
    members: members.map((m) => ({
      path: m.path,
      kind: m.kind,
      counts: countBySeverity(m.findings),
      notes: m.notes,
      ...(m.summary ? { summary: m.summary } : {}),
    })),
  };
}
