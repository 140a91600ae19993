// YAML helpers shared by the compose, Kubernetes and datadog.yaml readers.
import { isScalar, type LineCounter } from 'yaml';

export function lineOf(lc: LineCounter, node: { range?: [number, number, number] | null } | null | undefined): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line - 1;
}

export function scalarString(n: unknown): string | null {
  if (!isScalar(n)) return null;
  const v = n.value;
  return v === null || v === undefined ? '' : typeof v === 'object' ? null : String(v);
}

