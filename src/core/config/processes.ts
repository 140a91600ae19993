// Local processes that load a Datadog tracer, read from /proc/<pid>/cmdline, environ and maps (Linux; only what
// this user may read, read-only, no signals), compared with what the workspace's deployment files set.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DeploymentScan } from './workspace';
import { kb } from '../kb';
import { readBool } from './grammar';

export interface TracedProcess {
  pid: number;
  command: string;
  tracer: 'java' | 'dotnet' | 'go' | 'ruby' | 'php' | 'nodejs' | 'python' | 'unknown';
  /** What showed the tracer (a flag, a mapped library, DD_* variables). */
  why: string;
  /** The DD_* variables of its environment; null when it cannot be read (another user's process). */
  env: Record<string, string> | null;
  /** DD_APPSEC_ENABLED as the process gets it (a Java -Ddd.appsec.enabled wins over the environment): the raw value, or null when unset (or unreadable). */
  appsecEnabled: string | null;
  /** Java: the -Ddd.* system properties (command line and JAVA_TOOL_OPTIONS), under their DD_* names. */
  systemProperties?: Record<string, string>;
  /** What that value means to this process's tracer (kb/env-vars.yaml grammar): on, off, inactive, invalid, or unset. */
  appsec: 'on' | 'off' | 'inactive' | 'invalid' | 'unset' | 'unknown';
}

/** A JVM's -Ddd.* system properties (its command line, then JAVA_TOOL_OPTIONS), as DD_* names: dd.appsec.enabled → DD_APPSEC_ENABLED. */
export function javaSystemProperties(argv: readonly string[], javaToolOptions = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const words = [...javaToolOptions.split(/\s+/), ...argv].slice(0, 4000); // the command line wins
  for (const w of words) {
    if (!w.startsWith('-Ddd.')) continue;
    const eq = w.indexOf('=');
    const key = (eq < 0 ? w.slice(2) : w.slice(2, eq)).slice(0, 200);
    out[key.toUpperCase().replace(/[.-]/g, '_')] = eq < 0 ? 'true' : w.slice(eq + 1);
  }
  return out;
}

/** The ASM state a raw DD_APPSEC_ENABLED value means to a tracer, by the kb's value grammar. */
export function appsecState(tracer: TracedProcess['tracer'], raw: string | null): TracedProcess['appsec'] {
  if (raw === null) return 'unset';
  const grammar = tracer === 'unknown' ? undefined : kb().envVar('DD_APPSEC_ENABLED')?.grammar?.[tracer];
  if (!grammar) return 'unknown';
  return readBool(grammar, raw) ?? 'unknown';
}

export interface ProcessMismatch {
  code: 'process-env-mismatch';
  pid: number;
  service: string;
  file: string;
  /** 0-based. */
  line: number;
  name: string;
  fileValue: string;
  processValue: string | null;
  message: string;
}

const MAX_PIDS = 4096;
const CAP = 4 * 1024 * 1024;

async function readCapped(file: string): Promise<Buffer | null> {
  let fh;
  try {
    fh = await fsp.open(file, 'r');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1 << 20, CAP - total));
      if (!buf.length) break;
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (!bytesRead) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks);
  } catch {
    return null;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** The tracer a process loads, from its command line, DD_* environment and mapped libraries. */
export function classify(argv: string[], env: Record<string, string> | null, maps: string): { tracer: TracedProcess['tracer']; why: string } | null {
  const cmd = argv.join(' ');
  const exe = path.basename(argv[0] ?? '');
  const nodeOpts = env?.NODE_OPTIONS ?? '';
  if (/-javaagent:[^\s]{0,500}?dd-java-agent/.test(cmd) || /dd-java-agent/.test(env?.JAVA_TOOL_OPTIONS ?? ''))
    return { tracer: 'java', why: '-javaagent:…dd-java-agent' };
  if (/\bddtrace-run\b/.test(cmd)) return { tracer: 'python', why: 'ddtrace-run' };
  if (/(?:-r|--require|--import)[= ]?\s*dd-trace/.test(cmd) || /dd-trace/.test(nodeOpts)) return { tracer: 'nodejs', why: 'node -r dd-trace' };
  if (/\/(ddtrace|ddappsec)\.so\b/.test(maps)) return { tracer: 'php', why: 'ddtrace.so / ddappsec.so mapped' };
  if (
    /Datadog\.Trace\.ClrProfiler\.Native|Datadog\.Tracer\.Native/.test(maps) ||
    /Datadog/i.test(env?.CORECLR_PROFILER_PATH ?? env?.CORECLR_PROFILER_PATH_64 ?? '') ||
    env?.CORECLR_PROFILER === '{846F5F1C-F9AE-4B07-969E-05C26BC060D8}'
  )
    return { tracer: 'dotnet', why: 'the Datadog CLR profiler' };
  if (/\/ddtrace\/|_ddwaf|ddtrace\/appsec/.test(maps) && /python/.test(exe)) return { tracer: 'python', why: 'ddtrace mapped' };
  if (/\/(dd-trace|@datadog)\//.test(maps) && /node/.test(exe)) return { tracer: 'nodejs', why: 'dd-trace native modules mapped' };
  if (env && Object.keys(env).some((k) => k.startsWith('DD_')) && /^(node|java|python\d*(\.\d+)?|php(-fpm)?\d*(\.\d+)?|ruby|dotnet)$/.test(exe)) {
    const t = /^node$/.test(exe)
      ? 'nodejs'
      : /^java$/.test(exe)
        ? 'java'
        : /^python/.test(exe)
          ? 'python'
          : /^php/.test(exe)
            ? 'php'
            : /^ruby$/.test(exe)
              ? 'ruby'
              : 'dotnet';
    return { tracer: t, why: `${exe} with DD_* variables` };
  }
  return null;
}

/** The local processes that load a tracer (never this process). Linux only: elsewhere, an empty list and a note. */
export async function listTracedProcesses(opts: { procDir?: string; selfPid?: number } = {}): Promise<{ processes: TracedProcess[]; note?: string }> {
  const proc = opts.procDir ?? '/proc';
  if (process.platform !== 'linux' && !opts.procDir)
    return { processes: [], note: `Reading running processes needs Linux /proc; this is ${process.platform}.` };
  let pids: number[];
  try {
    pids = (await fsp.readdir(proc))
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b)
      .slice(0, MAX_PIDS);
  } catch {
    return { processes: [], note: `${proc} cannot be read.` };
  }
  const out: TracedProcess[] = [];
  for (const pid of pids) {
    if (pid === (opts.selfPid ?? process.pid)) continue;
    const cmdline = await readCapped(path.join(proc, String(pid), 'cmdline'));
    if (!cmdline?.length) continue;
    const argv = cmdline
      .toString('utf8')
      .split('\0')
      .filter((a, i, all) => a.length || i < all.length - 1);
    const environ = await readCapped(path.join(proc, String(pid), 'environ'));
    let env: Record<string, string> | null = null;
    if (environ) {
      env = {};
      for (const kv of environ.toString('utf8').split('\0')) {
        const eq = kv.indexOf('=');
        if (eq <= 0) continue;
        const k = kv.slice(0, eq);
        if (k.startsWith('DD_') || k === 'NODE_OPTIONS' || k === 'JAVA_TOOL_OPTIONS' || k.startsWith('CORECLR_') || k.startsWith('COR_'))
          env[k] = kv.slice(eq + 1);
      }
    }
    const maps = (await readCapped(path.join(proc, String(pid), 'maps')))?.toString('utf8') ?? '';
    const c = classify(argv, env, maps);
    if (!c) continue;
    const dd = env
      ? Object.fromEntries(
          Object.entries(env)
            .filter(([k]) => k.startsWith('DD_'))
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : null;
    const props = c.tracer === 'java' ? javaSystemProperties(argv, env?.JAVA_TOOL_OPTIONS ?? '') : undefined;
    const appsecEnabled = props?.DD_APPSEC_ENABLED ?? dd?.DD_APPSEC_ENABLED ?? null;
    out.push({
      pid,
      command: argv.join(' ').slice(0, 2000),
      tracer: c.tracer,
      why: c.why,
      env: dd,
      appsecEnabled,
      ...(props && Object.keys(props).length ? { systemProperties: props } : {}),
      appsec: env === null && !props?.DD_APPSEC_ENABLED ? 'unknown' : appsecState(c.tracer, appsecEnabled),
    });
  }
  return { processes: out };
}

/** process-env-mismatch: a service's DD_* setting in a file that the matching process (same DD_SERVICE) lacks. */
export function compareWithWorkspace(processes: TracedProcess[], scan: DeploymentScan): ProcessMismatch[] {
  const out: ProcessMismatch[] = [];
  for (const svc of scan.services) {
    if (svc.isAgent) continue;
    const name = svc.settings.find((s) => s.env === 'DD_SERVICE' && s.value)?.value;
    if (!name) continue;
    for (const p of processes) {
      if (!p.env || p.env.DD_SERVICE !== name) continue;
      for (const s of svc.settings) {
        if (s.form !== 'env' || !s.env.startsWith('DD_') || s.value === null || /\$\{?[A-Za-z_]/.test(s.value)) continue;
        const have = p.env[s.env];
        if (have === s.value) continue;
        out.push({
          code: 'process-env-mismatch',
          pid: p.pid,
          service: svc.service,
          file: svc.file,
          line: s.line,
          name: s.env,
          fileValue: s.value,
          processValue: have ?? null,
          message: `${path.basename(svc.file)} sets ${s.env}=${s.value} for ${svc.service}, but process ${p.pid} (DD_SERVICE=${name}) has ${have === undefined ? 'no ' + s.env : `${s.env}=${have}`}: restart or recreate it so it gets the file's setting.`,
        });
      }
    }
  }
  return out;
}
