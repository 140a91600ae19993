// Secret redaction for the support bundle: everything written into it goes through redact().
// Removes: Datadog API/application keys (DD_API_KEY, DD_APP_KEY, DD_APPLICATION_KEY, api_key/app_key fields),
// any field named like a secret/password/token, authorization headers, bearer tokens, JWTs, cookies
// (Cookie / Set-Cookie headers, http.request.headers.cookie span tags), token-like query parameters and
// passwords in URLs (user:pass@). Keeps what support needs: rule ids, trace/span ids, versions, URLs without
// credentials, every other DD_* variable. Every pattern is linear (no nested quantifiers) so 10 MB lines are safe.

export const REDACTED = '[REDACTED]';

export interface Redaction {
  text: string;
  /** Count by kind of secret. */
  counts: Record<string, number>;
}

/** A key names a secret: api/app keys, secrets, passwords, tokens, credentials, private keys. Tested on a key alone. */
const SECRET_NAME = /(?:api[_\-.]?key|app(?:lication)?[_\-.]?key|secret|passw(?:or)?d|passwd|pwd|token|credential|private[_\-.]?key|client[_\-.]?key|session[_\-.]?id)/i;

/** Placeholders and empty values are not secrets; they stay so the reader sees the key is unset. */
function isPlaceholder(value: string): boolean {
  const bare = value.replace(/^["']|["']$/g, '');
  return !bare || bare === REDACTED || /^(?:null|none|nil|undefined|true|false|<[^>]*>|\$\{[^}]*\}|\*+|x+)$/i.test(bare);
}

/** [REDACTED], in the value's quotes. */
function quoteLike(value: string): string {
  const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
  return `${q}${REDACTED}${q}`;
}

interface Rule {
  kind: string;
  re: RegExp;
  replace: (m: string, ...g: string[]) => string;
}

const RULES: Rule[] = [
  // Authorization / Proxy-Authorization headers and span tags, in any of the log syntaxes:
  // `Authorization: Bearer x`, `"authorization":"Basic x"`, `http.request.headers.authorization => x`.
  {
    kind: 'authorization header',
    re: /((?:proxy-)?authorization["']?\s*(?:=>|[:=])\s*["']?)(?:(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256)\s+)?[^\s"',;]+(?:[^\S\r\n]*,[^\S\r\n]*(?:Signature|SignedHeaders|Credential)=[^\s"',;]+){0,3}/gi,
    replace: (_m, pre) => `${pre}${REDACTED}`,
  },
  // Cookie and Set-Cookie headers (the whole value: every cookie in it), quoted or to the end of the line.
  {
    kind: 'cookie',
    re: /((?:set-)?cookie[s2]?["']?\s*(?:=>|[:=])\s*)(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\r\n]*)/gi,
    replace: (_m, pre) => `${pre}${REDACTED}`,
  },
  // Bearer tokens anywhere else (a curl command line, an error message).
  { kind: 'bearer token', re: /\b(Bearer\s+)[A-Za-z0-9\-._~+/]{8,65536}=*/g, replace: (_m, pre) => `${pre}${REDACTED}` },
  // JSON Web Tokens: three base64url parts, the first two JSON objects ("eyJ" = base64 of '{"').
  { kind: 'JWT', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.eyJ[A-Za-z0-9_-]{4,65536}\.[A-Za-z0-9_-]{4,8192}/g, replace: () => REDACTED },
  // Passwords in URLs: scheme://user:password@host → scheme://user:[REDACTED]@host.
  { kind: 'URL password', re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@"'<>]{1,256}:)[^\s/@"'<>]{1,256}@/gi, replace: (_m, pre) => `${pre}${REDACTED}@` },
  // Token-like query parameters: ?access_token=…&api_key=…&sig=…
  {
    kind: 'query parameter',
    re: /([?&;](?:[a-z_\-]{0,40}token|api[_-]?key|apikey|app[_-]?key|secret|password|passwd|sig|signature|auth|code)=)[^&\s"'#<>]+/gi,
    replace: (_m, pre) => `${pre}${REDACTED}`,
  },
  // Kubernetes env entries and similar name/value pairs: `- name: DD_API_KEY` + `value: …`, {"name":"DD_API_KEY","value":"…"}.
  {
    kind: 'secret value',
    re: /(["']?name["']?\s*:\s*(["']?)([A-Za-z0-9_.\-]{1,200})\2\s*[,\r\n]\s*-?\s*["']?value["']?\s*:\s*)(\[REDACTED\]|"[^"\r\n]*"?|'[^'\r\n]*'?|[^\s,;}\]"']+)/gi,
    replace: (m, pre, _q, key, value) => (SECRET_NAME.test(key) && !isPlaceholder(value) ? `${pre}${quoteLike(value)}` : m),
  },
  // KEY=value, KEY: value, "key": "value", 'key' => 'value', key = value for secret-named keys
  // (DD_API_KEY, DD_APP_KEY, DD_APPLICATION_KEY, api_key, app_key, client_secret, password, x-api-key…).
  {
    kind: 'secret value',
    // The key starts a run of key characters (the lookbehind) and is at most 200 long: linear on any line.
    re: /(?<![A-Za-z0-9_.\-])(["']?)([A-Za-z0-9_.\-]{1,200})(\1\s*(?:=>|[:=])\s*)(\[REDACTED\]|"[^"\r\n]*"?|'[^'\r\n]*'?|\$\{[^}\r\n]{0,200}\}|[^\s,;}\]"']+)/g,
    replace: (m, q1, key, sep, value) => {
      if (!SECRET_NAME.test(key)) return m;
      if (isPlaceholder(value)) return m;
      return `${q1}${key}${sep}${quoteLike(value)}`;
    },
  },
];

/** Redacts secrets in text. Idempotent: redact(redact(x).text).text === redact(x).text. */
export function redact(text: string): Redaction {
  const counts: Record<string, number> = {};
  let out = text;
  for (const r of RULES) {
    out = out.replace(r.re, (...args: unknown[]) => {
      const m = args[0] as string;
      const groups = args.slice(1, -2).map((g) => (g === undefined ? '' : String(g)));
      const rep = r.replace(m, ...groups);
      if (rep !== m) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
      return rep;
    });
  }
  return { text: out, counts };
}

export function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
