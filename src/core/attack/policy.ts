// Safety policy of the test attack, as pure functions (the client only asks and remembers):
// - the attack only goes where the user chose: in an untrusted workspace the workspace/folder value of the target
//   setting is ignored (package.json `restrictedConfigurations`), only the user's own (global) value counts;
// - a target outside loopback needs a one-time confirmation per host;
// - a redirect to another host is not followed without the same confirmation.

/** True for names and addresses that never leave this machine. */
export function isLoopback(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  // Only the exact name: `*.localhost` is loopback by RFC 6761 but glibc's resolver does not special-case it
  // (/etc/hosts or DNS may send it anywhere), so it is treated as any other name (confirmation needed).
  if (h === 'localhost') return true;
  // IPv4 127.0.0.0/8, strictly dotted-decimal (no "127.1" shorthand surprises).
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4.slice(1).every((x) => Number(x) <= 255) && v4[1] === '127';
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  // IPv4-mapped IPv6 loopback (::ffff:127.0.0.1, or its hex form as the WHATWG URL parser writes it: ::ffff:7f00:1).
  const mapped = /^::ffff:(.+)$/.exec(h);
  if (mapped) {
    const rest = mapped[1]!;
    if (rest.includes('.')) return isLoopback(rest);
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
    return !!hex && parseInt(hex[1]!, 16) >> 8 === 0x7f;
  }
  return false;
}

/** The key under which a confirmation is remembered: the lower-cased host name (without port). */
export function hostKey(url: URL): string {
  return url.hostname.toLowerCase();
}

export type ParsedTarget = { ok: true; url: URL } | { ok: false; reason: string };

/** Parses a target URL typed by the user: http(s) only, no credentials, a host. */
export function parseTarget(input: string): ParsedTarget {
  const s = input.trim();
  if (!s) return { ok: false, reason: 'the URL is empty' };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
  } catch {
    return { ok: false, reason: `not a URL: ${s}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: `only http:// and https:// targets are supported (got ${url.protocol})` };
  if (!url.hostname) return { ok: false, reason: 'the URL has no host' };
  if (url.username || url.password) return { ok: false, reason: 'the URL must not contain credentials' };
  return { ok: true, url };
}

/**
 * The value of a setting that decides what is sent (target, user agent, paths): in an untrusted workspace only the
 * user's own (global) value or the default counts, as for the target — a repository must not choose the payload.
 */
export function effectiveSetting<T>(
  trusted: boolean,
  ins: { defaultValue?: T; globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined,
): T | undefined {
  if (!ins) return undefined;
  const set = (v: T | undefined) => (v === undefined || v === null || v === '' ? undefined : v);
  return (trusted ? (set(ins.workspaceFolderValue) ?? set(ins.workspaceValue)) : undefined) ?? set(ins.globalValue) ?? ins.defaultValue;
}

/** The values of the target setting by scope, as `WorkspaceConfiguration.inspect()` gives them. */
export interface TargetSetting {
  globalValue?: string;
  workspaceValue?: string;
  workspaceFolderValue?: string;
}

export type TargetDecision =
  /** Nothing usable: ask the user (and remember the answer in user settings). */
  | { kind: 'ask'; ignoredWorkspaceValue?: string; reason?: string }
  /** Go: the target is loopback or its host was already confirmed. */
  | { kind: 'send'; url: URL; source: 'user' | 'workspace' | 'folder'; ignoredWorkspaceValue?: string }
  /** Ask for the one-time confirmation of this host first. */
  | { kind: 'confirm'; url: URL; host: string; source: 'user' | 'workspace' | 'folder'; ignoredWorkspaceValue?: string };

export interface DecideTargetInput {
  trusted: boolean;
  setting: TargetSetting;
  /** Hosts the user already confirmed (hostKey values). */
  confirmedHosts: readonly string[];
}

/** Which target to use, and whether the user must confirm it. */
export function decideTarget(input: DecideTargetInput): TargetDecision {
  const { setting } = input;
  const workspaceSide = setting.workspaceFolderValue || setting.workspaceValue || undefined;
  let value: string | undefined;
  let source: 'user' | 'workspace' | 'folder' = 'user';
  let ignoredWorkspaceValue: string | undefined;
  if (input.trusted && setting.workspaceFolderValue) {
    value = setting.workspaceFolderValue;
    source = 'folder';
  } else if (input.trusted && setting.workspaceValue) {
    value = setting.workspaceValue;
    source = 'workspace';
  } else {
    value = setting.globalValue || undefined;
    // Untrusted workspace: whatever the workspace says is ignored (and reported, so the user knows why).
    if (!input.trusted && workspaceSide) ignoredWorkspaceValue = workspaceSide;
  }
  const extra = ignoredWorkspaceValue !== undefined ? { ignoredWorkspaceValue } : {};
  if (!value) return { kind: 'ask', ...extra };
  const parsed = parseTarget(value);
  if (!parsed.ok) return { kind: 'ask', reason: parsed.reason, ...extra };
  return targetVerdict(parsed.url, source, input.confirmedHosts, extra);
}

function targetVerdict(
  url: URL,
  source: 'user' | 'workspace' | 'folder',
  confirmed: readonly string[],
  extra: { ignoredWorkspaceValue?: string },
): TargetDecision {
  const host = hostKey(url);
  if (isLoopback(url.hostname) || confirmed.includes(host)) return { kind: 'send', url, source, ...extra };
  return { kind: 'confirm', url, host, source, ...extra };
}

/** A target typed on the spot (input box, CLI): loopback or confirmed goes, anything else needs the confirmation. */
export function decideTypedTarget(input: string, confirmedHosts: readonly string[]): TargetDecision | { kind: 'invalid'; reason: string } {
  const parsed = parseTarget(input);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  return targetVerdict(parsed.url, 'user', confirmedHosts, {});
}

export type RedirectDecision = { kind: 'follow'; url: URL } | { kind: 'confirm'; url: URL; host: string } | { kind: 'stop'; reason: string };

/**
 * Whether to follow a redirect from `from` to `location`: same host (any port/scheme change of that host) is
 * followed; another host only when it is loopback-to-loopback or was confirmed; non-http(s) never.
 */
export function decideRedirect(from: URL, location: string, confirmedHosts: readonly string[]): RedirectDecision {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return { kind: 'stop', reason: `invalid redirect location: ${location}` };
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return { kind: 'stop', reason: `redirect to a non-HTTP URL: ${to.protocol}` };
  if (to.username || to.password) return { kind: 'stop', reason: 'redirect to a URL with credentials' };
  const host = hostKey(to);
  if (host === hostKey(from)) return { kind: 'follow', url: to };
  if ((isLoopback(from.hostname) && isLoopback(to.hostname)) || confirmedHosts.includes(host)) return { kind: 'follow', url: to };
  return { kind: 'confirm', url: to, host };
}

/**
 * The host the user may confirm after an attack that stopped at a redirect to another host: only for a
 * `redirect-other-host` outcome whose location is a parseable http(s) URL without credentials (anything else —
 * `ftp://internal-db/`, `http://a b/` — is never followed, so there is nothing to confirm or remember).
 */
export function redirectConfirmation(r: { outcome: { kind: string }; redirectTo?: string }): { url: URL; host: string } | null {
  if (r.outcome.kind !== 'redirect-other-host' || !r.redirectTo) return null;
  const p = parseTarget(r.redirectTo);
  return p.ok && /^https?:\/\//i.test(r.redirectTo.trim()) ? { url: p.url, host: hostKey(p.url) } : null;
}
