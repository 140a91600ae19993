// User-facing text says what happened and what to do. Where a fact comes from (`source`) stays in the knowledge
// base for maintainers; it never reaches a message, a fix or a hover: no seed or tracer file names, no source paths,
// no "built from the … template", no "the guide's check #1". Plain-text surfaces (Problems) get no markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { kb } from '../../src/core/kb';
import { analyzeText, type DocKind } from '../../src/core/analyze';
import { hoverAt } from '../../src/core/hover';
import { problemDiagnostics } from '../../src/server/problems';

/** What internal text looks like. */
const INTERNAL: [string, RegExp][] = [
  ['a seed file name', /\b[0-9]{3}_[0-9a-f]{16}\.txt\b/],
  ['a research note', /\b(?:asm-formats|real-world-failures|node-dd-trace|vscode-host|extension-anchors)\.md\b|§/],
  ['a tracer source path', /\bDataDog\/[\w.-]+|\b(?:src|lib|internal|pkg|tracer)\/[\w./-]+\.(?:cs|go|java|rb|py|js|ts|cpp|hpp|c|h)\b/],
  ['a source file name', /\b[\w-]+\.(?:cs|go|java|rb|py|cpp|hpp)\b(?![\w-])/],
  ['provenance ("built from", "template", "catalogue")', /\bbuilt from\b|\btemplates?\b(?! for)|\bcatalogue\b|\bspdlog\b/i],
  ["a reference to the guide's numbered checks", /\bguide's\b|\bcheck #?\d|\bcheck \d[a-z]\b|\bthe seed\b|\bseed's\b/i],
];

function offences(text: string): string[] {
  // The Datadog Agent's own log prefix, quoted as the line to look for, is what users see in their log.
  const t = text.replace(/\(pkg\/[\w/.-]{1,200}\.go:\d{1,6} in \w{1,80}\)/g, '');
  return INTERNAL.filter(([, re]) => re.test(t)).map(([what]) => what);
}

/** Balanced backquotes (markdown code spans in hovers): an odd count shows a stray one. */
const stray = (s: string) => (s.match(/`/g)?.length ?? 0) % 2 === 1;

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(p) ? [p] : [];
  });
}

test('every knowledge-base message meaning, finding meaning and fix, DDAS text and step text is free of internal text', () => {
  const k = kb().data;
  const texts: [string, string][] = [
    ...k.messages.map((m) => [`messages.yaml ${m.id}`, m.meaning] as [string, string]),
    ...k.findings.flatMap(
      (f) =>
        [
          [`findings.yaml ${f.code} meaning`, f.meaning],
          [`findings.yaml ${f.code} fix`, f.fix],
          [`findings.yaml ${f.code} title`, f.title],
        ] as [string, string][],
    ),
    ...k.ddas.flatMap(
      (d) =>
        [
          [`ddas.yaml ${d.code} meaning`, d.meaning],
          [`ddas.yaml ${d.code} fix`, d.fix],
        ] as [string, string][],
    ),
    ...k.steps.flatMap((s): [string, string][] => [
      [`steps.yaml ${s.id}`, s.description],
      ...s.checks.map((c): [string, string] => [`steps.yaml ${s.id} ${c.title}`, `${c.title} ${c.detail ?? ''}`]),
    ]),
  ];
  assert.ok(texts.length > 100, String(texts.length));
  const bad = texts.flatMap(([where, t]) => [...offences(t).map((o) => `${where}: ${o}: ${t}`), ...(stray(t) ? [`${where}: a stray backquote: ${t}`] : [])]);
  assert.deepEqual(bad, []);
});

test('every finding rendered from the fixture logs, ini files and demo: no internal text, and no backquote in Problems', () => {
  const inputs: [string, DocKind][] = [
    ...files('test/fixtures/logs', /\.(?:log|rb)$/).map((f) => [f, 'log'] as [string, DocKind]),
    ...files('demo/logs', /\.log$/).map((f) => [f, 'log'] as [string, DocKind]),
    ...files('test/fixtures/ini', /\.ini$/).map((f) => [f, 'php-ini'] as [string, DocKind]),
    ['demo/98-ddappsec.ini', 'php-ini'],
  ];
  let n = 0;
  const bad: string[] = [];
  for (const [file, kind] of inputs) {
    const a = analyzeText(kind, readFileSync(file, 'utf8'), { path: path.resolve(file) });
    for (const f of a.findings) {
      n++;
      for (const o of offences(f.message)) bad.push(`${file}:${f.range.start.line + 1} ${f.code}: ${o}: ${f.message}`);
      for (const fix of f.fixes ?? []) for (const o of offences(fix.title)) bad.push(`${file} ${f.code} fix title: ${o}: ${fix.title}`);
    }
    for (const d of problemDiagnostics('file:///x', a.findings, kind === 'log' ? 'log' : 'ini'))
      if (d.message.includes('`')) bad.push(`${file} ${d.code}: a backquote in Problems: ${d.message}`);
  }
  assert.ok(n > 80, String(n));
  assert.deepEqual(bad, []);
});

test('hovers on every kind of token name no source file or path', () => {
  const lines = [
    '[2024-01-01 10:00:00.000][debug][42] DDAS-0012-01: Detected an attack',
    'rule ua0-600-12x matched',
    'DD_APPSEC_ENABLED=true DD_TRACE_AGENT_URL=http://x',
    'DATADOG TRACER CONFIGURATION - {"appsec_enabled":true,"agent_url":"x"}',
    'ddappsec.helper_socket_path = /tmp/x.sock',
    'datadog.appsec.enabled = 1',
  ];
  let n = 0;
  for (const l of lines) {
    for (let c = 0; c < l.length; c++) {
      const h = hoverAt(l, c);
      if (!h) continue;
      n++;
      assert.deepEqual(offences(h.markdown), [], `${l} @${c}: ${h.markdown}`);
      assert.doesNotMatch(h.markdown, /_Source:/);
    }
  }
  assert.ok(n > 20, String(n));
});

test('the unwritable-path fix does not say "move it to /var/run/ddappsec/" about a path already there', () => {
  const a = analyzeText('php-ini', 'datadog.appsec.helper_runtime_path = /var/run/ddappsec/\nddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock\n', {
    path: '/etc/php/8.2/fpm/conf.d/98-ddappsec.ini',
  });
  const fs = a.findings.filter((f) => f.code === 'ini-unwritable-path');
  if (!fs.length) return; // the directory exists on this machine: nothing to say
  for (const f of fs) {
    assert.doesNotMatch(f.message, /move it to/, f.message);
    assert.match(f.message, /sudo install -d -o www-data -g www-data -m 0750 \/var\/run\/ddappsec/);
    assert.deepEqual(f.fixes ?? [], []);
  }
});
