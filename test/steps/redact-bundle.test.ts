// The support bundle as written on disk: every secret form is gone from the markdown AND from the raw excerpt files
// (whose `N: text` line numbers once hid the key from the redactor), what support needs is still there verbatim,
// and fast-check properties: a random 32-hex key put in any known form inside random text never comes out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import fc from 'fast-check';
import { redact, redactLines, REDACTED } from '../../src/core/bundle/redact';
import { buildBundle, BUNDLE_MARKDOWN } from '../../src/core/bundle/bundle';
import { computeSteps } from '../../src/core/steps';
import { createSupportBundle } from '../../src/server/bundle';
import type { StepsService, LogFileEvidence } from '../../src/server/steps';

/** Every form a Datadog key takes in logs, configs and command lines; `k` is the secret. */
const FORMS: ((k: string) => string)[] = [
  (k) => `DD_API_KEY=${k}`,
  (k) => `export DD_API_KEY="${k}"`,
  (k) => `export DD_APP_KEY='${k}'`,
  (k) => `  DD_API_KEY: ${k}`, // docker-compose environment map
  (k) => `  DD_APP_KEY: "${k}"`,
  (k) => `      - DD_API_KEY=${k}`, // docker-compose environment list
  (k) => `docker run -e DD_API_KEY=${k} -e DD_APPSEC_ENABLED=true app`,
  (k) => `datadog-agent run --api-key=${k}`,
  (k) => `datadog-ci upload --api-key ${k} --site datadoghq.com`,
  (k) => `        - name: DD_API_KEY\n          value: ${k}`, // Kubernetes env
  (k) => `        - name: DD_APP_KEY\n          value: "${k}"`,
  (k) => `{"name": "DD_API_KEY",\n "value": "${k}"}`,
  (k) => `{"name":"DD_APPLICATION_KEY","value":"${k}"}`,
  (k) => `2024-06-02 10:00:00 [INFO] env: DD_API_KEY=${k}`,
  (k) => `DATADOG TRACER CONFIGURATION - {"version":"5.132.0","env":"DD_API_KEY=${k}","appsec_enabled":true}`,
  (k) => `{"level":"debug","msg":"config","DD_API_KEY":"${k}"}`,
  (k) => `{"tags":{"process.env":"{\\"DD_API_KEY\\":\\"${k}\\"}"}}`,
  (k) => `"env":["DD_SERVICE=web","DD_API_KEY=${k}"]`,
  (k) => `env[DD_API_KEY] = ${k}`, // php-fpm pool
  (k) => `$_SERVER['DD_API_KEY'] = '${k}';`,
  (k) => `datadog.api_key = ${k}`,
  (k) => `apiKey := "${k}"`,
  (k) => `:api_key => "${k}"`,
  (k) => `Authorization: Bearer ${k}`,
  (k) => `"authorization":"Digest username=\\"u\\", response=\\"${k}\\""`,
  (k) => `curl -H "DD-API-KEY: ${k}" https://api.datadoghq.com/api/v1/validate`,
  (k) => `GET /hook?api_key=${k}&q=1`,
  (k) => `DD_TRACE_AGENT_URL=http://dd:${k}@agent:8126`,
  (k) => `Cookie: dd_session=${k}; theme=dark`,
  (k) => `password=${k}`,
  (k) => `<add key="DD_API_KEY" value="${k}"/>`, // web.config appSettings
  (k) => `<add value="${k}" key="DD_APP_KEY" />`,
  (k) => `<environmentVariable name="DD_API_KEY" value="${k}" />`, // IIS applicationHost.config
  (k) => `ENV DD_API_KEY ${k}`, // Dockerfile
  (k) => `[System.Environment]::SetEnvironmentVariable("DD_API_KEY","${k}",$target)`, // PowerShell
  (k) => `[Environment]::SetEnvironmentVariable('DD_APP_KEY', '${k}', 'Machine')`,
  (k) => `os.Setenv("DD_API_KEY", "${k}")`,
  (k) => `SetEnv DD_API_KEY ${k}`, // Apache
  (k) => `SetEnv DD_APP_KEY "${k}"`,
  (k) => `fastcgi_param DD_API_KEY ${k};`, // nginx
  (k) => `setenv DD_API_KEY ${k}`, // csh
  // Issue 18: forms that survived.
  (k) => `api_key: |\n  ${k}`, // YAML literal block scalar
  (k) => `datadog:\n  api_key: >-\n    ${k}\n  site: datadoghq.com`, // folded, chomped
  (k) => `datadog:\n  app_key: |+2\n      ${k}\n\n      ${k}`,
  (k) => `api_key:\n  ${k}`, // the value on the line after its key
  (k) => `secrets:\n  api_key:\n    ${k}\n  site: datadoghq.com`,
  (k) => `DD_API_KEY${' '.repeat(40)}=${' '.repeat(48)}${k}`, // aligned with more than 32 spaces
  (k) => `password:${'\t'.repeat(3)}${' '.repeat(60)}"${k}"`,
  (k) => `Authorization: Bearer${' '.repeat(12)}${k}`, // more than 8 spaces after Bearer
  (k) => `retrying with Bearer${' '.repeat(20)}${k} after 401`,
  (k) => `          value: ${k}`, // a Kubernetes value whose name is outside the excerpt window
  (k) => `  - value: "${k}"`,
  (k) => `-----BEGIN RSA PRIVATE KEY-----\nMIIEow${k}\nAQAB${k}==\n-----END RSA PRIVATE KEY-----`, // PEM
  (k) => `"tls":"-----BEGIN PRIVATE KEY-----\\nMIIEv${k}\\n-----END PRIVATE KEY-----\\n"`, // PEM in a JSON string
  (k) => `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl${k}`, // a PEM cut by the excerpt window (no END)
  (k) => `git clone https://${k}@github.com/acme/app.git`, // a token as the URL's user
  (k) => `DD_TRACE_AGENT_URL=https://${k}@intake.example.com:443`,
];

/** Unlabelled Datadog keys: 32 hex (API key) and 40 hex (application key) with no name before them. */
const HEX_FORMS: ((k: string) => string)[] = [
  (k) => `sending payload with ${k} to intake`,
  (k) => `config loaded from env: ${k.toUpperCase()}`,
  (k) => `["${k}"]`,
];

/** Lines that must come out exactly as they went in. */
const KEEP = [
  '2021-11-29 21:19:58 CET | TRACE | INFO | (pkg/trace/info/stats.go:111 in LogStats) | [lang:.NET lang_version:5.0.10 interpreter:.NET tracer_version:1.30.1.0 endpoint_version:v0.4] -> traces received: 2, traces filtered: 0, traces amount: 1230 bytes, events extracted: 0, events sampled: 0',
  '2021-11-29 21:18:48 CET | TRACE | INFO | (pkg/trace/info/stats.go:104 in LogStats) | No data received',
  'DDAS-0012-01: Detecting an attack from rule ua0-600-12x: {"rule":{"id":"ua0-600-12x","name":"Arachni","tags":{"type":"security_scanner","category":"attack_attempt"}}}',
  'trace_id: 2632764434813487337 span_id: 4439751766880249768 _dd.p.tid=66e1b6f700000000',
  'runtime-id => 0c3dfc67-9cf3-457c-a980-0229b203d048, appsec.event => true, _dd.appsec.enabled => 1.0',
  'DD_APPSEC_ENABLED=true DD_TRACE_AGENT_URL=http://localhost:8126 DD_AGENT_HOST=datadog-agent DD_SERVICE=checkout DD_ENV=prod',
  'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","agent_url":"http://127.0.0.1:8126","appsec_enabled":true,"service":"web"}',
  '- name: DD_APPSEC_ENABLED',
  '  value: "true"',
  '  DD_APPSEC_ENABLED: "true"',
  'DD_API_KEY=<YOUR_API_KEY> DD_APP_KEY=${DD_APP_KEY} DD_API_KEY=$DD_API_KEY',
  '  - name: DD_API_KEY',
  '    valueFrom: {secretKeyRef: {name: datadog-secret, key: api-key}}',
  'The token bucket refilled; the api key is not configured (DD_API_KEY is unset)',
  '<add key="DD_SERVICE" value="checkout"/> <environmentVariable name="DD_APPSEC_ENABLED" value="true" />',
  'ENV DD_APPSEC_ENABLED true',
  'SetEnv DD_API_KEY ${DD_API_KEY}',
  'fastcgi_param DD_ENV prod;',
  // The test attack's match: the address names "cookies" but is not a cookie header.
  'intake: ASM event — rule ua0-600-12x "Arachni" on GET / → 200, matched server.request.headers.no_cookies = "Arachni/v", client 127.0.0.1',
  '{"address":"server.request.headers.no_cookies","key_path":["user-agent"],"value":"Arachni/v"}',
  // Trace ids in hex are not keys: a W3C traceparent and labelled 128-bit trace ids.
  'traceparent: 00-66e1b6f7000000004439751766880249-4439751766880249-01',
  'trace_id=66e1b6f7000000004439751766880249 span_id=4439751766880249',
  'agent git commit: 3b5a2a1f0e6d4c7b8a9f0e1d2c3b4a5f6e7d8c9b',
  '- name: DD_SERVICE',
  '  value: checkout-service-2024',
  'https://git@github.com/acme/app.git',
];

const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7 + n) % 16]).join('');
/** A distinct key per form, so a leak names its form; mixed case, so it is not found as an unlabelled hex key. */
const keyOf = (i: number) => `Zq${hex(22)}Xw${String(i).padStart(8, '0')}`;
const hexKeyOf = (i: number, len: 32 | 40) => `${hex(len - 8)}${String(i).padStart(8, '0')}`;

interface Written {
  files: Map<string, string>;
  dir: string;
}

/** The real path: log files on disk → readExcerpt → buildBundle → files written by the server's createSupportBundle. */
async function writeBundle(
  logs: { name: string; text: string; findingLines?: number[] }[],
  stepsOf: (logDir: string) => ReturnType<typeof computeSteps>,
): Promise<Written & { redactions: Record<string, number> }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'asm-redact-'));
  const logDir = path.join(dir, 'logs');
  await fsp.mkdir(logDir);
  const evidence: LogFileEvidence[] = [];
  for (const l of logs) {
    const file = path.join(logDir, l.name);
    await fsp.writeFile(file, l.text);
    const n = l.text.split('\n').length;
    evidence.push({ path: file, summary: null, findingLines: l.findingLines ?? Array.from({ length: n }, (_, i) => i), appsec: null });
  }
  const steps = stepsOf(logDir);
  const service: Pick<StepsService, 'whenScanned' | 'compute' | 'getLogFiles' | 'getLanguage' | 'getSteps' | 'getAgentAddress' | 'getAgentResult'> = {
    whenScanned: async () => {},
    compute: () => ({ seq: 1, steps, language: { language: 'nodejs', source: null, reason: 'test' } }),
    getLogFiles: () => evidence,
    getLanguage: () => ({ language: 'nodejs', source: null, reason: 'test' }),
    getSteps: () => steps,
    getAgentAddress: () => undefined,
    getAgentResult: () => ({
      url: `http://dd:${keyOf(900)}@agent:8126`,
      infoUrl: 'http://agent:8126/info',
      outcome: 'ok',
      reachable: true,
      traceIntake: true,
      info: { version: '7.52.0', gitCommit: null, endpoints: ['/v0.4/traces'], receiverPort: 8126, defaultEnv: null, localIntake: false },
      message: `Agent 7.52.0 answers at http://dd:${keyOf(900)}@agent:8126`,
      elapsedMs: 3,
    }),
  };
  const out = path.join(dir, 'bundle');
  const r = await createSupportBundle({ folder: out, extensionVersion: '0.1.0', host: 'test' }, service as unknown as StepsService);
  assert.ok(r);
  const files = new Map<string, string>();
  for (const f of r.files) files.set(path.relative(out, f), await fsp.readFile(f, 'utf8'));
  return { files, dir, redactions: r.redactions };
}

test('the written bundle: no secret form survives in the excerpt files or the markdown', async () => {
  const secretLog = FORMS.map((f, i) => f(keyOf(i))).join('\n');
  const { files, dir, redactions } = await writeBundle([{ name: 'secrets.log', text: secretLog }], (logDir) =>
    computeSteps({
      language: 'nodejs',
      findings: [
        // Finding messages and extra-check evidence that quote configuration land in the markdown.
        {
          code: 'agent-no-data',
          severity: 'error',
          step: 'backend',
          message: `Startup: {"env":"DD_API_KEY=${keyOf(100)}"}`,
          file: path.join(logDir, 'secrets.log'),
          line: 0,
        },
        {
          code: 'agent-no-data',
          severity: 'error',
          step: 'backend',
          message: `span tags {"DD_API_KEY":"${keyOf(101)}","http.status_code":"200"}`,
          file: path.join(logDir, 'secrets.log'),
          line: 1,
        },
      ],
      extraChecks: {
        'test-attack': [
          {
            id: 'attack-response',
            title: 'The test attack reaches the application',
            status: 'pass',
            evidence: [{ text: `curl -A Arachni/v -H "Authorization: Bearer ${keyOf(102)}" http://127.0.0.1:3000/` }],
          },
        ],
      },
    }),
  );
  try {
    assert.deepEqual([...files.keys()], [BUNDLE_MARKDOWN, 'excerpts/secrets.log']);
    const excerpt = files.get('excerpts/secrets.log')!;
    const md = files.get(BUNDLE_MARKDOWN)!;
    // The excerpt holds every line (numbered), so the redactor really saw `N: …` prefixes.
    assert.equal(excerpt.split('\n').filter((l) => /^\d+: ?/.test(l)).length, secretLog.split('\n').length, excerpt);
    for (let i = 0; i < FORMS.length; i++) {
      const k = keyOf(i);
      assert.ok(!excerpt.includes(k), `excerpt leaks form ${i}: ${FORMS[i]('KEY')}\n${excerpt.split('\n').find((l) => l.includes(k))}`);
      assert.ok(!md.includes(k), `markdown leaks form ${i}: ${FORMS[i]('KEY')}\n${md.split('\n').find((l) => l.includes(k))}`);
    }
    for (const k of [keyOf(100), keyOf(101), keyOf(102), keyOf(900)])
      assert.ok(!md.includes(k), `markdown leaks ${k}\n${md.split('\n').find((l) => l.includes(k))}`);
    // The key names stay, so support sees what was set.
    assert.match(excerpt, /^\d+: DATADOG TRACER CONFIGURATION - \{"version":"5\.132\.0","env":"DD_API_KEY=\[REDACTED\]","appsec_enabled":true\}$/m);
    assert.match(excerpt, /^11: {11}value: \[REDACTED\]$/m);
    // A YAML block scalar keeps its indicator; the key on the next line is what goes.
    assert.match(excerpt, /^\d+: api_key: \|\n\d+: {3}\[REDACTED\]$/m);
    assert.match(md, /"DD_API_KEY":"\[REDACTED\]","http\.status_code":"200"/);
    assert.match(md, /http:\/\/dd:\[REDACTED\]@agent:8126/);
    const total = Object.values(redactions).reduce((a, b) => a + b, 0);
    assert.ok(total >= FORMS.length, JSON.stringify(redactions));
    assert.match(md, new RegExp(`${total} secret value\\(s\\) redacted`));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('the written bundle keeps what support needs verbatim: rule ids, trace/span/runtime ids, DDAS codes, LogStats, other DD_ variables, placeholders', async () => {
  const { files, dir, redactions } = await writeBundle([{ name: 'keep.log', text: KEEP.join('\n') }], () =>
    computeSteps({ language: 'nodejs', findings: [{ code: 'agent-no-data', severity: 'error', step: 'backend', message: KEEP[2], line: 2 }] }),
  );
  try {
    const excerpt = files.get('excerpts/keep.log')!;
    const md = files.get(BUNDLE_MARKDOWN)!;
    KEEP.forEach((line, i) => {
      assert.ok(excerpt.includes(`\n${i + 1}: ${line}\n`), `excerpt changed line ${i + 1}: ${line}`);
      assert.ok(md.includes(`${String(i + 1).padStart(6)}  ${line}\n`), `markdown changed line ${i + 1}: ${line}`);
    });
    assert.ok(!excerpt.includes(REDACTED));
    // Nothing but the agent URL's password (in the agent check's message) was redacted.
    assert.deepEqual(Object.keys(redactions), ['URL password']);
    assert.ok(!md.includes(keyOf(900)));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('the excerpt lines are redacted as one text: a Kubernetes name/value pair split over excerpt lines', () => {
  const b = buildBundle({
    createdAt: new Date(0),
    extensionVersion: '0.1.0',
    platform: 'linux x64',
    language: { language: null, reason: 'test' },
    steps: computeSteps({ language: null, findings: [] }),
    logs: [
      {
        path: '/srv/k8s.log',
        tracer: null,
        version: null,
        appsec: null,
        lines: [
          { line: 40, text: '- name: DD_API_KEY' },
          { line: 41, text: `  value: ${keyOf(7)}` },
        ],
        omitted: 0,
      },
    ],
  });
  for (const f of b.files) assert.ok(!f.content.includes(keyOf(7)), f.name);
  assert.match(b.files[1].content, /^42: {3}value: \[REDACTED\]$/m);
});

test('redactLines keeps the line count and redacts across lines', () => {
  const r = redactLines(['- name: DD_APP_KEY', `  value: '${keyOf(8)}'`, 'plain', '']);
  assert.deepEqual(r.lines, ['- name: DD_APP_KEY', `  value: '${REDACTED}'`, 'plain', '']);
  assert.deepEqual(r.counts, { 'secret value': 1 });
});

test('unlabelled 32- and 40-hex keys are redacted; hex trace ids and commits named as such stay', () => {
  for (const [i, f] of HEX_FORMS.entries()) {
    for (const len of [32, 40] as const) {
      const k = hexKeyOf(i, len);
      const out = redact(f(k)).text;
      assert.ok(!out.toLowerCase().includes(k), `hex form ${i} (${len}): ${out}`);
    }
  }
});

test('PEM private keys go whole, line by line, and the line count stays', () => {
  const pem = ['-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEIBq2', 'oAoGCCqGSM49', '-----END EC PRIVATE KEY-----', 'after'];
  const r = redactLines(pem);
  assert.deepEqual(r.lines, ['-----BEGIN EC PRIVATE KEY-----', REDACTED, REDACTED, '-----END EC PRIVATE KEY-----', 'after']);
});

const hexKey = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
/** A key with upper case in it (so not an unlabelled hex key): only the form's structure can find it. */
const alnumKey = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 30, maxLength: 38 }),
    fc.constantFrom('Q', 'Z', 'K'),
    fc.constantFrom('7', '3'),
  )
  .map(([s, u, d]) => `${u}${s}${d}`);
/** What stands between random text and the form: any non-key character a real line has there (or a line break). */
const boundary = fc.constantFrom(' ', '\t', '\n', '\r\n', ',', ';', '"', "'", '(', '[', '{', '|', '> ', ': ', '=', '&', '`', '\\');
const around = fc.string({ maxLength: 40 });
const formIndex = fc.integer({ min: 0, max: FORMS.length - 1 });

test('property: a random 32-hex key in any known form, inside random text, never comes out of redact()', () => {
  fc.assert(
    fc.property(around, boundary, formIndex, hexKey, boundary, around, (pre, b1, i, k, b2, post) => {
      const text = `${pre}${b1}${FORMS[i](k)}${b2}${post}`;
      const out = redact(text).text;
      assert.ok(!out.includes(k), `form ${i}: ${JSON.stringify(text)}\n→ ${JSON.stringify(out)}`);
      // Idempotent on the same inputs.
      assert.equal(redact(out).text, out);
    }),
    { numRuns: 3000 },
  );
});

test('property: a random mixed-case key in any known form, inside random text, never comes out of redact()', () => {
  fc.assert(
    fc.property(around, boundary, formIndex, alnumKey, boundary, around, (pre, b1, i, k, b2, post) => {
      const text = `${pre}${b1}${FORMS[i](k)}${b2}${post}`;
      const out = redact(text).text;
      assert.ok(!out.includes(k), `form ${i}: ${JSON.stringify(text)}\n→ ${JSON.stringify(out)}`);
      assert.equal(redact(out).text, out);
      assert.equal(out.split('\n').length, text.split('\n').length, 'line count');
    }),
    { numRuns: 4000 },
  );
});

test('property: the same through the bundle (excerpt lines with line numbers, and the markdown)', () => {
  fc.assert(
    fc.property(around, boundary, formIndex, fc.oneof(hexKey, alnumKey), around, fc.nat(100_000), (pre, b1, i, k, post, first) => {
      const text = `${pre}${b1}${FORMS[i](k)} ${post}`;
      const lines = text.split(/\r?\n/).map((t, n) => ({ line: first + n, text: t }));
      const b = buildBundle({
        createdAt: new Date(0),
        extensionVersion: '0.1.0',
        platform: 'linux x64',
        language: { language: null, reason: 'test' },
        steps: computeSteps({ language: null, findings: [{ code: 'agent-no-data', severity: 'error', step: 'backend', message: text }] }),
        logs: [{ path: '/srv/app.log', tracer: null, version: null, appsec: null, lines, omitted: 0 }],
      });
      for (const f of b.files) assert.ok(!f.content.includes(k), `${f.name} leaks form ${i}: ${JSON.stringify(text)}`);
    }),
    { numRuns: 300 },
  );
});

test('redaction stays linear on 10 MB lines shaped against the new scans (chains of keys, values, pairs)', () => {
  const shapes = [
    'api_key='.repeat(1_250_000), // every key's value runs to the same end
    'a=a='.repeat(2_500_000),
    '2: '.repeat(3_300_000),
    '"env":"'.repeat(1_400_000),
    'value:'.repeat(1_700_000),
    'value: x\n'.repeat(1_100_000),
    '- name: DD_API_KEY\n'.repeat(500_000),
    '--api-key '.repeat(1_000_000),
    'Authorization: Digest '.repeat(450_000),
    'Cookie: '.repeat(1_250_000),
    `DD_API_KEY="${'x'.repeat(10_000_000)}`,
    '\\"'.repeat(5_000_000),
    '?api_key=&'.repeat(1_000_000),
    'http://a:b'.repeat(1_000_000),
    '<add key="DD_API_KEY" '.repeat(450_000),
    'name=a value=b '.repeat(650_000),
    'ENV DD_API_KEY '.repeat(650_000),
    'setenv DD_API_KEY\t'.repeat(550_000),
    '("DD_API_KEY",'.repeat(700_000),
    'api_key: |\n'.repeat(900_000),
    'api_key:\n '.repeat(900_000),
    `api_key: |\n${' a\n'.repeat(3_000_000)}`,
    '-----BEGIN PRIVATE KEY-----'.repeat(380_000),
    `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(10_000_000)}`,
    'https://aaaaaaaa'.repeat(600_000),
    'value: x\n- name: '.repeat(550_000),
    '0123456789abcdef'.repeat(650_000),
    `DD_API_KEY${' '.repeat(10_000_000)}`,
    `Bearer${' '.repeat(10_000_000)}x`,
    'Bearer '.repeat(1_400_000),
  ];
  for (const big of shapes) {
    const r = redact(big);
    assert.equal(typeof r.text, 'string');
  }
});
