// The language server over stdio, spoken to in real LSP: diagnostics, hover and code actions end to end.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { LspClient, applyEdits } from '../support/lspClient';

let c: LspClient;
before(async () => {
  c = new LspClient();
  await c.initialize();
});
after(() => c.stop());

test('a Node.js startup line with appsec_enabled:false gives appsec-disabled, with step and doc link', async () => {
  const uri = 'file:///tmp/lsp-node.log';
  c.open(uri, 'asm-log', 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n');
  const d = await c.diagnostics(uri, (ds) => ds.length > 0);
  const f = d.find((x) => x.code === 'appsec-disabled');
  assert.ok(f, JSON.stringify(d));
  assert.equal(f.severity, 1);
  assert.equal(f.range.start.line, 0);
  assert.match(f.message, /DD_APPSEC_ENABLED=true/);
  assert.match(f.codeDescription!.href, /confirm-application-security-is-running/);
});

test('hover on a DDAS code answers from the knowledge base', async () => {
  const uri = 'file:///tmp/lsp-hover.log';
  c.open(uri, 'asm-log', '[2024-01-01 10:00:00.000][debug][42] DDAS-0012-01: Detected an attack\n');
  await c.diagnostics(uri);
  const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 40 } });
  assert.ok(h, 'no hover');
  assert.match((h.contents as { value: string }).value, /DDAS-0012-01/);
});

test('the smart-quotes quick fix changes only the value, byte for byte, in a CRLF file', async () => {
  const uri = 'file:///tmp/98-ddappsec.ini';
  const text = '; AppSec\r\nddappsec.log_level=‘debug’\r\nddappsec.helper_log_file = /tmp/helper.log';
  c.open(uri, 'asm-ini', text);
  const d = await c.diagnostics(uri, (ds) => ds.some((x) => x.code === 'ini-smart-quotes'));
  const diag = d.find((x) => x.code === 'ini-smart-quotes')!;
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['quickfix'] } });
  const fix = actions.find((a) => a.title.startsWith('Straighten quotes'));
  assert.ok(fix, JSON.stringify(actions));
  const after = applyEdits(text, fix.edit!.changes![uri]!);
  assert.equal(after, "; AppSec\r\nddappsec.log_level='debug'\r\nddappsec.helper_log_file = /tmp/helper.log");
});
