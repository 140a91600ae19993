// Parses `php --ini` output: the loaded php.ini, the scanned directories and the additional .ini files parsed.
// Pure: the command runs PHP, this reads its answer. PHP prints "(none)" for an absent entry; the additional files are
// a comma-separated list that PHP wraps onto following lines (each continuation line starts with a path).
import { splitLines } from '../lines';

export interface PhpIniInfo {
  /** "Configuration File (php.ini) Path": where PHP looks for php.ini. */
  configPath: string | null;
  /** "Loaded Configuration File". */
  loaded: string | null;
  /** "Scan for additional .ini files in": one or more directories (PHP_INI_SCAN_DIR may list several, ':'-separated). */
  scanDirs: string[];
  /** "Additional .ini files parsed". */
  additional: string[];
}

const FIELD =
  /^\s*(Configuration File \(php\.ini\) Path|Loaded Configuration File|Scan for additional \.ini files in|Additional \.ini files parsed)\s*:\s*(.*)$/;

const none = (v: string) => v === '' || /^\(none\)$/i.test(v);

export function parsePhpIni(output: string): PhpIniInfo {
  const info: PhpIniInfo = { configPath: null, loaded: null, scanDirs: [], additional: [] };
  let inAdditional = false;
  let additionalText = '';
  for (const raw of splitLines(output)) {
    const line = raw.length > 100_000 ? raw.slice(0, 100_000) : raw;
    const m = FIELD.exec(line);
    if (m) {
      inAdditional = false;
      const v = m[2]!.trim();
      switch (m[1]) {
        case 'Configuration File (php.ini) Path':
          info.configPath = none(v) ? null : v;
          break;
        case 'Loaded Configuration File':
          info.loaded = none(v) ? null : v;
          break;
        case 'Scan for additional .ini files in':
          info.scanDirs = none(v)
            ? []
            : v
                .split(process.platform === 'win32' ? ';' : ':')
                .map((d) => d.trim())
                .filter(Boolean);
          break;
        default:
          if (!none(v)) {
            additionalText = v;
            inAdditional = true;
          }
      }
      continue;
    }
    // Continuation lines of the additional list.
    if (inAdditional && line.trim() !== '') additionalText += line.trim();
    else inAdditional = false;
  }
  info.additional = additionalText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return info;
}

/** Every ini file PHP reads, loaded php.ini first, without duplicates. */
export function iniFilesOf(info: PhpIniInfo): string[] {
  const out: string[] = [];
  for (const f of [info.loaded, ...info.additional]) if (f && !out.includes(f)) out.push(f);
  return out;
}

/** Whether an ini text holds AppSec settings or loads the AppSec extension. */
export function holdsAppsec(text: string): { settings: number; loadsExtension: boolean } {
  let settings = 0;
  let loadsExtension = false;
  for (const line of splitLines(text)) {
    const t = line.trimStart();
    if (t.startsWith(';') || t.startsWith('#')) continue;
    if (/^(ddappsec|datadog\.appsec)\.[A-Za-z0-9_]+\s*=/.test(t)) settings++;
    else if (/^(zend_)?extension\s*=\s*["']?[^"'\s]*ddappsec/i.test(t)) loadsExtension = true;
  }
  return { settings, loadsExtension };
}
