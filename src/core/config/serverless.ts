// serverless.yml (Serverless Framework) and SAM / CloudFormation templates: Lambda functions and their environment.
import { isMap, parseAllDocuments, Scalar, type Pair } from 'yaml';
import { eolOf, type ConfigFile, type ServiceConfig, type Setting } from './settings';
import { envInsertion, envNodeSettings, getIn, resolveNode, str, YAML_OPTIONS } from './yamlUtil';
import type { ConfigTracer } from '../kb/schema';

function runtimeTracer(runtime: string | undefined): ConfigTracer | undefined {
  const r = (runtime ?? '').toLowerCase();
  if (r.startsWith('nodejs')) return 'nodejs';
  if (r.startsWith('python')) return 'python';
  if (r.startsWith('java')) return 'java';
  if (r.startsWith('dotnet')) return 'dotnet';
  if (r.startsWith('ruby')) return 'ruby';
  if (r.startsWith('go') || r.startsWith('provided')) return 'go';
  return undefined;
}

export function serverlessFile(text: string): ConfigFile {
  const services: ServiceConfig[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    if (!('contents' in doc) || doc.errors.length || !isMap(doc.contents)) continue;
    const provider = getIn(doc, doc.contents, 'provider');
    const providerEnv = envNodeSettings(text, doc, getIn(doc, provider, 'environment'), 'provider');
    const asmPlugin = str(getIn(doc, getIn(doc, getIn(doc, doc.contents, 'custom'), 'datadog'), 'enableASM'));
    const insert = isMap(provider) ? envInsertion(text, doc, provider, 'environment', 'compose') : undefined;
    const runtime = str(getIn(doc, provider, 'runtime'));
    const fns = getIn(doc, doc.contents, 'functions');
    const providerKey = (doc.contents.items as Pair[]).find((p) => p.key instanceof Scalar && p.key.value === 'provider')?.key as Scalar | undefined;
    const list: { name: string; span: { start: number; end: number }; settings: Setting[]; runtime?: string }[] = [];
    if (isMap(fns)) {
      for (const p of fns.items as Pair[]) {
        if (!(p.key instanceof Scalar) || !p.key.range) continue;
        const name = String(p.key.value);
        const f = resolveNode(doc, p.value);
        const own = envNodeSettings(text, doc, getIn(doc, f, 'environment'), name);
        const names = new Set(own.map((s) => s.env));
        list.push({
          name,
          span: { start: p.key.range[0], end: p.key.range[1] },
          settings: [...own, ...providerEnv.filter((s) => !names.has(s.env))],
          runtime: str(getIn(doc, f, 'runtime')) ?? runtime,
        });
      }
    }
    if (!list.length && providerKey?.range)
      list.push({ name: 'provider', span: { start: providerKey.range[0], end: providerKey.range[1] }, settings: providerEnv, runtime });
    for (const f of list) {
      const settings =
        asmPlugin && /^true$/i.test(asmPlugin)
          ? [
              ...f.settings,
              {
                name: 'custom.datadog.enableASM',
                env: 'DD_SERVERLESS_APPSEC_ENABLED',
                value: 'true',
                nameSpan: f.span,
                valueSpan: null,
                form: 'env' as const,
                service: f.name,
              },
            ]
          : f.settings;
      services.push({
        name: f.name,
        span: f.span,
        kind: 'serverless',
        settings,
        tracer: runtimeTracer(f.runtime),
        traced: settings.some((s) => s.env.startsWith('DD_')),
        lambda: true,
        insert,
      });
    }
  }
  return { kind: 'serverless', services, eol: eolOf(text) };
}

/** SAM / CloudFormation: AWS::Serverless::Function and AWS::Lambda::Function resources (Globals.Function merged). */
export function samFile(text: string): ConfigFile {
  const services: ServiceConfig[] = [];
  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    if (!('contents' in doc) || doc.errors.length || !isMap(doc.contents)) continue;
    const globals = getIn(doc, getIn(doc, doc.contents, 'Globals'), 'Function');
    const gEnv = envNodeSettings(text, doc, getIn(doc, getIn(doc, globals, 'Environment'), 'Variables'), 'Globals');
    const resources = getIn(doc, doc.contents, 'Resources');
    if (!isMap(resources)) continue;
    for (const p of resources.items as Pair[]) {
      if (!(p.key instanceof Scalar) || !p.key.range) continue;
      const r = resolveNode(doc, p.value);
      const type = str(getIn(doc, r, 'Type'));
      if (type !== 'AWS::Serverless::Function' && type !== 'AWS::Lambda::Function') continue;
      const name = String(p.key.value);
      const props = getIn(doc, r, 'Properties');
      const envMap = getIn(doc, props, 'Environment');
      const own = envNodeSettings(text, doc, getIn(doc, envMap, 'Variables'), name);
      const names = new Set(own.map((s) => s.env));
      const settings = [...own, ...gEnv.filter((s) => !names.has(s.env))];
      const runtime = str(getIn(doc, props, 'Runtime')) ?? str(getIn(doc, globals, 'Runtime'));
      services.push({
        name,
        span: { start: p.key.range[0], end: p.key.range[1] },
        kind: 'sam',
        settings,
        tracer: runtimeTracer(runtime),
        traced: settings.some((s) => s.env.startsWith('DD_')),
        lambda: true,
        insert: isMap(envMap) ? envInsertion(text, doc, envMap, 'Variables', 'sam') : undefined,
      });
    }
  }
  return { kind: 'sam', services, eol: eolOf(text) };
}
