/** Compares dotted versions numerically ("1.36.0" < "1.100"); a leading v and suffixes (~, -, +) are ignored. */
export function compareVersions(a: string, b: string): number {
  const norm = (v: string) => v.replace(/^v/i, '').split(/[~+\- ]/)[0]!.split('.').map((x) => parseInt(x, 10) || 0);
  const x = norm(a);
  const y = norm(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}
