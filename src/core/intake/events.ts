// ASM events inside received spans: a span with meta `appsec.event: "true"` carries `_dd.appsec.json`
// ({"triggers":[{"rule":{"id","name","tags"},"rule_matches":[{"operator","parameters":[{"address","key_path","value"}]}]}]})
// and request tags (shared/facts/node-dd-trace.md "Span tags of a detected attack").
import type { Span } from './decode';

export interface AsmMatch {
  address: string;
  keyPath: string[];
  value: string;
  operator?: string;
}

export interface AsmTrigger {
  ruleId: string;
  ruleName: string;
  type?: string;
  category?: string;
  matches: AsmMatch[];
}

export interface AsmEvent {
  traceId: string;
  spanId: string;
  service: string;
  resource: string;
  url: string | null;
  method: string | null;
  status: number | null;
  clientIp: string | null;
  userAgent: string | null;
  /** `appsec.blocked` = "true": the tracer answered with the block response. */
  blocked: boolean;
  /** The first trigger's rule (most events have one). */
  ruleId: string | null;
  ruleName: string | null;
  /** The first match of the first trigger. */
  address: string | null;
  value: string | null;
  triggers: AsmTrigger[];
  /** Set when `_dd.appsec.json` was missing or not valid JSON. */
  parseError?: string;
  receivedAt: number;
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Parses `_dd.appsec.json`; tolerant: unknown shapes give no trigger rather than an exception. */
export function parseAppsecJson(json: string): { triggers: AsmTrigger[]; error?: string } {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    return { triggers: [], error: `_dd.appsec.json is not JSON: ${(e as Error).message}` };
  }
  const raw = (v as { triggers?: unknown })?.triggers;
  if (!Array.isArray(raw)) return { triggers: [], error: '_dd.appsec.json has no triggers array' };
  const triggers: AsmTrigger[] = [];
  for (const t of raw as Array<Record<string, unknown>>) {
    const rule = (t?.rule ?? {}) as Record<string, unknown>;
    const tags = (rule.tags ?? {}) as Record<string, unknown>;
    const matches: AsmMatch[] = [];
    for (const m of Array.isArray(t?.rule_matches) ? (t.rule_matches as Array<Record<string, unknown>>) : []) {
      for (const p of Array.isArray(m?.parameters) ? (m.parameters as Array<Record<string, unknown>>) : []) {
        matches.push({
          address: asString(p?.address) ?? '',
          keyPath: Array.isArray(p?.key_path) ? (p.key_path as unknown[]).map((x) => String(x)) : [],
          value: asString(p?.value) ?? '',
          ...(asString(m.operator) ? { operator: asString(m.operator)! } : {}),
        });
      }
    }
    triggers.push({
      ruleId: asString(rule.id) ?? '',
      ruleName: asString(rule.name) ?? '',
      ...(asString(tags.type) ? { type: asString(tags.type)! } : {}),
      ...(asString(tags.category) ? { category: asString(tags.category)! } : {}),
      matches,
    });
  }
  return { triggers };
}

export function isAsmSpan(span: Span): boolean {
  return span.meta['appsec.event'] === 'true';
}

/** The ASM event a span carries, or null. */
export function asmEventOf(span: Span, receivedAt = Date.now()): AsmEvent | null {
  if (!isAsmSpan(span)) return null;
  const m = span.meta;
  const json = m['_dd.appsec.json'];
  const parsed = json === undefined ? { triggers: [], error: 'span has appsec.event but no _dd.appsec.json' } : parseAppsecJson(json);
  const first = parsed.triggers[0];
  const match = first?.matches[0];
  const status = m['http.status_code'] !== undefined ? Number(m['http.status_code']) : NaN;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    service: span.service,
    resource: span.resource,
    url: m['http.url'] ?? null,
    method: m['http.method'] ?? null,
    status: Number.isFinite(status) ? status : null,
    clientIp: m['http.client_ip'] ?? m['network.client.ip'] ?? null,
    userAgent: m['http.useragent'] ?? m['http.request.headers.user-agent'] ?? null,
    blocked: m['appsec.blocked'] === 'true',
    ruleId: first?.ruleId || null,
    ruleName: first?.ruleName || null,
    address: match?.address || null,
    value: match ? match.value : null,
    triggers: parsed.triggers,
    ...(parsed.error ? { parseError: parsed.error } : {}),
    receivedAt,
  };
}
