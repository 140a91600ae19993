// dist/server-start.js (what the VS Code client starts) runs dist/server.js from V8's code cache
// (src/server/launcher.ts): the server answers as it does without the cache, the cache is written at exit, used by
// the next start, rebuilt when corrupt; ASM_SERVER_CODE_CACHE=0 writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

const START = path.resolve('dist/server-start.js');
const LOG = path.resolve('demo/logs/dd-trace-node-asm-off.log');

/** One server session: initialize, open the log, its diagnostic codes, shutdown and exit. */
async function session(env: Record<string, string>): Promise<string[]> {
  const proc = spawn(process.execPath, [START, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const uri = pathToFileURL(LOG).toString();
  const diags = new Promise<string[]>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no diagnostics within 30 s; stderr: ${stderr.slice(-2000)}`)), 30_000);
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (p.uri !== uri || !p.diagnostics.length) return;
      clearTimeout(t);
      resolve(p.diagnostics.map((d) => String(d.code)).sort());
    });
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  conn.listen();
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'asm-log', version: 1, text: readFileSync(LOG, 'utf8') } });
    const codes = await diags;
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    const t = setTimeout(() => proc.kill(), 15_000);
    assert.equal(await exited, 0, `the server exits cleanly; stderr: ${stderr.slice(-2000)}`);
    clearTimeout(t);
    return codes;
  } finally {
    conn.dispose();
    proc.kill();
  }
}

test('server launcher: same diagnostics with and without the code cache; written at exit, reused, rebuilt when corrupt', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'asm-server-cc-'));
  try {
    const dir = path.join(home, 'asm-troubleshooter', 'v8');
    const without = await session({ ASM_SERVER_CODE_CACHE: '0', XDG_CACHE_HOME: home });
    assert.ok(without.includes('appsec-disabled'), JSON.stringify(without));
    assert.throws(() => readdirSync(dir), /ENOENT/, 'ASM_SERVER_CODE_CACHE=0 writes nothing');

    assert.deepEqual(await session({ XDG_CACHE_HOME: home }), without);
    const files = readdirSync(dir);
    assert.equal(files.length, 1, JSON.stringify(files));
    assert.match(files[0]!, /^server-[0-9a-f]{8}-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8$/);
    const cache = readFileSync(path.join(dir, files[0]!));
    assert.ok(cache.length > 10_000, `a real code cache (${cache.length} bytes)`);

    assert.deepEqual(await session({ XDG_CACHE_HOME: home }), without);
    assert.deepEqual(readFileSync(path.join(dir, files[0]!)), cache, 'an accepted cache is not rewritten');

    writeFileSync(path.join(dir, files[0]!), Buffer.from('not a V8 code cache'));
    assert.deepEqual(await session({ XDG_CACHE_HOME: home }), without);
    assert.ok(readFileSync(path.join(dir, files[0]!)).length > 10_000, 'a rejected cache is written again');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('server launcher: a cache directory that cannot be created changes nothing', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'asm-server-cc-'));
  try {
    const notADir = path.join(tmp, 'file');
    writeFileSync(notADir, 'x');
    assert.ok((await session({ XDG_CACHE_HOME: notADir })).includes('appsec-disabled'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
