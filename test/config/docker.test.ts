// `processes --docker`: the containers docker compose started, read with `docker inspect` (the shape of Docker's
// Engine API ContainerInspect: Id, Name, Config.Env, Config.Image, Config.Labels), compared with the compose file that
// configures the same service. The docker client is faked: no Docker engine runs here.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareContainers, inspectComposeContainers, parseDockerInspect } from '../../src/core/config/docker';
import { scanDeploymentFiles } from '../../src/core/config/workspace';
import { processesCommand } from '../../src/cli/processes';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const inspect = (env: string[], service = 'web') =>
  JSON.stringify([
    {
      Id: 'a'.repeat(64),
      Name: `/shop-${service}-1`,
      Config: {
        Image: 'shop-web:latest',
        Env: ['PATH=/usr/bin', ...env],
        Labels: { 'com.docker.compose.service': service, 'com.docker.compose.project': 'shop' },
      },
    },
  ]);

function workspace(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'asm-docker-'));
  dirs.push(d);
  writeFileSync(
    path.join(d, 'docker-compose.yml'),
    'services:\n  web:\n    image: shop-web\n    environment:\n      DD_SERVICE: shop\n      DD_APPSEC_ENABLED: "true"\n',
  );
  return d;
}

test('parseDockerInspect: DD_* variables and the compose labels; anything but an array of containers is nothing', () => {
  const [c] = parseDockerInspect(inspect(['DD_SERVICE=shop', 'DD_ENV=', 'OTHER=x']));
  assert.deepEqual(c, {
    id: 'a'.repeat(64),
    name: 'shop-web-1',
    image: 'shop-web:latest',
    composeService: 'web',
    composeProject: 'shop',
    env: { DD_SERVICE: 'shop', DD_ENV: '' },
  });
  assert.deepEqual(parseDockerInspect('{"Id":"x"}'), []);
  assert.deepEqual(parseDockerInspect('not json'), []);
});

test('compareContainers: the compose file sets DD_APPSEC_ENABLED=true, the running container lacks it (not recreated)', async () => {
  const scan = await scanDeploymentFiles(workspace());
  const m = compareContainers(parseDockerInspect(inspect(['DD_SERVICE=shop'])), scan);
  assert.deepEqual(
    m.map((x) => [x.container, x.name, x.fileValue, x.containerValue, x.line]),
    [['shop-web-1', 'DD_APPSEC_ENABLED', 'true', null, 5]],
  );
  assert.match(m[0]!.message, /docker compose up -d web/);
  // A container that has the file's values, or belongs to another service, is no mismatch.
  assert.deepEqual(compareContainers(parseDockerInspect(inspect(['DD_SERVICE=shop', 'DD_APPSEC_ENABLED=true'])), scan), []);
  assert.deepEqual(compareContainers(parseDockerInspect(inspect([], 'worker')), scan), []);
});

test('inspectComposeContainers: docker ps then docker inspect; a missing docker or engine is a note, not a failure', async () => {
  const calls: string[][] = [];
  const ok = await inspectComposeContainers(async (cmd, args) => {
    calls.push([cmd, ...args]);
    return args[0] === 'ps' ? `${'a'.repeat(64)}\n` : inspect(['DD_SERVICE=shop']);
  });
  assert.equal(ok.containers.length, 1);
  assert.deepEqual(
    calls.map((c) => c.slice(0, 2)),
    [
      ['docker', 'ps'],
      ['docker', 'inspect'],
    ],
  );
  const none = await inspectComposeContainers(async () => {
    throw new Error('Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
  });
  assert.deepEqual(none.containers, []);
  assert.match(none.note!, /Cannot connect to the Docker daemon/);
});

test('processes --docker --json: the containers and their mismatch against the workspace, exit 1', async () => {
  const ws = workspace();
  let out = '';
  const io = { out: (s: string) => void (out += s), err: () => {} } as never;
  const code = await processesCommand(['--docker', '--json', '--workspace', ws], io, async (_c, args) =>
    args[0] === 'ps' ? 'b'.repeat(64) : inspect(['DD_SERVICE=shop']),
  );
  const j = JSON.parse(out) as { containers: { name: string }[]; containerMismatches: { name: string; line: number; container: string }[] };
  assert.deepEqual(
    j.containers.map((c) => c.name),
    ['shop-web-1'],
  );
  assert.deepEqual(
    j.containerMismatches.map((m) => [m.container, m.name, m.line]),
    [['shop-web-1', 'DD_APPSEC_ENABLED', 6]],
  );
  assert.equal(code, 1);
});
