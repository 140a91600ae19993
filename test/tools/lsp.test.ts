// asm/listTracerDiagnostics and asm/runTracerDiagnostics through the real server: the list of known tools, and a
// tool id that is not one of them refused (the server never runs a command line it is given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, lspPerFile } from '../support/lspClient';
import { METHODS } from '../../src/server/protocol';

let c: LspClient;
lspPerFile((x) => (c = x));

test('the server lists the tools and refuses an unknown id', async () => {
  const list = await c.request<{ id: string; commandLine: string }[]>(METHODS.listTracerDiagnostics, {});
  assert.ok(list.some((t) => t.id === 'ddtrace-info' && t.commandLine === 'ddtrace-run --info --colorless'));
  await assert.rejects(c.request(METHODS.runTracerDiagnostics, { tool: 'sh -c id' }), /unknown diagnostic tool/);
  // A known tool whose binary is absent here answers with an error, not a failure.
  const r = await c.request<{ error?: string; output: string }>(METHODS.runTracerDiagnostics, { tool: 'dd-dotnet-process' });
  assert.match(r.error ?? '', /needs the id of a running process/);
});
