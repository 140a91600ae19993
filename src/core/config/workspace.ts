// The deployment files of a workspace, each service with its settings and findings: the evidence the steps use
// ("running": DD_APPSEC_ENABLED in the configuration; "integrations": a disabled one; "agent": the address).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../finding';
import { kb } from '../kb';
import { findWorkspaceFiles } from '../workspace';
import { readBool } from './grammar';
import { analyzeConfig, configKindOf, MAX_CONFIG_TEXT } from './analyze';
import { Positions, type ConfigKind } from './settings';

export interface DeploymentService {
  file: string;
  kind: ConfigKind;
  service: string;
  tracer: string | null;
  isAgent: boolean;
  /** Every setting, 0-based line of its name. */
  settings: { name: string; env: string; value: string | null; line: number; form: string }[];
  /** How this file's configuration reads DD_APPSEC_ENABLED for the service: 'on', 'off', or 'unset'. */
  appsec: 'on' | 'off' | 'unset';
}

export interface DeploymentScan {
  services: DeploymentService[];
  findings: { file: string; finding: Finding }[];
}

const PATTERNS = [
  '**/{docker-compose,compose}*.{yml,yaml}',
  '**/*.{yml,yaml}',
  '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile}',
  '**/.env',
  '**/.env.*',
  '.vscode/launch.json',
  '**/*.service',
  '**/*.conf',
  '**/.htaccess',
];

/** Reads the workspace's deployment files (bounded: depth 4, 400 files, 4 MB each) and analyses them. */
export async function scanDeploymentFiles(dir: string, signal?: AbortSignal): Promise<DeploymentScan> {
  const out: DeploymentScan = { services: [], findings: [] };
  let files: string[];
  try {
    files = await findWorkspaceFiles(dir, PATTERNS, { deep: 4, max: 400, signal });
  } catch {
    return out;
  }
  for (const rel of files) {
    if (signal?.aborted) break;
    const file = path.join(dir, rel);
    if (!/\.(yml|yaml|conf)$/i.test(rel) && !configKindOf(file)) continue; // by name; YAML and .conf by content below
    let text: string;
    try {
      const st = await fsp.stat(file);
      if (!st.isFile() || st.size > MAX_CONFIG_TEXT) continue;
      text = await fsp.readFile(file, 'utf8');
    } catch {
      continue;
    }
    const a = analyzeConfig(file, text);
    if (!a) continue;
    const pos = new Positions(text);
    for (const svc of a.model.services) {
      const sw = svc.settings.find((s) => s.env === 'DD_APPSEC_ENABLED' && s.value !== null);
      // on when the service's tracer (or, unknown, every tracer) reads it as on
      const grammars = kb().envVar('DD_APPSEC_ENABLED')?.grammar ?? {};
      const gs = svc.tracer ? [grammars[svc.tracer]] : Object.values(grammars);
      const on = !!sw && gs.every((g) => !g || readBool(sw.form === 'ini' ? 'php-zai-bool' : g, sw.value!) === 'on');
      out.services.push({
        file,
        kind: a.kind,
        service: svc.name,
        tracer: svc.tracer ?? null,
        isAgent: !!svc.isAgent,
        settings: svc.settings.map((s) => ({ name: s.name, env: s.env, value: s.value, line: pos.at(s.nameSpan.start).line, form: s.form })),
        appsec: !sw ? 'unset' : on ? 'on' : 'off',
      });
    }
    for (const f of a.findings) out.findings.push({ file, finding: f });
  }
  return out;
}
