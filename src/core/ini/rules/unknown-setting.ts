// ini-unknown-setting: an AppSec-looking key the extension does not have, with a did-you-mean from the knowledge base
// (both eras). Catches typos in the name (`datadog.appsec.log_levl`), near-miss prefixes (`ddapsec.`, `dd_appsec.`,
// `datadog.appsec_`) and wrong case (ini names are case-sensitive). A key whose name exists under the other prefix is
// ini-legacy-name's business, not this rule's.
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import { kb } from '../../kb';
import type { IniRule } from '../analyze';
import { editDistance, knownSuffixes, PREFIX_V01, PREFIX_V02, prefixOf, q, suffixOf, type Prefix } from '../model';

interface Suggestion {
  key: string;
  distance: number;
}

/** Known keys closest to `key` (case-insensitive), within `max`; several when tied. */
function closestKeys(key: string, max: number, era: Prefix): Suggestion[] {
  const lower = key.toLowerCase();
  let best: Suggestion[] = [];
  for (const s of kb().data.phpSettings) {
    const d = editDistance(lower, s.key, max);
    if (d > max) continue;
    if (!best.length || d < best[0]!.distance) best = [{ key: s.key, distance: d }];
    else if (d === best[0]!.distance) best.push({ key: s.key, distance: d });
  }
  // Tied between eras: the file's own prefix first.
  return best.sort((a, b) => Number(prefixOf(b.key) === era) - Number(prefixOf(a.key) === era));
}

/** Known suffixes (names without prefix) closest to `suffix`, within `max`; several when tied. */
function closestSuffixes(suffix: string, max: number, suffixes: Set<string>): string[] {
  let best: string[] = [];
  let bestD = max + 1;
  for (const s of suffixes) {
    const d = editDistance(suffix, s, max);
    if (d < bestD) {
      bestD = d;
      best = [s];
    } else if (d === bestD && d <= max) best.push(s);
  }
  return best;
}

/** A key whose head is a misspelt AppSec prefix: the corrected prefix and the rest. */
function nearMissPrefix(key: string): { prefix: Prefix; rest: string; head: string } | null {
  const lower = key.toLowerCase();
  let found: { prefix: Prefix; rest: string; head: string; d: number } | null = null;
  for (let i = 6; i <= Math.min(lower.length - 1, 20); i++) {
    if (!'._-'.includes(lower[i - 1]!)) continue;
    const head = lower.slice(0, i);
    const d1 = editDistance(head, PREFIX_V01, 2);
    const d2 = editDistance(head, PREFIX_V02, 3);
    const cand = d1 <= 2 && d1 <= d2 ? { prefix: PREFIX_V01 as Prefix, d: d1 } : d2 <= 3 ? { prefix: PREFIX_V02 as Prefix, d: d2 } : null;
    if (cand && cand.d > 0 && (!found || cand.d < found.d)) found = { ...cand, rest: key.slice(i), head: key.slice(0, i) };
  }
  return found;
}

interface Diagnosis {
  suggestions: string[];
  why: string;
}

/** Why `key` is not an AppSec setting and what it probably is; null when it is not this rule's business. */
function diagnose(key: string, suffixes: Set<string>): Diagnosis | null {
  const prefix = prefixOf(key);
  if (prefix) {
    const suffix = suffixOf(key);
    if (suffixes.has(suffix)) return null; // the other era has it: ini-legacy-name
    const max = Math.min(3, Math.max(1, Math.floor(suffix.length / 3)));
    const other: Prefix = prefix === PREFIX_V01 ? PREFIX_V02 : PREFIX_V01;
    const suggestions = closestSuffixes(suffix.toLowerCase(), max, suffixes).map((x) => (kb().setting(prefix + x) ? prefix + x : other + x));
    return {
      suggestions,
      why: `${q(key)} is not a setting of the PHP AppSec extension (extension v0.1 ddappsec.* to dd-trace-php's datadog.appsec.*), so PHP ignores it`,
    };
  }
  if (kb().setting(key.toLowerCase())) {
    return { suggestions: [key.toLowerCase()], why: `${q(key)} is not ${q(key.toLowerCase())}: ini setting names are case-sensitive, so PHP ignores it` };
  }
  const near = nearMissPrefix(key);
  if (!near) return null;
  const restLower = near.rest.toLowerCase();
  const other: Prefix = near.prefix === PREFIX_V01 ? PREFIX_V02 : PREFIX_V01;
  let suggestions: string[];
  if (kb().setting(near.prefix + restLower)) suggestions = [near.prefix + restLower];
  else if (kb().setting(other + restLower)) suggestions = [other + restLower];
  else suggestions = closestKeys(near.prefix + restLower, 3, near.prefix).map((s) => s.key);
  return {
    suggestions,
    why: `${q(key)} starts with ${q(near.head)}, not ${q(PREFIX_V02)} (or v0.1's ${q(PREFIX_V01)}), so PHP does not give it to the AppSec extension`,
  };
}

export const unknownSettingRule: IniRule = {
  id: 'ini-unknown-setting',
  run(ctx) {
    const suffixes = knownSuffixes();
    // One diagnosis per distinct key: a huge file repeating one typo costs one search.
    const memo = new Map<string, Diagnosis | null>();
    for (const l of ctx.file.lines) {
      if (l.kind !== 'entry') continue;
      const e = l.entry!;
      const key = e.key;
      if (key.length > 120 || kb().setting(key)) continue;
      let hit = memo.get(key);
      if (hit === undefined) memo.set(key, (hit = diagnose(key, suffixes)));
      if (!hit) continue;
      const suggestions = hit.suggestions.slice(0, 3);
      const r = range(l.line, e.keyStart, e.keyEnd);
      const fixes = suggestions.map((s, i) => ({
        title: `Change to ${s}`,
        edits: [{ range: r, newText: s }],
        ...(i === 0 && suggestions.length === 1 ? { isPreferred: true } : {}),
      }));
      ctx.report(
        makeFinding('ini-unknown-setting', r, {
          detail: hit.why,
          fix: suggestions.length
            ? `Did you mean ${suggestions.map(q).join(' or ')}?`
            : 'Check the name against the settings list (completion offers every known one).',
          data: { key, suggestions },
          ...(fixes.length ? { fixes } : {}),
        }),
      );
    }
  },
};
