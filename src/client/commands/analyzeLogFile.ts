// "Analyze Log File…" (palette and explorer context menu): the language server streams the file from disk, so it
// works for logs of any size (VS Code does not sync files over 50 MB to extensions). The server's work-done progress
// drives a cancellable notification; the result (counts, summary) is shown, the diagnostics land in Problems and the
// tree view gets the summary through the usual asm/analysis notification.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { Requests, type AnalyzeFileParams, type AnalyzeFileResult } from '../../server/protocol';

export function registerAnalyzeLogFile(context: vscode.ExtensionContext, client: LanguageClient, output?: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.analyzeLogFile', (arg?: vscode.Uri, selected?: vscode.Uri[]) =>
      analyzeLogFiles(client, arg, selected, output),
    ),
  );
}

/** Analyses the explorer selection, the given URI, or files picked in a dialog. Returns what each analysis said. */
export async function analyzeLogFiles(
  client: LanguageClient,
  arg?: vscode.Uri,
  selected?: vscode.Uri[],
  output?: vscode.LogOutputChannel,
): Promise<(AnalyzeFileResult | null)[]> {
  let uris = selected?.length ? selected : arg instanceof vscode.Uri ? [arg] : undefined;
  uris ??= await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Analyze',
    title: 'Analyze log file',
    filters: { Logs: ['log', 'txt', 'out', 'err', 'ini'], 'Support archives': ['zip', 'tar', 'gz', 'tgz'], 'All files': ['*'] },
  });
  const results: (AnalyzeFileResult | null)[] = [];
  for (const uri of uris ?? []) {
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(`Analyze Log File reads files from disk; ${uri.toString()} is not a local file. Open it in an editor instead.`);
      results.push(null);
      continue;
    }
    results.push(await analyzeOne(client, uri, output));
  }
  return results;
}

async function analyzeOne(client: LanguageClient, uri: vscode.Uri, output?: vscode.LogOutputChannel): Promise<AnalyzeFileResult | null> {
  const name = vscode.workspace.asRelativePath(uri, false);
  const maxFindings = vscode.workspace.getConfiguration('asmTroubleshooter', uri).get<number>('logs.maxFindingsPerFile');
  let result: AnalyzeFileResult | null = null;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Analyzing ${name}`, cancellable: true },
      async (progress, cancel) => {
        const token = randomUUID();
        let done = 0;
        const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
          if (v.kind === 'end') return;
          const pct = v.percentage ?? done;
          progress.report({ increment: Math.max(0, pct - done), ...(v.message ? { message: v.message } : {}) });
          done = Math.max(done, pct);
        });
        try {
          const params: AnalyzeFileParams = { uri: uri.toString(), workDoneToken: token, ...(maxFindings ? { maxFindings } : {}) };
          return await client.sendRequest(Requests.analyzeFile, params, cancel);
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    // Cancelled by the user: say nothing more. Anything else: say what went wrong.
    const code = (e as { code?: number }).code;
    if (code === -32800) {
      output?.info(`analysis of ${uri.fsPath} cancelled`);
      void vscode.window.showInformationMessage(`Analysis of ${name} cancelled. Its previous results, if any, are unchanged.`);
    } else void vscode.window.showErrorMessage(`Could not analyze ${name}: ${(e as Error).message}`);
    return null;
  }
  output?.info(
    `analysed ${uri.fsPath}: ${JSON.stringify({ lines: result.lines, bytes: result.bytes, counts: result.counts, dropped: result.dropped, notes: result.notes })}`,
  );
  if (result.kind !== 'log' && result.kind !== 'ini' && result.kind !== 'archive') {
    void vscode.window.showWarningMessage(`${name}: ${result.notes.join('; ') || result.kind}`);
    return result;
  }
  void showResult(name, result);
  return result;
}

export function describeResult(r: AnalyzeFileResult): string {
  const sev = ['error', 'warning', 'information', 'hint'].filter((s) => r.counts[s]).map((s) => `${r.counts[s]} ${s}`);
  const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0);
  const s = r.summary;
  const facts = s
    ? [
        s.tracer ? `${s.tracer}${s.version ? ' ' + s.version : ''}` : null,
        s.appsec !== 'unknown' ? `ASM ${s.appsec}` : null,
        s.agentReachable === null ? null : s.agentReachable ? 'agent reachable' : 'agent unreachable',
        s.attacks ? `${s.attacks} attack(s)` : null,
      ].filter(Boolean)
    : [];
  return [
    `${r.lines.toLocaleString()} lines`,
    sev.length ? sev.join(', ') : 'no findings',
    dropped ? `${dropped} more counted (see ASM Findings)` : null,
    facts.length ? facts.join(', ') : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

async function showResult(name: string, r: AnalyzeFileResult) {
  const pick = await vscode.window.showInformationMessage(`${name}: ${describeResult(r)}`, 'Show Findings', 'Show Problems');
  if (pick === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  if (pick === 'Show Findings') await vscode.commands.executeCommand('asmTroubleshooter.findings.focus');
}
