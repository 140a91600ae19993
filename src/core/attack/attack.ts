// "Send Test Attack": the seed's `curl -A Arachni/v YOUR_APP_URL`, made safe and explained. One GET with the test
// user agent; redirects followed only on the same host (bounded); one deadline for the whole exchange; every
// outcome (200, Datadog block page, other codes, refused, DNS, TLS, timeout, known blockers) explained from the KB.
import { kb } from '../kb';
import type { ScannerRule } from '../kb/schema';
import { decideRedirect, parseTarget } from './policy';
import { ATTACK_TIMEOUT_MS, clampInt, classifyError, exchange, type FetchImpl, type NetError } from './request';
import { datadogBlockMarkers, proxySigns, type ProxySign } from './signs';

/** The rule of the seed's test attack; its user agent comes from kb/rules.yaml. */
export const TEST_ATTACK_RULE = 'ua0-600-12x';

export function defaultUserAgent(): string {
  const ua = kb().rule(TEST_ATTACK_RULE)?.userAgent;
  if (!ua) throw new Error(`kb/rules.yaml: rule ${TEST_ATTACK_RULE} has no userAgent`);
  return ua;
}

function ruleRegex(r: ScannerRule): RegExp | null {
  // The WAF writes case-insensitivity as a (?i) prefix; JavaScript wants a flag.
  const ci = r.regex.startsWith('(?i)');
  try {
    return new RegExp(ci ? r.regex.slice(4) : r.regex, ci ? 'i' : '');
  } catch {
    return null;
  }
}

/** The scanner rules of the KB that this user agent triggers (most specific first: exact userAgent, then regex). */
export function rulesForUserAgent(ua: string): ScannerRule[] {
  const rules = kb().data.rules.filter((r) => r.address.endsWith(':user-agent') && ruleRegex(r)?.test(ua));
  return rules.sort((a, b) => Number(b.userAgent === ua) - Number(a.userAgent === ua));
}

export type OutcomeKind =
  'reached' | 'blocked-by-asm' | 'http-status' | 'redirect-other-host' | 'redirect-stopped' | 'refused' | 'dns' | 'tls' | 'timeout' | 'cancelled' | 'network';

export interface Outcome {
  kind: OutcomeKind;
  /** Finding code in kb/findings.yaml (title/meaning/fix), null for a user cancel. */
  code: string | null;
  ok: boolean;
  title: string;
  /** What happened, specific to this attack. */
  explanation: string;
  /** What to do next (from the KB). */
  next: string;
}

export interface AttackResult {
  url: string;
  /** The URL that answered (after same-host redirects). */
  finalUrl: string;
  userAgent: string;
  /** Rules of the KB this user agent should trigger. */
  expectedRules: { id: string; name: string; blocking: boolean }[];
  status: number | null;
  statusText: string;
  latencyMs: number;
  bytes: number;
  headers: Record<string, string>;
  blocked: boolean;
  securityResponseId?: string;
  redirects: string[];
  /** A redirect to another http(s) host that was not followed (it can be confirmed, then followed). */
  redirectTo?: string;
  /** A redirect that is never followed (invalid location, non-HTTP scheme, credentials): why. */
  redirectStopped?: string;
  proxies: ProxySign[];
  error?: NetError;
  outcome: Outcome;
}

export interface AttackOptions {
  url: string;
  userAgent?: string;
  timeoutMs?: number;
  fetchImpl?: FetchImpl;
  signal?: AbortSignal;
  /** Same-host redirects followed at most (default 3). */
  maxRedirects?: number;
  /** Hosts the user confirmed: a redirect to one of them is followed. */
  confirmedHosts?: readonly string[];
  /** Accept header (default `*∕*`, so a Datadog block answer is JSON). */
  accept?: string;
  now?: () => number;
}

function outcome(kind: OutcomeKind, code: string | null, ok: boolean, explanation: string): Outcome {
  if (!code) return { kind, code, ok, title: 'Cancelled', explanation, next: '' };
  const def = kb().finding(code);
  return { kind, code, ok, title: def.title, explanation, next: def.fix };
}

export function explain(r: Omit<AttackResult, 'outcome'>): Outcome {
  const rules = r.expectedRules.map((x) => `${x.id} "${x.name}"`).join(', ') || 'no known rule';
  const knownBlockers = r.proxies.filter((p) => p.knownBlocker);
  const proxyNote = r.proxies.length ? ` The response headers show ${r.proxies.map((p) => `${p.proxy} (${p.evidence.join('; ')})`).join(', ')}.` : '';
  if (r.error) {
    const e = r.error;
    const detail = `${e.code ? `${e.code}: ` : ''}${e.message}`;
    switch (e.kind) {
      case 'cancelled':
        return outcome('cancelled', null, false, 'The test attack was cancelled.');
      case 'refused':
        return outcome('refused', 'attack-connection-refused', false, `Connection refused at ${new URL(r.finalUrl).host} (${detail}): nothing listens there.`);
      case 'dns':
        return outcome('dns', 'attack-dns-failure', false, `The host ${new URL(r.finalUrl).hostname} could not be resolved (${detail}).`);
      case 'tls':
        return outcome('tls', 'attack-tls-error', false, `The TLS handshake with ${new URL(r.finalUrl).host} failed (${detail}).`);
      case 'timeout':
        return outcome('timeout', 'attack-timeout', false, `No complete answer from ${new URL(r.finalUrl).host} within ${r.latencyMs} ms (${detail}).`);
      default:
        return outcome('network', 'attack-network-error', false, `The request to ${r.finalUrl} failed (${detail}).`);
    }
  }
  if (r.redirectStopped) {
    // Never followed, nothing to confirm: the location is not a plain http(s) URL of a host.
    return outcome(
      'redirect-stopped',
      'attack-http-status',
      false,
      `${r.finalUrl} answered ${r.status} with a redirect that is not followed (${r.redirectStopped}).${proxyNote}`,
    );
  }
  if (r.redirectTo) {
    return outcome(
      'redirect-other-host',
      'attack-redirect-other-host',
      false,
      `${r.finalUrl} answered ${r.status} with a redirect to ${r.redirectTo}, another host; it was not followed.${proxyNote}`,
    );
  }
  if (r.blocked) {
    return outcome(
      'blocked-by-asm',
      'attack-blocked-by-asm',
      true,
      `${r.status} with Datadog's block page${r.securityResponseId ? ` (security_response_id ${r.securityResponseId})` : ''}: ASM detected and blocked User-Agent "${r.userAgent}" (expected rule ${rules}).`,
    );
  }
  if (r.status === 200) {
    const warn = knownBlockers.length
      ? ` Careful: the answer passed through ${knownBlockers.map((p) => p.proxy).join(', ')}, known to strip or block the Arachni test, so the service may not have seen the attack.`
      : '';
    return outcome(
      'reached',
      knownBlockers.length ? 'attack-proxy-blocker' : 'attack-reached',
      true,
      `200 ${r.statusText} from ${r.finalUrl} for User-Agent "${r.userAgent}" (should trigger ${rules}).${proxyNote}${warn}`,
    );
  }
  if (knownBlockers.length) {
    return outcome('http-status', 'attack-proxy-blocker', false, `${r.status} ${r.statusText} from ${r.finalUrl}, not Datadog's block page.${proxyNote}`);
  }
  const why =
    r.status === 404
      ? ' The route does not exist: the tracer still inspects the request, but choose a route that answers 200 as the guide asks.'
      : r.status === 401 || r.status === 403
        ? " Not Datadog's block page: authentication, a proxy or a WAF in front of the service answered."
        : r.status !== null && r.status >= 500
          ? ' The service (or a proxy in front of it) failed.'
          : r.status !== null && r.status >= 300 && r.status < 400
            ? ' A redirect that was not followed (same-host redirects are followed a few times at most).'
            : '';
  return outcome('http-status', 'attack-http-status', false, `${r.status} ${r.statusText} from ${r.finalUrl}.${why}${proxyNote}`);
}

/** Sends the test attack; never throws for network outcomes (they are explained), only for an invalid URL. */
export async function sendTestAttack(o: AttackOptions): Promise<AttackResult> {
  const parsed = parseTarget(o.url);
  if (!parsed.ok) throw new Error(`invalid target: ${parsed.reason}`);
  const userAgent = o.userAgent ?? defaultUserAgent();
  const now = o.now ?? (() => performance.now());
  // Clamped: a huge value would overflow setTimeout (it then fires after 1 ms).
  const timeoutMs = clampInt(o.timeoutMs, ATTACK_TIMEOUT_MS.default, ATTACK_TIMEOUT_MS.min, ATTACK_TIMEOUT_MS.max);
  const maxRedirects = clampInt(o.maxRedirects, 3, 0, 10);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('The test attack timed out', 'TimeoutError')), timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout.signal]) : timeout.signal;
  const expectedRules = rulesForUserAgent(userAgent).map((r) => ({ id: r.id, name: r.name, blocking: !!r.onMatch?.includes('block') }));
  const t0 = now();
  let current = parsed.url;
  const redirects: string[] = [];
  const base = { url: parsed.url.href, userAgent, expectedRules, redirects };
  /** What every answered request reports, whatever the outcome. */
  const answered = (ex: Awaited<ReturnType<typeof exchange>>) => ({
    ...base,
    finalUrl: current.href,
    status: ex.status,
    statusText: ex.statusText,
    latencyMs: Math.round(now() - t0),
    bytes: ex.bytes,
    headers: ex.headers,
    proxies: proxySigns(ex.headers),
  });
  try {
    for (;;) {
      const ex = await exchange({
        url: current.href,
        headers: { 'user-agent': userAgent, accept: o.accept ?? '*/*' },
        signal,
        ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
      });
      const location = ex.headers.location;
      if (ex.status >= 300 && ex.status < 400 && location && redirects.length < maxRedirects) {
        const d = decideRedirect(current, location, o.confirmedHosts ?? []);
        if (d.kind === 'follow') {
          redirects.push(d.url.href);
          current = d.url;
          continue;
        }
        const r = { ...answered(ex), blocked: false, ...(d.kind === 'confirm' ? { redirectTo: d.url.href } : { redirectStopped: d.reason }) };
        return { ...r, outcome: explain(r) };
      }
      const marks = datadogBlockMarkers(ex.text);
      const r = { ...answered(ex), blocked: marks.blocked, ...(marks.securityResponseId ? { securityResponseId: marks.securityResponseId } : {}) };
      return { ...r, outcome: explain(r) };
    }
  } catch (e) {
    const error = classifyError(e, { timedOut: timeout.signal.aborted, cancelled: !!o.signal?.aborted });
    const r = {
      ...base,
      finalUrl: current.href,
      status: null,
      statusText: '',
      latencyMs: Math.round(now() - t0),
      bytes: 0,
      headers: {},
      blocked: false,
      proxies: [],
      error,
    };
    return { ...r, outcome: explain(r) };
  } finally {
    clearTimeout(timer);
  }
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The equivalent curl command ("Copy as curl"): the seed's `curl -A Arachni/v URL`, showing the status line. */
export function curlCommand(o: { url: string; userAgent?: string; timeoutMs?: number }): string {
  const ua = o.userAgent ?? defaultUserAgent();
  const secs = Math.max(1, Math.ceil(clampInt(o.timeoutMs, ATTACK_TIMEOUT_MS.default, ATTACK_TIMEOUT_MS.min, ATTACK_TIMEOUT_MS.max) / 1000));
  return `curl -i --max-time ${secs} -A ${shellQuote(ua)} ${shellQuote(o.url)}`;
}
