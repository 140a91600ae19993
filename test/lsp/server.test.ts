// The language server over stdio, spoken to in real LSP: diagnostics, hover and code actions end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { LspClient, applyEdits, lspPerFile } from '../support/lspClient';

let c: LspClient;
lspPerFile((x) => (c = x));

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
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], only: ['quickfix'] },
  });
  const fix = actions.find((a) => a.title.startsWith('Straighten quotes'));
  assert.ok(fix, JSON.stringify(actions));
  const after = applyEdits(text, fix.edit!.changes![uri]!);
  assert.equal(after, "; AppSec\r\nddappsec.log_level='debug'\r\nddappsec.helper_log_file = /tmp/helper.log");
});

test('code actions are not computed from an analysis of an older version of the document', async () => {
  const uri = 'file:///tmp/stale/98-ddappsec.ini';
  const v1 = 'ddappsec.log_level=‘debug’\n';
  c.open(uri, 'asm-ini', v1);
  const d = await c.diagnostics(uri, (ds) => ds.some((x) => x.code === 'ini-smart-quotes'));
  const diag = d.find((x) => x.code === 'ini-smart-quotes')!;
  // Insert a line above: the old fix's range now points at the wrong bytes.
  const v2 = '; a comment\n' + v1;
  c.change(uri, v2);
  const stale = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], only: ['quickfix'] },
  });
  assert.deepEqual(
    stale.filter((a) => a.edit),
    [],
  );
  const fresh = await c.diagnostics(uri, (ds) => ds.some((x) => x.code === 'ini-smart-quotes' && x.range.start.line === 1));
  const diag2 = fresh.find((x) => x.code === 'ini-smart-quotes')!;
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diag2.range,
    context: { diagnostics: [diag2], only: ['quickfix'] },
  });
  const fix = actions.find((a) => a.title.startsWith('Straighten quotes'))!;
  assert.equal(applyEdits(v2, fix.edit!.changes![uri]!), "; a comment\nddappsec.log_level='debug'\n");
});

test('a Ruby initializer with a manual c.use :rack gets ruby-rack-manual and a fix that removes only that line', async () => {
  const uri = 'file:///tmp/app/config/initializers/datadog-tracer.rb';
  const text = "Datadog.configure do |c|\r\n  c.use :rails\r\n  c.use :rack, web_service_name: 'something'\r\nend\r\n";
  c.open(uri, 'ruby', text);
  const d = await c.diagnostics(uri, (ds) => ds.some((x) => x.code === 'ruby-rack-manual'));
  const diag = d.find((x) => x.code === 'ruby-rack-manual')!;
  assert.equal(diag.range.start.line, 2);
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], only: ['quickfix'] },
  });
  const fix = actions.find((a) => a.edit)!;
  assert.equal(applyEdits(text, fix.edit!.changes![uri]!), 'Datadog.configure do |c|\r\n  c.use :rails\r\nend\r\n');
});
