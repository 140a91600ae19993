// `steps --json` on small Java, Go, PHP and Node.js workspaces built here (compose, Dockerfile, go.mod, ini, .env):
// the statuses the troubleshooting guide implies for each, with the file and line that say so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSteps, toJsonSteps, type JsonSteps } from '../../src/cli/steps';

const root = mkdtempSync(path.join(tmpdir(), 'asm-ws-'));
after(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function steps(dir: string): Promise<JsonSteps> {
  const r = await runSteps({ workspace: dir, logs: null, agent: null, language: null, timeoutMs: 500, env: {} });
  return toJsonSteps(r.language.language, r.steps, r.services);
}
const step = (j: JsonSteps, id: string) => j.steps.find((s) => s.id === id)!;
const check = (j: JsonSteps, s: string, c: string) => step(j, s).checks.find((x) => x.id === c)!;

test('Java: -Ddd.integration.servlet.enabled=false in JAVA_TOOL_OPTIONS (compose) fails step 2; DD_INTEGRATIONS_ENABLED=false (Dockerfile) too', async () => {
  const a = await steps(
    workspace('java-a', {
      'pom.xml': '<project><artifactId>shop</artifactId></project>\n',
      'docker-compose.yml': [
        'services:',
        '  shop:',
        '    image: shop',
        '    environment:',
        '      JAVA_TOOL_OPTIONS: "-javaagent:/dd-java-agent.jar -Ddd.appsec.enabled=true -Ddd.integration.servlet.enabled=false"',
        '',
      ].join('\n'),
    }),
  );
  assert.equal(a.language, 'java');
  assert.equal(step(a, 'integrations').status, 'fail');
  const e = check(a, 'integrations', 'required-integrations').evidence.find((x) => /servlet/.test(x.text))!;
  assert.match(e.text, /JAVA_TOOL_OPTIONS sets -Ddd\.integration\.servlet\.enabled=false, which disables servlet/);
  assert.equal(e.line, 5);
  const env = check(a, 'running', 'appsec-env');
  assert.equal(env.status, 'pass');
  assert.match(env.evidence[0]!.text, /JAVA_TOOL_OPTIONS sets -Ddd\.appsec\.enabled=true/);

  const b = await steps(
    workspace('java-b', { 'pom.xml': '<project/>\n', Dockerfile: 'FROM eclipse-temurin:17\nENV DD_INTEGRATIONS_ENABLED=false\nENV DD_APPSEC_ENABLED=true\n' }),
  );
  assert.equal(step(b, 'integrations').status, 'fail');
  assert.match(check(b, 'integrations', 'required-integrations').evidence[0]!.text, /DD_INTEGRATIONS_ENABLED=false turns off every integration/);
});

test('Go: CGO_ENABLED=0 in the Dockerfile with dd-trace-go v1.50 fails "running" (static linking is not supported); with v1.60 it does not', async () => {
  const dockerfile = 'FROM golang:1.21 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n';
  const old = await steps(
    workspace('go-old', { 'go.mod': 'module shop\n\ngo 1.21\n\nrequire gopkg.in/DataDog/dd-trace-go.v1 v1.50.1\n', Dockerfile: dockerfile }),
  );
  assert.equal(old.language, 'go');
  const build = check(old, 'running', 'go-build');
  assert.equal(build.status, 'fail');
  assert.match(build.evidence[0]!.text, /CGO_ENABLED=0 go build .*dd-trace-go v1\.50\.1 needs cgo for ASM/);
  assert.equal(build.evidence[0]!.line, 4);
  assert.equal(step(old, 'running').status, 'fail');
  const neu = await steps(workspace('go-new', { 'go.mod': 'module shop\n\nrequire gopkg.in/DataDog/dd-trace-go.v1 v1.60.0\n', Dockerfile: dockerfile }));
  assert.equal(check(neu, 'running', 'go-build').status, 'unknown');
  // A Makefile and no go.mod version: a warning, not a verdict.
  const mk = await steps(workspace('go-mk', { 'go.mod': 'module shop\n', Makefile: 'build:\n\tCGO_ENABLED=0 go build ./...\n' }));
  assert.equal(check(mk, 'running', 'go-build').status, 'warning');
});

test("Go: the startup line's import-path integration keys count as the guide's Chi / gRPC", async () => {
  const line =
    '2024/03/01 10:00:00 Datadog Tracer v1.60.0 INFO: DATADOG TRACER CONFIGURATION {"date":"2024-03-01T10:00:00Z","version":"v1.60.0","lang":"Go","service":"api","appsec":true,"integrations":{"github.com/go-chi/chi/v5":{"instrumented":true},"google.golang.org/grpc":{"instrumented":false}}}\n';
  const j = await steps(workspace('go-int', { 'go.mod': 'module api\n', 'logs/dd.log': line }));
  const req = check(j, 'integrations', 'required-integrations');
  assert.equal(req.status, 'pass');
  assert.match(req.evidence[0]!.text, /^Loaded: Chi \(ASM needs one of/);
});

test('PHP: a broken 98-ddappsec.ini reaches the PHP sub-checks (found without configuration)', async () => {
  const j = await steps(
    workspace('php', {
      'composer.json': '{"require":{"datadog/dd-trace":"^1.0"}}\n',
      'docker/98-ddappsec.ini': 'extension=ddappsec.so\ndatadog.appsec.enabled = maybe\ndatadog.appsec.helper_socket_path = run/helper.sock\n',
    }),
  );
  assert.equal(j.language, 'php');
  const ini = check(j, 'running', 'php-ini');
  assert.equal(ini.status, 'fail');
  assert.match(ini.evidence[0]!.text, /datadog\.appsec\.enabled = `maybe` is not a boolean/);
  assert.equal(ini.evidence[0]!.line, 2);
  assert.equal(step(j, 'running').status, 'fail');
});

test('Node.js: .env with ASM on and DD_TRACE_DISABLED_PLUGINS=http: running proven by config only, step 2 fails', async () => {
  const j = await steps(
    workspace('node', {
      'package.json': '{"name":"shop","dependencies":{"dd-trace":"^5.0.0","express":"^4.0.0"}}\n',
      '.env': 'DD_SERVICE=shop\nDD_APPSEC_ENABLED=true\nDD_TRACE_DISABLED_PLUGINS=http\n',
    }),
  );
  assert.equal(j.language, 'nodejs');
  assert.equal(check(j, 'running', 'appsec-env').status, 'pass');
  assert.equal(step(j, 'test-attack').status, 'unknown', 'no attack was sent');
  assert.equal(step(j, 'integrations').status, 'fail');
  assert.match(check(j, 'integrations', 'required-integrations').evidence[0]!.text, /DD_TRACE_DISABLED_PLUGINS disables http/);
  assert.equal(j.services.length, 1);
  assert.equal(j.services[0]!.service, 'shop', 'DD_SERVICE names the service when no log does');
});
