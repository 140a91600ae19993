// What the running containers of a compose project really have (issue 14 §3, Docker): `docker inspect` of the
// containers compose started, their DD_* environment, compared with what the workspace's compose files set for the
// same service (the container was not recreated after an edit: `docker compose up -d` is needed, not a restart).
// Only when the user asks (`processes --docker`); read-only; the docker client is run with a timeout and a cap.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { DeploymentScan } from './workspace';

export interface ContainerEnv {
  id: string;
  /** The container's name, without Docker's leading slash. */
  name: string;
  image: string | null;
  /** The compose labels: com.docker.compose.service and .project (null for a container compose did not start). */
  composeService: string | null;
  composeProject: string | null;
  /** Its DD_* variables (Config.Env). */
  env: Record<string, string>;
}

export interface ContainerMismatch {
  code: 'process-env-mismatch';
  container: string;
  service: string;
  file: string;
  /** 0-based. */
  line: number;
  name: string;
  fileValue: string;
  containerValue: string | null;
  message: string;
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The containers of a `docker inspect` answer (a JSON array); anything else gives []. At most 500 containers. */
export function parseDockerInspect(text: string): ContainerEnv[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const out: ContainerEnv[] = [];
  for (const c of v.slice(0, 500)) {
    const o = obj(c);
    const cfg = obj(o?.Config);
    if (!o || !cfg) continue;
    const labels = obj(cfg.Labels) ?? {};
    const env: Record<string, string> = {};
    for (const e of Array.isArray(cfg.Env) ? cfg.Env.slice(0, 2000) : []) {
      if (typeof e !== 'string') continue;
      const eq = e.indexOf('=');
      const k = eq < 0 ? e : e.slice(0, eq);
      if (k.startsWith('DD_')) env[k] = eq < 0 ? '' : e.slice(eq + 1);
    }
    out.push({
      id: (str(o.Id) ?? '').slice(0, 64),
      name: (str(o.Name) ?? '').replace(/^\//, ''),
      image: str(cfg.Image),
      composeService: str(labels['com.docker.compose.service']),
      composeProject: str(labels['com.docker.compose.project']),
      env,
    });
  }
  return out;
}

/** DD_* values a compose file sets for a service that its running container does not have (or has otherwise). */
export function compareContainers(containers: ContainerEnv[], scan: DeploymentScan): ContainerMismatch[] {
  const out: ContainerMismatch[] = [];
  for (const svc of scan.services) {
    if (svc.kind !== 'compose' || svc.isAgent) continue;
    for (const c of containers) {
      if (c.composeService !== svc.service) continue;
      for (const s of svc.settings) {
        if (s.form !== 'env' || !s.env.startsWith('DD_') || s.value === null || /\$\{?[A-Za-z_]/.test(s.value)) continue;
        const have = c.env[s.env];
        if (have === s.value) continue;
        out.push({
          code: 'process-env-mismatch',
          container: c.name,
          service: svc.service,
          file: svc.file,
          line: s.line,
          name: s.env,
          fileValue: s.value,
          containerValue: have ?? null,
          message: `${path.basename(svc.file)} sets ${s.env}=${s.value} for ${svc.service}, but its container ${c.name} has ${have === undefined ? 'no ' + s.env : `${s.env}=${have}`}: recreate it (docker compose up -d ${svc.service}) so it gets the file's setting.`,
        });
      }
    }
  }
  return out;
}

/** Runs a command; resolves with its stdout, or rejects with a one-line reason. */
export type Runner = (cmd: string, args: string[]) => Promise<string>;

export const realRunner: Runner = (cmd, args) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 15_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err)
        reject(
          new Error(
            ((err as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'docker is not installed'
              : String(stderr || err.message)
                  .trim()
                  .split('\n')[0]) ?? 'docker failed',
          ),
        );
      else resolve(stdout);
    });
  });

/** The compose-started containers, through the docker client; a note instead when docker cannot answer. */
export async function inspectComposeContainers(run: Runner = realRunner): Promise<{ containers: ContainerEnv[]; note?: string }> {
  let ids: string[];
  try {
    ids = (await run('docker', ['ps', '--quiet', '--no-trunc', '--filter', 'label=com.docker.compose.service']))
      .split(/\s+/)
      .filter((x) => /^[0-9a-f]{12,64}$/.test(x))
      .slice(0, 200);
  } catch (e) {
    return { containers: [], note: `Docker containers not read: ${(e as Error).message}.` };
  }
  if (!ids.length) return { containers: [], note: 'No running container was started by docker compose.' };
  try {
    return { containers: parseDockerInspect(await run('docker', ['inspect', ...ids])) };
  } catch (e) {
    return { containers: [], note: `docker inspect failed: ${(e as Error).message}.` };
  }
}
