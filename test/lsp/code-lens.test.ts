// Findings off-screen on long lines: a code lens at the start of the line says what it says and selects the exact
// range; wrapping is the user's choice; an excerpt of a file of any size (asm/excerpt) for files VS Code cannot open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { METHODS } from '../../src/server/protocol';
import { LspClient, lspPerFile } from '../support/lspClient';
import { CLIENT_COMMANDS, type RevealFindingArgs } from '../../src/server/commands';
import { readExcerpt } from '../../src/server/excerpts';

let c: LspClient;
const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-lens-'));
lspPerFile((x) => (c = x), [dir]);

let n = 0;
async function lenses(file: string): Promise<{ text: string; lenses: CodeLens[] }> {
  const uri = pathToFileURL(path.resolve(file)).toString() + `?l${n++}`;
  const text = readFileSync(file, 'utf8');
  c.open(uri, 'asm-log', text);
  await c.diagnostics(uri);
  return { text, lenses: await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }) };
}

test('ASM off on a 1,000-character startup line: a lens at column 0 says "ASM off · Node.js 5.132.0 · Agent <url>" and selects appsec_enabled', async () => {
  const { text, lenses: ls } = await lenses('demo/logs/dd-trace-node-asm-off.log');
  const line0 = text.split('\n')[0]!;
  assert.ok(line0.length > 500);
  const l = ls.find((x) => x.range.start.line === 0);
  assert.ok(l, JSON.stringify(ls));
  assert.equal(l.range.start.character, 0);
  const url = /"agent_url":"([^"]+)"/.exec(line0)![1];
  assert.equal(l.command!.title, `ASM off · Node.js 5.132.0 · Agent ${url}`);
  assert.equal(l.command!.command, CLIENT_COMMANDS.revealFinding);
  const args = l.command!.arguments![0] as RevealFindingArgs;
  assert.equal(args.code, 'appsec-disabled');
  assert.equal(
    line0.slice(args.range!.start.character, args.range!.end.character).startsWith('"appsec_enabled"'),
    true,
    line0.slice(args.range!.start.character, args.range!.end.character),
  );
});

test('a healthy log gets its evidence in a lens (ASM on) though Problems is empty', async () => {
  const { lenses: ls } = await lenses('demo/logs/dd-trace-node-asm-on.log');
  assert.match(ls.find((x) => x.range.start.line === 0)?.command?.title ?? '', /^ASM on · Node\.js 5\.132\.0 · Agent http/);
});

test('short lines whose findings are on-screen get no lens', async () => {
  const { lenses: ls } = await lenses('test/fixtures/logs/php/helper-permission.log');
  assert.deepEqual(ls, []);
});

test("wrapping is the user's choice: the extension does not force editor.wordWrap for asm-log", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configurationDefaults?: Record<string, Record<string, unknown>> } };
  assert.equal(pkg.contributes.configurationDefaults?.['[asm-log]']?.['editor.wordWrap'], undefined);
});

test('readExcerpt: the lines around a line, CRLF and lone CR as terminators, long lines cut, past the end said', async () => {
  const f = path.join(dir, 'crlf.log');
  writeFileSync(f, ['a', 'b', 'c'.repeat(10_000), 'd', 'e'].join('\r\n') + '\rf\n');
  const r = await readExcerpt(f, 2, 1);
  assert.equal(r.firstLine, 1);
  assert.deepEqual(
    r.lines.map((l) => l.slice(0, 3)),
    ['b', 'ccc', 'd'],
  );
  assert.equal(r.lines[1]!.length, 4000);
  assert.equal(r.clipped, 1);
  assert.equal(r.pastEnd, false);
  const end = await readExcerpt(f, 5, 2);
  assert.deepEqual(end.lines, ['d', 'e', 'f']);
  assert.equal((await readExcerpt(f, 50, 2)).pastEnd, true);
});

test('asm/excerpt reads a 60 MB file (above what VS Code opens for extensions) around a line near its end', { timeout: 120_000 }, async () => {
  const f = path.join(dir, 'big.log');
  const fd = openSync(f, 'w');
  const chunk = Buffer.from(('x'.repeat(99) + '\n').repeat(10_000));
  for (let i = 0; i < 60; i++) writeSync(fd, chunk);
  writeSync(fd, 'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9\nlast\n');
  closeSync(fd);
  const r = await c.request<{ firstLine: number; lines: string[] }>(METHODS.excerpt, { uri: pathToFileURL(f).toString(), line: 600_000, context: 1 });
  assert.equal(r.firstLine, 599_999);
  assert.deepEqual(r.lines, ['x'.repeat(99), 'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9', 'last']);
});
