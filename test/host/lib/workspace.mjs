// Workspace helpers for UI scenarios: the workspace copy's .vscode/settings.json (merged, never overwritten: every
// scenario's setup runs before the workbench opens, in file-name order, into the same workspace), and tracer-like
// msgpack traces for the local trace intake.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from '@msgpack/msgpack';

function settingsFile(ws) {
  return path.join(ws, '.vscode', 'settings.json');
}

/** The workspace settings as they are now (the runner's workbench reads the same file). */
export function readSettings(ws) {
  const f = settingsFile(ws);
  // JSON with comments, as VS Code writes it (demo/.vscode/settings.json has some): whole-line comments only.
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '')) : {};
}

/** Adds `values` to the workspace settings, keeping the other scenarios' keys. */
export function mergeSettings(ws, values) {
  mkdirSync(path.dirname(settingsFile(ws)), { recursive: true });
  writeFileSync(settingsFile(ws), JSON.stringify({ ...readSettings(ws), ...values }, null, 2));
}

let nextId = 1000n;

/**
 * One v0.4 trace as dd-trace-js sends it: a web request span with, when `rule` is given, the ASM event
 * (appsec.event, _dd.appsec.json with the rule that fired and what it matched).
 */
export function webTrace({ service, path: urlPath = '/', rule = null, status = 200, userAgent = 'Mozilla/5.0' }) {
  const traceId = nextId++;
  const meta = {
    'http.method': 'GET',
    'http.url': `http://127.0.0.1:3000${urlPath}`,
    'http.status_code': String(status),
    'http.useragent': userAgent,
    'http.client_ip': '127.0.0.1',
    'span.kind': 'server',
    language: 'javascript',
  };
  const metrics = { _sampling_priority_v1: rule ? 2 : 1, '_dd.appsec.enabled': 1 };
  if (rule) {
    meta['appsec.event'] = 'true';
    meta['_dd.appsec.json'] = JSON.stringify({
      triggers: [
        {
          rule: { id: rule.id, name: rule.name, tags: { type: rule.type ?? 'attack_tool', category: 'attack_attempt' } },
          rule_matches: [
            {
              operator: 'match_regex',
              operator_value: rule.pattern ?? '.',
              parameters: [
                {
                  address: 'server.request.headers.no_cookies',
                  key_path: ['user-agent'],
                  value: rule.value ?? userAgent,
                  highlight: [rule.value ?? userAgent],
                },
              ],
            },
          ],
        },
      ],
    });
  }
  return [
    {
      trace_id: traceId,
      span_id: traceId + 1n,
      parent_id: 0n,
      name: 'express.request',
      resource: `GET ${urlPath}`,
      service,
      type: 'web',
      start: BigInt(Date.now()) * 1_000_000n,
      duration: 1_500_000n,
      error: 0,
      meta,
      metrics,
    },
  ];
}

/** PUTs traces to the local intake's /v0.4/traces as a tracer does; returns the HTTP status. */
export async function sendTraces(port, traces) {
  const res = await fetch(`http://127.0.0.1:${port}/v0.4/traces`, {
    method: 'PUT',
    body: encode(traces, { useBigInt64: true }),
    headers: { 'content-type': 'application/msgpack', 'x-datadog-trace-count': String(traces.length), 'datadog-meta-lang': 'nodejs' },
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}
