// The effective agent address and where it came from (seed step 3: "check that DD_AGENT_HOST and optionally
// DD_TRACE_AGENT_PORT are set, or that DD_TRACE_AGENT_URL is set for the application / tracing library").
//
// Precedence (first source that sets any of the variables wins; each source with file and 0-based line):
//   1. an explicit URL (the asmTroubleshooter.agent.url setting, `--agent`)
//   2. the process environment (what a tracer started from this shell would see)
//   3. .vscode/launch.json `configurations[].env`
//   4. .env files (.env, .env.local, .env.<name>; *.example/*.sample/*.template are skipped)
//   5. docker-compose / compose files: `services.<name>.environment` (list or map)
//   6. Kubernetes manifests: `containers[].env[]` name/value
//   7. Dockerfile `ENV` (both `ENV K=V` and `ENV K V`)
//   8. datadog.yaml `apm_config.receiver_port` (the port the agent listens on; host localhost)
//   9. the default http://localhost:8126
// Within a source DD_TRACE_AGENT_URL wins over DD_AGENT_HOST + DD_TRACE_AGENT_PORT, as in every tracer.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type Pair } from 'yaml';
import { findWorkspaceFiles } from '../workspace';
import { DEFAULT_AGENT_URL } from './check';

export type AddressSourceKind = 'setting' | 'environment' | 'launch.json' | '.env' | 'docker-compose' | 'kubernetes' | 'dockerfile' | 'datadog.yaml' | 'default';

export const PRECEDENCE: readonly AddressSourceKind[] = ['setting', 'environment', 'launch.json', '.env', 'docker-compose', 'kubernetes', 'dockerfile', 'datadog.yaml', 'default'];

export interface AgentVar {
  name: string;
  value: string;
  file?: string;
  /** 0-based. */
  line?: number;
}

export interface AgentAddressSource {
  kind: AddressSourceKind;
  /** Absolute path of the file that sets it. */
  file?: string;
  /** 0-based line of the first variable (or of the setting). */
  line?: number;
  /** Which service / container / launch configuration. */
  context?: string;
  vars: AgentVar[];
  url: string;
}

export interface ApmConfig {
  file: string;
  line: number;
  enabled: boolean | null;
  receiverPort: number | null;
  nonLocalTraffic: boolean | null;
}

export interface ResolvedAgentAddress {
  url: string;
  source: AgentAddressSource;
  /** Every source found, in precedence order (the effective one first). */
  candidates: AgentAddressSource[];
  apmConfig: ApmConfig | null;
  /** Conflicts and datadog.yaml remarks, one sentence each. */
  notes: string[];
}

export const AGENT_VARS = ['DD_TRACE_AGENT_URL', 'DD_AGENT_HOST', 'DD_TRACE_AGENT_PORT', 'DD_AGENT_PORT', 'DD_TRACE_AGENT_HOSTNAME'] as const;
const AGENT_VAR_SET = new Set<string>(AGENT_VARS);

/** The URL a tracer builds from these variables. */
export function urlFromVars(vars: AgentVar[] | Record<string, string | undefined>): string {
  const get = (n: string) => (Array.isArray(vars) ? vars.find((v) => v.name === n)?.value : vars[n])?.trim() || undefined;
  const url = get('DD_TRACE_AGENT_URL');
  if (url) return url;
  let host = get('DD_AGENT_HOST') ?? get('DD_TRACE_AGENT_HOSTNAME') ?? 'localhost';
  const port = get('DD_TRACE_AGENT_PORT') ?? get('DD_AGENT_PORT') ?? '8126';
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  return `http://${host}:${port}`;
}

export interface ResolveOptions {
  env?: Record<string, string | undefined>;
  workspaceDir?: string;
  /** An explicit address (setting or --agent): always wins. */
  explicitUrl?: string;
  explicitLabel?: string;
  readFile?: (file: string) => Promise<string>;
  signal?: AbortSignal;
}

const MAX_CONFIG_BYTES = 1 << 20;

async function defaultRead(file: string): Promise<string> {
  const st = await fsp.stat(file);
  if (st.size > MAX_CONFIG_BYTES) throw new Error('too large');
  return fsp.readFile(file, 'utf8');
}

/** JVM option variables, kept beside the DD_* ones: -Ddd.* system properties there configure the Java tracer. */
export const JVM_OPTION_VARS = new Set(['JAVA_TOOL_OPTIONS', 'JAVA_OPTS', '_JAVA_OPTIONS', 'CATALINA_OPTS']);

/** Every place that sets DD_* variables for the service (the environment evidence of the steps), in precedence order. */
export interface EnvSource {
  kind: Exclude<AddressSourceKind, 'setting' | 'default'>;
  file?: string;
  context?: string;
  /** Only DD_* variables (and JVM_OPTION_VARS). */
  vars: AgentVar[];
}

export interface WorkspaceEnvironment {
  sources: EnvSource[];
  apmConfig: ApmConfig | null;
}

/** Reads the environment and the workspace's launch/.env/compose/Kubernetes/Dockerfile/datadog.yaml files (bounded). */
export async function scanEnvironment(opts: Omit<ResolveOptions, 'explicitUrl' | 'explicitLabel'>): Promise<WorkspaceEnvironment> {
  const read = opts.readFile ?? defaultRead;
  const sources: EnvSource[] = [];
  const add = (kind: EnvSource['kind'], vars: AgentVar[], extra: Partial<EnvSource> = {}) => {
    const own = vars.filter((v) => v.name.startsWith('DD_') || JVM_OPTION_VARS.has(v.name));
    if (own.length) sources.push({ kind, vars: own, file: own[0].file, ...extra });
  };
  const env = opts.env ?? {};
  add('environment', Object.keys(env).filter((n) => (n.startsWith('DD_') || JVM_OPTION_VARS.has(n)) && env[n] !== undefined).sort().map((n) => ({ name: n, value: env[n]! })), { context: 'process environment' });

  let apmConfig: ApmConfig | null = null;
  const dir = opts.workspaceDir;
  if (dir) {
    const files = await findWorkspaceFiles(
      dir,
      ['.vscode/launch.json', '**/.env', '**/.env.*', '**/*.{yml,yaml}', '**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile', '**/*.dockerfile'],
      { deep: 4, max: 400, signal: opts.signal },
    );
    const readSafe = async (rel: string): Promise<{ file: string; text: string } | null> => {
      const file = path.join(dir, rel);
      try {
        return { file, text: await read(file) };
      } catch {
        return null;
      }
    };
    const byKind = (pred: (base: string, rel: string) => boolean) => files.filter((rel) => pred(path.posix.basename(rel), rel));
    for (const rel of byKind((b, r) => r === '.vscode/launch.json')) {
      const f = await readSafe(rel);
      if (f) for (const c of launchJsonSources(f.text, f.file)) add('launch.json', c.vars, { context: c.context });
    }
    for (const rel of byKind((b) => (b === '.env' || b.startsWith('.env.')) && !/\.(example|sample|template|dist)$/i.test(b))) {
      const f = await readSafe(rel);
      if (f) add('.env', parseDotEnv(f.text, f.file), { context: rel });
    }
    const isCompose = (b: string) => /^(docker-)?compose[\w.-]*\.ya?ml$/i.test(b);
    for (const rel of byKind(isCompose)) {
      const f = await readSafe(rel);
      if (f) for (const c of composeSources(f.text, f.file, env)) add('docker-compose', c.vars, { context: `service ${c.context}` });
    }
    for (const rel of byKind((b) => /\.ya?ml$/i.test(b) && !isCompose(b) && b !== 'datadog.yaml')) {
      const f = await readSafe(rel);
      if (f && /\bcontainers\s*:/.test(f.text)) for (const c of kubernetesSources(f.text, f.file)) add('kubernetes', c.vars, { context: c.context });
    }
    for (const rel of byKind((b) => /^Dockerfile(\..+)?$/.test(b) || /\.[dD]ockerfile$/.test(b))) {
      const f = await readSafe(rel);
      if (f) add('dockerfile', parseDockerfileEnv(f.text, f.file), { context: rel });
    }
    for (const rel of byKind((b) => b === 'datadog.yaml')) {
      const f = await readSafe(rel);
      const c = f && parseApmConfig(f.text, f.file);
      if (c) apmConfig ??= c;
    }
  }
  sources.sort((a, b) => PRECEDENCE.indexOf(a.kind) - PRECEDENCE.indexOf(b.kind));
  return { sources, apmConfig };
}

export async function resolveAgentAddress(opts: ResolveOptions & { scan?: WorkspaceEnvironment }): Promise<ResolvedAgentAddress> {
  const scan = opts.scan ?? (await scanEnvironment(opts));
  const candidates: AgentAddressSource[] = [];
  if (opts.explicitUrl?.trim()) {
    candidates.push({ kind: 'setting', vars: [], url: opts.explicitUrl.trim(), context: opts.explicitLabel ?? 'asmTroubleshooter.agent.url' });
  }
  for (const s of scan.sources) {
    const own = s.vars.filter((v) => AGENT_VAR_SET.has(v.name) && v.value.trim());
    if (own.length) candidates.push({ kind: s.kind, vars: own, url: urlFromVars(own), file: own[0].file, line: own[0].line, context: s.context });
  }
  const apmConfig = scan.apmConfig;
  if (apmConfig?.receiverPort != null) {
    candidates.push({ kind: 'datadog.yaml', file: apmConfig.file, line: apmConfig.line, vars: [], url: `http://localhost:${apmConfig.receiverPort}`, context: 'apm_config.receiver_port' });
  }
  candidates.push({ kind: 'default', vars: [], url: DEFAULT_AGENT_URL, context: 'the tracers’ default' });
  candidates.sort((a, b) => PRECEDENCE.indexOf(a.kind) - PRECEDENCE.indexOf(b.kind));
  const source = candidates[0];
  const notes: string[] = [];
  const where = (c: AgentAddressSource) => `${c.kind}${c.file ? ` (${path.basename(c.file)}${c.line !== undefined ? `:${c.line + 1}` : ''})` : ''}`;
  for (const c of candidates.slice(1)) {
    if (c.kind !== 'default' && c.url !== source.url) notes.push(`${where(c)} sets ${c.url}, but ${where(source)} takes precedence with ${source.url}`);
  }
  if (apmConfig) {
    if (apmConfig.enabled === false) notes.push(`APM is disabled in ${apmConfig.file} (apm_config.enabled: false): the agent does not accept traces`);
    const host = hostOf(source.url);
    if (host && !isLocalHost(host) && apmConfig.nonLocalTraffic !== true) {
      notes.push(`the application sends to ${host}, but ${path.basename(apmConfig.file)} does not set apm_config.apm_non_local_traffic: true, so the agent only accepts traces from its own host (set DD_APM_NON_LOCAL_TRAFFIC=true in a container)`);
    }
    const port = portOf(source.url);
    if (apmConfig.receiverPort !== null && port !== null && port !== apmConfig.receiverPort && source.kind !== 'datadog.yaml') {
      notes.push(`the application sends to port ${port}, but ${path.basename(apmConfig.file)} sets apm_config.receiver_port: ${apmConfig.receiverPort}`);
    }
  }
  return { url: source.url, source, candidates, apmConfig, notes };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}
function portOf(url: string): number | null {
  try {
    const u = new URL(url);
    return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : null;
  } catch {
    return null;
  }
}
export function isLocalHost(h: string): boolean {
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

// ---- .env -----------------------------------------------------------------------------------------------------

/** KEY=VALUE lines (optional `export`, quotes, trailing `# comment` on unquoted values). */
export function parseDotEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    out.push({ name: m[1], value: unquote(m[2].trim(), true), file, line: i });
  }
  return out;
}

function unquote(v: string, stripComment: boolean): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2) {
    const end = v.indexOf(q, 1);
    if (end > 0) return v.slice(1, end);
  }
  if (!stripComment) return v;
  // A comment starts at a `#` after whitespace. A plain search, not /\s+#.*$/: that one backtracks over every run
  // of spaces (quadratic: a 1 MiB line of spaces took minutes on the server's thread).
  const k = v.search(/\s#/);
  return (k >= 0 ? v.slice(0, k) : v).trim();
}

// ---- JSONC (launch.json) ---------------------------------------------------------------------------------------

/** Removes // and /* *\/ comments and trailing commas outside strings, keeping every newline (positions stay valid). */
export function stripJsonc(text: string): string {
  let out = '';
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === ',') {
      // A trailing comma: the next significant character closes an object or array.
      let j = i + 1;
      for (;;) {
        while (j < n && /\s/.test(text[j])) j++;
        if (text[j] === '/' && text[j + 1] === '/') {
          while (j < n && text[j] !== '\n') j++;
        } else if (text[j] === '/' && text[j + 1] === '*') {
          const e = text.indexOf('*/', j + 2);
          j = e < 0 ? n : e + 2;
        } else break;
      }
      out += text[j] === '}' || text[j] === ']' ? ' ' : ',';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Offsets where each line starts (line i starts at result[i]). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line of an offset: binary search in lineStarts. */
function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Offsets of every string literal by its raw text (`strings`), and of those that are object keys (`"…"` followed
 * by `:`), in one pass: each configuration and variable is then a binary search instead of a scan from the start
 * per variable (quadratic: an env of 40k keys took 27 s).
 */
function stringOffsets(text: string): { strings: Map<string, number[]>; keys: Map<string, number[]> } {
  const strings = new Map<string, number[]>();
  const keys = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, raw: string, at: number) => {
    const list = m.get(raw);
    if (list) list.push(at);
    else m.set(raw, [at]);
  };
  const n = text.length;
  let i = text.indexOf('"');
  while (i >= 0) {
    let j = i + 1;
    while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= n) break; // unterminated: JSON.parse accepted the text, so this cannot happen
    const raw = text.slice(i + 1, j);
    add(strings, raw, i);
    let k = j + 1;
    while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r' || text[k] === '\n')) k++;
    if (text[k] === ':') add(keys, raw, i);
    i = text.indexOf('"', j + 1);
  }
  return { strings, keys };
}

/** The first offset in a sorted list at or after `from`. */
function firstAtOrAfter(list: readonly number[] | undefined, from: number): number | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}

export function launchJsonSources(text: string, file?: string): { context: string; vars: AgentVar[] }[] {
  let json: unknown;
  const clean = stripJsonc(text);
  try {
    json = JSON.parse(clean);
  } catch {
    return [];
  }
  const configs = (json as { configurations?: unknown })?.configurations;
  if (!Array.isArray(configs)) return [];
  const out: { context: string; vars: AgentVar[] }[] = [];
  let cursor = 0;
  const starts = lineStarts(clean);
  const { strings, keys } = stringOffsets(clean);
  const raw = (s: string) => JSON.stringify(s).slice(1, -1);
  for (const c of configs) {
    const name = typeof c?.name === 'string' ? c.name : '(unnamed)';
    // Locate this configuration in the text so each variable gets its own line.
    const at = firstAtOrAfter(strings.get(raw(name)), cursor);
    if (at !== undefined) cursor = at;
    const env = c?.env;
    if (!env || typeof env !== 'object') continue;
    const vars: AgentVar[] = [];
    for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      const key = firstAtOrAfter(keys.get(raw(k)), cursor);
      vars.push({ name: k, value: String(v), file, line: key === undefined ? undefined : lineAt(starts, key) });
    }
    out.push({ context: `launch configuration "${name}"`, vars });
  }
  return out;
}

// ---- YAML helpers --------------------------------------------------------------------------------------------

function lineOf(lc: LineCounter, node: { range?: [number, number, number] | null } | null | undefined): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line - 1;
}

function scalarString(n: unknown): string | null {
  if (!isScalar(n)) return null;
  const v = n.value;
  return v === null || v === undefined ? '' : typeof v === 'object' ? null : String(v);
}

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}` as docker compose interpolates them; null when a variable is unset. */
export function interpolate(value: string, env: Record<string, string | undefined>): string | null {
  let unresolved = false;
  const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string, op: string | undefined, def: string | undefined, bare: string | undefined) => {
    const n = name ?? bare!;
    const v = env[n];
    if (v !== undefined && (v !== '' || op !== ':-')) return v;
    if (op) return def ?? '';
    unresolved = true;
    return '';
  });
  return unresolved ? null : out;
}

function envEntries(node: unknown, lc: LineCounter, file: string | undefined, env: Record<string, string | undefined>): AgentVar[] {
  const out: AgentVar[] = [];
  if (isSeq(node)) {
    for (const item of node.items) {
      const s = scalarString(item);
      if (s === null) continue;
      const eq = s.indexOf('=');
      if (eq <= 0) continue;
      const value = interpolate(s.slice(eq + 1), env);
      if (value !== null) out.push({ name: s.slice(0, eq).trim(), value, file, line: lineOf(lc, item as YamlNode) });
    }
  } else if (isMap(node)) {
    for (const p of node.items as Pair[]) {
      const k = scalarString(p.key);
      const v = scalarString(p.value);
      if (k === null || v === null) continue;
      const value = interpolate(v, env);
      if (value !== null) out.push({ name: k, value, file, line: lineOf(lc, p.key as YamlNode) });
    }
  }
  return out;
}

export function composeSources(text: string, file?: string, env: Record<string, string | undefined> = {}): { context: string; vars: AgentVar[] }[] {
  const lc = new LineCounter();
  const out: { context: string; vars: AgentVar[] }[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
    if (!('contents' in doc) || doc.errors.length) continue;
    const services = isMap(doc.contents) ? doc.contents.get('services', true) : null;
    if (!isMap(services)) continue;
    for (const p of services.items as Pair[]) {
      const name = scalarString(p.key) ?? '?';
      if (!isMap(p.value)) continue;
      out.push({ context: name, vars: envEntries(p.value.get('environment', true), lc, file, env) });
    }
  }
  return out;
}

export function kubernetesSources(text: string, file?: string): { context: string; vars: AgentVar[] }[] {
  const lc = new LineCounter();
  const out: { context: string; vars: AgentVar[] }[] = [];
  let budget = 10_000; // nodes visited: bounded on hostile files
  const visit = (node: unknown, kindName: string) => {
    if (--budget < 0) return;
    if (isMap(node)) {
      for (const p of node.items as Pair[]) {
        const key = scalarString(p.key);
        if ((key === 'containers' || key === 'initContainers') && isSeq(p.value)) {
          for (const c of p.value.items) {
            if (!isMap(c)) continue;
            const cname = scalarString(c.get('name', true)) ?? '?';
            const envNode = c.get('env', true);
            const vars: AgentVar[] = [];
            if (isSeq(envNode)) {
              for (const e of envNode.items) {
                if (!isMap(e)) continue;
                const n = scalarString(e.get('name', true));
                const v = scalarString(e.get('value', true));
                // valueFrom (fieldRef status.hostIP, the usual DaemonSet set-up) has no literal value.
                const valueFrom = e.get('valueFrom', true);
                if (n && v !== null) vars.push({ name: n, value: v, file, line: lineOf(lc, e) });
                else if (n && valueFrom && AGENT_VAR_SET.has(n)) {
                  const ref = isMap(valueFrom) ? valueFrom.getIn(['fieldRef', 'fieldPath']) : null;
                  vars.push({ name: n, value: ref === 'status.hostIP' ? '<node IP (status.hostIP)>' : '<valueFrom>', file, line: lineOf(lc, e) });
                }
              }
            }
            out.push({ context: `${kindName} container ${cname}`, vars });
          }
        } else visit(p.value, kindName);
      }
    } else if (isSeq(node)) for (const i of node.items) visit(i, kindName);
  };
  for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
    if (!('contents' in doc) || doc.errors.length || !isMap(doc.contents)) continue;
    const kind = scalarString(doc.contents.get('kind', true)) ?? 'manifest';
    const name = scalarString(doc.contents.getIn(['metadata', 'name'], true)) ?? '';
    visit(doc.contents, name ? `${kind} ${name}` : kind);
  }
  return out;
}

// ---- Dockerfile ----------------------------------------------------------------------------------------------

/** `ENV K=V [K2=V2…]` and the legacy `ENV K V` (the rest of the line is the value); line continuations joined. */
export function parseDockerfileEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    // Continuations: pieces joined once (appending to the joined string and re-testing it was quadratic).
    const pieces: string[] = [];
    let l = lines[i];
    for (let t = l.trimEnd(); t.endsWith('\\') && i + 1 < lines.length; t = l.trimEnd()) {
      pieces.push(t.slice(0, -1), ' ');
      l = lines[++i];
    }
    pieces.push(l);
    l = pieces.join('');
    const m = /^\s*ENV\s+(.*)$/i.exec(l);
    if (!m) continue;
    const body = m[1].trim();
    // Docker's rule: when the first word has no '=', it is the legacy `ENV KEY the rest of the line`.
    if (!body.split(/\s+/)[0].includes('=')) {
      const mm = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(body);
      if (mm) out.push({ name: mm[1], value: unquote(mm[2].trim(), false), file, line: start });
      continue;
    }
    for (const [name, raw] of envAssignments(body)) out.push({ name, value: unquote(raw, false).replace(/\\(.)/g, '$1'), file, line: start });
  }
  return out;
}

const isIdentChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The `NAME=value` pairs that /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g finds, in linear time:
 * that regex retries the name at every position of a long identifier without '=' (quadratic: a 1 MiB word).
 * Here the name is read backwards from each '=' (never before the previous match), the value with a sticky regex.
 */
export function envAssignments(body: string): [string, string][] {
  const out: [string, string][] = [];
  const value = /"(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*/y;
  let from = 0;
  for (let eq = body.indexOf('='); eq >= 0; eq = body.indexOf('=', from)) {
    let s = eq;
    while (s > from && isIdentChar(body.charCodeAt(s - 1))) s--;
    while (s < eq && body.charCodeAt(s) >= 48 && body.charCodeAt(s) <= 57) s++; // a name does not start with a digit
    if (s === eq) {
      from = eq + 1;
      continue;
    }
    value.lastIndex = eq + 1;
    const v = value.exec(body)?.[0] ?? '';
    out.push([body.slice(s, eq), v]);
    from = eq + 1 + v.length;
  }
  return out;
}

// ---- datadog.yaml --------------------------------------------------------------------------------------------

export function parseApmConfig(text: string, file: string): ApmConfig | null {
  const lc = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
    if (!('contents' in doc) || !isMap(doc.contents)) continue;
    const apm = doc.contents.get('apm_config', true);
    const pair = (doc.contents.items as Pair[]).find((p) => scalarString(p.key) === 'apm_config');
    if (!isMap(apm)) continue;
    const bool = (k: string) => {
      const v = scalarString(apm.get(k, true));
      return v === null || v === '' ? null : /^(true|yes|on|1)$/i.test(v);
    };
    const portText = scalarString(apm.get('receiver_port', true));
    const port = portText && /^\d+$/.test(portText) ? Number(portText) : null;
    return { file, line: lineOf(lc, pair?.key as YamlNode) ?? 0, enabled: bool('enabled'), receiverPort: port, nonLocalTraffic: bool('apm_non_local_traffic') };
  }
  return null;
}
