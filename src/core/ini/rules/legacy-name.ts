// ini-legacy-name: a setting of another era. ddappsec.* names are extension v0.1's (Dec 2021); v0.2 renamed them
// datadog.appsec.* and ignores the old ones. Also datadog.appsec.rules_path (v0.2 only, `rules` since v0.3), removed
// settings (datadog.appsec.ipheader), and names that never existed under their prefix (ddappsec.helper_runtime_path,
// datadog.appsec.helper_socket_path).
//
// The fix migrates to the current name, keeping the value. v0.1's helper_socket_path and helper_lock_path both became
// one directory, datadog.appsec.helper_runtime_path (the socket and lock files are created inside it): the first of them
// becomes helper_runtime_path = <its directory>, the other is removed (the runtime path holds both files) — preferred only
// when both name the same directory, else the user picks which to keep. When the file already sets the current name,
// the old line is removed instead: v0.2+ ignores it, so removing it changes nothing.
import { range, type Fix, type TextEdit } from '../../finding';
import { makeFinding } from '../../findings';
import { kb } from '../../kb';
import type { IniRule } from '../analyze';
import type { IniLine } from '../parse';
import { deleteLine, innerValue, knownSuffixes, PREFIX_V01, PREFIX_V02, prefixOf, q, suffixOf } from '../model';

/** The directory part of a path value (with its trailing /), or null when there is none. */
export function dirnameOf(p: string): string | null {
  const i = p.lastIndexOf('/');
  return i < 0 ? null : p.slice(0, i + 1);
}

interface Migration {
  target: string;
  /** How the value changes (dirname), when it does. */
  valueMigration?: 'dirname';
}

function migrationOf(key: string): { m: Migration | null; why: string } | null {
  const s = kb().setting(key);
  if (s) {
    if (s.renamedTo) {
      const t = kb().setting(s.renamedTo)!;
      const why =
        s.era === 'v0.1'
          ? `${q(key)} is the extension v0.1 name (ddappsec.*, 2021); since v0.2 the extension reads ${q(t.key)} and ignores ${q(key)}${s.valueMigration === 'dirname' ? ` — v0.2 replaced the socket and lock paths by one directory, ${q(t.key)}, where it creates both files` : ''}. Keep the old name only if you really run extension v0.1`
          : `${q(key)} is the v0.2 name; since v0.3.0 the setting is ${q(t.key)} and ${q(key)} is ignored`;
      return { m: { target: t.key, ...(s.valueMigration ? { valueMigration: s.valueMigration } : {}) }, why };
    }
    if (s.until) return { m: null, why: `${q(key)} was removed after extension ${s.until}${s.replacedBy ? `; use ${s.replacedBy} instead` : ''}` };
    return null;
  }
  const p = prefixOf(key);
  if (!p) return null;
  const suffix = suffixOf(key);
  if (!knownSuffixes().has(suffix)) return null; // ini-unknown-setting
  if (p === PREFIX_V01) {
    return {
      m: { target: PREFIX_V02 + suffix },
      why: `${q(key)} never existed: extension v0.1 (ddappsec.*) had no ${suffix}; it is ${q(PREFIX_V02 + suffix)} since v0.2`,
    };
  }
  const old = kb().setting(PREFIX_V01 + suffix)!;
  const t = old.renamedTo ? kb().setting(old.renamedTo) : undefined;
  if (!t) return { m: null, why: `${q(key)} does not exist; only v0.1 had ${q(old.key)}` };
  return {
    m: { target: t.key, ...(old.valueMigration ? { valueMigration: old.valueMigration } : {}) },
    why: `${q(key)} does not exist: ${suffix} was v0.1's ${q(old.key)}, and since v0.2 ${q(t.key)} holds it${old.valueMigration === 'dirname' ? ' (a directory: the extension creates the socket and lock files in it)' : ''}`,
  };
}

/** The first line of each key (one pass, so the rule stays linear on huge files). */
function firstLines(lines: IniLine[]): Map<string, IniLine> {
  const m = new Map<string, IniLine>();
  for (const l of lines) if (l.kind === 'entry' && !m.has(l.entry!.key)) m.set(l.entry!.key, l);
  return m;
}

/** The edits migrating a legacy line to its target, and the value it ends with; null when there is no directory to keep. */
function migrationEdits(l: IniLine, m: Migration, keyRange: ReturnType<typeof range>): { edits: TextEdit[]; shown: string; value: string } | null {
  const e = l.entry!;
  const edits: TextEdit[] = [{ range: keyRange, newText: m.target }];
  const inner = innerValue(e);
  if (m.valueMigration !== 'dirname') return { edits, shown: e.rawValue, value: inner.text };
  const dir = dirnameOf(inner.text);
  if (dir === null) return null;
  if (dir !== inner.text) edits.push({ range: range(l.line, inner.start, inner.end), newText: dir });
  return { edits, shown: dir, value: dir };
}

export const legacyNameRule: IniRule = {
  id: 'ini-legacy-name',
  run(ctx) {
    const lines = ctx.appsecLines;
    /** Targets that an earlier legacy line's fix migrates to, with that line and the value it would set. */
    const migratedTo = new Map<string, { line: number; value: string }>();
    const first = firstLines(ctx.file.lines);
    const memo = new Map<string, ReturnType<typeof migrationOf>>();
    for (const l of lines) {
      const e = l.entry!;
      let r = memo.get(e.key);
      if (r === undefined && !memo.has(e.key)) memo.set(e.key, (r = migrationOf(e.key)));
      if (!r) continue;
      const keyRange = range(l.line, e.keyStart, e.keyEnd);
      const fixes: Fix[] = [];
      const m = r.m;
      let fixText = 'Remove the line, or replace it as described.';
      if (m) {
        const existing = first.get(m.target);
        const earlier = existing ? undefined : migratedTo.get(m.target);
        const mig = migrationEdits(l, m, keyRange);
        const migTitle = (x: { shown: string }) =>
          m.valueMigration === 'dirname'
            ? `Migrate to ${m.target} = ${x.shown} (the directory of the ${e.key.includes('lock') ? 'lock' : 'socket'} file)`
            : `Rename to ${m.target}`;
        if (existing) {
          // The current name is in the file: v0.2+ reads it and ignores this line, so removing this line changes nothing.
          fixes.push({
            title: `Remove ${e.key} (${m.target} is set on line ${existing.line + 1}; ${e.key} is ignored)`,
            edits: [deleteLine(ctx.file, l)],
            isPreferred: true,
          });
          fixText = `${q(m.target)} is already set on line ${existing.line + 1}: remove this line.`;
        } else if (earlier) {
          // Another line's fix would create the target (it does not exist yet). Removing this line is only safe to
          // apply unasked when both would set the same value (v0.1's socket and lock in one directory); otherwise
          // the user chooses which value to keep, and Fix-all never drops one.
          const n = earlier.line + 1;
          const same = mig !== null && mig.value === earlier.value;
          fixes.push({
            title: `Remove ${e.key} (line ${n}'s fix migrates to ${m.target}${same ? ` = ${mig.shown}` : ''})`,
            edits: [deleteLine(ctx.file, l)],
            isPreferred: same,
          });
          if (same) fixText = `Line ${n}'s fix also migrates to ${q(`${m.target} = ${mig.shown}`)}, the same value: remove this line.`;
          else {
            if (mig) fixes.push({ title: `${migTitle(mig)}, keeping this value (then remove line ${n})`, edits: mig.edits, isPreferred: false });
            fixText = `Line ${n}'s fix also migrates to ${q(m.target)}; keep one: remove this line, or migrate this one${mig ? ` (${q(`${m.target} = ${mig.shown}`)})` : ''} and remove line ${n}.`;
          }
        } else if (mig) {
          migratedTo.set(m.target, { line: l.line, value: mig.value });
          fixes.push({ title: migTitle(mig), edits: mig.edits, isPreferred: true });
          fixText = m.valueMigration === 'dirname' ? `Use ${q(`${m.target} = ${mig.shown}`)}.` : `Rename it ${q(m.target)}.`;
        } else fixText = `Use ${q(m.target)} with the directory where the helper may create its socket and lock.`;
      }
      ctx.report(
        makeFinding('ini-legacy-name', keyRange, {
          detail: r.why,
          fix: fixText,
          data: { key: e.key, ...(m ? { target: m.target } : {}) },
          ...(fixes.length ? { fixes } : {}),
        }),
      );
    }
  },
};
