// Secret redaction for the support bundle: everything written into it goes through redact().
// Removes: Datadog API/application keys (DD_API_KEY, DD_APP_KEY, DD_APPLICATION_KEY, api_key/app_key fields),
// any field named like a secret/password/token (KEY=value, KEY: value, XML key/name + value attributes,
// ENV/SetEnv/setenv/fastcgi_param KEY value, SetEnvironmentVariable("KEY", value)), authorization headers, bearer tokens, JWTs, cookies
// (Cookie / Set-Cookie headers, http.request.headers.cookie span tags), token-like query parameters and
// passwords in URLs (user:pass@) and tokens as a URL's user (https://TOKEN@host), YAML block scalars and values on
// the line after their key (by the YAML structure: the more-indented lines under the key), Kubernetes `value:`
// entries whose `name:` is not in sight (when the value looks like a token), PEM private keys, and unlabelled
// 32/40-hex keys (Datadog API and application keys). Keeps what support needs: rule ids, trace/span ids, versions,
// URLs without credentials, every other DD_* variable.
//
// How: every rule reports the spans of secret values it sees in the ORIGINAL text; the spans are merged and each
// replaced by [REDACTED] once. No rule consumes text another rule needs, so a prefix never hides a key: in
// `2: DD_API_KEY=…` the key `2` is not a secret and the scan goes on right after it, inside its "value", and
// finds DD_API_KEY there (same for `"env":"DD_API_KEY=…"`, `-e DD_API_KEY=…`, log prefixes, JSON nesting).
// Linear on 10 MB lines: regexes have bounded quantifiers and no nesting; values are measured by hand with
// monotonic caches (a chain of keys sharing one value end is scanned once).
import { splitLines } from '../lines';

export const REDACTED = '[REDACTED]';

export interface Redaction {
  text: string;
  /** Count by kind of secret. */
  counts: Record<string, number>;
}

/** A key names a secret: api/app keys, secrets, passwords, tokens, credentials, private keys. Tested on a key alone. */
const SECRET_NAME =
  /(?:api[_\-.]?key|app(?:lication)?[_\-.]?key|secret|passw(?:or)?d|passwd|pwd|token|credential|private[_\-.]?key|client[_\-.]?key|session[_\-.]?id)/i;

/** Placeholders and empty values are not secrets; they stay so the reader sees the key is unset or templated. */
const PLACEHOLDER =
  /^(?:null|none|nil|undefined|true|false|<[^<>]{0,200}>|\$\{[^}]{0,200}\}|\$\([^)]{0,200}\)|\$[A-Z_][A-Z0-9_]{0,100}|%[A-Za-z_][A-Za-z0-9_]{0,100}%|\{\{[^}]{0,200}\}\}|\*{1,200}|x{1,200}|X{1,200}|your[_\-.][A-Za-z0-9_\-.]{0,100}|\.\.\.|…)$/i;

function isPlaceholder(value: string): boolean {
  // Longer values are never templates; and slicing them for the test would cost O(n) each.
  if (value.length > 256) return false;
  const bare = value.trim();
  return !bare || bare.startsWith(REDACTED) || PLACEHOLDER.test(bare);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}
function isEol(c: string): boolean {
  return c === '\n' || c === '\r';
}

interface Span {
  start: number;
  end: number;
  kind: string;
}

/**
 * Finds where values end. Queries within one rule's pass come in increasing positions; each cache remembers the
 * last answer [from, at) and answers any query inside it without scanning again, so a pass is linear.
 */
class Scanner {
  private readonly caches = new Map<string, { from: number; at: number }>();
  constructor(readonly text: string) {}

  private cached(name: string, i: number, stop: (c: string, j: number) => boolean): number {
    const c = this.caches.get(name);
    if (c && i >= c.from && i <= c.at) return c.at;
    const t = this.text;
    let j = i;
    while (j < t.length && !stop(t[j], j)) j++;
    this.caches.set(name, { from: i, at: j });
    return j;
  }

  /** The next `q` from i, or the end of the line. */
  closing(q: string, i: number): number {
    return this.cached(`q${q}`, i, (c) => c === q || isEol(c));
  }

  /** The end of an unquoted value: whitespace, , ; } ] quotes, an escaped quote, and & in a query string. */
  unquotedEnd(i: number, amp: boolean): number {
    const t = this.text;
    return this.cached(
      amp ? 'u&' : 'u',
      i,
      (c, j) =>
        isSpace(c) ||
        c === ',' ||
        c === ';' ||
        c === '}' ||
        c === ']' ||
        c === '"' ||
        c === "'" ||
        (c === '\\' && (t[j + 1] === '"' || t[j + 1] === "'")) ||
        (amp && (c === '&' || c === '#')),
    );
  }

  lineEnd(i: number): number {
    return this.cached('eol', i, isEol);
  }

  /** Characters of `cls` from i (a token). */
  run(name: string, i: number, cls: RegExp): number {
    return this.cached(`r${name}`, i, (c) => !cls.test(c));
  }

  /**
   * The secret value starting at pos: inside its quotes (", ', \" or \' of JSON-in-a-string) up to the closing
   * quote or the end of the line, else an unquoted token. Null when empty, already redacted, or a placeholder.
   */
  value(pos: number, amp = false): { start: number; end: number } | null {
    const t = this.text;
    if (pos >= t.length || t.startsWith(REDACTED, pos)) return null;
    const c = t[pos];
    let start: number;
    let end: number;
    if (c === '\\' && (t[pos + 1] === '"' || t[pos + 1] === "'")) {
      start = pos + 2;
      end = this.closing(t[pos + 1], start);
      if (end > start && t[end - 1] === '\\') end--;
    } else if (c === '"' || c === "'") {
      // The first unescaped quote closes it: a JSON string's \" is part of the value.
      start = pos + 1;
      end = this.closing(c, start);
      while (end < t.length && t[end] === c && t[end - 1] === '\\') end = this.closing(c, end + 1);
    } else if (c === '{') {
      return null; // an object: its own keys are scanned one by one
    } else if (c === '[') {
      // A list of values (api_keys: [k1, k2]): all of it, to the bracket or the end of the line.
      start = pos + 1;
      end = this.closing(']', start);
    } else {
      // A template (${VAR}, $(cmd), {{ .Values.x }}) is not a secret, and its braces would cut the token short.
      if (/^(?:\$[{(]|\{\{)/.test(t.slice(pos, pos + 2))) return null;
      start = pos;
      end = this.unquotedEnd(pos, amp);
    }
    if (end <= start || t.startsWith(REDACTED, start)) return null;
    if (end - start <= 256 && isPlaceholder(t.slice(start, end))) return null;
    return { start, end };
  }
}

type Rule = (s: Scanner, out: Span[]) => void;

/** Runs a global regex over the text; `at` returns where to continue (default: after the match). */
function each(re: RegExp, text: string, at: (m: RegExpExecArray) => number | void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const next = at(m);
    re.lastIndex = typeof next === 'number' && next > m.index ? next : m.index + Math.max(1, m[0].length);
  }
}

// Separator between a key and its value: an optional closing quote (escaped in JSON-in-a-string) or `]` of
// env[KEY] / $_SERVER['KEY'], then = : => := with a little space around.
const SEP = String.raw`(?:\\?["'])?\]?[ \t]{0,1024}(?:=>|:=|[:=])[ \t]{0,32}`;
const KEY_VALUE = new RegExp(String.raw`(?<![A-Za-z0-9_.\-])([A-Za-z0-9_.\-]{1,200})${SEP}`, 'g');
/** --api-key VALUE, -password VALUE (the = form is KEY_VALUE's). */
const FLAG_VALUE = /(?<![A-Za-z0-9_.\-])(--?[A-Za-z0-9_.\-]{1,200})[ \t]{1,8}(?=[^\s\-])/g;
// Kubernetes/ECS env entries: `- name: DD_API_KEY` + `value: …` on the next line, {"name":"DD_API_KEY","value":"…"},
// XML attributes (web.config `<add key="DD_API_KEY" value="…"/>`, IIS `<environmentVariable name="DD_API_KEY"
// value="…" />`), and the same with value first.
const Q = String.raw`\\?["']?`;
const PAIR_GAP = String.raw`[ \t]{0,16}(?:,[ \t]{0,16}(?:\r?\n)?|\r?\n|[ \t])[ \t]{0,64}(?:-[ \t]{1,8})?`;
const NAME_THEN_VALUE = new RegExp(
  String.raw`(?<![A-Za-z0-9_.\-])${Q}(?:name|key)${Q}[ \t]{0,16}[:=][ \t]{0,16}${Q}([A-Za-z0-9_.\-]{1,200})${Q}${PAIR_GAP}${Q}value${Q}[ \t]{0,16}[:=][ \t]{0,16}`,
  'gi',
);
/** `value: …` then, after its value, the name on the same or the next line (the entry written value first). */
const VALUE_KEY = new RegExp(String.raw`(?<![A-Za-z0-9_.\-])${Q}value${Q}[ \t]{0,16}[:=][ \t]{0,16}`, 'gi');
const NAME_AFTER_VALUE = new RegExp(
  String.raw`${Q}${PAIR_GAP}${Q}(?:name|key)${Q}[ \t]{0,16}[:=][ \t]{0,16}${Q}([A-Za-z0-9_.\-]{1,200})(?![A-Za-z0-9_.\-])`,
  'iy',
);
/**
 * `DIRECTIVE KEY value`, the name and value separated by blanks: Dockerfile `ENV DD_API_KEY …`, Apache
 * `SetEnv DD_API_KEY …`, csh `setenv DD_API_KEY …`, nginx `fastcgi_param DD_API_KEY …;` (and uwsgi_/scgi_param).
 * Case-sensitive spellings only, so prose ("env DD_API_KEY is unset") is left alone.
 */
const DIRECTIVE = new RegExp(
  String.raw`(?<![A-Za-z0-9_.\-])(?:ENV|SetEnv|setenv|SETENV|fastcgi_param|uwsgi_param|scgi_param)[ \t]{1,16}${Q}([A-Za-z0-9_.\-]{1,200})${Q}[ \t]{1,32}`,
  'g',
);
/** A call whose first argument is the quoted name and the second the value: PowerShell/.NET
 * `SetEnvironmentVariable("DD_API_KEY","…",$target)`, Go `os.Setenv("DD_API_KEY", "…")`, PHP `define('DD_API_KEY', '…')`. */
const CALL_ARGS = /\([ \t]{0,16}\\?["']([A-Za-z0-9_.\-]{1,200})\\?["'][ \t]{0,16},[ \t]{0,16}/g;
const AUTHORIZATION =
  /(?:proxy-)?authorization(?:\\?["'])?[ \t]{0,32}(?:=>|[:=])[ \t]{0,32}(?:\\?(["']))?(?:(Bearer|Basic|Token|Digest|Negotiate|NTLM|AWS4-HMAC-SHA256)[ \t]{1,256})?/gi;
/** Cookie headers and span tags (`http.request.headers.cookie`), not names that merely contain it (`no_cookies`). */
const COOKIE = /(?<![A-Za-z0-9_\-])(?:set-)?cookie[s2]?(?:\\?["'])?[ \t]{0,32}(?:=>|[:=])[ \t]{0,32}/gi;
const BEARER = /\bBearer[ \t]/g;
const BEARER_CHAR = /[A-Za-z0-9\-._~+/=]/;
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.eyJ[A-Za-z0-9_-]{4,65536}\.[A-Za-z0-9_-]{4,8192}/g;
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@"'<>]{1,256}:([^\s/@"'<>]{1,256})@/dgi;
const QUERY = /[?&;](?:[a-z_\-]{0,40}token|api[_-]?key|apikey|app[_-]?key|secret|password|passwd|sig|signature|auth|code)=/gi;
const QUERY_CHAR = /[^&\s"'#<>]/;
const BLANK = /[ \t]/;
/** A token as a URL's user, no password: https://TOKEN@host (short users such as git@ stay). */
const URL_USER = /\b[a-z][a-z0-9+.-]{0,20}:\/\/([^\s/:@"'<>]{8,256})@/dgi;
/** The start of a PEM private key; its body runs over the base64 (and JSON-escaped line breaks) that follow. */
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const PEM_BODY = /[A-Za-z0-9+/=\s\\]/;
/** 32 hex (a Datadog API key) or 40 hex (an application key) standing alone. */
const HEX_KEY = /(?<![A-Za-z0-9_\-])(?:[0-9a-f]{40}|[0-9a-f]{32})(?![A-Za-z0-9_])/gi;
/** What names a hex value that is not a key: trace and span ids, commits, digests (tested on the 48 characters before). */
const HEX_LABEL =
  /(?:trace|span|tid|parent|sha\d{0,3}|commit|digest|checksum|md5|hash|etag|git|revision|rev|build|uuid|runtime|request)[_\-.]?(?:id)?["']?[ \t]{0,3}[:=]?[ \t]{0,3}["']?$/i;
/** A `name:`/`key:` before a `value:` (on its line or the one before). */
const NAME_BEFORE = /(?:^|[^A-Za-z0-9_.\-])["']?(?:name|key)["']?[ \t]{0,16}[:=]/i;
/** A value that looks like a credential rather than a word: long, letters and digits. */
function tokenLike(v: string): boolean {
  return v.length >= 16 && v.length <= 4096 && /^[A-Za-z0-9+/=_\-.~]+$/.test(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v);
}
/** A YAML block scalar indicator (|, >, with chomping and indentation), then blanks or a comment to the end of the line. */
const BLOCK_INDICATOR = /[|>][+-]?[0-9]?[+-]?(?:[ \t]{1,64}#[^\r\n]{0,1000})?[ \t]{0,64}(?=\r|\n)/y;
/** A mapping entry (`key:` or `- key:`), which a sibling or parent key's line is. */
const MAPPING_ENTRY = /^[ \t]{0,256}(?:-[ \t]{1,8})?["']?[A-Za-z0-9_.\-]{1,200}["']?[ \t]{0,16}:(?:[ \t]|$)/;

/** Where the line holding `i` starts. */
function lineStart(t: string, i: number): number {
  let j = i;
  while (j > 0 && !isEol(t[j - 1])) j--;
  return j;
}
function indentAt(t: string, start: number): number {
  let j = start;
  while (j < t.length && (t[j] === ' ' || t[j] === '\t')) j++;
  return j - start;
}

/**
 * The lines of a YAML value that starts on the line after its key (a block scalar, or a plain value moved down):
 * the first non-blank line, and the lines after it indented at least as much. `strict`: a plain value must be
 * more indented than the key (else the next line is the next key), unless that line is not a `key:` entry.
 * Pushes one span per line (a span never holds a line break) and returns where the block ends.
 */
function yamlBlock(t: string, keyLineStart: number, eol: number, strict: boolean, out: Span[]): number {
  const keyIndent = indentAt(t, keyLineStart);
  let i = eol;
  let minIndent = -1;
  while (i < t.length) {
    // Past the line break (\r\n counts once).
    if (t[i] === '\r' && t[i + 1] === '\n') i += 2;
    else i++;
    const start = i;
    let end = i;
    while (end < t.length && !isEol(t[end])) end++;
    const ind = indentAt(t, start);
    const content = start + ind;
    if (content >= end) {
      // A blank line inside a block belongs to it.
      i = end;
      if (i >= t.length) break;
      continue;
    }
    if (minIndent < 0) {
      if (strict && ind <= keyIndent && MAPPING_ENTRY.test(t.slice(start, Math.min(end, start + 600)))) return start;
      minIndent = ind;
    } else if (ind < minIndent || ind <= keyIndent) return start;
    const text = t.slice(content, Math.min(end, content + 300));
    if (text !== REDACTED && !(end - content <= 256 && isPlaceholder(t.slice(content, end)))) out.push({ start: content, end, kind: 'secret value' });
    i = end;
    if (i >= t.length) break;
    if (minIndent <= keyIndent) return end; // a value moved down without indentation: that one line only
  }
  return i;
}

const RULES: Rule[] = [
  // KEY=value, KEY: value, "key": "value", 'key' => 'value', key := value, env[KEY] = value for secret-named keys;
  // in YAML also `key: |` (or >-) and `key:` with the value on the next lines.
  (s, out) => {
    let blockEnd = -1;
    const t = s.text;
    each(KEY_VALUE, t, (m) => {
      const key = m[1];
      if (SECRET_NAME.test(key) && m.index >= blockEnd) {
        const before = t[m.index - 1];
        // Any number of blanks after the separator (aligned files): skipped by hand, linear.
        const pos = s.run('blank', m.index + m[0].length, BLANK);
        const colon = !m[0].includes('=');
        BLOCK_INDICATOR.lastIndex = pos;
        if (colon && (pos >= t.length || isEol(t[pos]))) {
          if (pos < t.length) blockEnd = yamlBlock(t, lineStart(t, m.index), pos, true, out);
        } else if (colon && BLOCK_INDICATOR.test(t)) {
          blockEnd = yamlBlock(t, lineStart(t, m.index), BLOCK_INDICATOR.lastIndex, false, out);
        } else {
          const v = s.value(pos, before === '?' || before === '&');
          if (v) out.push({ ...v, kind: 'secret value' });
        }
      }
      return m.index + key.length; // the value may hold the next key (`2: DD_API_KEY=…`, `"env":"DD_API_KEY=…"`)
    });
  },
  (s, out) =>
    each(FLAG_VALUE, s.text, (m) => {
      if (SECRET_NAME.test(m[1])) {
        const v = s.value(m.index + m[0].length);
        if (v) out.push({ ...v, kind: 'secret value' });
      }
      return m.index + m[1].length;
    }),
  (s, out) =>
    each(NAME_THEN_VALUE, s.text, (m) => {
      if (SECRET_NAME.test(m[1])) {
        const v = s.value(m.index + m[0].length);
        if (v) out.push({ ...v, kind: 'secret value' });
      }
      return m.index + 1;
    }),
  (s, out) =>
    each(DIRECTIVE, s.text, (m) => {
      if (SECRET_NAME.test(m[1])) {
        const v = s.value(m.index + m[0].length);
        if (v) out.push({ ...v, kind: 'secret value' });
      }
    }),
  (s, out) =>
    each(CALL_ARGS, s.text, (m) => {
      if (SECRET_NAME.test(m[1])) {
        const v = s.value(m.index + m[0].length);
        if (v) out.push({ ...v, kind: 'secret value' });
      }
    }),
  (s, out) =>
    each(VALUE_KEY, s.text, (m) => {
      const v = s.value(m.index + m[0].length);
      if (!v) return;
      NAME_AFTER_VALUE.lastIndex = v.end;
      const n = NAME_AFTER_VALUE.exec(s.text);
      if (n) {
        if (SECRET_NAME.test(n[1])) out.push({ ...v, kind: 'secret value' });
        return;
      }
      // No name after it: is there one before (this line or the one above, as Kubernetes writes it)? If not, the
      // name was cut off (an excerpt window), and a value that looks like a credential goes.
      const t = s.text;
      const from = Math.max(0, m.index - 400);
      const before = t.slice(from, m.index);
      if (NAME_BEFORE.test(before)) return;
      // Its token characters (an unquoted value may run into punctuation: `value: abc…123`,).
      let e = v.start;
      while (e < v.end && e - v.start <= 4096 && /[A-Za-z0-9+/=_\-.~]/.test(t[e])) e++;
      if (tokenLike(t.slice(v.start, e))) out.push({ ...v, kind: 'secret value' });
    }),
  // Authorization / Proxy-Authorization headers and span tags, in any of the log syntaxes:
  // `Authorization: Bearer x`, `"authorization":"Basic x"`, `http.request.headers.authorization => x`.
  // Multi-part schemes (Digest, AWS4, NTLM…) lose everything up to the closing quote or the end of the line.
  (s, out) =>
    each(AUTHORIZATION, s.text, (m) => {
      const pos = m.index + m[0].length;
      const scheme = m[2]?.toLowerCase();
      if (scheme && scheme !== 'bearer' && scheme !== 'basic' && scheme !== 'token') {
        // Quoted: to the closing quote (a JSON string's \" inside stays in); else to the end of the line.
        let end = s.lineEnd(pos);
        if (m[1]) {
          const quote = m[0].slice(0, m[0].length - m[2].length).trimEnd();
          const escaped = quote.endsWith(`\\${m[1]}`);
          end = s.closing(m[1], pos);
          while (!escaped && end < s.text.length && s.text[end] === m[1] && s.text[end - 1] === '\\') end = s.closing(m[1], end + 1);
          if (escaped && end > pos && s.text[end - 1] === '\\') end--;
        }
        if (end > pos && !s.text.startsWith(REDACTED, pos)) out.push({ start: pos, end, kind: 'authorization header' });
        return;
      }
      const t = s.text;
      if (pos >= t.length || t.startsWith(REDACTED, pos)) return;
      const end = s.run('auth', pos, /[^\s"',;\\]/);
      if (end > pos && !(end - pos <= 256 && isPlaceholder(t.slice(pos, end)))) out.push({ start: pos, end, kind: 'authorization header' });
    }),
  // Cookie and Set-Cookie headers (the whole value: every cookie in it), quoted or to the end of the line.
  (s, out) =>
    each(COOKIE, s.text, (m) => {
      const pos = m.index + m[0].length;
      const t = s.text;
      if (pos >= t.length || t.startsWith(REDACTED, pos)) return;
      const c = t[pos];
      let v: { start: number; end: number } | null;
      if (c === '"' || c === "'" || (c === '\\' && (t[pos + 1] === '"' || t[pos + 1] === "'"))) v = s.value(pos);
      else v = { start: pos, end: s.lineEnd(pos) };
      if (v && v.end > v.start && !(v.end - v.start <= 256 && isPlaceholder(t.slice(v.start, v.end)))) out.push({ ...v, kind: 'cookie' });
    }),
  // Bearer tokens anywhere else (a curl command line, an error message), after any number of blanks.
  (s, out) =>
    each(BEARER, s.text, (m) => {
      const pos = s.run('blank', m.index + m[0].length, BLANK);
      const end = s.run('bearer', pos, BEARER_CHAR);
      if (end - pos >= 8 && !s.text.startsWith(REDACTED, pos)) out.push({ start: pos, end, kind: 'bearer token' });
      return end > m.index + m[0].length ? end : undefined;
    }),
  // JSON Web Tokens: three base64url parts, the first two JSON objects ("eyJ" = base64 of '{"').
  (s, out) => each(JWT, s.text, (m) => void out.push({ start: m.index, end: m.index + m[0].length, kind: 'JWT' })),
  // Passwords in URLs: scheme://user:password@host → scheme://user:[REDACTED]@host.
  (s, out) =>
    each(URL_PASSWORD, s.text, (m) => {
      const [start, end] = m.indices![1];
      if (!isPlaceholder(m[1])) out.push({ start, end, kind: 'URL password' });
    }),
  // A token as the URL's user: https://TOKEN@host.
  (s, out) =>
    each(URL_USER, s.text, (m) => {
      const [start, end] = m.indices![1];
      if (!isPlaceholder(m[1]) && (/[0-9]/.test(m[1]) || m[1].length >= 20)) out.push({ start, end, kind: 'URL token' });
    }),
  // PEM private keys: the body (to -----END or the end of the base64), line by line so no line break is lost.
  (s, out) =>
    each(PEM_BEGIN, s.text, (m) => {
      const t = s.text;
      const from = m.index + m[0].length;
      const to = s.run('pem', from, PEM_BODY);
      let i = from;
      while (i < to) {
        while (i < to && isEol(t[i])) i++;
        let e = i;
        while (e < to && !isEol(t[e])) e++;
        let a = i;
        while (a < e && (t[a] === ' ' || t[a] === '\t')) a++;
        if (e > a) out.push({ start: a, end: e, kind: 'private key' });
        i = e;
      }
      return to > from ? to : undefined;
    }),
  // Unlabelled Datadog keys (32 or 40 hex, letters and digits), unless named as an id or a digest just before.
  (s, out) =>
    each(HEX_KEY, s.text, (m) => {
      const k = m[0];
      if (!/[0-9]/.test(k) || !/[a-f]/i.test(k)) return;
      const before = s.text.slice(Math.max(0, m.index - 48), m.index);
      if (HEX_LABEL.test(before)) return;
      out.push({ start: m.index, end: m.index + k.length, kind: 'unlabelled key' });
    }),
  // Token-like query parameters: ?access_token=…&api_key=…&sig=…
  (s, out) =>
    each(QUERY, s.text, (m) => {
      const pos = m.index + m[0].length;
      if (s.text.startsWith(REDACTED, pos)) return;
      const end = s.run('query', pos, QUERY_CHAR);
      if (end > pos && !(end - pos <= 256 && isPlaceholder(s.text.slice(pos, end)))) out.push({ start: pos, end, kind: 'query parameter' });
    }),
];

/** One pass: every rule on the same text, then the union of the spans replaced. */
function pass(text: string, counts: Record<string, number>): string {
  const spans: Span[] = [];
  for (const rule of RULES) rule(new Scanner(text), spans);
  if (!spans.length) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let pos = 0;
  let cur: Span | null = null;
  const flush = (sp: Span) => {
    parts.push(text.slice(pos, sp.start), REDACTED);
    pos = sp.end;
    counts[sp.kind] = (counts[sp.kind] ?? 0) + 1;
  };
  for (const sp of spans) {
    if (cur && sp.start <= cur.end) cur.end = Math.max(cur.end, sp.end);
    else {
      if (cur) flush(cur);
      cur = { ...sp };
    }
  }
  if (cur) flush(cur);
  parts.push(text.slice(pos));
  return parts.join('');
}

/** Redacts secrets in text. Idempotent: redact(redact(x).text).text === redact(x).text. */
export function redact(text: string): Redaction {
  const counts: Record<string, number> = {};
  let out = text;
  // A second pass only matters when a replacement joined text into a new secret form (it converges at once).
  for (let i = 0; i < 3; i++) {
    const next = pass(out, counts);
    if (next === out) break;
    out = next;
  }
  return { text: out, counts };
}

/**
 * Redacts lines that belong together (a log excerpt) as one text, so a secret split over lines (`- name: DD_API_KEY`
 * then `value: …`) is seen, then splits them back. Redaction never adds or removes a line break.
 */
export function redactLines(lines: string[]): { lines: string[]; counts: Record<string, number> } {
  const r = redact(lines.join('\n'));
  const out = splitLines(r.text, 'lf');
  if (out.length === lines.length) return { lines: out, counts: r.counts };
  // Not expected; stay safe line by line.
  const counts: Record<string, number> = {};
  const single = lines.map((l) => {
    const x = redact(l);
    mergeCounts(counts, x.counts);
    return x.text;
  });
  return { lines: single, counts };
}

export function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
