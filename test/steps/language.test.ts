// The service's language: setting > logs > workspace markers (package.json only with dd-trace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { detectLanguage, languageFromLogs, packageJsonUsesDdTrace, workspaceLanguages } from '../../src/core/language';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures');
const ws = (name: string) => path.join(FIX, name);

test('workspace markers from kb/tracers.yaml', async () => {
  for (const [dir, lang, file] of [
    ['lang-java', 'java', 'pom.xml'],
    ['lang-dotnet', 'dotnet', 'src/App/App.csproj'],
    ['lang-go', 'go', 'go.mod'],
    ['lang-node-dd', 'nodejs', 'package.json'],
  ] as const) {
    const d = await detectLanguage({ workspaceDir: ws(dir) });
    assert.equal(d.language, lang, dir);
    assert.equal(d.source, 'workspace');
    assert.equal(d.file, path.join(ws(dir), file));
  }
});

test('package.json without dd-trace is not a Node.js service', async () => {
  assert.deepEqual(await workspaceLanguages(ws('lang-node-nodd')), []);
  const d = await detectLanguage({ workspaceDir: ws('lang-node-nodd') });
  assert.equal(d.language, null);
  assert.match(d.reason, /asmTroubleshooter\.language/);
  assert.equal(packageJsonUsesDdTrace('{"devDependencies":{"dd-trace":"5"}}'), true);
  assert.equal(packageJsonUsesDdTrace('{"dependencies":{"dd-trace-api":"1"}}'), false);
  assert.equal(packageJsonUsesDdTrace('not json'), false);
});

test('the logs beat the workspace; the setting beats both; "auto" means detect', async () => {
  const logs = [{ tracer: 'java', file: '/x/dd.log' }, { tracer: null }, { tracer: 'dotnet', file: '/y/a.log' }, { tracer: 'dotnet', file: '/y/b.log' }];
  assert.equal(languageFromLogs(logs)?.language, 'dotnet');
  const fromLogs = await detectLanguage({ workspaceDir: ws('lang-go'), logs });
  assert.equal(fromLogs.language, 'dotnet');
  assert.equal(fromLogs.source, 'logs');
  const fromSetting = await detectLanguage({ setting: 'php', workspaceDir: ws('lang-go'), logs });
  assert.equal(fromSetting.language, 'php');
  assert.equal(fromSetting.source, 'setting');
  const auto = await detectLanguage({ setting: 'auto', workspaceDir: ws('lang-go') });
  assert.equal(auto.language, 'go');
  const bogus = await detectLanguage({ setting: 'cobol', workspaceDir: ws('lang-go') });
  assert.equal(bogus.language, 'go');
});
