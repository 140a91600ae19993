// The support bundle: redaction of every secret form, nothing else touched, and the assembled markdown + excerpts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { redact, REDACTED } from '../../src/core/bundle/redact';
import { buildBundle, readExcerpt, isStartupLine, BUNDLE_MARKDOWN } from '../../src/core/bundle/bundle';
import { computeSteps } from '../../src/core/steps';
import { kb } from '../../src/core/kb';

const SECRETS: [string, string][] = [
  ['DD_API_KEY=0123456789abcdef0123456789abcdef', '0123456789abcdef0123456789abcdef'],
  ['export DD_API_KEY="abcdefabcdefabcdefabcdefabcdef12"', 'abcdefabcdefabcdefabcdefabcdef12'],
  ['DD_APP_KEY: 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'],
  ['DD_APPLICATION_KEY=appkeyvalue123456', 'appkeyvalue123456'],
  ['- name: DD_API_KEY\n  value: k8s-secret-value-42', 'k8s-secret-value-42'],
  ['{"api_key":"jsonapikey1234567890","site":"datadoghq.com"}', 'jsonapikey1234567890'],
  ['{"app_key": "jsonappkey0987654321"}', 'jsonappkey0987654321'],
  ["api_key: 'yaml-quoted-key-555'", 'yaml-quoted-key-555'],
  [':api_key=>"ruby-hash-key-777"', 'ruby-hash-key-777'],
  ['Authorization: Bearer abc.def.ghi-123456', 'abc.def.ghi-123456'],
  ['authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
  ['http.request.headers.authorization => Token tok_live_999999', 'tok_live_999999'],
  ['"headers":{"Authorization":"Bearer s3cr3t-b3ar3r-t0k3n"}', 's3cr3t-b3ar3r-t0k3n'],
  ['curl -H "X-Auth: Bearer zzzzyyyyxxxxwwww" https://api.example.com', 'zzzzyyyyxxxxwwww'],
  ['Cookie: session=abc123; theme=dark; csrftoken=zz99', 'session=abc123'],
  ['Set-Cookie: sid=31d4d96e407aad42; Path=/; Secure; HttpOnly', '31d4d96e407aad42'],
  ['http.request.headers.cookie => _ga=GA1.2.3; auth=topsecretcookie', 'topsecretcookie'],
  ['"http.request.headers.cookie":"jsessionid=ABCDEF0123456789"', 'ABCDEF0123456789'],
  ['token=plain-token-value-31337 and more', 'plain-token-value-31337'],
  ['GET /callback?code=oauthcode123&access_token=ya29.a0AfH6SM&state=ok', 'ya29.a0AfH6SM'],
  ['GET /callback?code=oauthcode123&state=ok', 'oauthcode123'],
  ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk in a header', 'dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk'],
  ['DD_TRACE_AGENT_URL=http://admin:hunter2@agent.internal:8126', 'hunter2'],
  ['proxy: https://user:p%40ss@proxy.corp:3128/', 'p%40ss'],
  ['password=correcthorsebatterystaple', 'correcthorsebatterystaple'],
  ['"client_secret": "cs-1234567890"', 'cs-1234567890'],
  ['DD_APPSEC_SECRET_THING=xyz-secret', 'xyz-secret'],
  ['x-api-key: AKIAEXAMPLEKEY123', 'AKIAEXAMPLEKEY123'],
];

test('every secret form is redacted', () => {
  for (const [input, secret] of SECRETS) {
    const r = redact(input);
    assert.ok(!r.text.includes(secret), `${input}\n→ ${r.text}`);
    assert.ok(r.text.includes(REDACTED), input);
    assert.ok(Object.values(r.counts).reduce((a, b) => a + b, 0) >= 1);
  }
});

test('the key names stay, so the reader sees what was set', () => {
  assert.equal(redact('DD_API_KEY=0123456789abcdef0123456789abcdef').text, `DD_API_KEY=${REDACTED}`);
  assert.equal(redact('{"api_key":"abc123456"}').text, `{"api_key":"${REDACTED}"}`);
  assert.equal(redact('DD_TRACE_AGENT_URL=http://admin:hunter2@agent:8126').text, `DD_TRACE_AGENT_URL=http://admin:${REDACTED}@agent:8126`);
  assert.equal(redact('Cookie: a=b; c=d').text, `Cookie: ${REDACTED}`);
});

const KEEP = [
  '2021-11-29 21:19:58 CET | TRACE | INFO | (pkg/trace/info/stats.go:111 in LogStats) | [lang:.NET lang_version:5.0.10 interpreter:.NET tracer_version:1.30.1.0 endpoint_version:v0.4] -> traces received: 2, traces filtered: 0, traces amount: 1230 bytes, events extracted: 0, events sampled: 0',
  'DDAS-0012-01: Detecting an attack from rule ua0-600-12x: {"rule":{"id":"ua0-600-12x","name":"Arachni","tags":{"type":"security_scanner","category":"attack_attempt"}}}',
  '_dd.appsec.json => {"triggers":[{"rule":{"id":"ua0-600-10x","name":"Nessus"},"rule_matches":[{"operator":"match_regex","parameters":[{"address":"server.request.headers.no_cookies","key_path":["user-agent"],"value":"Nessus SOAP"}]}]}]}',
  'trace_id: 2632764434813487337 span_id: 4439751766880249768 _dd.p.tid=66e1b6f700000000',
  'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'runtime-id => 0c3dfc67-9cf3-457c-a980-0229b203d048, appsec.event => true, _dd.appsec.enabled => 1.0',
  'DD_APPSEC_ENABLED=true DD_TRACE_AGENT_URL=http://localhost:8126 DD_AGENT_HOST=datadog-agent DD_SERVICE=checkout',
  'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","agent_url":"http://127.0.0.1:8126","appsec_enabled":true}',
  'reacted to ["request.headers", "request.uri.raw", "request.query", "request.cookies", "request.body.raw"]',
  'DD_APPSEC_OBFUSCATION_PARAMETER_KEY_REGEXP=(?i)(?:p(?:ass)?w(?:or)?d|pass(?:_?phrase)?|secret|(?:api_?|private_?|public_?|access_?|secret_?)key(?:_?id)?|token|consumer_?(?:id|key|secret)|sign(?:ed|ature)?|bearer|authorization)',
  'The token bucket refilled; the api key is not configured (DD_API_KEY is unset)',
  'DD_API_KEY=<YOUR_API_KEY> DD_APP_KEY=${DD_APP_KEY}',
  'user-agent: Arachni/v http://127.0.0.1:3000/?q=1 git_commit: fab047e10',
];

test('what support needs is not redacted: rule ids, trace ids, versions, LogStats, other DD_ variables', () => {
  for (const line of KEEP) {
    const r = redact(line);
    assert.equal(r.text, line, `changed:\n${line}\n→ ${r.text}`);
    assert.deepEqual(r.counts, {});
  }
});

test('redaction is idempotent and linear on a 10 MB line', () => {
  const once = redact(SECRETS.map((s) => s[0]).join('\n')).text;
  assert.equal(redact(once).text, once);
  // Pathological shapes for the patterns (runs of key characters, eyJ repeats, many separators): they must finish.
  for (const big of ['a.'.repeat(5_000_000), 'eyJ'.repeat(3_000_000), 'cookie'.repeat(1_000_000), `${'x'.repeat(10_000_000)}=1`, '?a'.repeat(5_000_000)]) {
    const r = redact(big);
    assert.equal(typeof r.text, 'string');
  }
});

test('excerpts: startup lines and finding lines with neighbours, from a real file, streaming', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-bundle-'));
  try {
    const file = path.join(dir, 'app.log');
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    lines[3] = 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","appsec_enabled":true}';
    lines[30] = 'Authorization: Bearer abcdefgh12345678';
    await fsp.writeFile(file, lines.join('\n'));
    assert.ok(isStartupLine(lines[3]));
    assert.ok(isStartupLine('DATADOG TRACER CONFIGURATION {"version":"1.2.0"}'));
    assert.ok(!isStartupLine('line 1'));
    const ex = await readExcerpt(file, [30], { context: 1 });
    assert.deepEqual(
      ex.lines.map((l) => l.line),
      [3, 29, 30, 31],
    );
    const capped = await readExcerpt(file, [10, 20, 30], { context: 2, max: 5 });
    assert.equal(capped.lines.length, 5);
    assert.equal(capped.omitted, 11);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('the bundle: one markdown with every section, excerpts beside it, all redacted', () => {
  const steps = computeSteps({
    language: 'nodejs',
    findings: [
      { code: 'agent-no-data', severity: 'error', step: 'backend', message: 'The Agent logged "No data received"', file: '/srv/logs/trace-agent.log', line: 0 },
    ],
    extraChecks: {
      'test-attack': [
        {
          id: 'attack-response',
          title: 'The test attack reaches the application',
          status: 'pass',
          evidence: [{ text: 'GET http://127.0.0.1:3000/ with User-Agent Arachni/v → HTTP 200, rule ua0-600-12x matched' }],
        },
      ],
    },
  });
  const b = buildBundle({
    createdAt: new Date('2025-06-02T09:14:03Z'),
    extensionVersion: '0.1.0',
    host: 'Visual Studio Code 1.100.0',
    platform: 'linux x64',
    language: { language: 'nodejs', reason: 'package.json in the workspace' },
    steps,
    agent: {
      result: {
        url: 'http://admin:hunter2@agent:8126',
        infoUrl: 'http://agent:8126/info',
        outcome: 'ok',
        reachable: true,
        traceIntake: true,
        info: { version: '7.52.0', gitCommit: null, endpoints: ['/v0.4/traces'], receiverPort: 8126, defaultEnv: null, localIntake: false },
        message: 'Agent 7.52.0 answers at http://admin:hunter2@agent:8126',
        elapsedMs: 3,
      },
    },
    logs: [
      {
        path: '/srv/logs/trace-agent.log',
        tracer: null,
        version: null,
        appsec: null,
        lines: [{ line: 0, text: '2021-11-29 21:18:48 CET | TRACE | INFO | (pkg/trace/info/stats.go:104 in LogStats) | No data received' }],
        omitted: 0,
      },
      {
        path: '/srv/app/dd.log',
        tracer: 'nodejs',
        version: '5.132.0',
        appsec: 'enabled',
        lines: [
          { line: 0, text: 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0"}' },
          { line: 7, text: 'env DD_API_KEY=0123456789abcdef0123456789abcdef' },
        ],
        omitted: 3,
      },
      { path: '/other/dd.log', tracer: 'nodejs', version: '5.132.0', appsec: 'enabled', lines: [], omitted: 0 },
    ],
  });
  assert.deepEqual(
    b.files.map((f) => f.name),
    [BUNDLE_MARKDOWN, 'excerpts/trace-agent.log', 'excerpts/dd.log', 'excerpts/dd-2.log'],
  );
  const md = b.files[0].content;
  for (const h of [
    '## Summary',
    '## Versions',
    '## Test attack (step 1)',
    '## Agent check (step 3)',
    '## Findings per step',
    '## Tracer startup and debug log excerpts',
  ])
    assert.ok(md.includes(h), h);
  assert.match(md, /ASM Troubleshooter: 0\.1\.0/);
  assert.match(md, /Tracer: nodejs 5\.132\.0, ASM enabled/);
  assert.match(md, /Datadog Agent: 7\.52\.0/);
  assert.match(md, /rule ua0-600-12x matched/);
  // Plain words, not emoji (which need an emoji font in a terminal or a ticket).
  assert.match(md, /FAIL \*\*Agent LogStats\*\*/);
  assert.doesNotMatch(md, /\p{Extended_Pictographic}/u);
  assert.match(md, /nothing was uploaded/);
  const all = b.files.map((f) => f.content).join('\n');
  assert.ok(!all.includes('hunter2'), 'URL password redacted everywhere');
  assert.ok(!all.includes('0123456789abcdef0123456789abcdef'), 'API key redacted in the excerpt');
  assert.ok(b.redactions['URL password'] >= 1 && b.redactions['secret value'] >= 1);
  assert.match(md, /secret value\(s\) redacted/);
  assert.match(b.files[2].content, /3 line\(s\) omitted/);
  assert.ok(kb().data.steps.length === 5);
});
