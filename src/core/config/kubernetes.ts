// Kubernetes manifests: `containers[].env[]` name/value (and valueFrom for the agent's address), multi-document.
import { isMap, isSeq, LineCounter, parseAllDocuments, Scalar, type Pair } from 'yaml';
import { AGENT_VAR_SET, type AgentVar, type ContextVars } from './model';
import { detectTracer, eolOf, isAgentImage, syspropSettings, type ConfigFile, type ServiceConfig, type Setting } from './settings';
import { commandText, envInsertion, getIn, innerSpan, lineOf, resolveNode, hasDuplicateKeys, scalarString, str, YAML_OPTIONS } from './yamlUtil';

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
  for (const doc of parseAllDocuments(text, { lineCounter: lc, ...YAML_OPTIONS })) {
    if (!('contents' in doc) || doc.errors.length || hasDuplicateKeys(doc) || !isMap(doc.contents)) continue;
    const kind = scalarString(doc.contents.get('kind', true)) ?? 'manifest';
    const name = scalarString(doc.contents.getIn(['metadata', 'name'], true)) ?? '';
    visit(doc.contents, name ? `${kind} ${name}` : kind);
  }
  return out;
}

// ---- the deployment-file model -------------------------------------------------------------------------------

/** Each container of each workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, …) in every document. */
export function kubernetesFile(text: string): ConfigFile {
  const services: ServiceConfig[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    if (!('contents' in doc) || doc.errors.length || !isMap(doc.contents)) continue;
    const kind = str(getIn(doc, doc.contents, 'kind')) ?? 'manifest';
    const wname = str(getIn(doc, getIn(doc, doc.contents, 'metadata'), 'name')) ?? '';
    let budget = 10_000;
    const visit = (node: unknown) => {
      if (--budget < 0) return;
      const n = resolveNode(doc, node);
      if (isMap(n)) {
        for (const p of n.items as Pair[]) {
          const key = p.key instanceof Scalar ? String(p.key.value) : '';
          const v = resolveNode(doc, p.value);
          if ((key === 'containers' || key === 'initContainers') && isSeq(v)) for (const c of v.items) container(resolveNode(doc, c));
          else visit(v);
        }
      } else if (isSeq(n)) for (const i of n.items) visit(i);
    };
    const container = (c: unknown) => {
      if (!isMap(c)) return;
      const nameNode = getIn(doc, c, 'name');
      const cname = str(nameNode) ?? '?';
      const service = `${kind}${wname ? ` ${wname}` : ''} container ${cname}`;
      const settings: Setting[] = [];
      const env = getIn(doc, c, 'env');
      if (isSeq(env)) {
        for (const e of env.items) {
          const m = resolveNode(doc, e);
          const nn = getIn(doc, m, 'name');
          if (!(nn instanceof Scalar) || !nn.range) continue;
          const name = String(nn.value);
          const vn = getIn(doc, m, 'value');
          const nameSpan = innerSpan(text, nn) ?? { start: nn.range[0], end: nn.range[1] };
          if (vn instanceof Scalar) {
            const vs = innerSpan(text, vn);
            const value = String(vn.value ?? '');
            settings.push({ name, env: name, value, nameSpan, valueSpan: vs, form: 'env', service });
            if ((name === 'JAVA_TOOL_OPTIONS' || name === 'JAVA_OPTS') && vs && text.slice(vs.start, vs.end) === value)
              settings.push(...syspropSettings(value, vs.start, service));
          } else settings.push({ name, env: name, value: null, nameSpan, valueSpan: null, form: 'env', service }); // valueFrom
        }
      }
      const envFrom = getIn(doc, c, 'envFrom');
      const envFiles = isSeq(envFrom)
        ? envFrom.items
            .map((i) => str(getIn(doc, getIn(doc, i, 'configMapRef'), 'name')) ?? str(getIn(doc, getIn(doc, i, 'secretRef'), 'name')) ?? '')
            .filter(Boolean)
        : undefined;
      const image = str(getIn(doc, c, 'image'));
      const command = [commandText(getIn(doc, c, 'command')), commandText(getIn(doc, c, 'args'))].filter(Boolean).join(' ') || undefined;
      const t = detectTracer(image, command);
      const isAgent = !!image && isAgentImage(image);
      const span =
        nameNode instanceof Scalar && nameNode.range
          ? { start: nameNode.range[0], end: nameNode.range[1] }
          : { start: c.range?.[0] ?? 0, end: c.range?.[0] ?? 0 };
      services.push({
        name: service,
        span,
        kind: 'kubernetes',
        settings,
        tracer: t?.tracer,
        tracerWhy: t?.why,
        traced: !isAgent && (!!t?.strong || settings.some((s) => s.env.startsWith('DD_')) || !!envFiles?.length),
        isAgent,
        image,
        command,
        envFiles,
        insert: envInsertion(text, doc, c, 'env', 'k8s'),
      });
    };
    visit(doc.contents);
  }
  return { kind: 'kubernetes', services, eol: eolOf(text) };
}
