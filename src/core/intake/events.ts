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

/** Bounds on what one event keeps (a payload's triggers are attacker-controlled text). */
export const EVENT_LIMITS = { maxJsonChars: 1024 * 1024, maxTriggers: 100, maxMatches: 50, maxValueChars: 4096 } as const;

/** Parses `_dd.appsec.json`; tolerant: unknown shapes give no trigger rather than an exception. */
export function parseAppsecJson(json: string): { triggers: AsmTrigger[]; error?: string } {
  if (json.length > EVENT_LIMITS.maxJsonChars)
    return { triggers: [], error: `_dd.appsec.json is ${json.length} characters, more than ${EVENT_LIMITS.maxJsonChars}: not read` };
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    return { triggers: [], error: `_dd.appsec.json is not JSON: ${(e as Error).message}` };
  }
  return parseAppsecValue(v, '_dd.appsec.json');
}

/** The triggers of `{"triggers":[…]}` — from `_dd.appsec.json` or meta_struct["appsec"] (same shape, msgpack). */
export function parseAppsecValue(v: unknown, what = 'meta_struct["appsec"]'): { triggers: AsmTrigger[]; error?: string } {
  const raw = (v as { triggers?: unknown })?.triggers;
  if (!Array.isArray(raw)) return { triggers: [], error: `${what} has no triggers array` };
  const triggers: AsmTrigger[] = [];
  for (const t of raw.slice(0, EVENT_LIMITS.maxTriggers) as Array<Record<string, unknown>>) {
    const rule = (t?.rule ?? {}) as Record<string, unknown>;
    const tags = (rule.tags ?? {}) as Record<string, unknown>;
    const matches: AsmMatch[] = [];
    for (const m of Array.isArray(t?.rule_matches) ? (t.rule_matches as Array<Record<string, unknown>>) : []) {
      for (const p of Array.isArray(m?.parameters) ? (m.parameters as Array<Record<string, unknown>>) : []) {
        if (matches.length >= EVENT_LIMITS.maxMatches) break;
        matches.push({
          address: (asString(p?.address) ?? '').slice(0, 500),
          keyPath: Array.isArray(p?.key_path) ? (p.key_path as unknown[]).slice(0, 20).map((x) => String(x).slice(0, 200)) : [],
          value: (asString(p?.value) ?? '').slice(0, EVENT_LIMITS.maxValueChars),
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

/** Characters of `_dd.appsec.json` parsed per payload at most (v0.5 can point 100,000 spans at one 1 MB string). */
export const JSON_BUDGET_PER_PAYLOAD = 32 * 1024 * 1024;

/** Rough heap bytes an event keeps (for the intake's bound on kept events). */
export function eventBytes(e: AsmEvent): number {
  let n = 400;
  for (const t of e.triggers) {
    n += 100 + 2 * (t.ruleId.length + t.ruleName.length);
    for (const m of t.matches) n += 80 + 2 * (m.address.length + m.value.length + m.keyPath.reduce((a, k) => a + k.length, 0));
  }
  return n;
}

/** The ASM event a span carries, or null. `budget.chars`: what is left to parse of this payload's JSON. */
export function asmEventOf(span: Span, receivedAt = Date.now(), budget?: { chars: number }): AsmEvent | null {
  if (!isAsmSpan(span)) return null;
  const m = span.meta;
  let json: string | undefined = m['_dd.appsec.json'];
  let overBudget = false;
  if (json !== undefined && budget) {
    if (json.length > budget.chars) {
      overBudget = true;
      json = undefined;
    } else budget.chars -= json.length;
  }
  // dd-trace-py ≥ 2.8 writes the triggers to meta_struct["appsec"] instead; both forms are read from every tracer.
  const struct = span.metaStruct?.appsec;
  const parsed = overBudget
    ? { triggers: [], error: 'this payload holds more _dd.appsec.json than the intake reads: not read' }
    : json !== undefined
      ? parseAppsecJson(json)
      : struct !== undefined
        ? parseAppsecValue(struct)
        : { triggers: [], error: 'span has appsec.event but neither _dd.appsec.json nor meta_struct["appsec"]' };
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
