// "Find PHP AppSec ini files" inside a real extension host: a clear message when PHP is missing (ENOENT), and with a
// stand-in `php` whose `php --ini` lists a php.ini without AppSec settings and a 98-ddappsec.ini with some, the
// AppSec file is opened (as the asm-ini language).
import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findPhpIni } from '../../../src/client/commands/findPhpIni';
import { test, waitFor } from '../support/hostTest';

test('findPhpIni: PHP not installed gives a clear message', async () => {
  const r = await findPhpIni(path.join(os.tmpdir(), 'no-such-dir-asm', 'php'));
  assert.equal(r.opened, undefined);
  assert.match(r.message ?? '', /PHP is not installed here/);
});

test('findPhpIni: opens the scanned ini file that holds AppSec settings', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-phpini-'));
  const phpIni = path.join(dir, 'php.ini');
  const appsec = path.join(dir, 'conf.d-98-ddappsec.ini');
  writeFileSync(phpIni, 'memory_limit = 128M\n');
  writeFileSync(appsec, 'extension = ddappsec.so\ndatadog.appsec.enabled = 1\n');
  const fake = path.join(dir, 'php');
  writeFileSync(
    fake,
    `#!/bin/sh\nprintf 'Configuration File (php.ini) Path: ${dir}\\nLoaded Configuration File:         ${phpIni}\\nScan for additional .ini files in: ${dir}\\nAdditional .ini files parsed:      ${appsec}\\n'\n`,
  );
  chmodSync(fake, 0o755);
  const r = await findPhpIni(fake);
  assert.equal(r.opened, appsec);
  const doc = await waitFor(
    'the ini file in the active editor',
    () => vscode.window.activeTextEditor?.document.uri.fsPath === appsec && vscode.window.activeTextEditor.document,
  );
  assert.equal(doc.languageId, 'asm-ini');
});
