// The knowledge base: kb/*.yaml, parsed at build time, validated here once, then indexed.
import findings from '../../../kb/findings.yaml';
import ddas from '../../../kb/ddas.yaml';
import integrations from '../../../kb/integrations.yaml';
import phpSettings from '../../../kb/php-settings.yaml';
import messages from '../../../kb/messages.yaml';
import rules from '../../../kb/rules.yaml';
import tracers from '../../../kb/tracers.yaml';
import envVars from '../../../kb/env-vars.yaml';
import steps from '../../../kb/steps.yaml';
import logFields from '../../../kb/log-fields.yaml';
import type { KbData, FindingDef, DdasCode, PhpSetting, ScannerRule, Tracer, EnvVar, IntegrationSet, StepDef, Language, LogField } from './schema';

// Types only: zod stays out of the runtime bundles. The data is validated at build time (esbuild.mjs runs
// src/core/kb/validate.ts before bundling) and by test/unit/kb.test.ts.
export type * from './schema';
export { LANGUAGES } from './languages';

export const DOCS_BASE = 'https://docs.datadoghq.com';

export const RAW_KB = { findings, ddas, integrations, phpSettings, messages, rules, tracers, envVars, steps, logFields };

export class KbError extends Error {}

export class KnowledgeBase {
  readonly data: KbData;
  private readonly findingByCode = new Map<string, FindingDef>();
  private readonly ddasByCode = new Map<string, DdasCode>();
  private readonly settingByKey = new Map<string, PhpSetting>();
  private readonly ruleById = new Map<string, ScannerRule>();
  private readonly envByName = new Map<string, EnvVar>();

  constructor(data: KbData) {
    this.data = data;
    for (const f of data.findings) this.findingByCode.set(f.code, f);
    for (const d of data.ddas) this.ddasByCode.set(d.code, d);
    for (const s of data.phpSettings) this.settingByKey.set(s.key, s);
    for (const r of data.rules) this.ruleById.set(r.id, r);
    for (const e of data.envVars) this.envByName.set(e.name, e);
  }

  finding(code: string): FindingDef {
    const f = this.findingByCode.get(code);
    if (f) return f;
    const d = this.ddasByCode.get(code);
    if (d) return { code: d.code, severity: d.severity, step: d.step, ...(d.summary ? { summary: d.summary } : {}), title: d.title, meaning: d.meaning, fix: d.fix, doc: d.doc, source: d.source };
    throw new KbError(`unknown finding code ${code}`);
  }
  /** The codes a log rule raises from kb/messages.yaml (findings.yaml `rule`). */
  findingsOfRule(rule: string): Set<string> {
    return new Set(this.data.findings.filter((f) => f.rule === rule).map((f) => f.code));
  }
  hasFinding(code: string): boolean {
    return this.findingByCode.has(code) || this.ddasByCode.has(code);
  }
  ddas(code: string): DdasCode | undefined {
    return this.ddasByCode.get(code);
  }
  setting(key: string): PhpSetting | undefined {
    return this.settingByKey.get(key);
  }
  rule(id: string): ScannerRule | undefined {
    return this.ruleById.get(id);
  }
  envVar(name: string): EnvVar | undefined {
    return this.envByName.get(name);
  }
  tracer(lang: Language): Tracer {
    return this.data.tracers.find((t) => t.language === lang)!;
  }
  /** The kb name of an integration a tracer printed (an alias: Go's import path "github.com/go-chi/chi/v5" → "Chi"). */
  integrationName(lang: Language, printed: string): string {
    const set = this.integrations(lang);
    const n = printed.trim().toLowerCase();
    for (const [name, aliases] of Object.entries(set?.aliases ?? {})) if (name.toLowerCase() === n || aliases.some((a) => a.toLowerCase() === n)) return name;
    return printed;
  }
  integrations(lang: Language): IntegrationSet | undefined {
    return this.data.integrations.find((t) => t.language === lang);
  }
  /** A startup-JSON key, span tag or metric (log hovers). */
  logField(name: string): LogField | undefined {
    return this.data.logFields.find((f) => f.name === name);
  }
  step(id: string): StepDef | undefined {
    return this.data.steps.find((s) => s.id === id);
  }
  docUrl(doc: string | undefined): string | undefined {
    if (!doc) return undefined;
    return doc.startsWith('https://') ? doc : DOCS_BASE + doc;
  }
}

let instance: KnowledgeBase | undefined;
/** The validated knowledge base (validated once, on first use). */
export function kb(): KnowledgeBase {
  instance ??= new KnowledgeBase(RAW_KB as unknown as KbData);
  return instance;
}
