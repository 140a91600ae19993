// "Find PHP AppSec ini files": runs `php --ini`, lists the loaded and scanned ini files that hold AppSec settings (or
// load the extension), and opens the chosen one. The parsing is pure (src/core/ini/phpIni.ts); this only runs PHP and
// reads the files.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { holdsAppsec, iniFilesOf, parsePhpIni } from '../../core/ini/phpIni';

const TIMEOUT_MS = 10_000;
const MAX_INI_BYTES = 4 * 1024 * 1024;

function runPhpIni(php: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(php, ['--ini'], { timeout: TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve(stdout);
    });
  });
}

interface Pick extends vscode.QuickPickItem {
  file?: string;
}

export function registerFindPhpIni(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('asmTroubleshooter.findPhpIni', () => findPhpIni()));
}

/** What the command did: the file it opened, or the message it showed. */
export interface FindPhpIniResult {
  opened?: string;
  message?: string;
}

export async function findPhpIni(php = 'php'): Promise<FindPhpIniResult> {
  let out: string;
  try {
    out = await runPhpIni(php);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { killed?: boolean; stderr?: string };
    const msg =
      err.code === 'ENOENT'
        ? 'PHP is not installed here (no `php` on the PATH), so its ini files cannot be listed. On the PHP server, run `php --ini` and open the 98-ddappsec.ini (or 98-ddtrace.ini) of the Scan for additional .ini files directory.'
        : err.killed
          ? `\`php --ini\` did not answer within ${TIMEOUT_MS / 1000} s.`
          : `\`php --ini\` failed: ${(err.stderr || err.message).trim().slice(0, 300)}`;
    void vscode.window.showWarningMessage(msg);
    return { message: msg };
  }
  const info = parsePhpIni(out);
  const files = iniFilesOf(info);
  const items: Pick[] = [];
  const others: Pick[] = [];
  for (const f of files) {
    let text: string;
    try {
      const st = await fsp.stat(f);
      if (st.size > MAX_INI_BYTES) continue;
      text = await fsp.readFile(f, 'utf8');
    } catch (e) {
      others.push({ label: f, description: `unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
      continue;
    }
    const h = holdsAppsec(text);
    if (h.settings || h.loadsExtension) {
      items.push({
        label: f.split('/').pop() ?? f,
        description: f,
        detail: `${h.settings} AppSec setting(s)${h.loadsExtension ? ', loads the AppSec extension' : ''}${f === info.loaded ? ' — the loaded php.ini' : ''}`,
        file: f,
      });
    }
  }
  if (!items.length) {
    const where = info.scanDirs.length ? info.scanDirs.join(', ') : 'no scan directory';
    const msg = `None of the ${files.length} ini file(s) PHP reads holds AppSec settings (loaded: ${info.loaded ?? 'none'}; scanned: ${where}). Create 98-ddappsec.ini in the scan directory to configure AppSec.`;
    void vscode.window.showInformationMessage(msg);
    return { message: msg };
  }
  const chosen =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick([...items, ...others], {
          title: 'PHP ini files with AppSec settings',
          placeHolder: `from php --ini (${files.length} file(s) read by PHP)`,
          matchOnDescription: true,
        });
  if (!chosen?.file) return {};
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(chosen.file));
  await vscode.window.showTextDocument(doc, { preview: false });
  return { opened: chosen.file };
}
