// The tracer message catalogue end to end: one fixture log per tracer (test/fixtures/logs/catalogue/, each built
// from the format strings of the repo and commit its header names) through `asm-troubleshooter check --json`,
// asserting the codes raised line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { analyze, fixture, FIXTURES } from './helpers';

const CLI = path.resolve('dist/cli.js');

function checkCodes(rel: string): string[] {
  const r = spawnSync(process.execPath, [CLI, 'check', '--json', path.join(FIXTURES, 'catalogue', rel)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { files: { findings: { code: string; line: number }[] }[] };
  return j.files[0]!.findings.map((f) => `${f.line}:${f.code}`);
}

const EXPECTED: Record<string, string[]> = {
  'java.log': [
    '4:appsec-start-failed',
    '5:appsec-start-failed',
    '6:appsec-start-failed',
    '7:appsec-start-failed',
    '8:remote-config-disabled',
    '9:appsec-rules-custom',
    '10:appsec-rules-errors',
    '11:appsec-blocking-failed',
    '12:appsec-waf-timeout',
  ],
  'dotnet.log': [
    '4:appsec-config-invalid',
    '5:appsec-start-failed',
    '6:appsec-start-failed',
    '7:appsec-start-failed',
    '8:appsec-rules-errors',
    '9:appsec-rules-errors',
    '10:appsec-blocking-failed',
    '11:remote-config-disabled',
  ],
  'go.log': [
    '4:appsec-start-failed',
    '5:appsec-start-failed',
    '7:appsec-config-invalid',
    '8:remote-config-disabled',
    '9:appsec-rules-custom',
    '10:appsec-rules-errors',
    '11:appsec-waf-timeout',
    '12:rate-limited',
  ],
  'ruby.log': [
    '5:appsec-start-failed',
    '6:appsec-start-failed',
    '7:appsec-start-failed',
    '8:appsec-start-failed',
    '9:remote-config-disabled',
    '10:remote-config-disabled',
    '11:appsec-rules-errors',
    '12:appsec-waf-timeout',
    '13:rate-limited',
  ],
  'php.log': [
    '4:php-helper-version-mismatch',
    '5:php-helper-connection-failed',
    '6:php-helper-connection-failed',
    '7:php-helper-connection-failed',
    '8:php-ddtrace-missing',
    '9:php-ddtrace-missing',
    '10:php-ddtrace-missing',
    '11:appsec-start-failed',
    '12:php-helper-connection-failed',
  ],
  'php-helper.log': [
    '3:remote-config-disabled',
    '4:appsec-rules-errors',
    '5:remote-config-disabled',
    '6:php-helper-connection-failed',
    '7:php-helper-connection-failed',
  ],
  'nodejs.log': [
    '4:appsec-start-failed',
    '5:appsec-start-failed',
    '6:appsec-start-failed',
    '7:appsec-start-failed',
    '8:appsec-start-failed',
    '9:appsec-rules-errors',
    '10:appsec-blocking-failed',
    '11:appsec-blocking-failed',
  ],
  // `datadog-agent status` output is read by its own reader (core/agent/status): one finding for the organization and
  // key (remote-config-unauthorized), the disabled reason, and the version from the status title.
  'agent.log': ['6:agent-too-old', '15:remote-config-disabled', '13:remote-config-unauthorized'],
};

for (const [file, want] of Object.entries(EXPECTED)) {
  test(`check --json on the ${file} catalogue fixture gives each line's code`, () => {
    assert.deepEqual(checkCodes(file), want);
  });
}

/** The cause class each fixture's start failures carry (finding data, not in the JSON output). */
const CAUSES: Record<string, string[]> = {
  'java.log': ['4:missing-library', '5:noexec-tmp', '6:unsupported-platform', '7:rules-file'],
  'dotnet.log': ['5:missing-library', '6:missing-library', '7:version-mismatch'],
  'go.log': ['4:cgo-disabled', '5:libc-mismatch'],
  'ruby.log': ['5:platform-gem', '6:unexpected', '7:ffi-mismatch', '8:rules-file'],
  // Line 7 is the [ASM]-tagged message of an older kb entry: it takes the cause of the catalogue's wider pattern.
  'nodejs.log': ['4:unexpected', '5:unsupported-platform', '6:missing-library', '7:missing-library', '8:bundler'],
};

for (const [file, want] of Object.entries(CAUSES)) {
  test(`the start failures of the ${file} catalogue fixture name their cause class`, () => {
    const got = analyze(fixture(`catalogue/${file}`))
      .findings.filter((f) => f.code === 'appsec-start-failed')
      .map((f) => `${f.range.start.line + 1}:${String(f.data?.cause)}`);
    assert.deepEqual(got, want);
  });
}

test('appsec-rules-errors carries the rule ids the line names (a list group, or the WAF diagnostics it quotes)', () => {
  const rules = (file: string) =>
    analyze(fixture(`catalogue/${file}`))
      .findings.filter((f) => f.code === 'appsec-rules-errors')
      .map((f) => `${f.range.start.line + 1}:${JSON.stringify(f.data?.rules ?? null)}`);
  assert.deepEqual(rules('java.log'), ['10:["crs-913-110"]']);
  assert.deepEqual(rules('dotnet.log'), ['8:["crs-913-110","crs-920-260"]', '9:null']);
  assert.deepEqual(rules('go.log'), ['10:["crs-913-110","crs-920-260"]']);
  assert.deepEqual(rules('php-helper.log'), ['4:["crs-913-110"]']);
});
