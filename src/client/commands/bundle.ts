// "Create Support Bundle": one markdown file (plus the raw, redacted log excerpts beside it) in a folder the user
// picks or a new temporary folder, then opened for review. Nothing is uploaded: sharing it is the user's decision.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { buildBundle, readExcerpt, BUNDLE_MARKDOWN, type LogExcerpt } from '../../core/bundle/bundle';
import type { StepsTreeProvider } from '../tree';

export interface BundleCommandDeps {
  tree: StepsTreeProvider;
  output: vscode.LogOutputChannel;
}

/** Options for tests: a folder instead of asking, and no editor/preview. */
export interface BundleCommandOptions {
  folder?: string;
  open?: boolean;
}

export function registerBundleCommand(context: vscode.ExtensionContext, { tree, output }: BundleCommandDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.createSupportBundle', async (opts?: BundleCommandOptions) => {
      let folder = typeof opts?.folder === 'string' ? opts.folder : undefined;
      if (!folder) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: '$(new-folder) New temporary folder', id: 'temp', detail: os.tmpdir() },
            { label: '$(folder-opened) Choose a folder…', id: 'choose' },
          ],
          { placeHolder: 'Where should the support bundle be written? (nothing is uploaded)' },
        );
        if (!pick) return undefined;
        if (pick.id === 'temp') folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-support-bundle-'));
        else {
          const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Write the bundle here' });
          if (!chosen?.[0]) return undefined;
          folder = chosen[0].fsPath;
        }
      }
      const target = folder;
      return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Creating the support bundle…', cancellable: true }, async (_p, token) => {
        const ctl = new AbortController();
        token.onCancellationRequested(() => ctl.abort());
        await tree.whenScanned();
        tree.refresh();
        const logs: LogExcerpt[] = [];
        for (const f of tree.getLogFiles().slice(0, 50)) {
          if (ctl.signal.aborted) return undefined;
          try {
            const ex = await readExcerpt(f.path, f.findingLines, { signal: ctl.signal });
            logs.push({ path: f.path, tracer: f.summary?.tracer ?? null, version: f.summary?.version ?? null, appsec: f.appsec, lines: ex.lines, omitted: ex.omitted });
          } catch (e) {
            output.warn(`support bundle: ${f.path}: ${(e as Error).message}`);
          }
        }
        const bundle = buildBundle({
          createdAt: new Date(),
          extensionVersion: String(context.extension.packageJSON.version ?? 'unknown'),
          host: `${vscode.env.appName} ${vscode.version}`,
          platform: `${process.platform} ${process.arch}`,
          language: tree.getLanguage(),
          steps: tree.getSteps(),
          agent: { address: tree.getAgentAddress(), result: tree.getAgentResult() },
          logs,
        });
        for (const f of bundle.files) {
          const p = path.join(target, f.name);
          await fsp.mkdir(path.dirname(p), { recursive: true });
          await fsp.writeFile(p, f.content, 'utf8');
        }
        const md = path.join(target, BUNDLE_MARKDOWN);
        const redacted = Object.values(bundle.redactions).reduce((a, b) => a + b, 0);
        output.info(`support bundle written to ${target} (${bundle.files.length} file(s), ${redacted} secret value(s) redacted); nothing was uploaded`);
        if (opts?.open !== false) {
          const doc = await vscode.workspace.openTextDocument(md);
          await vscode.window.showTextDocument(doc, { preview: false });
          await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => undefined);
          void vscode.window
            .showInformationMessage(`Support bundle created (${redacted} secret value(s) redacted). Review it before sharing it with Datadog support; nothing was uploaded.`, 'Reveal Folder')
            .then((a) => a && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(md)));
        }
        return { folder: target, files: bundle.files.map((f) => path.join(target, f.name)), redactions: bundle.redactions };
      });
    }),
  );
}
