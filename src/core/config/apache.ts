// Apache httpd configuration and .htaccess: `SetEnv NAME value` (and PassEnv) lines that set DD_* variables.
import { eolOf, type ConfigFile, type Setting } from './settings';
import { skipSpace } from './text';

/** Does the text look like Apache configuration (a SetEnv/PassEnv of a DD_* variable, or Apache sections)? */
export function looksLikeApache(text: string): boolean {
  return /^[ \t]*(SetEnv|PassEnv)[ \t]+DD_/im.test(text) || /^[ \t]*<(VirtualHost|Directory|IfModule)\b/im.test(text);
}

export function apacheFile(text: string, name = 'apache'): ConfigFile {
  const settings: Setting[] = [];
  const htaccess = /(^|[\\/])\.htaccess$/.test(name) || name === '.htaccess';
  let firstAt = -1;
  for (let off = 0; off <= text.length;) {
    const nl = text.indexOf('\n', off);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(off, end > off && text[end - 1] === '\r' ? end - 1 : end);
    const s = skipSpace(line, off === 0 && line.charCodeAt(0) === 0xfeff ? 1 : 0);
    const m = /^SetEnv[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?:[ \t](.*))?$/i.exec(line.slice(s));
    if (m) {
      const nameAt = off + s + m[0].indexOf(m[1]!, 6);
      let raw = (m[2] ?? '').replace(/^[ \t]+/, '');
      let vAt = m[2] === undefined ? nameAt + m[1]!.length : off + s + m[0].length - raw.length;
      let e = raw.length;
      while (e > 0 && (raw[e - 1] === ' ' || raw[e - 1] === '\t')) e--;
      raw = raw.slice(0, e);
      if (raw.length >= 2 && raw[0] === '"' && raw.endsWith('"')) {
        raw = raw.slice(1, -1);
        vAt++;
      }
      if (firstAt < 0) firstAt = off + s;
      settings.push({
        name: m[1]!,
        env: m[1]!,
        value: raw,
        nameSpan: { start: nameAt, end: nameAt + m[1]!.length },
        valueSpan: { start: vAt, end: vAt + raw.length },
        form: 'env',
        service: name,
      });
    }
    if (nl < 0) break;
    off = nl + 1;
  }
  const at = Math.max(0, firstAt);
  return {
    kind: 'apache',
    eol: eolOf(text),
    services: [{ name, span: { start: at, end: at + (firstAt < 0 ? 0 : 6) }, kind: 'apache', settings, tracer: 'php', traced: false, htaccess }],
  };
}
