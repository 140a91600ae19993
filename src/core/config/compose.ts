// docker-compose / compose files: `services.<name>.environment` (list or map), with compose's interpolation.
import { isMap, isSeq, LineCounter, parseAllDocuments, Scalar, type Node as YamlNode, type Pair } from 'yaml';
import type { AgentVar, ContextVars } from './model';
import { detectTracer, eolOf, isAgentImage, syspropSettings, type ConfigFile, type ServiceConfig } from './settings';
import {
  commandText,
  envInsertion,
  envNodeSettings,
  getIn,
  innerSpan,
  lineOf,
  resolveNode,
  hasDuplicateKeys,
  scalarString,
  str,
  YAML_OPTIONS,
} from './yamlUtil';

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);

/**
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` as docker compose interpolates them; null when a variable
 * is unset. A scan with the answers of /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
 * in linear time: that regex searched for a `}` from every `${A-` (quadratic on `${A-${A-…` without one: 15 s at 200 KB).
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string | null {
  let unresolved = false;
  const subst = (n: string, op: string | undefined, def: string | undefined): string => {
    const v = env[n];
    if (v !== undefined && (v !== '' || op !== ':-')) return String(v);
    if (op) return def ?? '';
    unresolved = true;
    return '';
  };
  const n = value.length;
  let out = '';
  let copied = 0;
  let close = -2; // the first `}` at or after the last search (-1: none left), so each search is done once
  const closeAfter = (from: number) => {
    if (close !== -1 && close < from) close = value.indexOf('}', from);
    return close;
  };
  for (let i = value.indexOf('$'); i >= 0 && i < n; i = value.indexOf('$', i)) {
    let k = i + 1;
    if (value.charCodeAt(k) === 123 /* { */) {
      if (!isNameStart(value.charCodeAt(k + 1))) {
        i++;
        continue;
      }
      let e = k + 2;
      while (e < n && isNameChar(value.charCodeAt(e))) e++;
      const name = value.slice(k + 1, e);
      let op: string | undefined;
      let def: string | undefined;
      let end = -1;
      if (value[e] === '}') end = e + 1;
      else {
        op = value.startsWith(':-', e) ? ':-' : value[e] === '-' ? '-' : undefined;
        const c = op ? closeAfter(e + op.length) : -1;
        if (c >= 0) {
          def = value.slice(e + op!.length, c);
          end = c + 1;
        }
      }
      if (end < 0) {
        i++;
        continue;
      }
      out += value.slice(copied, i) + subst(name, op, def);
      copied = i = end;
    } else if (isNameStart(value.charCodeAt(k))) {
      while (k < n && isNameChar(value.charCodeAt(k))) k++;
      out += value.slice(copied, i) + subst(value.slice(i + 1, k), undefined, undefined);
      copied = i = k;
    } else i++;
  }
  out += value.slice(copied);
  return unresolved ? null : out;
}

function envEntries(node: unknown, lc: LineCounter, file: string | undefined, env: Record<string, string | undefined>): AgentVar[] {
  const out: AgentVar[] = [];
  if (isSeq(node)) {
    for (const item of node.items) {
      const s = scalarString(item);
      if (s === null) continue;
      const eq = s.indexOf('=');
      if (eq <= 0) continue;
      const value = interpolate(s.slice(eq + 1), env);
      if (value !== null) out.push({ name: s.slice(0, eq).trim(), value, file, line: lineOf(lc, item as YamlNode) });
    }
  } else if (isMap(node)) {
    for (const p of node.items as Pair[]) {
      const k = scalarString(p.key);
      const v = scalarString(p.value);
      if (k === null || v === null) continue;
      const value = interpolate(v, env);
      if (value !== null) out.push({ name: k, value, file, line: lineOf(lc, p.key as YamlNode) });
    }
  }
  return out;
}

export function composeSources(text: string, file?: string, env: Record<string, string | undefined> = {}): ContextVars[] {
  const lc = new LineCounter();
  const out: ContextVars[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lc, ...YAML_OPTIONS })) {
    if (!('contents' in doc) || doc.errors.length || hasDuplicateKeys(doc)) continue;
    const services = isMap(doc.contents) ? doc.contents.get('services', true) : null;
    if (!isMap(services)) continue;
    for (const p of services.items as Pair[]) {
      const name = scalarString(p.key) ?? '?';
      if (!isMap(p.value)) continue;
      out.push({ context: name, vars: envEntries(p.value.get('environment', true), lc, file, env) });
    }
  }
  return out;
}

// ---- the deployment-file model -------------------------------------------------------------------------------

/** Each compose service with its settings (environment map or list, anchors and merge keys), image, command, build. */
export function composeFile(text: string): ConfigFile {
  const services: ServiceConfig[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    if (!('contents' in doc) || doc.errors.length || !isMap(doc.contents)) continue;
    const svcs = getIn(doc, doc.contents, 'services');
    if (!isMap(svcs)) continue;
    for (const p of svcs.items as Pair[]) {
      const key = p.key;
      if (!(key instanceof Scalar) || !key.range) continue;
      const svc = resolveNode(doc, p.value);
      if (!isMap(svc)) continue;
      const name = String(key.value);
      const settings = envNodeSettings(text, doc, getIn(doc, svc, 'environment'), name);
      const image = str(getIn(doc, svc, 'image'));
      const cmdNode = getIn(doc, svc, 'command');
      const epNode = getIn(doc, svc, 'entrypoint');
      const command = [commandText(epNode), commandText(cmdNode)].filter(Boolean).join(' ') || undefined;
      for (const n of [epNode, cmdNode])
        if (n instanceof Scalar && n.range) {
          const s = innerSpan(text, n);
          if (s && text.slice(s.start, s.end) === String(n.value)) settings.push(...syspropSettings(String(n.value), s.start, name));
        }
      const build = getIn(doc, svc, 'build');
      const buildContext = str(build) ?? str(getIn(doc, build, 'context'));
      const ef = getIn(doc, svc, 'env_file');
      const envFiles =
        ef instanceof Scalar
          ? [str(ef) ?? '']
          : isSeq(ef)
            ? ef.items.map((i) => str(resolveNode(doc, i)) ?? str(getIn(doc, i, 'path')) ?? '').filter(Boolean)
            : undefined;
      const net = str(getIn(doc, svc, 'network_mode')) ?? '';
      const t = detectTracer(image, command);
      const isAgent = !!image && isAgentImage(image);
      services.push({
        name,
        span: { start: key.range[0], end: key.range[1] },
        kind: 'compose',
        settings,
        tracer: t?.tracer,
        tracerWhy: t?.why,
        traced: !isAgent && (!!t?.strong || settings.some((s) => s.env.startsWith('DD_'))),
        isAgent,
        image,
        command,
        buildContext,
        envFiles,
        sharedNetwork: net === 'host' || net.startsWith('service:') || net.startsWith('container:'),
        insert: envInsertion(text, doc, svc, 'environment', 'compose'),
      });
    }
  }
  return { kind: 'compose', services, eol: eolOf(text) };
}
