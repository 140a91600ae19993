// Hovers in logs answer from the knowledge base: DDAS codes, rule ids, startup-JSON fields, span tags, env vars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoverAt } from '../../src/core/hover';

const at = (line: string, token: string, off = 1) => hoverAt(line, line.indexOf(token) + off);

test('DDAS codes and the seed misprint', () => {
  const h = at('[2024-01-01 10:00:00.000][info][42] DDAS-0014-00: AppSec has started', 'DDAS');
  assert.match(h!.markdown, /\*\*DDAS-0014-00\*\* — AppSec has started \(startup, info\)/);
  assert.match(at('DAS-0011-00: AppSec In-App WAF returned:', 'DAS')!.markdown, /misprint/);
});

test('rule ids show name, type and regex', () => {
  const h = at('DDAS-0012-01: Detecting an attack from rule ua0-600-12x', 'ua0');
  assert.match(h!.markdown, /Arachni[\s\S]*attack_tool[\s\S]*\^Arachni\\\/v/);
});

test('startup-JSON fields and span tags', () => {
  const line = 'DATADOG TRACER CONFIGURATION - {"version":"2.43.0.0","disabled_integrations":["AspNet"],"agent_error":"","appsec_enabled":false}';
  assert.match(at(line, '"appsec_enabled"')!.markdown, /\*\*appsec_enabled\*\* — startup-log field[\s\S]*Application Security is running/);
  assert.match(at(line, '"disabled_integrations"')!.markdown, /AspNet/);
  assert.match(at(line, '"agent_error"')!.markdown, /connectivity check/);
  const h = at('   appsec.event => true,', 'appsec.event');
  assert.match(h!.markdown, /span tag[\s\S]*@appsec\.event:true/);
  assert.equal(h!.start, 3);
  assert.match(at('"_dd.appsec.rate_limit.dropped_traces":3', '_dd')!.markdown, /rate limiter/);
});

test('env vars named in a line', () => {
  const line =
    '2022/02/17 14:49:00 Datadog Tracer v1.36.0 DEBUG: appsec: disabled by the configuration: set the environment variable DD_APPSEC_ENABLED to true to enable it';
  assert.match(at(line, 'DD_APPSEC_ENABLED')!.markdown, /\*\*DD_APPSEC_ENABLED\*\*/);
});

test('no hover on plain words or unknown keys', () => {
  assert.equal(hoverAt('hello world', 2), null);
  assert.equal(at('{"os_name":"Linux"}', 'os_name'), null);
});
