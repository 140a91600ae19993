// php-fpm pool files (www.conf, pool.d/*.conf): clear_env, env[…], php_value/php_admin_value/php_flag[…].
import { eolOf, envNameOf, type ConfigFile, type ServiceConfig } from './settings';
import { skipSpace } from './text';

const KEY = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\[([^\]\r\n]{1,200})\])?[ \t]*=/;

/** Does the text look like a php-fpm pool (a [section] and pool directives)? */
export function looksLikeFpmPool(text: string): boolean {
  return /^[ \t]*\[[^\]\r\n]{1,100}\]/m.test(text) && /^[ \t]*(pm|listen|clear_env|env\[[^\]\r\n]{1,200}\])[ \t]*=/m.test(text);
}

export function phpFpmFile(text: string): ConfigFile {
  const services: ServiceConfig[] = [];
  const eol = eolOf(text);
  let cur: ServiceConfig | undefined;
  for (let off = 0; off <= text.length;) {
    const nl = text.indexOf('\n', off);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(off, end > off && text[end - 1] === '\r' ? end - 1 : end);
    const next = nl < 0 ? text.length + 1 : nl + 1;
    const s = skipSpace(line, off === 0 && line.charCodeAt(0) === 0xfeff ? 1 : 0);
    const rest = line.slice(s);
    const sec = /^\[([^\]]{1,100})\]/.exec(rest);
    if (sec) {
      const name = sec[1]!;
      cur =
        name === 'global'
          ? undefined
          : {
              name: `pool ${name}`,
              span: { start: off + s, end: off + s + sec[0].length },
              kind: 'php-fpm',
              settings: [],
              traced: true,
              tracer: 'php',
              clearEnv: true,
              insert: { offset: Math.min(next, text.length), lead: nl < 0 ? eol : undefined, template: `env[NAME] = VALUE${eol}` },
            };
      if (cur) services.push(cur);
    } else if (cur && rest && rest[0] !== ';' && rest[0] !== '#') {
      const m = KEY.exec(rest);
      if (m) {
        const key = m[1]!;
        const vStart = skipSpace(rest, m[0].length);
        let vEnd = rest.length;
        while (vEnd > vStart && /\s/.test(rest[vEnd - 1]!)) vEnd--;
        const sc = rest.indexOf(' ;', vStart);
        if (sc >= 0 && sc < vEnd) vEnd = sc;
        let vs = vStart;
        let ve = vEnd;
        if (ve - vs >= 2 && rest[vs] === '"' && rest[ve - 1] === '"') {
          vs++;
          ve--;
        }
        const value = rest.slice(vs, ve);
        const base = off + s;
        if (key === 'clear_env') cur.clearEnv = !/^(no|false|off|0)$/i.test(value.trim());
        else if (key === 'env' && m[2]) {
          const name = m[2];
          const ns = base + 4;
          cur.settings.push({
            name,
            env: name,
            value,
            nameSpan: { start: ns, end: ns + name.length },
            valueSpan: { start: base + vs, end: base + ve },
            form: 'env',
            service: cur.name,
          });
        } else if (/^php(_admin)?_(value|flag)$/.test(key) && m[2]) {
          const name = m[2].trim();
          const ns = base + key.length + 1 + m[2].indexOf(name);
          cur.settings.push({
            name,
            env: envNameOf(name),
            value,
            nameSpan: { start: ns, end: ns + name.length },
            valueSpan: { start: base + vs, end: base + ve },
            form: 'ini',
            service: cur.name,
          });
        }
      }
    }
    off = next;
  }
  return { kind: 'php-fpm', services, eol };
}
