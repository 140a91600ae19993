// `check` analyses deployment files (recognised by name and content) with the same codes as the editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');
const FX = path.resolve('test/config/fixtures');

test('check --json on a directory of deployment files: the config codes, exit 1 on an error finding', () => {
  const r = spawnSync(process.execPath, [CLI, 'check', '--json', FX], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { files: { path: string; kind: string; findings: { code: string; line: number }[] }[] };
  const by = Object.fromEntries(out.files.map((f) => [path.relative(FX, f.path), f]));
  assert.equal(by['compose/docker-compose.yml']?.kind, 'config');
  assert.deepEqual(
    by['k8s/deployment.yaml']!.findings.map((f) => `${f.line}:${f.code}`),
    ['9:config-appsec-not-enabled', '19:config-integration-disabled'],
  );
  assert.deepEqual(
    by['fpm/www.conf']!.findings.map((f) => f.code),
    ['php-fpm-clear-env'],
  );
  assert.deepEqual(
    by['docker/Dockerfile']!.findings.map((f) => f.code),
    ['go-static-build', 'config-appsec-not-enabled'],
  );
  assert.deepEqual(
    by['launch/.vscode/launch.json']!.findings.map((f) => f.code),
    ['config-appsec-not-enabled', 'config-integration-disabled'],
  );
  for (const [rel, f] of Object.entries(by)) if (rel.startsWith('ok/')) assert.deepEqual(f.findings, [], rel);
});

test('check on correct deployment files: exit 0, and a YAML file that is none of them is not picked from a directory', () => {
  const out = execFileSync(process.execPath, [CLI, 'check', path.join(FX, 'ok')], { encoding: 'utf8' });
  assert.match(out, /10 file\(s\) analysed: 0 error, 0 warning/);
});

test('scanDeploymentFiles (for the steps): every service of the workspace with its settings and how it reads DD_APPSEC_ENABLED', async () => {
  const { scanDeploymentFiles } = await import('../../src/core/steps-inputs');
  const scan = await scanDeploymentFiles(FX);
  const by = (file: string, service: string) => scan.services.find((s) => path.relative(FX, s.file) === file && s.service === service);
  assert.equal(by('compose/docker-compose.yml', 'api')?.appsec, 'off', 'Java reads yes as off');
  assert.equal(by('compose/docker-compose.yml', 'worker')?.appsec, 'unset');
  assert.equal(by('compose/compose.ok.yaml', 'web')?.appsec, 'on');
  assert.equal(by('compose/docker-compose.yml', 'datadog')?.isAgent, true);
  assert.deepEqual(
    by('k8s/deployment.yaml', 'CronJob nightly container job')?.settings.map((s) => [s.env, s.value, s.line]),
    [['DD_APPSEC_ENABLED', 'true', 34]],
  );
  assert.ok(scan.findings.some((f) => f.finding.code === 'php-fpm-clear-env' && f.file.endsWith('www.conf')));
  assert.equal(
    scan.services.some((s) => s.file.endsWith('values.yaml')),
    false,
  );
});
