// Which deployment file a path is, by its name (and for ambiguous names its head): apart from analyze.ts so that
// deciding needs neither YAML nor the config rules loaded (`check` of a log never initialises them).
import path from 'node:path';
import { looksLikeApache } from './apache';
import { looksLikeFpmPool } from './phpFpm';
import type { ConfigKind } from './settings';

export const MAX_CONFIG_TEXT = 4 * 1024 * 1024;

/** The kind of deployment file by its name (and, for ambiguous names, its first 64 KB); null when it is none. */
export function configKindOf(file: string, text?: string): ConfigKind | null {
  const norm = file.replace(/\\/g, '/');
  const b = path.posix.basename(norm);
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/i.test(b)) return 'compose';
  if (/^serverless\.ya?ml$/i.test(b)) return 'serverless';
  if (/^Dockerfile(\..+)?$/.test(b) || /\.[dD]ockerfile$/.test(b) || /^Containerfile$/.test(b)) return 'dockerfile';
  if (b === '.env' || /^\.env\.[\w.-]+$/.test(b) || /\.env$/.test(b)) return 'dotenv';
  if (b === 'launch.json' && /(^|\/)\.vscode\/launch\.json$/.test(norm)) return 'launch.json';
  if (/\.service$/.test(b)) return 'systemd';
  if (b === '.htaccess') return 'apache';
  const head = text?.slice(0, 65536);
  if (/\.ya?ml$/i.test(b)) {
    if (head === undefined) return null;
    if (/AWS::Serverless|AWS::Lambda::Function/.test(head)) return 'sam';
    if (/^kind:[ \t]*\S/m.test(head) && /\bcontainers:/.test(head)) return 'kubernetes';
    return null;
  }
  if (/\.conf$/.test(b) && (/(^|\/)(php-fpm\.d|pool\.d)\//.test(norm) || b === 'www.conf' || (head !== undefined && looksLikeFpmPool(head)))) return 'php-fpm';
  if (/\.conf$/.test(b) && head !== undefined && looksLikeApache(head)) return 'apache';
  return null;
}
