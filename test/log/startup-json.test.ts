// The startup JSON parser: whole objects with JSON.parse; truncated ones field by field, on the first 64 KB only
// (real startup objects are a few KB; megabytes of field-like text must not cost seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStartupJson, STARTUP_FALLBACK_MAX } from '../../src/core/log/rules/startup';
import { analyze, codes } from './helpers';

/** `"f0":0,"f1":1,…` up to at least n characters. */
function fields(n: number): string {
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < n; i++) {
    const p = `"f${i}":${i},`;
    parts.push(p);
    len += p.length;
  }
  return parts.join('');
}

test('a complete object is parsed whole, whatever its size', () => {
  const big = `{${fields(STARTUP_FALLBACK_MAX + 1000)}"appsec_enabled":false}`;
  assert.equal(parseStartupJson(big, 0)?.appsec_enabled, false);
});

test('a truncated object: fields in the first 64 KB are read, later ones are not', () => {
  const head = `{"version":"3.21.0.0","lang":".NET","appsec_enabled":false,`;
  const cfg = parseStartupJson(`${head}${fields(STARTUP_FALLBACK_MAX)}"agent_reachable":false,"trunc`, 0);
  assert.ok(cfg);
  assert.equal(cfg.appsec_enabled, false);
  assert.equal(cfg.f0, 0);
  assert.equal('agent_reachable' in cfg, false);
  // Within the bound the same late field is read.
  const small = parseStartupJson(`${head}${fields(1000)}"agent_reachable":false,"trunc`, 0);
  assert.equal(small?.agent_reachable, false);
});

test('a truncated .NET line whose appsec field lies in the first 64 KB still gives its findings', () => {
  const line = `2023-12-06 11:29:18.051 +00:00 [INF] DATADOG TRACER CONFIGURATION - {"version":"2.43.0.0","lang":".NET","appsec_enabled":false,${fields(STARTUP_FALLBACK_MAX * 4)}`;
  assert.deepEqual(codes(analyze(line)), ['appsec-disabled']);
});
