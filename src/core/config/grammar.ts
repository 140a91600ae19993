// How each tracer reads a value (the grammar ids of kb/env-vars.yaml), verified in the tracers' sources (see the
// kb entry's `source`). `on`/`off`: the switch's state; `invalid`: the tracer drops the value (Go logs it, Node.js
// and .NET treat it as unset); `inactive`: Java's remote-activation state.
import type { ValueGrammar } from '../kb/schema';

export type BoolReading = 'on' | 'off' | 'inactive' | 'invalid';

export function readBool(grammar: ValueGrammar, raw: string): BoolReading | null {
  const v = raw.trim();
  const l = v.toLowerCase();
  switch (grammar) {
    case 'java-activation': // ProductActivation.fromString
      return l === 'true' || v === '1' ? 'on' : l === 'inactive' ? 'inactive' : 'off';
    case 'go-parsebool': // strconv.ParseBool
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return 'on';
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return 'off';
      return 'invalid';
    case 'python-envier': // envier: raw.lower() in {"1", "true", "yes", "on"}
      return ['1', 'true', 'yes', 'on'].includes(l) ? 'on' : 'off';
    case 'node-bool': // parsers.BOOLEAN: true/1, false/0 (lower-cased), anything else unset
      return l === 'true' || l === '1' ? 'on' : l === 'false' || l === '0' ? 'off' : 'invalid';
    case 'php-zai-bool': // zai_config_decode_bool: 1, on, yes, true (case-insensitive); anything else false
      return ['1', 'on', 'yes', 'true'].includes(l) ? 'on' : 'off';
    case 'ruby-bool': // %w[1 true].include?(value.downcase)
      return l === '1' || l === 'true' ? 'on' : 'off';
    case 'dotnet-bool': // StringExtensions.ToBoolean
      if (['t', 'y', '1', 'true', 'yes'].includes(l)) return 'on';
      if (['f', 'n', '0', 'false', 'no'].includes(l)) return 'off';
      return 'invalid';
    default:
      return null;
  }
}

/** What a value means to a boolean grammar, in words for a message. */
export function describeBool(r: BoolReading): string {
  return r === 'on' ? 'on' : r === 'off' ? 'off' : r === 'inactive' ? 'inactive (waits for remote activation)' : 'not a boolean (ignored)';
}

/**
 * A WAF timeout value as the tracer reads it, in microseconds; null when it is not a number this tracer parses.
 * Python reads milliseconds (a float); Go also accepts a duration with a unit (2ms, 1s200ms).
 */
export function timeoutMicros(grammar: ValueGrammar, raw: string): number | null {
  const v = raw.trim();
  if (grammar === 'float-ms') return /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : null;
  if (grammar === 'int-us') return /^\d+$/.test(v) ? Number(v) : null;
  if (grammar === 'go-duration-us') {
    if (/^\d+$/.test(v)) return Number(v);
    const unit: Record<string, number> = { ns: 0.001, us: 1, µs: 1, ms: 1000, s: 1e6, m: 6e7, h: 3.6e9 };
    let total = 0;
    let i = 0;
    // Go's time.ParseDuration units, read by hand (linear: no regex over the whole value).
    const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
    while (i < v.length) {
      const start = i;
      while (isDigit(v[i])) i++;
      if (i === start) return null;
      if (v[i] === '.' && isDigit(v[i + 1])) {
        i++;
        while (isDigit(v[i])) i++;
      }
      const num = Number(v.slice(start, i));
      const u = ['ns', 'us', 'µs', 'ms', 'h', 's', 'm'].find((x) => v.startsWith(x, i));
      if (!u) return null;
      total += num * unit[u]!;
      i += u.length;
    }
    return v.length ? total : null;
  }
  return null;
}
