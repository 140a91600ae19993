// What the Problems panel shows for a log: no evidence of health (a healthy log: no problem), one diagnostic per
// cause with the other lines as related information, one severity for one outcome. Real LSP over stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { METHODS } from '../../src/server/protocol';
import { LspClient, lspPerFile } from '../support/lspClient';

let c: LspClient;
lspPerFile((x) => (c = x));

const shown = (ds: Diagnostic[]) => ds.filter((d) => d.severity !== 4); // VS Code leaves hints out of Problems
let n = 0;
async function open(file: string): Promise<{ uri: string; diags: Diagnostic[] }> {
  const p = path.resolve(file);
  const uri = pathToFileURL(p).toString() + `?${n++}`;
  c.open(uri, 'asm-log', readFileSync(p, 'utf8'));
  // Every log publishes once; wait for the asm/analysis of this URI so an empty list is the final answer.
  const diags = await c.diagnostics(uri);
  return { uri, diags };
}

test('a healthy Node.js log (ASM on, Agent answering, attacks detected) puts nothing in Problems', async () => {
  const { diags } = await open('demo/logs/dd-trace-node-asm-on.log');
  assert.deepEqual(
    shown(diags).map((d) => d.code),
    [],
  );
});

test('the findings of a healthy log still reach the client (tree, status bar, code lens)', async () => {
  const { uri } = await open('demo/logs/dd-trace-node-asm-on.log');
  const find = () =>
    c.notifications.find((x) => x.method === METHODS.analysis && (x.params as { uri: string }).uri === uri)?.params as
      { findings: { code: string }[] } | undefined;
  // The notification follows the diagnostics on the same stream: a bounded wait for it.
  for (let i = 0; i < 100 && !find(); i++) await new Promise((r) => setTimeout(r, 20));
  const note = find();
  assert.ok(note, 'no asm/analysis');
  assert.ok(note.findings.some((f) => f.code === 'appsec-enabled'));
  assert.ok(note.findings.some((f) => f.code === 'attack-detected'));
});

test('one http-disabled cause on two lines is one error with the other line as related information', async () => {
  const { uri, diags } = await open('demo/logs/dd-trace-node-http-disabled.log');
  const d = shown(diags);
  assert.deepEqual(
    d.map((x) => x.code),
    ['integration-disabled'],
  );
  assert.equal(d[0]!.severity, 1);
  assert.equal(d[0]!.range.start.line, 1);
  assert.deepEqual(
    d[0]!.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]),
    [[uri, 6]],
  );
});

test('one .NET "ASM off" on the startup line and the AppSec line is one error', async () => {
  const { diags } = await open('test/fixtures/logs/dotnet/startup-2.43.log');
  const d = shown(diags);
  assert.deepEqual(
    d.map((x) => x.code),
    ['appsec-disabled'],
  );
  assert.equal(d[0]!.relatedInformation?.length, 1);
  assert.equal(d[0]!.relatedInformation![0]!.location.range.start.line, 1);
});

test('different subjects stay apart: three helper permission errors on three files are three diagnostics', async () => {
  const { diags } = await open('test/fixtures/logs/php/helper-permission.log');
  assert.equal(shown(diags).filter((x) => x.code === 'php-helper-permission').length, 3);
});

test('ASM not running is an error whether appsec_enabled is false or absent', async () => {
  const off = shown((await open('demo/logs/dd-trace-node-asm-off.log')).diags);
  const unset = shown((await open('demo/logs/dd-trace-node-asm-unset.log')).diags);
  assert.deepEqual(
    off.map((x) => [x.code, x.severity]),
    [['appsec-disabled', 1]],
  );
  assert.deepEqual(
    unset.map((x) => [x.code, x.severity]),
    [['appsec-not-configured', 1]],
  );
});
