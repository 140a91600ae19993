// systemd units: [Service] Environment=, ExecStart= (a -javaagent or ddtrace-run command).
import { detectTracer, eolOf, syspropSettings, type ConfigFile, type ServiceConfig, type Setting } from './settings';
import { skipSpace } from './text';

export function systemdFile(text: string, unit = 'unit'): ConfigFile {
  const eol = eolOf(text);
  const settings: Setting[] = [];
  let svc: ServiceConfig | undefined;
  let inService = false;
  let command = '';
  for (let off = 0; off <= text.length;) {
    const nl = text.indexOf('\n', off);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(off, end > off && text[end - 1] === '\r' ? end - 1 : end);
    const next = nl < 0 ? text.length + 1 : nl + 1;
    const s = skipSpace(line, off === 0 && line.charCodeAt(0) === 0xfeff ? 1 : 0);
    const rest = line.slice(s);
    if (rest.startsWith('[')) {
      inService = /^\[Service\]/.test(rest);
      if (inService && !svc)
        svc = {
          name: unit,
          span: { start: off + s, end: off + s + 9 },
          kind: 'systemd',
          settings,
          traced: false,
          insert: { offset: Math.min(next, text.length), lead: nl < 0 ? eol : undefined, template: `Environment=NAME=VALUE${eol}` },
        };
    } else if (inService && rest.startsWith('Environment=')) {
      // Environment=A=1 "B=two words" C=3
      const body = rest.slice(12);
      const base = off + s + 12;
      const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
      for (const m of body.matchAll(re)) {
        const q = m[1] ?? m[2];
        const word = q ?? m[3]!;
        const at = base + m.index! + (q !== undefined ? 1 : 0);
        const eq = word.indexOf('=');
        if (eq <= 0) continue;
        const name = word.slice(0, eq);
        const value = word.slice(eq + 1);
        settings.push({
          name,
          env: name,
          value,
          nameSpan: { start: at, end: at + eq },
          valueSpan: { start: at + eq + 1, end: at + word.length },
          form: 'env',
          service: unit,
        });
        if (name === 'JAVA_TOOL_OPTIONS' || name === 'JAVA_OPTS') settings.push(...syspropSettings(value, at + eq + 1, unit));
      }
    } else if (inService && /^ExecStart=/.test(rest)) {
      command += ` ${rest.slice(10)}`;
      settings.push(...syspropSettings(rest, off + s, unit));
    }
    off = next;
  }
  if (!svc) return { kind: 'systemd', services: [], eol };
  const t = detectTracer(undefined, command);
  svc.tracer = t?.tracer;
  svc.tracerWhy = t?.why;
  svc.command = command.trim() || undefined;
  svc.traced = !!t?.strong || settings.some((x) => x.env.startsWith('DD_'));
  return { kind: 'systemd', services: [svc], eol };
}
