// One model for every deployment file: the services it configures and the settings each one gets, with exact
// offsets (UTF-16, into the file's text) so diagnostics point at the bytes and fixes replace only those.
import type { ConfigTracer } from '../kb/schema';

export type ConfigKind = 'compose' | 'kubernetes' | 'dockerfile' | 'dotenv' | 'launch.json' | 'php-fpm' | 'systemd' | 'serverless' | 'sam' | 'apache';

export interface Span {
  start: number;
  end: number;
}

export interface Setting {
  /** As written: DD_APPSEC_ENABLED, dd.appsec.enabled (a -D flag), datadog.appsec.enabled (an ini key). */
  name: string;
  /** The environment-variable name it stands for (DD_APPSEC_ENABLED for all three above). */
  env: string;
  /** The value as the tracer gets it (quotes removed); null when the file passes it through (`- DD_ENV` in compose). */
  value: string | null;
  nameSpan: Span;
  /** The value's characters inside any quotes (an empty span after `=` when the value is empty). */
  valueSpan: Span | null;
  form: 'env' | 'sysprop' | 'ini';
  /** A -D flag: the offset just past the whole flag (past its own quotes). */
  flagEnd?: number;
  /** The service, container, stage or configuration it applies to. */
  service: string;
}

/** Where "Enable ASM" adds a setting to a service, and in which syntax. */
export interface Insertion {
  offset: number;
  /** The text for one variable (NAME, VALUE replaced). */
  template: string;
  /** Text that opens the container first (an `environment:` key), when there is none yet. */
  prefix?: string;
  /** Added before the text (a line break when the file does not end with one). */
  lead?: string;
}

export interface ServiceConfig {
  name: string;
  /** The service's name (or the file's first line) where service-level diagnostics go. */
  span: Span;
  kind: ConfigKind;
  settings: Setting[];
  tracer?: ConfigTracer;
  /** Why the tracer was recognised (an image, a command, a build file). */
  tracerWhy?: string;
  /** The service is set up for Datadog tracing (a tracer command, a DD_* setting, a tracer image or package). */
  traced: boolean;
  isAgent?: boolean;
  image?: string;
  command?: string;
  /** compose `build:` context, relative to the file. */
  buildContext?: string;
  envFiles?: string[];
  /** The variables its env_file files set (read from the workspace), when every one of them could be read. */
  envFileVars?: { file: string; name: string; value: string }[];
  /** Runs on AWS Lambda (serverless.yml, SAM). */
  lambda?: boolean;
  /** compose `network_mode: host` / `service:…`: localhost can be right. */
  sharedNetwork?: boolean;
  insert?: Insertion;
  /** -D flags (JAVA_TOOL_OPTIONS, a command): where a Java flag goes instead of an env var. */
  flagInsert?: Insertion;
  /** php-fpm: the pool clears the environment (clear_env unset or yes). */
  clearEnv?: boolean;
  /** Apache: the settings are in a .htaccess file (read per request, after PHP started). */
  htaccess?: boolean;
  /** Dockerfile: a `go build` without the appsec tag under CGO_ENABLED=0. */
  staticGoBuild?: Span;
}

export interface ConfigFile {
  kind: ConfigKind;
  services: ServiceConfig[];
  eol: string;
}

export const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** DD_APPSEC_ENABLED from dd.appsec.enabled (Java system properties) or datadog.appsec.enabled (PHP ini). */
export function envNameOf(key: string): string {
  const k = key.startsWith('datadog.') ? `dd.${key.slice(8)}` : key;
  return k.replace(/[.-]/g, '_').toUpperCase();
}

const SYSPROP = /-Ddd\.([A-Za-z0-9_.-]{1,200})=("[^"]{0,4096}"|'[^']{0,4096}'|[^\s"']{0,4096})/g;

/** `-Ddd.*=…` flags inside a value (JAVA_TOOL_OPTIONS, a command line), at `base` in the file. */
export function syspropSettings(text: string, base: number, service: string, quoted = false): Setting[] {
  const out: Setting[] = [];
  if (!text.includes('-Ddd.')) return out;
  for (const m of text.matchAll(SYSPROP)) {
    const at = base + m.index!;
    const name = `dd.${m[1]}`;
    const raw = m[2];
    const q = raw[0] === '"' || raw[0] === "'" ? 1 : 0;
    const vStart = at + 2 + name.length + 1 + q;
    const value = q ? raw.slice(1, -1) : raw;
    void quoted;
    out.push({
      name,
      env: envNameOf(name),
      value,
      nameSpan: { start: at + 2, end: at + 2 + name.length },
      valueSpan: { start: vStart, end: vStart + value.length },
      form: 'sysprop',
      flagEnd: at + m[0].length,
      service,
    });
  }
  return out;
}

const AGENT_IMAGE = /(^|\/)(datadog\/agent|datadoghq\/agent|datadog\/docker-dd-agent|datadog\/cluster-agent)(:|@|$)/;
export const isAgentImage = (image: string) => AGENT_IMAGE.test(image);

/** The tracer a service runs, from its image and command (the build context is looked at by the workspace scan). */
export function detectTracer(image: string | undefined, command: string | undefined): { tracer: ConfigTracer; why: string; strong: boolean } | undefined {
  const c = command ?? '';
  // bounded: /-javaagent:\S*dd-java-agent\S*\.jar/ retried the rest of a long word from every dd-java-agent in it
  if (/-javaagent:[^\s]{0,500}?dd-java-agent/.test(c)) return { tracer: 'java', why: '-javaagent:…dd-java-agent.jar', strong: true };
  if (/\bddtrace-run\b/.test(c)) return { tracer: 'python', why: 'ddtrace-run', strong: true };
  if (/(?:-r|--require|--import)[= ]\s*dd-trace\/(?:init|register)/.test(c)) return { tracer: 'nodejs', why: 'node -r dd-trace/init', strong: true };
  const i = (image ?? '').toLowerCase();
  if (!i) return undefined;
  const base = i.replace(/^.*\//, '');
  if (/^php:.*fpm|^php:|^php-fpm/.test(base) || /(^|\/)php(:|$)/.test(i)) return { tracer: 'php', why: `image ${image}`, strong: false };
  if (
    /^(openjdk|eclipse-temurin|amazoncorretto|maven|gradle|tomcat|jetty|ibmjava|azul\/zulu)/.test(base) ||
    /^(eclipse-temurin|amazoncorretto|openjdk)/.test(i)
  )
    return { tracer: 'java', why: `image ${image}`, strong: false };
  if (/^node(:|$)/.test(base)) return { tracer: 'nodejs', why: `image ${image}`, strong: false };
  if (/^python(:|$)/.test(base)) return { tracer: 'python', why: `image ${image}`, strong: false };
  if (/^golang(:|$)/.test(base)) return { tracer: 'go', why: `image ${image}`, strong: false };
  if (/^ruby(:|$)/.test(base)) return { tracer: 'ruby', why: `image ${image}`, strong: false };
  if (/mcr\.microsoft\.com\/dotnet\/(aspnet|runtime|sdk)/.test(i)) return { tracer: 'dotnet', why: `image ${image}`, strong: false };
  return undefined;
}

/** Converts offsets into LSP positions (0-based line, UTF-16 character); \n, \r\n and a lone \r end lines. */
export class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  at(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo]! };
  }
  range(s: Span) {
    return { start: this.at(s.start), end: this.at(s.end) };
  }
  offset(p: { line: number; character: number }): number {
    return (this.starts[p.line] ?? this.starts[this.starts.length - 1]!) + p.character;
  }
}

/** The offset just past the end of the line holding `offset` (past its \n or \r\n), or the text's length. */
export function endOfLine(text: string, offset: number): number {
  const n = text.indexOf('\n', offset);
  return n < 0 ? text.length : n + 1;
}
export function startOfLine(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
