// "Create Support Bundle": the user picks a folder (or a new temporary one); the language server assembles the
// bundle (steps, agent check, log excerpts), redacts it and writes one markdown file plus the raw excerpts there
// (asm/supportBundle); then it is opened for review. Nothing is uploaded: sharing it is the user's decision.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type SupportBundleParams, type SupportBundleResult } from '../../server/protocol';

export interface BundleCommandDeps {
  client: Pick<LanguageClient, 'sendRequest'>;
  output: vscode.LogOutputChannel;
}

/** Options for tests: a folder instead of asking, and no editor/preview. */
export interface BundleCommandOptions {
  folder?: string;
  open?: boolean;
}

/** JSON-RPC "request cancelled". */
const CANCELLED = -32800;

export function registerBundleCommand(context: vscode.ExtensionContext, { client, output }: BundleCommandDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.createSupportBundle', async (opts?: BundleCommandOptions) => {
      let folder = typeof opts?.folder === 'string' ? opts.folder : undefined;
      if (!folder) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: '$(new-folder) New temporary folder', id: 'temp', detail: os.tmpdir() },
            { label: '$(folder-opened) Choose a folder…', id: 'choose', detail: 'a new asm-support-bundle-… folder is created inside it' },
          ],
          { placeHolder: 'Where should the support bundle folder be created? (nothing is uploaded)' },
        );
        if (!pick) return undefined;
        if (pick.id === 'temp') folder = os.tmpdir();
        else {
          const chosen = await vscode.window.showOpenDialog({
            canSelectFolders: true,
            canSelectFiles: false,
            canSelectMany: false,
            openLabel: 'Create the bundle folder here',
          });
          if (!chosen?.[0]) return undefined;
          folder = chosen[0].fsPath;
        }
      }
      // Always a new folder inside the chosen one: nothing the user already has there is overwritten.
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      folder = await fsp.mkdtemp(path.join(folder, `asm-support-bundle-${stamp}-`));
      const params: SupportBundleParams = {
        folder: path.resolve(folder),
        extensionVersion: String(context.extension.packageJSON.version ?? 'unknown'),
        host: `${vscode.env.appName} ${vscode.version}`,
      };
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Creating the support bundle…', cancellable: true },
        async (_p, token) => {
          let bundle: SupportBundleResult;
          try {
            bundle = await client.sendRequest(Requests.supportBundle, params, token);
          } catch (e) {
            if ((e as { code?: number }).code === CANCELLED) return undefined;
            throw e;
          }
          const redacted = Object.values(bundle.redactions).reduce((a, b) => a + b, 0);
          output.info(
            `support bundle written to ${bundle.folder} (${bundle.files.length} file(s), ${redacted} secret value(s) redacted); nothing was uploaded`,
          );
          if (opts?.open !== false) {
            const doc = await vscode.workspace.openTextDocument(bundle.markdown);
            await vscode.window.showTextDocument(doc, { preview: false });
            await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => undefined);
            void vscode.window
              .showInformationMessage(
                `Support bundle created (${redacted} secret value(s) redacted). Review it before sharing it with Datadog support; nothing was uploaded.`,
                'Reveal Folder',
              )
              .then((a) => a && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(bundle.markdown)));
          }
          return { folder: bundle.folder, files: bundle.files, redactions: bundle.redactions };
        },
      );
    }),
  );
}
