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
// The resolver lives here; each file kind's parser has its own module in ../config/ (re-exported below).
import { composeSources } from '../config/compose';
import { parseApmConfig, type ApmConfig } from '../config/datadogYaml';
import { parseDockerfileEnv } from '../config/dockerfile';
import { parseDotEnv } from '../config/dotenv';
import { kubernetesSources } from '../config/kubernetes';
import { launchJsonSources } from '../config/launchJson';
import { AGENT_VAR_SET, type AgentVar } from '../config/model';
import { findWorkspaceFiles } from '../workspace';
import { DEFAULT_AGENT_URL } from './check';

export type { AgentVar } from '../config/model';
export { AGENT_VARS } from '../config/model';
export type { ApmConfig } from '../config/datadogYaml';
export { parseDotEnv } from '../config/dotenv';
export { launchJsonSources, stripJsonc } from '../config/launchJson';
export { composeSources, interpolate } from '../config/compose';
export { kubernetesSources } from '../config/kubernetes';
export { envAssignments, parseDockerfileEnv } from '../config/dockerfile';
export { parseApmConfig } from '../config/datadogYaml';

export type AddressSourceKind =
  'setting' | 'environment' | 'launch.json' | '.env' | 'docker-compose' | 'kubernetes' | 'dockerfile' | 'datadog.yaml' | 'default';

export const PRECEDENCE: readonly AddressSourceKind[] = [
  'setting',
  'environment',
  'launch.json',
  '.env',
  'docker-compose',
  'kubernetes',
  'dockerfile',
  'datadog.yaml',
  'default',
];

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

export interface ResolvedAgentAddress {
  url: string;
  source: AgentAddressSource;
  /** Every source found, in precedence order (the effective one first). */
  candidates: AgentAddressSource[];
  apmConfig: ApmConfig | null;
  /** Conflicts and datadog.yaml remarks, one sentence each. */
  notes: string[];
}

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
  add(
    'environment',
    Object.keys(env)
      .filter((n) => (n.startsWith('DD_') || JVM_OPTION_VARS.has(n)) && env[n] !== undefined)
      .sort()
      .map((n) => ({ name: n, value: env[n]! })),
    { context: 'process environment' },
  );

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
    candidates.push({
      kind: 'datadog.yaml',
      file: apmConfig.file,
      line: apmConfig.line,
      vars: [],
      url: `http://localhost:${apmConfig.receiverPort}`,
      context: 'apm_config.receiver_port',
    });
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
      notes.push(
        `the application sends to ${host}, but ${path.basename(apmConfig.file)} does not set apm_config.apm_non_local_traffic: true, so the agent only accepts traces from its own host (set DD_APM_NON_LOCAL_TRAFFIC=true in a container)`,
      );
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
