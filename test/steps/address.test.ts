// Where the agent address comes from: environment, launch.json (JSONC), .env, docker-compose, Kubernetes, Dockerfile,
// datadog.yaml — with file and line — and the documented precedence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import {
  resolveAgentAddress,
  scanEnvironment,
  stripJsonc,
  parseDockerfileEnv,
  parseDotEnv,
  composeSources,
  kubernetesSources,
  interpolate,
  urlFromVars,
  PRECEDENCE,
} from '../../src/core/agent/address';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures');
const ws = (name: string) => path.join(FIX, name);

async function lineOf(file: string, needle: string): Promise<number> {
  const lines = (await fsp.readFile(file, 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${file}`);
  return i;
}

test('default: http://localhost:8126 when nothing sets an address', async () => {
  const r = await resolveAgentAddress({ env: {}, workspaceDir: ws('lang-go') });
  assert.equal(r.url, 'http://localhost:8126');
  assert.equal(r.source.kind, 'default');
  assert.deepEqual(r.notes, []);
});

test('environment: DD_TRACE_AGENT_URL wins over DD_AGENT_HOST + DD_TRACE_AGENT_PORT', async () => {
  assert.equal(urlFromVars({ DD_AGENT_HOST: 'agent', DD_TRACE_AGENT_PORT: '9000' }), 'http://agent:9000');
  assert.equal(urlFromVars({ DD_AGENT_HOST: 'agent' }), 'http://agent:8126');
  assert.equal(urlFromVars({ DD_TRACE_AGENT_PORT: '9000' }), 'http://localhost:9000');
  assert.equal(urlFromVars({ DD_AGENT_HOST: '::1' }), 'http://[::1]:8126');
  const r = await resolveAgentAddress({ env: { DD_AGENT_HOST: 'agent', DD_TRACE_AGENT_URL: 'http://url-agent:8200', PATH: '/bin' } });
  assert.equal(r.url, 'http://url-agent:8200');
  assert.equal(r.source.kind, 'environment');
});

test('docker-compose: list and map forms, interpolation, file and line of each variable', async () => {
  const file = path.join(ws('ws-compose'), 'docker-compose.yml');
  const r = await resolveAgentAddress({ env: {}, workspaceDir: ws('ws-compose') });
  assert.equal(r.source.kind, 'docker-compose');
  assert.equal(r.url, 'http://datadog-agent:8126');
  assert.equal(r.source.file, file);
  assert.equal(r.source.line, await lineOf(file, 'DD_AGENT_HOST=datadog-agent'));
  assert.equal(r.source.context, 'service web');
  // The worker's map form is a second candidate with a different URL: a conflict note.
  const worker = r.candidates.find((c) => c.context === 'service worker');
  assert.equal(worker?.url, 'http://datadog-agent:9126');
  assert.equal(worker?.line, await lineOf(file, 'DD_TRACE_AGENT_URL: http://datadog-agent:9126'));
  assert.ok(r.notes.some((n) => n.includes('http://datadog-agent:9126')));
  const sources = composeSources(await fsp.readFile(file, 'utf8'), file, {});
  const web = sources.find((s) => s.context === 'web')!;
  assert.equal(web.vars.find((v) => v.name === 'DD_ENV')?.value, 'staging', '${DD_ENV:-staging} takes its default');
  // ${DD_API_KEY} with no value in the environment is skipped, not taken literally.
  assert.equal(
    sources.find((s) => s.context === 'datadog-agent')!.vars.some((v) => v.name === 'DD_API_KEY'),
    false,
  );
});

test('compose interpolation follows docker compose', () => {
  assert.equal(interpolate('${A:-x}', {}), 'x');
  assert.equal(interpolate('${A:-x}', { A: '' }), 'x');
  assert.equal(interpolate('${A-x}', { A: '' }), '');
  assert.equal(interpolate('${A}', { A: 'v' }), 'v');
  assert.equal(interpolate('$A/b', { A: 'v' }), 'v/b');
  assert.equal(interpolate('${A}', {}), null);
});

test('Kubernetes: containers[].env name/value across documents; valueFrom status.hostIP is named', async () => {
  const file = path.join(ws('ws-k8s'), 'k8s/deployment.yaml');
  const text = await fsp.readFile(file, 'utf8');
  const sources = kubernetesSources(text, file);
  assert.deepEqual(
    sources.map((s) => s.context),
    ['Deployment checkout container app', 'Deployment checkout container sidecar'],
  );
  const app = sources[0].vars;
  assert.equal(app.find((v) => v.name === 'DD_AGENT_HOST')?.value, '<node IP (status.hostIP)>');
  assert.equal(app.find((v) => v.name === 'DD_TRACE_AGENT_PORT')?.line, await lineOf(file, '- name: DD_TRACE_AGENT_PORT'));
  const r = await resolveAgentAddress({ env: {}, workspaceDir: ws('ws-k8s') });
  assert.equal(r.source.kind, 'kubernetes');
  assert.equal(r.source.file, file);
  assert.equal(r.url, 'http://<node IP (status.hostIP)>:8126');
  assert.equal(r.candidates[1].url, 'http://10.0.0.7:8126');
});

test('Dockerfile: ENV K V and ENV K=V K2="v 2" with continuation lines', async () => {
  const file = path.join(ws('ws-docker'), 'Dockerfile');
  const vars = parseDockerfileEnv(await fsp.readFile(file, 'utf8'), file);
  assert.deepEqual(
    vars.map((v) => [v.name, v.value, v.line]),
    [
      ['DD_AGENT_HOST', 'agent.internal', await lineOf(file, 'ENV DD_AGENT_HOST')],
      ['DD_TRACE_AGENT_PORT', '9126', await lineOf(file, 'ENV DD_TRACE_AGENT_PORT')],
      ['DD_APPSEC_ENABLED', 'true', await lineOf(file, 'ENV DD_TRACE_AGENT_PORT')],
      ['DD_SERVICE', 'shop', await lineOf(file, 'ENV DD_TRACE_AGENT_PORT')],
    ],
  );
  assert.deepEqual(
    parseDockerfileEnv('ENV GREETING="hello world" X=y\nenv MSG hello there\n').map((v) => [v.name, v.value]),
    [
      ['GREETING', 'hello world'],
      ['X', 'y'],
      ['MSG', 'hello there'],
    ],
  );
  const r = await resolveAgentAddress({ env: {}, workspaceDir: ws('ws-docker') });
  assert.equal(r.url, 'http://agent.internal:9126');
  assert.equal(r.source.kind, 'dockerfile');
});

test('launch.json: JSONC comments and trailing commas stripped, strings with // and /* kept', async () => {
  const file = path.join(ws('ws-launch'), '.vscode/launch.json');
  const text = await fsp.readFile(file, 'utf8');
  const clean = stripJsonc(text);
  const json = JSON.parse(clean);
  assert.equal(json.configurations[0].name, 'Launch // not a comment');
  assert.equal(clean.split('\n').length, text.split('\n').length, 'newlines kept, so lines stay right');
  assert.deepEqual(JSON.parse(stripJsonc('{"a": "/* x */", "b": [1, 2, /* c */ ], // d\n "e": "\\"//"}')), { a: '/* x */', b: [1, 2], e: '"//' });
  const r = await resolveAgentAddress({ env: {}, workspaceDir: ws('ws-launch') });
  assert.equal(r.source.kind, 'launch.json');
  assert.equal(r.url, 'http://127.0.0.1:18126');
  assert.equal(r.source.file, file);
  assert.equal(r.source.line, await lineOf(file, '"DD_TRACE_AGENT_URL"'));
  assert.equal(r.source.context, 'launch configuration "Launch // not a comment"');
});

test('.env: export, quotes, comments; .env.example is ignored; datadog.yaml apm_config is read', async () => {
  const file = path.join(ws('ws-dotenv'), '.env');
  assert.deepEqual(
    parseDotEnv('export A=1 # c\nB="x # y"\n# C=3\nD=\'q\'\n').map((v) => [v.name, v.value]),
    [
      ['A', '1'],
      ['B', 'x # y'],
      ['D', 'q'],
    ],
  );
  const r = await resolveAgentAddress({ env: {}, workspaceDir: ws('ws-dotenv') });
  assert.equal(r.source.kind, '.env');
  assert.equal(r.url, 'http://192.168.1.20:8127');
  assert.equal(r.source.file, file);
  assert.ok(!r.candidates.some((c) => c.url.includes('example-host')));
  assert.equal(r.apmConfig?.receiverPort, 8127);
  assert.equal(r.apmConfig?.enabled, true);
  assert.equal(r.apmConfig?.line, await lineOf(path.join(ws('ws-dotenv'), 'datadog.yaml'), 'apm_config:'));
  // The app sends to another host, and the agent does not accept non-local traffic.
  assert.ok(
    r.notes.some((n) => /apm_non_local_traffic/.test(n)),
    r.notes.join('\n'),
  );
  assert.ok(r.candidates.some((c) => c.kind === 'datadog.yaml' && c.url === 'http://localhost:8127'));
});

test('precedence: explicit > environment > launch.json > .env > … > Dockerfile > default', async () => {
  assert.deepEqual(PRECEDENCE, ['setting', 'environment', 'launch.json', '.env', 'docker-compose', 'kubernetes', 'dockerfile', 'datadog.yaml', 'default']);
  const dir = ws('ws-precedence');
  const fromFiles = await resolveAgentAddress({ env: {}, workspaceDir: dir });
  assert.equal(fromFiles.url, 'http://from-launch:8126');
  assert.deepEqual(
    fromFiles.candidates.map((c) => c.kind),
    ['launch.json', '.env', 'dockerfile', 'default'],
  );
  assert.equal(fromFiles.notes.length, 2);
  const fromEnv = await resolveAgentAddress({ env: { DD_AGENT_HOST: 'from-env' }, workspaceDir: dir });
  assert.equal(fromEnv.url, 'http://from-env:8126');
  const explicit = await resolveAgentAddress({ env: { DD_AGENT_HOST: 'from-env' }, workspaceDir: dir, explicitUrl: 'http://127.0.0.1:9999' });
  assert.equal(explicit.url, 'http://127.0.0.1:9999');
  assert.equal(explicit.source.kind, 'setting');
});

test('scanEnvironment collects every DD_* variable with its place (the steps use DD_APPSEC_ENABLED)', async () => {
  const scan = await scanEnvironment({ env: { DD_APPSEC_ENABLED: 'true', HOME: '/root' }, workspaceDir: ws('ws-compose') });
  assert.equal(scan.sources[0].kind, 'environment');
  assert.deepEqual(
    scan.sources[0].vars.map((v) => v.name),
    ['DD_APPSEC_ENABLED'],
  );
  const web = scan.sources.find((s) => s.context === 'service web')!;
  assert.ok(web.vars.some((v) => v.name === 'DD_APPSEC_ENABLED' && v.value === 'true' && v.line !== undefined));
});

test('unreadable and malformed files are skipped, never thrown', async () => {
  const r = await resolveAgentAddress({
    env: {},
    workspaceDir: ws('ws-precedence'),
    readFile: async () => {
      throw new Error('EACCES');
    },
  });
  assert.equal(r.source.kind, 'default');
  assert.deepEqual(composeSources('services: [unclosed', 'x.yml'), []);
  assert.deepEqual(kubernetesSources('kind: Pod\nspec: {containers: "nope"}', 'x.yml'), []);
});
