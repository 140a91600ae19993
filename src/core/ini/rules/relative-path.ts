// ini-relative-path: a relative path in a path setting (the seed's `’tmp/extension.log’`). PHP does not resolve it
// against the ini file: the extension opens it relative to the working directory of the PHP process, which is
// / for PHP-FPM workers and differs between Apache, FPM and the CLI. The fix prepends / when the first segment is a
// top-level directory (tmp/…, var/…), and for log files otherwise puts the file in /tmp (as the guide's own example does).
import { range, type Fix } from '../../finding';
import { makeFinding } from '../../findings';
import type { IniRule } from '../analyze';
import { q } from '../model';
import { isAbsoluteish, pathValues, PLACEHOLDER } from './paths';

const ROOT_DIRS = new Set(['tmp', 'var', 'etc', 'opt', 'usr', 'home', 'run', 'srv', 'dev', 'mnt', 'data', 'app', 'root']);

export const relativePathRule: IniRule = {
  id: 'ini-relative-path',
  run(ctx) {
    for (const { line: l, setting: s, inner } of pathValues(ctx.appsecLines)) {
      const p = inner.text.trim();
      if (isAbsoluteish(p, s) || PLACEHOLDER.test(p) || /^[A-Za-z]:[\\/]/.test(p)) continue;
      const lead = inner.text.length - inner.text.trimStart().length;
      const at = inner.start + lead;
      const first = p.split('/')[0]!;
      const fixes: Fix[] = [];
      let abs: string | null = null;
      if (ROOT_DIRS.has(first)) {
        abs = '/' + p;
        fixes.push({ title: `Make the path absolute: ${abs}`, edits: [{ range: range(l.line, at, at), newText: '/' }], isPreferred: true });
      } else if (s.writable === 'file') {
        const rest = p.replace(/^(\.\/)+/, '');
        abs = '/tmp/' + rest;
        fixes.push({ title: `Use ${abs}`, edits: [{ range: range(l.line, at, at + p.length), newText: abs }], isPreferred: true });
      }
      ctx.report(
        makeFinding('ini-relative-path', range(l.line, at, at + p.length), {
          detail: `${q(p)} is a relative path: the extension resolves it against the PHP process's working directory (/ for PHP-FPM workers, something else under Apache or the CLI), not against this file${inner.smart ? ' (the typographic quotes around it are a separate problem)' : ''}`,
          fix: abs ? `Use the absolute path ${q(abs)}.` : 'Use an absolute path.',
          data: { key: l.entry!.key, path: p, ...(abs ? { absolute: abs } : {}) },
          ...(fixes.length ? { fixes } : {}),
        }),
      );
    }
  },
};
