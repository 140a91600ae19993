// Every error or warning of a log offers at least one action that does what it says (a client command with the
// right arguments: the language, the address the log names, the exact shell command, the documentation page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Command, Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, lspPerFile } from '../support/lspClient';
import { CLIENT_COMMANDS } from '../../src/server/commands';
import { commandsIn } from '../../src/server/logActions';
import { METHODS } from '../../src/server/protocol';

let c: LspClient;
lspPerFile((x) => (c = x));

function logs(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? logs(p) : p.endsWith('.log') ? [p] : [];
  });
}

let n = 0;
async function open(file: string) {
  const uri = pathToFileURL(path.resolve(file)).toString() + `?a${n++}`;
  c.open(uri, 'asm-log', readFileSync(file, 'utf8'));
  return { uri, diags: await c.diagnostics(uri) };
}
const actionsAt = (uri: string, d: Diagnostic) =>
  c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
const cmd = (a: CodeAction) => a.command as Command;

test('every error and warning of every fixture and demo log has at least one action', async () => {
  const files = [...logs('test/fixtures/logs'), ...logs('demo/logs')];
  assert.ok(files.length > 20);
  let checked = 0;
  for (const f of files) {
    const { uri, diags } = await open(f);
    for (const d of diags.filter((x) => x.severity === 1 || x.severity === 2)) {
      const actions = await actionsAt(uri, d);
      assert.ok(actions.length > 0, `${f}:${d.range.start.line + 1} ${d.code}: no action`);
      for (const a of actions)
        assert.ok(
          a.edit || (a.command && Object.values(CLIENT_COMMANDS).includes(cmd(a).command as never)),
          `${a.title}: neither an edit nor a client command`,
        );
      checked++;
    }
  }
  assert.ok(checked >= 20, String(checked));
});

test('ASM off in a Node.js log: "Show how to enable ASM for Node.js" with the language, and the documentation section', async () => {
  const { uri, diags } = await open('demo/logs/dd-trace-node-asm-off.log');
  const actions = await actionsAt(
    uri,
    diags.find((d) => d.code === 'appsec-disabled')!,
  );
  const enable = actions.find((a) => a.title === 'Show how to enable ASM for Node.js');
  assert.ok(enable, actions.map((a) => a.title).join(' | '));
  assert.deepEqual(cmd(enable).arguments, [{ language: 'nodejs' }]);
  const doc = actions.find((a) => cmd(a)?.command === CLIENT_COMMANDS.openDocumentation)!;
  assert.match((cmd(doc).arguments![0] as { url: string }).url, /#confirm-application-security-is-running$/);
});

test('Agent unreachable: check the Agent at the address the log names, start the intake, and the message names that address', async () => {
  const { uri, diags } = await open('test/fixtures/logs/dotnet/aspnet-disabled.log');
  const d = diags.find((x) => x.code === 'agent-unreachable')!;
  assert.match(d.message, /Check the Agent at http:\/\/datadog-agent:8126\/info\./);
  assert.doesNotMatch(d.message, /<agent-host>/);
  const actions = await actionsAt(uri, d);
  const check = actions.find((a) => cmd(a)?.command === CLIENT_COMMANDS.checkAgent)!;
  assert.equal(check.title, 'Check the Datadog Agent at http://datadog-agent:8126/');
  assert.deepEqual(cmd(check).arguments, [{ agentUrl: 'http://datadog-agent:8126/' }]);
  const intake = actions.find((a) => cmd(a)?.command === CLIENT_COMMANDS.startIntake)!;
  assert.deepEqual(cmd(intake).arguments, [{ copyAgentUrl: true }]);
});

test('the demo agent-down log: the message says the real address, not a placeholder', async () => {
  const { diags } = await open('demo/logs/dd-trace-node-agent-down.log');
  const d = diags.find((x) => x.code === 'agent-unreachable')!;
  assert.match(d.message, /http:\/\/127\.0\.0\.1:9\/info/);
  assert.doesNotMatch(d.message, /<agent-host>/);
});

test('a PHP helper permission error offers to copy the exact command that creates /var/run/ddappsec', async () => {
  const { uri, diags } = await open('test/fixtures/logs/php/helper-permission.log');
  const actions = await actionsAt(
    uri,
    diags.find((x) => x.code === 'php-helper-permission')!,
  );
  const copy = actions.find((a) => cmd(a)?.command === CLIENT_COMMANDS.copyText)!;
  assert.ok(copy, actions.map((a) => a.title).join(' | '));
  assert.deepEqual(cmd(copy).arguments, [{ text: 'sudo install -d -o www-data -g www-data -m 0750 /var/run/ddappsec', label: 'the command' }]);
});

test('asm/findingActions answers for a file analysed from disk (no open document: the tree on a file above 50 MB)', async () => {
  const file = path.resolve('demo/logs/dd-trace-node-asm-off.log');
  const uri = pathToFileURL(file).toString();
  await c.request(METHODS.analyzeFile, { uri });
  const commands = await c.request<Command[]>(METHODS.findingActions, { uri, line: 0, code: 'appsec-disabled' });
  assert.ok(
    commands.some((x) => x.command === CLIENT_COMMANDS.showEnableInstructions),
    JSON.stringify(commands),
  );
});

test('commandsIn finds backquoted shell commands only', () => {
  assert.deepEqual(commandsIn('For Node.js run `npm explore @datadog/native-appsec -- npm run install` and set `DD_APPSEC_ENABLED`.'), [
    'npm explore @datadog/native-appsec -- npm run install',
  ]);
  assert.deepEqual(commandsIn('no commands here'), []);
});

test('every client command the server names is registered by the client', () => {
  const src = ['src/client/extension.ts', ...readdirSync('src/client/commands').map((f) => `src/client/commands/${f}`)]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  for (const [key, id] of Object.entries(CLIENT_COMMANDS)) {
    assert.ok(src.includes(`registerCommand('${id}'`) || src.includes(`registerCommand(CLIENT_COMMANDS.${key},`), `${id} is not registered`);
  }
});

test('Clear Results (asm/clearResults) empties Problems for a file analysed from disk and tells the client', async () => {
  const file = path.resolve('demo/logs/dd-trace-node-http-disabled.log');
  const uri = pathToFileURL(file).toString();
  await c.request(METHODS.analyzeFile, { uri });
  assert.ok((await c.diagnostics(uri, (d) => d.length > 0)).length > 0);
  await c.request(METHODS.clearResults, { uri });
  assert.deepEqual(await c.diagnostics(uri, (d) => d.length === 0), []);
  for (let i = 0; i < 100 && !c.notifications.some((x) => x.method === METHODS.closed && (x.params as { uri: string }).uri === uri); i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(c.notifications.some((x) => x.method === METHODS.closed && (x.params as { uri: string }).uri === uri));
  // Its actions are gone with it.
  assert.deepEqual(await c.request<Command[]>(METHODS.findingActions, { uri, line: 1, code: 'integration-disabled' }), []);
});
