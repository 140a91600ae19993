// ini-invalid-value: a value that is not of the setting's type: booleans, integers and their ranges, enumerations
// (log levels: off|fatal|error|warning|warn|info|debug|trace, case-insensitive; anything else falls back to error),
// helper arguments (--name=value; others are skipped by the helper), and a waf_timeout that reads as v0.2's
// milliseconds where v0.3+ wants microseconds. Values with typographic quotes are ini-smart-quotes' business.
import { range, type Fix } from '../../finding';
import { makeFinding } from '../../findings';
import { kb, type PhpSetting } from '../../kb';
import type { IniContext, IniRule } from '../analyze';
import type { IniLine } from '../parse';
import { editDistance, expandsVariable, innerValue, q } from '../model';

// PHP's ini scanner reads true/on/yes as "1" and false/off/no/none/null as "" (case-insensitive, zend_ini_scanner.l).
const BOOLS = new Set(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no', 'none', 'null', '']);
const INT = /^[+-]?\d{1,20}$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** The helper's log levels (spdlog names accepted by --log_level). */
const HELPER_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'err', 'error', 'critical', 'off'];

function closest(value: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  let tie = false;
  for (const a of allowed) {
    const d = editDistance(value.toLowerCase(), a, 2);
    if (d < bestD) {
      bestD = d;
      best = a;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return best && !tie ? best : null;
}

function report(ctx: IniContext, l: IniLine, s: PhpSetting, detail: string, fix: string, fixes: Fix[] = [], severity?: 'warning') {
  const e = l.entry!;
  ctx.report(
    makeFinding('ini-invalid-value', range(l.line, e.valueStart, e.valueEnd), {
      detail,
      fix,
      data: { key: e.key, value: e.rawValue, type: s.type },
      ...(fixes.length ? { fixes } : {}),
      ...(severity ? { severity } : {}),
    }),
  );
}

function checkArgs(ctx: IniContext, l: IniLine, s: PhpSetting, text: string, start: number) {
  const re = /\S+/g;
  const tokens: { t: string; at: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && tokens.length < 200) tokens.push({ t: m[0], at: start + m.index });
  for (let i = 0; i < tokens.length; i++) {
    const { t, at } = tokens[i]!;
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      let value: string | null = eq < 0 ? null : t.slice(eq + 1);
      let valueAt = at + eq + 1;
      if (value === null && tokens[i + 1] && !tokens[i + 1]!.t.startsWith('--')) {
        value = tokens[i + 1]!.t;
        valueAt = tokens[i + 1]!.at;
        i++;
      }
      if (name === 'log_level' && value !== null && !HELPER_LEVELS.includes(value.toLowerCase())) {
        const c = closest(value, HELPER_LEVELS);
        const fixes: Fix[] = c
          ? [{ title: `Change to --log_level=${c}`, edits: [{ range: range(l.line, valueAt, valueAt + value.length), newText: c }], isPreferred: true }]
          : [];
        report(
          ctx,
          l,
          s,
          `${q(`--log_level=${value}`)} is not a helper log level (${HELPER_LEVELS.join(', ')})`,
          c ? `Use ${q(`--log_level=${c}`)}.` : 'Use --log_level=debug to troubleshoot.',
          fixes,
        );
      }
      continue;
    }
    const dashes = /^-(?!-)/.test(t);
    const fixes: Fix[] = dashes ? [{ title: `Change to -${t}`, edits: [{ range: range(l.line, at, at), newText: '-' }], isPreferred: true }] : [];
    report(
      ctx,
      l,
      s,
      `the helper argument ${q(t)} does not start with --, so the helper skips it`,
      dashes ? `Write ${q('-' + t)}.` : 'Write arguments as --name=value, e.g. --log_level=debug.',
      fixes,
      'warning',
    );
  }
}

export const invalidValueRule: IniRule = {
  id: 'ini-invalid-value',
  run(ctx) {
    for (const l of ctx.appsecLines) {
      const e = l.entry!;
      const s = kb().setting(e.key);
      if (!s || expandsVariable(e)) continue; // ${VAR} is expanded by PHP: its value is not in this file
      const inner = innerValue(e);
      if (inner.smart || /<[^<>]*>/.test(inner.text)) continue; // ini-smart-quotes / ini-placeholder say it better
      const v = inner.text.trim();
      const innerRange = range(l.line, inner.start, inner.end);
      switch (s.type) {
        case 'bool':
          if (!BOOLS.has(v.toLowerCase()))
            report(
              ctx,
              l,
              s,
              `${e.key} = ${q(e.rawValue)} is not a boolean, so the extension does not read it as on`,
              'Use 1 or 0 (true/false and on/off work too).',
              [
                { title: 'Set to 1 (on)', edits: [{ range: innerRange, newText: '1' }] },
                { title: 'Set to 0 (off)', edits: [{ range: innerRange, newText: '0' }] },
              ],
            );
          break;
        case 'int':
        case 'uint':
        case 'duration-us':
        case 'duration-ms': {
          if (!INT.test(v)) {
            report(
              ctx,
              l,
              s,
              `${e.key} = ${q(e.rawValue)} is not a whole number${s.unit ? ` (${s.unit})` : ''}`,
              `Use a number such as the default ${s.default}.`,
              [{ title: `Set to the default ${s.default}`, edits: [{ range: innerRange, newText: s.default }] }],
            );
            break;
          }
          const n = Number(v);
          if ((s.type !== 'int' && n < 0) || (s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
            const lo = s.min ?? (s.type === 'int' ? undefined : 0);
            report(ctx, l, s, `${e.key} = ${v} is out of range (${lo ?? '…'} to ${s.max ?? '…'})`, `Use a value in range, such as the default ${s.default}.`, [
              { title: `Set to the default ${s.default}`, edits: [{ range: innerRange, newText: s.default }] },
            ]);
          } else if (s.type === 'duration-us' && n > 0 && n < 1000) {
            const us = String(n * 1000);
            report(
              ctx,
              l,
              s,
              `${e.key} = ${v} is ${v} µs: extension v0.2 read this setting as milliseconds, but since v0.3.0 it is microseconds, so the WAF gives up after ${v} µs and misses attacks`,
              `If you meant ${v} ms, write ${us}.`,
              [{ title: `Change to ${us} (${v} ms in microseconds)`, edits: [{ range: innerRange, newText: us }], isPreferred: true }],
              'warning',
            );
          }
          break;
        }
        case 'float':
          if (!FLOAT.test(v) || (s.min !== undefined && Number(v) < s.min) || (s.max !== undefined && Number(v) > s.max))
            report(
              ctx,
              l,
              s,
              `${e.key} = ${q(e.rawValue)} is not a number${s.min !== undefined || s.max !== undefined ? ` from ${s.min ?? '…'} to ${s.max ?? '…'}` : ''}`,
              `Use a number such as the default ${s.default}.`,
            );
          break;
        case 'enum': {
          const allowed = s.allowed ?? [];
          if (allowed.includes(v.toLowerCase())) break;
          const c = closest(v, allowed);
          const isLevel = e.key.endsWith('.log_level') && !e.key.endsWith('helper_log_level');
          const detail = `${e.key} = ${q(e.rawValue)} is not one of ${allowed.join(', ')}${isLevel ? ': the extension falls back to the level error, so you get no debug logs' : ''}`;
          report(
            ctx,
            l,
            s,
            detail,
            c ? `Did you mean ${q(c)}?` : `Use one of ${allowed.join(', ')}.`,
            c ? [{ title: `Change to ${c}`, edits: [{ range: innerRange, newText: c }], isPreferred: true }] : [],
          );
          break;
        }
        case 'log-file':
          if (v === '')
            report(
              ctx,
              l,
              s,
              `${e.key} is empty, so the extension has nowhere to log`,
              `Use php_error_reporting (the default), syslog, stdout, stderr or an absolute path.`,
              [{ title: 'Set to php_error_reporting (the default)', edits: [{ range: innerRange, newText: 'php_error_reporting' }], isPreferred: true }],
              'warning',
            );
          break;
        case 'args':
          checkArgs(ctx, l, s, inner.text, inner.start);
          break;
        default:
          break;
      }
    }
  },
};
