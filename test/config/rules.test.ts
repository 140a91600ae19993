// Deployment-file diagnostics on real-world shapes (test/config/fixtures: CRLF, BOM, comments, anchors and merge
// keys, valueFrom, multi-stage builds, continuations, JSONC), no finding on correct files, and "Enable ASM" on
// every kind as a minimal edit (fast-check: every byte outside the edit is kept, and the problem is gone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import type { TextEdit } from '../../src/core/finding';
import { analyzeConfig, configKindOf, parseConfig } from '../../src/core/config/analyze';
import { readBool } from '../../src/core/config/grammar';
import { enableAsmEdits } from '../../src/core/config/rules';
import { Positions } from '../../src/core/config/settings';

const FX = path.resolve('test/config/fixtures');
const read = (rel: string) => readFileSync(path.join(FX, rel), 'utf8');
const codes = (rel: string) => (analyzeConfig(path.join(FX, rel), read(rel))?.findings ?? []).map((f) => `${f.range.start.line + 1}:${f.code}`).sort();

/** Applies LSP edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const pos = new Positions(text);
  const flat = edits.map((e) => ({ s: pos.offset(e.range.start), e: pos.offset(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  let out = text;
  for (const x of flat) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

test('each kind is recognised by its name (and content where the name is ambiguous)', () => {
  const kinds: [string, string | null][] = [
    ['compose/docker-compose.yml', 'compose'],
    ['compose/compose.ok.yaml', 'compose'],
    ['k8s/deployment.yaml', 'kubernetes'],
    ['docker/Dockerfile', 'dockerfile'],
    ['docker/Dockerfile.java', 'dockerfile'],
    ['dotenv/.env', 'dotenv'],
    ['fpm/www.conf', 'php-fpm'],
    ['systemd/api.service', 'systemd'],
    ['launch/.vscode/launch.json', 'launch.json'],
    ['serverless/serverless.yml', 'serverless'],
    ['sam/template.yaml', 'sam'],
  ];
  for (const [rel, kind] of kinds) assert.equal(configKindOf(path.join(FX, rel), read(rel)), kind, rel);
  assert.equal(configKindOf('/x/values.yaml', 'replicaCount: 1\n'), null);
  assert.equal(configKindOf('/x/package.json', '{}'), null);
  assert.equal(configKindOf('/x/launch.json', '{}'), null, 'launch.json only under .vscode');
});

test('compose: Java yes, localhost agent, Python WAF timeout in µs, RC spelling, typo, missing switch, Agent refusing traffic (anchors merged)', () => {
  assert.deepEqual(
    codes('compose/docker-compose.yml'),
    [
      '13:config-invalid-value',
      '14:agent-host-localhost-in-container',
      '15:agent-host-localhost-in-container',
      '15:config-appsec-not-enabled',
      '20:config-invalid-value',
      '21:config-wrong-rc-name',
      '22:config-unknown-name',
      '27:agent-non-local-traffic',
    ].sort(),
  );
  const a = analyzeConfig(path.join(FX, 'compose/docker-compose.yml'), read('compose/docker-compose.yml'))!;
  const api = a.model.services.find((s) => s.name === 'api')!;
  assert.equal(api.tracer, 'java');
  assert.deepEqual(
    api.settings.map((s) => s.name).sort(),
    ['DD_AGENT_HOST', 'DD_APPSEC_ENABLED', 'DD_ENV', 'DD_SERVICE', 'DD_TRACE_AGENT_PORT'],
    'the <<: *dd anchor is merged',
  );
  const typo = a.findings.find((f) => f.code === 'config-unknown-name')!;
  assert.match(typo.message, /did you mean DD_APPSEC_RULES\?/);
  assert.deepEqual(typo.data?.suggestions, ['DD_APPSEC_RULES']);
});

test('CRLF and a BOM: ranges stay exact, and the fix keeps CRLF', () => {
  const rel = 'compose/compose.crlf-bom.yml';
  const text = read(rel);
  const a = analyzeConfig(rel, text)!;
  assert.deepEqual(
    a.findings.map((f) => f.code),
    ['config-appsec-not-enabled'],
  );
  const f = a.findings[0]!;
  assert.deepEqual(f.range.start, { line: 1, character: 2 });
  const fixed = applyEdits(text, f.fixes![0]!.edits);
  assert.ok(fixed.includes('      DD_APPSEC_ENABLED: "true"\r\n'));
  assert.ok(fixed.startsWith('\ufeffservices:\r\n'));
  assert.deepEqual(analyzeConfig(rel, fixed)!.findings, []);
});

test('Kubernetes: multi-document, valueFrom, JAVA_TOOL_OPTIONS -D flags, CronJob; a disabled servlet integration', () => {
  assert.deepEqual(codes('k8s/deployment.yaml'), ['19:config-integration-disabled', '9:config-appsec-not-enabled']);
  const a = analyzeConfig('k8s/deployment.yaml', read('k8s/deployment.yaml'))!;
  assert.deepEqual(
    a.model.services.map((s) => s.name),
    ['Deployment api container api', 'CronJob nightly container job'],
  );
  assert.equal(a.model.services[0]!.settings.find((s) => s.name === 'DD_AGENT_HOST')!.value, null, 'valueFrom has no literal value');
});

test('Dockerfile: multi-stage Go build with CGO_ENABLED=0 and no appsec tag across a continuation; ENV K V legacy form', () => {
  assert.deepEqual(codes('docker/Dockerfile'), ['7:go-static-build', '9:config-appsec-not-enabled']);
  assert.deepEqual(codes('docker/Dockerfile.java'), ['4:config-invalid-value']);
  const a = analyzeConfig('Dockerfile', read('docker/Dockerfile'))!;
  assert.deepEqual(
    a.model.services[0]!.settings.map((s) => [s.name, s.value]),
    [
      ['DD_SERVICE', 'server'],
      ['DD_ENV', 'prod'],
    ],
    'only the final stage',
  );
});

test('.env (CRLF, export, comments), php-fpm pool, systemd unit, launch.json (JSONC), serverless.yml, SAM', () => {
  assert.deepEqual(codes('dotenv/.env'), ['3:config-invalid-value', '4:config-unknown-name']);
  assert.deepEqual(codes('fpm/www.conf'), ['4:php-fpm-clear-env']);
  assert.deepEqual(codes('systemd/api.service'), ['6:config-invalid-value']);
  assert.deepEqual(codes('launch/.vscode/launch.json'), ['12:config-integration-disabled', '8:config-appsec-not-enabled']);
  assert.deepEqual(codes('serverless/serverless.yml'), ['6:serverless-appsec-switch']);
  assert.deepEqual(codes('sam/template.yaml'), ['12:serverless-appsec-switch']);
});

test('no finding on a correct file of each kind', () => {
  for (const rel of [
    'ok/docker-compose.yml',
    'ok/deployment.yaml',
    'ok/Dockerfile',
    'ok/.env',
    'ok/www.conf',
    'ok/api.service',
    'ok/.vscode/launch.json',
    'ok/serverless.yml',
    'ok/template.yaml',
    'compose/compose.ok.yaml',
  ]) {
    const a = analyzeConfig(path.join(FX, rel), read(rel));
    assert.ok(a, `${rel} is recognised`);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      [],
      rel,
    );
  }
});

test('value grammars follow each tracer: yes is off for Java and Ruby, dropped by Go, on for Python, PHP and .NET', () => {
  assert.equal(readBool('java-activation', 'yes'), 'off');
  assert.equal(readBool('java-activation', 'TRUE'), 'on');
  assert.equal(readBool('java-activation', 'inactive'), 'inactive');
  assert.equal(readBool('go-parsebool', 'yes'), 'invalid');
  assert.equal(readBool('go-parsebool', 'T'), 'on');
  assert.equal(readBool('python-envier', 'yes'), 'on');
  assert.equal(readBool('php-zai-bool', 'On'), 'on');
  assert.equal(readBool('ruby-bool', 'yes'), 'off');
  assert.equal(readBool('dotnet-bool', 'Y'), 'on');
  assert.equal(readBool('node-bool', 'yes'), 'invalid');
  assert.equal(readBool('node-bool', 'TRUE'), 'on');
});

/** The edit keeps every byte outside its range. */
function assertMinimal(before: string, edits: TextEdit[], after: string) {
  const pos = new Positions(before);
  const s = Math.min(...edits.map((e) => pos.offset(e.range.start)));
  const e = Math.max(...edits.map((x) => pos.offset(x.range.end)));
  assert.equal(after.slice(0, s), before.slice(0, s));
  assert.equal(after.slice(after.length - (before.length - e)), before.slice(e));
}

test('"Enable ASM" on each kind: one minimal edit, after which the service reads ASM as on', () => {
  const cases: [string, string][] = [
    ['compose/docker-compose.yml', 'worker'],
    ['compose/compose.crlf-bom.yml', 'shop'],
    ['k8s/deployment.yaml', 'Deployment api container api'],
    ['docker/Dockerfile', 'Dockerfile'],
    ['docker/Dockerfile.java', 'Dockerfile.java'],
    ['dotenv/.env', '.env'],
    ['fpm/www.conf', 'pool www'],
    ['systemd/api.service', 'api.service'],
    ['launch/.vscode/launch.json', 'launch configuration "server"'],
    ['serverless/serverless.yml', 'create'],
    ['sam/template.yaml', 'Orders'],
  ];
  for (const [rel, name] of cases) {
    const file = path.join(FX, rel);
    const text = read(rel);
    const a = analyzeConfig(file, text)!;
    const svc = a.model.services.find((s) => s.name === name)!;
    assert.ok(svc, `${rel}: ${name}`);
    const e = enableAsmEdits(text, a.model, svc);
    assert.ok(e, `${rel}: an edit`);
    const after = applyEdits(text, e.edits);
    assertMinimal(text, e.edits, after);
    const b = analyzeConfig(file, after)!;
    const s2 = b.model.services.find((s) => s.name === name)!;
    const sw = s2.settings.find((s) => s.env === (svc.lambda ? 'DD_SERVERLESS_APPSEC_ENABLED' : 'DD_APPSEC_ENABLED'));
    assert.ok(sw, `${rel}: the switch is there after the edit`);
    assert.ok(['true', '1'].includes(sw.value!), `${rel}: ${sw.value}`);
    assert.equal(enableAsmEdits(after, b.model, s2), null, `${rel}: nothing more to do`);
    const left = b.findings.filter(
      (f) =>
        f.data?.service === name &&
        ['config-appsec-not-enabled', 'serverless-appsec-switch', 'php-fpm-clear-env', 'config-invalid-value'].includes(f.code) &&
        /APPSEC_ENABLED|appsec\.enabled/.test(f.message + String(f.data?.name ?? '')),
    );
    assert.deepEqual(
      left.map((f) => f.code),
      [],
      rel,
    );
    if (/\.ya?ml$/.test(rel))
      assert.deepEqual(
        parseAllDocuments(after).flatMap((d) => ('errors' in d ? d.errors.map(String) : [])),
        [],
        `${rel}: still valid YAML`,
      );
  }
});

// ---- properties: every quick fix on generated files of each kind ----------------------------------------------

const eolArb = fc.constantFrom('\n', '\r\n');
const indentArb = fc.constantFrom(2, 4);
const commentArb = fc.constantFrom('', '# a comment', '# DD_APPSEC_ENABLED: "true" (commented out)');
const valueArb = fc.constantFrom('yes', 'on', 'Y', 'true', 'false', 'inactive', '1', 'TRUE');
const quoteArb = fc.constantFrom('"', "'", '');

const composeArb = fc
  .record({
    eol: eolArb,
    ind: indentArb,
    bom: fc.boolean(),
    comment: commentArb,
    value: fc.option(valueArb, { nil: undefined }),
    q: quoteArb,
    list: fc.boolean(),
    cmd: fc.constantFrom('java -javaagent:/dd-java-agent.jar -jar a.jar', 'ddtrace-run python app.py', 'node -r dd-trace/init app.js'),
  })
  .map(({ eol, ind, bom, comment, value, q, list, cmd }) => {
    const i = ' '.repeat(ind);
    const env = list
      ? [`${i}${i}environment:`, `${i}${i}${i}- DD_SERVICE=web`, ...(value ? [`${i}${i}${i}- ${q}DD_APPSEC_ENABLED=${value}${q}`] : [])]
      : [`${i}${i}environment:`, `${i}${i}${i}DD_SERVICE: web`, ...(value ? [`${i}${i}${i}DD_APPSEC_ENABLED: ${q || '"'}${value}${q || '"'}`] : [])];
    return {
      file: 'docker-compose.yml',
      text: `${bom ? '\ufeff' : ''}${comment}${eol}services:${eol}${i}web:${eol}${i}${i}command: ${cmd}${eol}${env.join(eol)}${eol}${i}datadog:${eol}${i}${i}image: datadog/agent:7${eol}`,
    };
  });
const k8sArb = fc.record({ eol: eolArb, ind: indentArb, value: fc.option(valueArb, { nil: undefined }), env: fc.boolean() }).map(({ eol, ind, value, env }) => {
  const i = ' '.repeat(ind);
  const envLines =
    env || value
      ? [
          `${i}${i}${i}env:`,
          `${i}${i}${i}- name: DD_SERVICE`,
          `${i}${i}${i}  value: web`,
          ...(value ? [`${i}${i}${i}- name: DD_APPSEC_ENABLED`, `${i}${i}${i}  value: "${value}"`] : []),
        ]
      : [];
  return {
    file: 'pod.yaml',
    text: [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      `${i}name: web`,
      'spec:',
      `${i}containers:`,
      `${i}- name: web`,
      `${i}${i}image: python:3.12`,
      `${i}${i}command: ["ddtrace-run", "python", "app.py"]`,
      ...envLines,
      '',
    ].join(eol),
  };
});
const dotenvArb = fc
  .record({ eol: eolArb, value: fc.option(valueArb, { nil: undefined }), q: quoteArb, last: fc.boolean(), comment: commentArb })
  .map(({ eol, value, q, last, comment }) => ({
    file: '.env',
    text: [comment, 'DD_SERVICE=web', ...(value ? [`DD_APPSEC_ENABLED=${q}${value}${q}`] : []), 'DD_APPSEC_RULSE=/r.json'].join(eol) + (last ? eol : ''),
  }));
const dockerArb = fc
  .record({ eol: eolArb, value: fc.option(valueArb, { nil: undefined }), legacy: fc.boolean(), cont: fc.boolean() })
  .map(({ eol, value, legacy, cont }) => ({
    file: 'Dockerfile',
    text: [
      'FROM eclipse-temurin:21',
      cont ? `ENV DD_SERVICE=api \\${eol}    DD_ENV=prod` : 'ENV DD_SERVICE=api',
      ...(value ? [legacy ? `ENV DD_APPSEC_ENABLED ${value}` : `ENV DD_APPSEC_ENABLED=${value}`] : []),
      'CMD ["java", "-javaagent:/dd-java-agent.jar", "-jar", "/a.jar"]',
      '',
    ].join(eol),
  }));
const fpmArb = fc.record({ eol: eolArb, clear: fc.constantFrom('', 'clear_env = yes', 'clear_env = no'), last: fc.boolean() }).map(({ eol, clear, last }) => ({
  file: 'www.conf',
  text: ['[www]', 'listen = 9000', 'pm = dynamic', ...(clear ? [clear] : []), '; comment'].join(eol) + (last ? eol : ''),
}));
const launchArb = fc
  .record({ eol: eolArb, value: fc.option(valueArb, { nil: undefined }), comment: fc.boolean(), trailing: fc.boolean() })
  .map(({ eol, value, comment, trailing }) => ({
    file: '/w/.vscode/launch.json',
    text: [
      '{',
      '  "configurations": [',
      '    {',
      '      "type": "java",',
      '      "name": "api",',
      '      "vmArgs": "-javaagent:/dd-java-agent.jar",',
      '      "env": {',
      `        "DD_SERVICE": "api"${value ? ',' : trailing ? ',' : ''}${comment ? ' // the name' : ''}`,
      ...(value ? [`        "DD_APPSEC_ENABLED": "${value}"${trailing ? ',' : ''}`] : []),
      '      }',
      '    }',
      '  ]',
      '}',
      '',
    ].join(eol),
  }));

test('property: every quick fix keeps every byte outside its edit, and its finding is gone afterwards', () => {
  fc.assert(
    fc.property(fc.oneof(composeArb, k8sArb, dotenvArb, dockerArb, fpmArb, launchArb), ({ file, text }) => {
      const a = analyzeConfig(file, text);
      assert.ok(a, file);
      for (const f of a.findings) {
        for (const fix of f.fixes ?? []) {
          const after = applyEdits(text, fix.edits);
          assertMinimal(text, fix.edits, after);
          if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after.replace(/^\n/, '')), 'CRLF kept');
          const b = analyzeConfig(file, after)!;
          const same = b.findings.filter(
            (g) =>
              g.code === f.code &&
              g.data?.service === f.data?.service &&
              g.range.start.line === f.range.start.line &&
              (g.data?.name ?? null) === (f.data?.name ?? null),
          );
          assert.deepEqual(
            same.map((g) => g.message),
            [],
            `${f.code} fixed by "${fix.title}" in\n${JSON.stringify(text)}`,
          );
          if (/\.ya?ml$/.test(file)) assert.equal(parseAllDocuments(after).flatMap((d) => ('errors' in d ? d.errors : [])).length, 0);
        }
      }
      // Enable ASM, for every service it applies to
      for (const svc of a.model.services) {
        const e = enableAsmEdits(text, a.model, svc);
        if (!e) continue;
        const after = applyEdits(text, e.edits);
        assertMinimal(text, e.edits, after);
        const model2 = parseConfig(a.kind, after, file);
        const svc2 = model2.services.find((x) => x.name === svc.name)!;
        assert.equal(enableAsmEdits(after, model2, svc2), null, `enabled in\n${JSON.stringify(after)}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('the build context says the tracer and its pinned version: pom.xml with dd-java-agent 1.29.0 does not read DD_REMOTE_CONFIGURATION_ENABLED; go.mod with dd-trace-go is traced', () => {
  const rel = 'compose-ctx/compose.yaml';
  const a = analyzeConfig(path.join(FX, rel), read(rel))!;
  assert.deepEqual(
    a.model.services.map((s) => [s.name, s.tracer, s.tracerWhy, s.traced]),
    [
      ['api', 'java', 'pom.xml in the build context', true],
      ['gosvc', 'go', 'go.mod in the build context', true],
    ],
  );
  assert.deepEqual(
    a.findings.map((f) => `${f.range.start.line + 1}:${f.code}`),
    ['7:config-wrong-rc-name', '8:config-appsec-not-enabled'],
  );
  assert.match(a.findings[0]!.message, /Java 1\.29\.0 reads DD_REMOTE_CONFIG_ENABLED \(DD_REMOTE_CONFIGURATION_ENABLED only since 1\.30\.0\)/);
  // without the workspace (an untitled document), nothing is known about either service
  assert.deepEqual(analyzeConfig(rel, read(rel))!.findings, []);
});

test('Apache: SetEnv DD_* in .htaccess is flagged; SetEnv in a VirtualHost is read (quotes, CRLF) with no finding', () => {
  assert.deepEqual(codes('apache/.htaccess'), ['3:apache-setenv-htaccess']);
  const a = analyzeConfig(path.join(FX, 'ok/site.conf'), read('ok/site.conf'))!;
  assert.equal(a.kind, 'apache');
  assert.deepEqual(
    a.model.services[0]!.settings.map((s) => [s.name, s.value, read('ok/site.conf').slice(s.valueSpan!.start, s.valueSpan!.end)]),
    [
      ['DD_SERVICE', 'shop', 'shop'],
      ['DD_APPSEC_ENABLED', 'true', 'true'],
    ],
  );
  assert.deepEqual(a.findings, []);
});

test('compose env_file: read from the workspace; a service whose env_file does not enable ASM is flagged, one that does is not, an unreadable one is not judged', () => {
  const rel = 'compose-envfile/compose.yaml';
  const a = analyzeConfig(path.join(FX, rel), read(rel))!;
  assert.deepEqual(
    a.findings.map((f) => [f.code, f.data?.service]),
    [['config-appsec-not-enabled', 'web']],
  );
  assert.match(a.findings[0]!.message, /nor does its env_file/);
});

test('go-static-build by the pinned dd-trace-go: before 1.59.0 an error (no WAF without -tags appsec); from 1.59.0 a warning naming libdl.so.2', () => {
  const text = read('docker/Dockerfile');
  const at = (v?: string) => analyzeConfig('Dockerfile', text, v ? { versions: { go: v } } : {})!.findings.filter((f) => f.code === 'go-static-build');
  const [unpinned] = at();
  const [old] = at('v1.58.0');
  const [newer] = at('v1.59.0');
  assert.equal(unpinned!.severity, 'error');
  assert.equal(old!.severity, 'error');
  assert.match(old!.message, /dd-trace-go v1\.58\.0 compiles the WAF in only with -tags appsec/);
  assert.equal(newer!.severity, 'warning');
  assert.match(newer!.message, /libdl\.so\.2/);
  assert.equal(newer!.data?.version, 'v1.59.0');
});
