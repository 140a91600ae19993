// A 10 MB log opened in the language server gets its diagnostics (the startup line at the top, the agent error and
// a DDAS code at the bottom) and hovers answer on it. No timing assertion: the waits are only upper bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspClient, lspPerFile } from '../support/lspClient';
import { fixture } from './helpers';

let c: LspClient;
lspPerFile((x) => (c = x));

test('a 10 MB log gets its diagnostics and hovers', { timeout: 120_000 }, async () => {
  const real = fixture('nodejs/debug-attacks.log').split('\n');
  const startup = real.find((l) => l.startsWith('DATADOG TRACER CONFIGURATION'))!;
  const quiet = real.find((l) => l.startsWith('Encoding payload') && !l.includes('appsec.event'))!;
  const attack = real.find((l) => l.includes('ua0-600-12x'))!;
  const body: string[] = [startup];
  let size = startup.length;
  while (size < 10 * 1024 * 1024) {
    body.push(quiet);
    size += quiet.length + 1;
  }
  body.push(
    attack,
    'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9',
    '[2024-01-01 10:00:00.000][error][42] DDAS-0004-00: AppSec failed to process request. Error details: x',
  );
  const text = body.join('\n') + '\n';
  assert.ok(text.length >= 10 * 1024 * 1024);
  const uri = 'file:///tmp/asm-large-10mb.log';
  c.open(uri, 'asm-log', text);
  const d = await c.diagnostics(uri, (ds) => ds.some((x) => x.code === 'agent-unreachable'), 100_000);
  const last = body.length - 1;
  const at = (code: string) => d.filter((x) => x.code === code).map((x) => x.range.start.line);
  // Evidence (ASM running, an attack detected) is not a problem: Problems has only what needs doing.
  assert.deepEqual(at('appsec-enabled'), []);
  assert.deepEqual(at('attack-detected'), []);
  assert.deepEqual(at('agent-unreachable'), [last - 1]);
  assert.deepEqual(at('DDAS-0004-00'), [last]);
  const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: last, character: 40 } });
  assert.match((h.contents as { value: string }).value, /DDAS-0004-00/);
  const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: startup.indexOf('"appsec_enabled"') + 2 } });
  assert.match((h2.contents as { value: string }).value, /appsec_enabled/);
});
