/**
 * The one version comparison (tracer versions, kb minimums, go.mod requirements): numeric dotted parts
 * ("1.36.0" < "1.100", "1.30.1.0" < "2.2.0"), a leading v ignored ("v1.36.0" = "1.36.0"), build metadata after +
 * ignored, and a pre-release after - or ~ ranks before its release ("2.0.0-rc.1" < "2.0.0"), with semver's order
 * between pre-releases (numeric identifiers numerically, "rc.2" < "rc.10"). Returns -1, 0 or 1.
 */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.core.length, y.core.length); i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  if (!x.pre.length || !y.pre.length) return x.pre.length === y.pre.length ? 0 : x.pre.length ? -1 : 1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function parse(v: string): { core: number[]; pre: string[] } {
  const s = v.trim().replace(/^v/i, '').split(/[+ ]/)[0]!;
  const cut = s.search(/[-~]/);
  const core = (cut === -1 ? s : s.slice(0, cut)).split('.').map((n) => parseInt(n, 10) || 0);
  const pre =
    cut === -1
      ? []
      : s
          .slice(cut + 1)
          .split('.')
          .filter(Boolean);
  return { core, pre };
}
