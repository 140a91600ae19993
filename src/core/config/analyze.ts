// Which deployment file a path is (by name, then by content), and its model and findings in one call.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareFindings, type Finding } from '../finding';
import { apacheFile } from './apache';
import { composeFile } from './compose';
import { dockerfileModel } from './dockerfile';
import { dotenvFile } from './dotenv';
import { kubernetesFile } from './kubernetes';
import { launchJsonFile } from './launchJson';
import { phpFpmFile } from './phpFpm';
import { tracerOfDirectory } from './context';
import { configFindings, type ConfigRuleOptions } from './rules';
import { samFile, serverlessFile } from './serverless';
import type { ConfigFile, ConfigKind } from './settings';
import { systemdFile } from './systemd';
import { configKindOf, MAX_CONFIG_TEXT } from './kind';

export { configKindOf, MAX_CONFIG_TEXT };

export function parseConfig(kind: ConfigKind, text: string, file = ''): ConfigFile {
  const base = path.posix.basename(file.replace(/\\/g, '/')) || kind;
  switch (kind) {
    case 'compose':
      return composeFile(text);
    case 'kubernetes':
      return kubernetesFile(text);
    case 'dockerfile':
      return dockerfileModel(text, base);
    case 'dotenv':
      return dotenvFile(text, base);
    case 'launch.json':
      return launchJsonFile(text);
    case 'php-fpm':
      return phpFpmFile(text);
    case 'systemd':
      return systemdFile(text, base);
    case 'serverless':
      return serverlessFile(text);
    case 'sam':
      return samFile(text);
    case 'apache':
      return apacheFile(text, base);
  }
}

/**
 * Completes the model from the file's directory (a local file only): a compose service's `build:` context, and a
 * Dockerfile's or launch.json's own directory, say which tracer runs (pom.xml, go.mod with dd-trace-go, …) and which
 * version the workspace pins.
 */
export function addWorkspaceContext(model: ConfigFile, file: string, opts: ConfigRuleOptions): ConfigRuleOptions {
  if (!path.isAbsolute(file)) return opts;
  const dir = path.dirname(file);
  const versions = { ...(opts.versions ?? {}) };
  for (const svc of model.services) {
    if (model.kind === 'compose' && svc.envFiles?.length) svc.envFileVars = readEnvFiles(dir, svc.envFiles);
    const ctxDir =
      model.kind === 'compose'
        ? svc.buildContext
          ? path.resolve(dir, svc.buildContext)
          : undefined
        : model.kind === 'dockerfile'
          ? dir
          : model.kind === 'launch.json'
            ? path.dirname(dir)
            : undefined;
    if (!ctxDir) continue;
    const c = tracerOfDirectory(ctxDir);
    if (!c) continue;
    if (!svc.tracer || (c.datadog && svc.tracer !== c.tracer && !svc.command)) {
      svc.tracer = c.tracer;
      svc.tracerWhy = c.why;
    }
    if (c.datadog && svc.tracer === c.tracer && !svc.isAgent) svc.traced = true;
    if (c.version && svc.tracer === c.tracer) versions[c.tracer] ??= c.version;
  }
  return { ...opts, versions };
}

/** The variables of compose env_file files (relative to the compose file); undefined when one cannot be read. */
function readEnvFiles(dir: string, files: string[]): { file: string; name: string; value: string }[] | undefined {
  const out: { file: string; name: string; value: string }[] = [];
  for (const f of files.slice(0, 20)) {
    const file = path.resolve(dir, f);
    try {
      if (statSync(file).size > MAX_CONFIG_TEXT) return undefined;
      const text = readFileSync(file, 'utf8');
      for (const s of dotenvFile(text, path.basename(file)).services[0]?.settings ?? []) if (s.value !== null) out.push({ file, name: s.env, value: s.value });
    } catch {
      return undefined;
    }
  }
  return out;
}

export interface ConfigAnalysis {
  kind: ConfigKind;
  model: ConfigFile;
  findings: Finding[];
}

/** The deployment-file analysis of a text, or null when the file is not one. Never throws on bad input. */
export function analyzeConfig(file: string, text: string, opts: ConfigRuleOptions & { noWorkspace?: boolean } = {}): ConfigAnalysis | null {
  const kind = configKindOf(file, text);
  if (!kind || text.length > MAX_CONFIG_TEXT) return null;
  try {
    const model = parseConfig(kind, text, file);
    const o = opts.noWorkspace ? opts : addWorkspaceContext(model, file, opts);
    return { kind, model, findings: configFindings(text, model, o).sort(compareFindings) };
  } catch {
    return { kind, model: { kind, services: [], eol: '\n' }, findings: [] };
  }
}
