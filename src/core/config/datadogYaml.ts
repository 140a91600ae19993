// datadog.yaml: the Agent's own `apm_config` (enabled, receiver_port, apm_non_local_traffic).
import { isMap, LineCounter, parseAllDocuments, type Node as YamlNode, type Pair } from 'yaml';
import { lineOf, scalarString, YAML_OPTIONS } from './yamlUtil';

export interface ApmConfig {
  file: string;
  line: number;
  enabled: boolean | null;
  receiverPort: number | null;
  nonLocalTraffic: boolean | null;
}

export function parseApmConfig(text: string, file: string): ApmConfig | null {
  const lc = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter: lc, ...YAML_OPTIONS })) {
    if (!('contents' in doc) || !isMap(doc.contents)) continue;
    const apm = doc.contents.get('apm_config', true);
    const pair = (doc.contents.items as Pair[]).find((p) => scalarString(p.key) === 'apm_config');
    if (!isMap(apm)) continue;
    const bool = (k: string) => {
      const v = scalarString(apm.get(k, true));
      return v === null || v === '' ? null : /^(true|yes|on|1)$/i.test(v);
    };
    const portText = scalarString(apm.get('receiver_port', true));
    const port = portText && /^\d+$/.test(portText) ? Number(portText) : null;
    return { file, line: lineOf(lc, pair?.key as YamlNode) ?? 0, enabled: bool('enabled'), receiverPort: port, nonLocalTraffic: bool('apm_non_local_traffic') };
  }
  return null;
}
