// asm/analyzeFile on a support archive through the real server: one result with the members, diagnostics and the
// asm/analysis summary published under `<archive URI>!/<member>`, refusals in the notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, lspPerFile } from '../support/lspClient';
import { write, zip } from './make';
import { METHODS } from '../../src/server/protocol';

const dir = mkdtempSync(path.join(tmpdir(), 'asm-lsp-archive-'));
let c: LspClient;
lspPerFile((x) => (c = x), [dir]);

test('asm/analyzeFile on a zip: members analysed, published under archive!/member, traversal refused', async () => {
  const file = write(
    path.join(dir, 'flare.zip'),
    zip([
      { name: 'logs/node.log', data: 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n' },
      { name: '../escape.log', data: 'x\n' },
    ]),
  );
  const uri = pathToFileURL(file).href;
  const r = await c.request<{ kind: string; counts: Record<string, number>; notes: string[]; members: { path: string; kind: string }[] }>(METHODS.analyzeFile, {
    uri,
  });
  assert.equal(r.kind, 'archive');
  assert.deepEqual(
    r.members.map((m) => [m.path.slice(file.length), m.kind]),
    [
      ['!/logs/node.log', 'log'],
      ['!/../escape.log', 'refused'],
    ],
  );
  assert.equal(r.counts.error, 1);
  assert.ok(
    r.notes.some((n) => /escape\.log: refused: path climbs out/.test(n)),
    JSON.stringify(r.notes),
  );
  const member = `${uri}!/logs/node.log`;
  const diags = await c.diagnostics(member, (d) => d.length > 0);
  assert.equal(diags[0]!.code, 'appsec-disabled');
  assert.ok(c.notifications.some((n) => n.method === METHODS.analysis && (n.params as { uri: string }).uri === member));
});
