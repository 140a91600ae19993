// Kubernetes manifests: `containers[].env[]` name/value (and valueFrom for the agent's address), multi-document.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Pair } from 'yaml';
import { AGENT_VAR_SET, type AgentVar, type ContextVars } from './model';
import { lineOf, scalarString } from './yamlUtil';

export function kubernetesSources(text: string, file?: string): ContextVars[] {
  const lc = new LineCounter();
  const out: ContextVars[] = [];
  let budget = 10_000; // nodes visited: bounded on hostile files
  const visit = (node: unknown, kindName: string) => {
    if (--budget < 0) return;
    if (isMap(node)) {
      for (const p of node.items as Pair[]) {
        const key = scalarString(p.key);
        if ((key === 'containers' || key === 'initContainers') && isSeq(p.value)) {
          for (const c of p.value.items) {
            if (!isMap(c)) continue;
            const cname = scalarString(c.get('name', true)) ?? '?';
            const envNode = c.get('env', true);
            const vars: AgentVar[] = [];
            if (isSeq(envNode)) {
              for (const e of envNode.items) {
                if (!isMap(e)) continue;
                const n = scalarString(e.get('name', true));
                const v = scalarString(e.get('value', true));
                // valueFrom (fieldRef status.hostIP, the usual DaemonSet set-up) has no literal value.
                const valueFrom = e.get('valueFrom', true);
                if (n && v !== null) vars.push({ name: n, value: v, file, line: lineOf(lc, e) });
                else if (n && valueFrom && AGENT_VAR_SET.has(n)) {
                  const ref = isMap(valueFrom) ? valueFrom.getIn(['fieldRef', 'fieldPath']) : null;
                  vars.push({ name: n, value: ref === 'status.hostIP' ? '<node IP (status.hostIP)>' : '<valueFrom>', file, line: lineOf(lc, e) });
                }
              }
            }
            out.push({ context: `${kindName} container ${cname}`, vars });
          }
        } else visit(p.value, kindName);
      }
    } else if (isSeq(node)) for (const i of node.items) visit(i, kindName);
  };
  for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
    if (!('contents' in doc) || doc.errors.length || !isMap(doc.contents)) continue;
    const kind = scalarString(doc.contents.get('kind', true)) ?? 'manifest';
    const name = scalarString(doc.contents.getIn(['metadata', 'name'], true)) ?? '';
    visit(doc.contents, name ? `${kind} ${name}` : kind);
  }
  return out;
}

