// The tracer a service runs, from the files of its build context or directory (pom.xml, go.mod, package.json, …),
// and the tracer version the workspace pins. Small reads only (each file capped), synchronous, never throws.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import type { ConfigTracer } from '../kb/schema';

export interface ContextTracer {
  tracer: ConfigTracer;
  why: string;
  /** The build files name the Datadog library (the service is traced, not only written in that language). */
  datadog: boolean;
  version?: string;
}

const CAP = 256 * 1024;

function head(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(CAP);
    const n = readSync(fd, buf, 0, CAP, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What the files in `dir` say about the service built from it. */
export function tracerOfDirectory(dir: string): ContextTracer | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).slice(0, 2000);
  } catch {
    return undefined;
  }
  const has = (n: string) => names.includes(n);
  const read = (n: string) => head(path.join(dir, n)) ?? '';
  if (has('pom.xml') || has('build.gradle') || has('build.gradle.kts')) {
    const t = read(has('pom.xml') ? 'pom.xml' : has('build.gradle') ? 'build.gradle' : 'build.gradle.kts');
    const v =
      /<artifactId>dd-(?:java-agent|trace-api)<\/artifactId>\s{0,200}<version>(\d+\.\d+\.\d+)<\/version>/.exec(t)?.[1] ??
      /com\.datadoghq:dd-(?:java-agent|trace-api):(\d+\.\d+\.\d+)/.exec(t)?.[1];
    return {
      tracer: 'java',
      why: has('pom.xml') ? 'pom.xml in the build context' : 'build.gradle in the build context',
      datadog: /dd-java-agent|dd-trace-api|com\.datadoghq/.test(t),
      version: v,
    };
  }
  if (has('go.mod')) {
    const t = read('go.mod');
    const v = /(?:gopkg\.in\/DataDog\/dd-trace-go\.v1|github\.com\/DataDog\/dd-trace-go(?:\/v2)?)\s+v(\d+\.\d+\.\d+)/.exec(t)?.[1];
    return { tracer: 'go', why: 'go.mod in the build context', datadog: /DataDog\/dd-trace-go/.test(t), version: v };
  }
  if (has('package.json')) {
    const t = read('package.json');
    const v = /"dd-trace"\s*:\s*"[~^>=\s]*(\d+\.\d+\.\d+)/.exec(t)?.[1];
    return { tracer: 'nodejs', why: 'package.json in the build context', datadog: /"dd-trace"\s*:/.test(t), version: v };
  }
  if (has('composer.json')) return { tracer: 'php', why: 'composer.json in the build context', datadog: /datadog\/dd-trace/.test(read('composer.json')) };
  if (has('Gemfile')) return { tracer: 'ruby', why: 'Gemfile in the build context', datadog: /gem\s+["'](datadog|ddtrace)["']/.test(read('Gemfile')) };
  for (const f of ['requirements.txt', 'pyproject.toml', 'Pipfile', 'setup.py'])
    if (has(f)) return { tracer: 'python', why: `${f} in the build context`, datadog: /\bddtrace\b/.test(read(f)) };
  const proj = names.find((n) => /\.(cs|fs)proj$/.test(n));
  if (proj) return { tracer: 'dotnet', why: `${proj} in the build context`, datadog: /Datadog\.Trace/.test(read(proj)) };
  return undefined;
}
