// The test attack's safety policy, as pure functions: loopback detection, Workspace Trust gating of the target
// setting, one-time confirmation of non-loopback hosts, and redirects to other hosts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isLoopback, decideTarget, decideTypedTarget, decideRedirect, effectiveSetting, parseTarget, rulesForUserAgent } from '../../src/core/attack';

test('isLoopback: loopback names and addresses, and look-alikes that are not', () => {
  for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', 'localhost.'])
    assert.equal(isLoopback(h), true, h);
  for (const h of [
    'example.com',
    '127.0.0.1.nip.io',
    'localhost.example.com',
    '10.0.0.1',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::ffff:10.0.0.1',
    '127.0.0.256',
    'mylocalhost',
  ])
    assert.equal(isLoopback(h), false, h);
  // *.localhost is not loopback without resolution: glibc's resolver does not special-case it (/etc/hosts or DNS
  // can point it anywhere), so it needs the confirmation like any other name.
  for (const h of ['app.localhost', 'x.y.localhost', 'app.localhost.']) assert.equal(isLoopback(h), false, h);
  // What the WHATWG parser makes of a typed URL is what counts.
  assert.equal(isLoopback(new URL('http://[::ffff:127.0.0.1]:3000/').hostname), true);
});

test('parseTarget: http(s) only, no credentials, scheme added when missing', () => {
  assert.equal(
    parseTarget('127.0.0.1:3000/x').ok && parseTarget('127.0.0.1:3000/x').ok ? (parseTarget('127.0.0.1:3000/x') as { url: URL }).url.href : '',
    'http://127.0.0.1:3000/x',
  );
  assert.equal(parseTarget('file:///etc/passwd').ok, false);
  assert.equal(parseTarget('http://user:pw@127.0.0.1/').ok, false);
  assert.equal(parseTarget('   ').ok, false);
  assert.equal(parseTarget('http://').ok, false);
});

test('untrusted workspace: the workspace and folder values are ignored; only the user value counts', () => {
  const setting = { globalValue: 'http://127.0.0.1:3000/', workspaceValue: 'http://evil.example/', workspaceFolderValue: 'http://evil2.example/' };
  const d = decideTarget({ trusted: false, setting, confirmedHosts: [] });
  assert.equal(d.kind, 'send');
  assert.equal(d.kind === 'send' && d.url.href, 'http://127.0.0.1:3000/');
  assert.equal(d.kind === 'send' && d.source, 'user');
  assert.equal(d.ignoredWorkspaceValue, 'http://evil2.example/');
  // Even a loopback workspace value is ignored when untrusted: with no user value, the user is asked.
  const ask = decideTarget({ trusted: false, setting: { workspaceValue: 'http://127.0.0.1:3000/' }, confirmedHosts: [] });
  assert.deepEqual(ask, { kind: 'ask', ignoredWorkspaceValue: 'http://127.0.0.1:3000/' });
});

test('trusted workspace: folder over workspace over user; non-loopback needs a confirmation once per host', () => {
  const setting = { globalValue: 'http://127.0.0.1:1/', workspaceValue: 'http://127.0.0.1:2/', workspaceFolderValue: 'https://staging.example.com:8443/app' };
  const d = decideTarget({ trusted: true, setting, confirmedHosts: [] });
  assert.equal(d.kind, 'confirm');
  assert.equal(d.kind === 'confirm' && d.host, 'staging.example.com');
  assert.equal(d.kind === 'confirm' && d.source, 'folder');
  const again = decideTarget({ trusted: true, setting, confirmedHosts: ['staging.example.com'] });
  assert.equal(again.kind, 'send');
  const ws = decideTarget({ trusted: true, setting: { workspaceValue: 'http://localhost:8080' }, confirmedHosts: [] });
  assert.equal(ws.kind === 'send' && ws.source, 'workspace');
  assert.equal(decideTarget({ trusted: true, setting: {}, confirmedHosts: [] }).kind, 'ask');
  const bad = decideTarget({ trusted: true, setting: { globalValue: 'ftp://x/' }, confirmedHosts: [] });
  assert.equal(bad.kind, 'ask');
  assert.match(bad.kind === 'ask' ? (bad.reason ?? '') : '', /http/);
});

test('typed targets: loopback goes, other hosts need confirmation, garbage is invalid', () => {
  assert.equal(decideTypedTarget('http://127.0.0.1:3000', []).kind, 'send');
  assert.equal(decideTypedTarget('http://api.example.com', []).kind, 'confirm');
  assert.equal(decideTypedTarget('http://API.example.com', ['api.example.com']).kind, 'send');
  assert.equal(decideTypedTarget('javascript:alert(1)', []).kind, 'invalid');
});

test('redirects: same host followed, another host needs confirmation, non-HTTP never', () => {
  const from = new URL('http://127.0.0.1:3000/');
  assert.equal(decideRedirect(from, '/login', []).kind, 'follow');
  assert.equal(decideRedirect(from, 'https://127.0.0.1:3443/', []).kind, 'follow');
  assert.equal(decideRedirect(from, 'http://localhost:3000/', []).kind, 'follow');
  const other = decideRedirect(from, 'http://evil.example/', []);
  assert.equal(other.kind, 'confirm');
  assert.equal(other.kind === 'confirm' && other.host, 'evil.example');
  assert.equal(decideRedirect(from, 'http://evil.example/', ['evil.example']).kind, 'follow');
  // A remote service sending the attack to this machine's loopback is another host too.
  assert.equal(decideRedirect(new URL('http://a.example/'), 'http://127.0.0.1/', []).kind, 'confirm');
  assert.equal(decideRedirect(new URL('http://a.example/'), 'http://b.example/', []).kind, 'confirm');
  assert.equal(decideRedirect(from, 'file:///etc/passwd', []).kind, 'stop');
  assert.equal(decideRedirect(from, 'http://u:p@127.0.0.1/', []).kind, 'stop');
});

test('rules for user agents come from kb/rules.yaml', () => {
  assert.deepEqual(
    rulesForUserAgent('Arachni/v').map((r) => r.id),
    ['ua0-600-12x'],
  );
  assert.deepEqual(
    rulesForUserAgent('Arachni/v1.0').map((r) => r.id),
    ['ua0-600-12x'],
  );
  assert.deepEqual(
    rulesForUserAgent('dd-test-scanner-log').map((r) => r.id),
    ['ua0-600-55x'],
  );
  assert.deepEqual(
    rulesForUserAgent('dd-test-scanner-log-block').map((r) => r.id),
    ['ua0-600-56x'],
  );
  assert.deepEqual(
    rulesForUserAgent('nessus SOAP').map((r) => r.id),
    ['ua0-600-10x'],
  );
  assert.deepEqual(rulesForUserAgent('Mozilla/5.0'), []);
});

test('settings that decide what is sent: restricted in package.json, and only the user value counts when untrusted', () => {
  const pkg = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  // The payload (user agent), where it goes (target, agent) and the paths: a repository must not choose them.
  for (const k of ['attack.targetUrl', 'attack.userAgent', 'agent.url', 'simulate.existingPath', 'simulate.missingPath'])
    assert.ok(restricted.includes(`asmTroubleshooter.${k}`), k);
  const ins = { defaultValue: 'Arachni/v', globalValue: 'Arachni/v1.0', workspaceValue: 'evil-payload', workspaceFolderValue: 'evil-folder' };
  assert.equal(effectiveSetting(false, ins), 'Arachni/v1.0');
  assert.equal(effectiveSetting(false, { ...ins, globalValue: undefined }), 'Arachni/v');
  assert.equal(effectiveSetting(true, ins), 'evil-folder');
  assert.equal(effectiveSetting(true, { ...ins, workspaceFolderValue: undefined }), 'evil-payload');
  assert.equal(effectiveSetting(true, { defaultValue: '/', workspaceValue: '' }), '/');
  assert.equal(effectiveSetting(false, undefined), undefined);
});
