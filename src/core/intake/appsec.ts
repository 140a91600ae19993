// What the received spans prove about ASM per service, without an attack (issue 15 §2):
// - `_dd.appsec.enabled` (metric 1) on a web root span: ASM runs in that service and its framework is instrumented;
//   web root spans without it, from a service whose tracer sends, are a finding (appsec-not-in-spans);
// - rules and WAF health, tagged on the first request after the WAF loads: `_dd.appsec.event_rules.loaded`,
//   `…error_count`, `…errors`, `…version`, `_dd.appsec.waf.version`, and `_dd.appsec.waf.timeouts` per request
//   (dd-trace-js appsec/reporter.js reportWafInit/finishRequest; .NET Tags.cs/Metrics.cs; asm-formats.md §4.4);
// - the client IP the tracer resolved (`http.client_ip`, `network.client.ip`) against the forwarding headers on
//   the span (`http.request.headers.<name>`, collected on ASM events): a private or loopback address although a
//   forwarding header is present → client-ip-private. A direct loopback request (no forwarding header) is expected.
// Bounded: at most MAX_SERVICES services, each keeping counters and the last few values.
import { BlockList, isIP } from 'node:net';
import { range, type Finding } from '../finding';
import { makeFinding } from '../findings';
import type { Evidence } from '../steps';
import type { Span } from './decode';

/**
 * The client-IP headers in the order the tracers read them; the first public address wins, else the first private
 * one (dd-trace-js packages/dd-trace/src/plugins/util/ip_extractor.js; dd-trace-py ddtrace/contrib/internal/
 * trace_utils.py:70-81 has the same list).
 */
export const CLIENT_IP_HEADERS = [
  'x-forwarded-for',
  'x-real-ip',
  'true-client-ip',
  'x-client-ip',
  'forwarded',
  'forwarded-for',
  'x-cluster-client-ip',
  'fastly-client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
] as const;

/** Private, loopback and link-local ranges as dd-trace-js's ip_extractor.js lists them. */
const PRIVATE = new BlockList();
for (const [a, p] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['100.65.0.0', 10],
] as const)
  PRIVATE.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::1', 128],
  ['fec0::', 10],
  ['fe80::', 10],
  ['fc00::', 7],
  ['fd00::', 8],
] as const)
  PRIVATE.addSubnet(a, p, 'ipv6');

/** The address without brackets, port or IPv4-mapped prefix; null when it is not an IP. */
export function cleanIp(raw: string): string | null {
  let s = raw.trim().slice(0, 100);
  if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    s = end > 0 ? s.slice(1, end) : s;
  } else if (s.indexOf(':') === s.lastIndexOf(':') && s.includes('.')) s = s.split(':')[0]!; // 1.2.3.4:5678
  if (s.toLowerCase().startsWith('::ffff:') && isIP(s.slice(7)) === 4) s = s.slice(7);
  return isIP(s) ? s : null;
}

export function isPrivateIp(ip: string): boolean {
  const v = isIP(ip);
  return v === 4 ? PRIVATE.check(ip, 'ipv4') : v === 6 ? PRIVATE.check(ip, 'ipv6') : false;
}

/** The addresses a forwarding header carries (the `for=` of `Forwarded`), in order. */
export function headerIps(name: string, value: string): string[] {
  const out: string[] = [];
  for (let chunk of value.slice(0, 4096).split(',', 50)) {
    if (name === 'forwarded') {
      const f = chunk.split(';').find((x) => x.trim().toLowerCase().startsWith('for='));
      if (f) chunk = f.trim().slice(4);
    }
    const ip = cleanIp(chunk);
    if (ip) out.push(ip);
  }
  return out;
}

/** Tracer language from a span's tags (the `language` tag most tracers set, else `_dd.runtime_family`). */
export function spanLanguage(s: Span): string | null {
  const l = (s.meta.language ?? s.meta['_dd.runtime_family'] ?? '').toLowerCase();
  if (!l) return null;
  if (l === 'javascript' || l === 'nodejs' || l === 'node') return 'nodejs';
  if (l === 'jvm' || l === 'java') return 'java';
  if (l === 'dotnet' || l === '.net') return 'dotnet';
  return ['go', 'python', 'ruby', 'php'].includes(l) ? l : l.slice(0, 20);
}

/** DD_APPSEC_WAF_TIMEOUT's unit and default per tracer (real-world-failures.md P7). */
export const WAF_TIMEOUT: Record<string, { unit: string; default: string; example: string }> = {
  python: { unit: 'milliseconds (a float)', default: '5.0 ms', example: 'DD_APPSEC_WAF_TIMEOUT=20' },
  go: { unit: 'microseconds, or a Go duration such as 20ms', default: '2 ms', example: 'DD_APPSEC_WAF_TIMEOUT=20ms' },
  java: { unit: 'microseconds', default: '100000 µs', example: 'DD_APPSEC_WAF_TIMEOUT=200000' },
  nodejs: { unit: 'microseconds', default: '5000 µs', example: 'DD_APPSEC_WAF_TIMEOUT=20000' },
  ruby: { unit: 'microseconds', default: '5000 µs', example: 'DD_APPSEC_WAF_TIMEOUT=20000' },
  php: { unit: 'microseconds', default: '10000 µs', example: 'DD_APPSEC_WAF_TIMEOUT=20000' },
  dotnet: { unit: 'microseconds', default: '100000 µs', example: 'DD_APPSEC_WAF_TIMEOUT=200000' },
};

export interface ClientIpObservation {
  ip: string;
  /** The tag the address was read from. */
  tag: 'http.client_ip' | 'network.client.ip';
  /** Forwarding headers on the span, in the tracers' priority order. */
  headers: { name: string; value: string }[];
  private: boolean;
  /** The header whose first public address the tracer should have used (none when every address is private). */
  publicHeader: string | null;
  url: string | null;
}

export interface ServiceAppsec {
  service: string;
  language: string | null;
  /** Web root spans seen (type web, no parent in the payload). */
  webSpans: number;
  /** …of which carried `_dd.appsec.enabled` = 1: ASM runs in this service. */
  appsecSpans: number;
  rules: { loaded: number | null; errorCount: number | null; errors: string | null; version: string | null } | null;
  wafVersion: string | null;
  wafTimeouts: number;
  /** Requests whose client IP is private although a forwarding header is present (the last one kept). */
  privateClientIps: number;
  lastPrivateClientIp: ClientIpObservation | null;
  lastSeen: number;
}

export const MAX_SERVICES = 200;

const isWebRoot = (s: Span, ids: Set<string>) => s.type === 'web' && (s.parentId === '0' || !ids.has(s.parentId));

/** Per-service ASM evidence from the spans the intake receives. */
export class AppsecTracker {
  private readonly byService = new Map<string, ServiceAppsec>();

  observe(spans: readonly Span[], now = Date.now()): void {
    const ids = new Set(spans.map((s) => s.spanId));
    for (const s of spans) {
      const m = s.metrics;
      const hasRules =
        m['_dd.appsec.event_rules.loaded'] !== undefined ||
        m['_dd.appsec.event_rules.error_count'] !== undefined ||
        s.meta['_dd.appsec.event_rules.errors'] !== undefined;
      const web = isWebRoot(s, ids);
      if (!web && !hasRules && !m['_dd.appsec.waf.timeouts']) continue;
      const svc = this.service(s.service || '(no service)', now);
      if (!svc) continue;
      svc.lastSeen = now;
      svc.language ??= spanLanguage(s);
      if (web) {
        svc.webSpans++;
        if (m['_dd.appsec.enabled'] === 1) svc.appsecSpans++;
        const ip = clientIpOf(s);
        if (ip?.private && ip.headers.length) {
          svc.privateClientIps++;
          svc.lastPrivateClientIp = ip;
        }
      }
      if (hasRules) {
        svc.rules = {
          loaded: m['_dd.appsec.event_rules.loaded'] ?? null,
          errorCount: m['_dd.appsec.event_rules.error_count'] ?? null,
          errors: s.meta['_dd.appsec.event_rules.errors']?.slice(0, 4000) ?? null,
          version: s.meta['_dd.appsec.event_rules.version']?.slice(0, 100) ?? null,
        };
      }
      if (s.meta['_dd.appsec.waf.version']) svc.wafVersion = s.meta['_dd.appsec.waf.version'].slice(0, 100);
      const t = m['_dd.appsec.waf.timeouts'];
      if (typeof t === 'number' && t > 0) svc.wafTimeouts += t;
    }
  }

  private service(raw: string, now: number): ServiceAppsec | null {
    const name = raw.slice(0, 200);
    let s = this.byService.get(name);
    if (!s) {
      if (this.byService.size >= MAX_SERVICES) return null;
      s = {
        service: name,
        language: null,
        webSpans: 0,
        appsecSpans: 0,
        rules: null,
        wafVersion: null,
        wafTimeouts: 0,
        privateClientIps: 0,
        lastPrivateClientIp: null,
        lastSeen: now,
      };
      this.byService.set(name, s);
    }
    return s;
  }

  services(): ServiceAppsec[] {
    return [...this.byService.values()].map((s) => ({ ...s, rules: s.rules ? { ...s.rules } : null }));
  }

  clear(): void {
    this.byService.clear();
  }
}

/** The client IP a web span carries and the forwarding headers beside it; null without an address. */
export function clientIpOf(s: Span): ClientIpObservation | null {
  const tag = s.meta['http.client_ip'] !== undefined ? 'http.client_ip' : s.meta['network.client.ip'] !== undefined ? 'network.client.ip' : null;
  if (!tag) return null;
  const ip = cleanIp(s.meta[tag]!);
  if (!ip) return null;
  const headers: { name: string; value: string }[] = [];
  let publicHeader: string | null = null;
  for (const name of CLIENT_IP_HEADERS) {
    const value = s.meta[`http.request.headers.${name}`];
    if (value === undefined) continue;
    headers.push({ name, value: value.slice(0, 500) });
    if (!publicHeader && headerIps(name, value).some((a) => !isPrivateIp(a))) publicHeader = name;
  }
  return { ip, tag, headers, private: isPrivateIp(ip), publicHeader, url: s.meta['http.url']?.slice(0, 500) ?? null };
}

const at0 = range(0, 0, 0);

/** Findings from what the intake saw per service. */
export function appsecFindings(services: readonly ServiceAppsec[]): Finding[] {
  const out: Finding[] = [];
  for (const s of services) {
    if (s.webSpans > 0 && s.appsecSpans === 0) {
      out.push(
        makeFinding('appsec-not-in-spans', at0, {
          detail: `Service ${s.service} sent ${s.webSpans} web request span(s) to the local intake and none carries _dd.appsec.enabled: ASM is not running in it (or its web framework is not instrumented)`,
          data: { service: s.service, webSpans: s.webSpans, language: s.language },
        }),
      );
    }
    if (s.rules && ((s.rules.errorCount ?? 0) > 0 || (s.rules.errors && s.rules.errors !== '{}'))) {
      out.push(
        makeFinding('appsec-rules-errors', at0, {
          detail: `Service ${s.service}: the WAF loaded ${s.rules.loaded ?? '?'} rule(s) with ${s.rules.errorCount ?? '?'} error(s)${s.rules.errors ? ` (${s.rules.errors.slice(0, 300)})` : ''}${s.rules.version ? `, rules version ${s.rules.version}` : ''}`,
          data: { service: s.service, ...s.rules },
        }),
      );
    }
    if (s.wafTimeouts > 0) {
      const u = (s.language && WAF_TIMEOUT[s.language]) || null;
      out.push(
        makeFinding('appsec-waf-timeout', at0, {
          detail: `Service ${s.service}: the WAF timed out ${s.wafTimeouts} time(s) (_dd.appsec.waf.timeouts); attacks in those requests may go undetected`,
          fix: u
            ? `Raise DD_APPSEC_WAF_TIMEOUT for this ${s.language} service — in ${u.unit}, default ${u.default} (e.g. ${u.example}) — and restart it.`
            : 'Raise DD_APPSEC_WAF_TIMEOUT (microseconds for every tracer except Python, where it is milliseconds) and restart the service.',
          data: { service: s.service, timeouts: s.wafTimeouts, language: s.language, ...(u ? { unit: u.unit, default: u.default } : {}) },
        }),
      );
    }
    const ip = s.lastPrivateClientIp;
    if (ip) {
      const first = ip.headers[0]!;
      const set = ip.publicHeader ? `DD_TRACE_CLIENT_IP_HEADER=${ip.publicHeader}` : null;
      out.push(
        makeFinding('client-ip-private', at0, {
          detail: `Service ${s.service}: the tracer resolved the client IP ${ip.ip} (${ip.tag}), a private or loopback address, on ${s.privateClientIps} request(s) that came through a proxy (${first.name}: ${first.value.slice(0, 100)})`,
          fix: set
            ? `Set ${set} for the service: that header carries the real client address. The tracers read ${CLIENT_IP_HEADERS.join(', ')} in this order and take the first public address.`
            : `Make the load balancer or proxy pass the real client address (for example in X-Forwarded-For) and, if it uses another header, set DD_TRACE_CLIENT_IP_HEADER to that header. The tracers read ${CLIENT_IP_HEADERS.join(', ')} in this order and take the first public address.`,
          data: { service: s.service, ip: ip.ip, tag: ip.tag, headers: ip.headers, setting: set, priority: [...CLIENT_IP_HEADERS] },
        }),
      );
    }
  }
  return out;
}

/** "Confirm ASM is running" evidence per service (live: from spans), for the steps engine. */
export function appsecRunningEvidence(services: readonly ServiceAppsec[]): Evidence[] {
  const out: Evidence[] = [];
  for (const s of services.slice(0, 50)) {
    if (!s.webSpans) continue;
    out.push(
      s.appsecSpans
        ? {
            text: `Service ${s.service}: ASM runs (_dd.appsec.enabled on ${s.appsecSpans} of ${s.webSpans} web request span(s) at the local intake)`,
            status: 'pass',
          }
        : {
            text: `Service ${s.service}: ${s.webSpans} web request span(s) at the local intake, none with _dd.appsec.enabled: ASM is not running there`,
            status: 'fail',
            code: 'appsec-not-in-spans',
          },
    );
  }
  return out;
}
