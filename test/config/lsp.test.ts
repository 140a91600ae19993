// Deployment files through the real language server (stdio), in their own languages (yaml, dockerfile, dotenv,
// json, properties): diagnostics with codes, the quick fixes and "Enable ASM" (code action and request) applied byte
// for byte, hovers and completion of DD_* names and values, and garbage that must not crash the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeAction, CompletionItem, Hover } from 'vscode-languageserver-protocol';
import { LspClient, applyEdits, lspPerFile } from '../support/lspClient';
import { METHODS } from '../../src/server/protocol';

let c: LspClient;
let n = 0;
lspPerFile((x) => (c = x));

const FX = path.resolve('test/config/fixtures');

async function open(rel: string, lang: string, text = readFileSync(path.join(FX, rel), 'utf8'), code?: string) {
  const uri = `file:///tmp/asm-config-lsp-${process.pid}-${++n}/${rel}`;
  c.open(uri, lang, text);
  const diags = await c.diagnostics(uri, (d) => (code ? d.some((x) => x.code === code) : true));
  return { uri, diags, text };
}

test('compose (yaml): the diagnostics and a quick fix applied byte for byte', async () => {
  const { uri, diags, text } = await open('compose/docker-compose.yml', 'yaml', undefined, 'config-invalid-value');
  assert.deepEqual([...new Set(diags.map((d) => d.code))].sort(), [
    'agent-host-localhost-in-container',
    'agent-non-local-traffic',
    'config-appsec-not-enabled',
    'config-invalid-value',
    'config-unknown-name',
    'config-wrong-rc-name',
  ]);
  const d = diags.find((x) => x.code === 'config-invalid-value' && x.range.start.line === 12)!;
  const list = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d], only: ['quickfix'] },
  });
  const a = list.find((x) => x.title === 'Write true')!;
  assert.ok(a, JSON.stringify(list.map((x) => x.title)));
  const after = applyEdits(text, a.edit!.changes![uri]!);
  assert.equal(after, text.replace('DD_APPSEC_ENABLED: "yes"', 'DD_APPSEC_ENABLED: "true"'));
});

test('"Enable ASM" as a code action on a Dockerfile and as the asm/enableAsm request on a .env (properties) file', async () => {
  const { uri, diags, text } = await open(
    'docker/Dockerfile.java',
    'dockerfile',
    'FROM eclipse-temurin:21\r\nENV DD_SERVICE=api\r\nCMD ["java", "-javaagent:/dd-java-agent.jar", "-jar", "/a.jar"]\r\n',
    'config-appsec-not-enabled',
  );
  const d = diags.find((x) => x.code === 'config-appsec-not-enabled')!;
  const list = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  const a = list.find((x) => /^Enable ASM/.test(x.title))!;
  assert.ok(a, JSON.stringify(list.map((x) => x.title)));
  assert.equal(
    applyEdits(text, a.edit!.changes![uri]!),
    'FROM eclipse-temurin:21\r\nENV DD_SERVICE=api\r\nENV DD_APPSEC_ENABLED=true\r\nCMD ["java", "-javaagent:/dd-java-agent.jar", "-jar", "/a.jar"]\r\n',
  );

  const env = await open('dotenv/.env', 'properties', 'DD_SERVICE=api # the service\nDD_ENV=prod');
  const r = await c.request<{ title?: string; edit?: { changes: Record<string, { range: unknown; newText: string }[]> } }>(METHODS.enableAsm, { uri: env.uri });
  assert.equal(r.title, 'Enable ASM for .env (DD_APPSEC_ENABLED=true)');
  assert.equal(applyEdits(env.text, r.edit!.changes[env.uri]! as never), 'DD_SERVICE=api # the service\nDD_ENV=prod\nDD_APPSEC_ENABLED=true\n');
  const again = await c.request<{ message?: string }>(METHODS.enableAsm, { uri: 'file:///nowhere/notes.txt' });
  assert.match(again.message!, /not a deployment file/);
});

test("hover on DD_APPSEC_ENABLED says how the service's tracer reads the value; completion offers names and values", async () => {
  const { uri } = await open('k8s/deployment.yaml', 'yaml', readFileSync(path.join(FX, 'k8s/deployment.yaml'), 'utf8'), 'config-integration-disabled');
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 17, character: 22 } });
  assert.match(JSON.stringify(h), /DD_TRACE_SERVLET_ENABLED/);
  const ck = await open(
    'compose/x/docker-compose.yml',
    'yaml',
    'services:\n  api:\n    command: java -javaagent:/dd-java-agent.jar -jar a.jar\n    environment:\n      DD_APPSEC_ENABLED: "yes"\n',
    'config-invalid-value',
  );
  const h2 = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: ck.uri }, position: { line: 4, character: 10 } });
  assert.match(JSON.stringify(h2), /Java: on for `true`.*`yes` is \*\*off\*\*/);
  const names = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: ck.uri }, position: { line: 4, character: 12 } });
  assert.ok(
    names.some((i) => i.label === 'DD_APPSEC_ENABLED') && names.some((i) => i.label === 'DD_APPSEC_RULES'),
    JSON.stringify(names.slice(0, 5).map((i) => i.label)),
  );
  assert.ok(names.every((i) => i.label.startsWith('DD_APPSEC')));
  const values = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: ck.uri }, position: { line: 4, character: 27 } });
  assert.deepEqual(
    values.map((i) => i.label),
    ['true', 'false', 'inactive'],
  );
});

test('garbage in a deployment file neither crashes nor hangs the server; an unrelated yaml gets no diagnostics', async () => {
  const junk = `services:\n  a:\n    environment:\n      X: "${'${A-'.repeat(50_000)}"\n      ${'\t'.repeat(10_000)}\r\u0000\ufffd: [\n`;
  await open('junk/compose.yml', 'yaml', junk);
  // not a deployment file: nothing published (checked once a later document's diagnostics arrived: same debounce, in order)
  const other = `file:///tmp/asm-config-lsp-${process.pid}-${++n}/chart/values.yaml`;
  c.open(other, 'yaml', 'replicaCount: 1\nenv:\n  DD_APPSEC_ENABLED: yes\n');
  const ok = await open('compose/compose.ok.yaml', 'yaml');
  assert.deepEqual(ok.diags, []);
  assert.equal((c as unknown as { diags: Map<string, unknown> }).diags.get(other), undefined);
});
