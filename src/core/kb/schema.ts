// Schemas of the knowledge base (kb/*.yaml). Every entry names its `source`: a seed file name or an upstream file.
import { z } from 'zod';

import { LANGUAGES, type Language } from './languages';
export type { Language };

const source = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const severity = z.enum(['error', 'warning', 'information', 'hint']);
const stepId = z.enum(['running', 'test-attack', 'integrations', 'agent', 'backend']);
const language = z.enum(LANGUAGES);
/** A path on docs.datadoghq.com (with anchor), or a full https URL. */
const doc = z.string().regex(/^(\/|https:\/\/)/, 'doc must be a docs path starting with / or an https URL');
/** What a finding says about the service, applied to the log's summary (the latest wins: processes restart). */
const summaryEffect = z.strictObject({ appsec: z.enum(['enabled', 'disabled', 'inactive', 'not-configured']).optional(), agentReachable: z.boolean().optional() });
export type SummaryEffect = z.infer<typeof summaryEffect>;

/** The catalogue of stable finding codes. Analyzers add specifics to `message`. */
export const FindingDef = z.strictObject({
  code: z.string().regex(/^[a-z0-9-]+$|^DDAS-\d{4}-\d{2}$/),
  severity,
  step: stepId.nullable(),
  /** The log rule (src/core/log/rules/<rule>.ts) that raises it from the kb/messages.yaml messages naming it. */
  rule: z.string().regex(/^[a-z0-9-]+$/).optional(),
  summary: summaryEffect.optional(),
  title: z.string().min(1),
  /** What it means. */
  meaning: z.string().min(1),
  /** What to do. */
  fix: z.string().min(1),
  doc: doc.optional(),
  source,
});
export type FindingDef = z.infer<typeof FindingDef>;

export const DdasCode = z.strictObject({
  code: z.string().regex(/^DDAS-\d{4}-\d{2}$/),
  phase: z.enum(['startup', 'reload', 'request']),
  /** The level in the catalogue comment (std_logging.hpp). */
  level: z.enum(['error', 'warning', 'info', 'debug']),
  severity,
  step: stepId.nullable(),
  summary: summaryEffect.optional(),
  title: z.string().min(1),
  meaning: z.string().min(1),
  fix: z.string().min(1),
  templates: z.strictObject({ php: z.string().optional(), dotnet: z.string().optional(), doc: z.string().optional() }),
  doc: doc.optional(),
  source,
});
export type DdasCode = z.infer<typeof DdasCode>;

export const IntegrationSet = z.strictObject({
  language,
  /** The seed's list (required integrations). */
  required: z.array(z.string().min(1)),
  /** The newer troubleshooting doc's list, when it differs. */
  requiredNewer: z.array(z.string().min(1)).optional(),
  /** Other names a tracer prints for a required integration (Go: import paths, display names, contrib paths). */
  aliases: z.record(z.string().min(1), z.array(z.string().min(1))).optional(),
  /** Integrations whose absence does not stop ASM (e.g. .NET AspNetCore). */
  optional: z.array(z.string().min(1)).optional(),
  note: z.string().optional(),
  /** How to re-enable a disabled integration; `{name}` / `{NAME}` are replaced. */
  reenable: z.string().min(1),
  source,
});
export type IntegrationSet = z.infer<typeof IntegrationSet>;

export const PhpSetting = z.strictObject({
  /** Full ini key, e.g. `ddappsec.log_level` or `datadog.appsec.log_level`. */
  key: z.string().regex(/^(ddappsec|datadog\.appsec)\.[a-z0-9_]+$/),
  era: z.enum(['v0.1', 'v0.2+']),
  /** Extension versions where the key exists, e.g. "0.1.0" .. "0.1.x". */
  since: z.string().optional(),
  until: z.string().optional(),
  /** The key that replaces it in the next era (migration). */
  renamedTo: z.string().optional(),
  /** How the value changes when migrating to renamedTo: `dirname` = keep only the directory (socket/lock file → runtime directory). */
  valueMigration: z.enum(['dirname']).optional(),
  /** What replaces a removed setting when it is not an AppSec ini key (e.g. a tracer setting). */
  replacedBy: z.string().optional(),
  type: z.enum(['bool', 'int', 'uint', 'float', 'string', 'path', 'enum', 'regexp', 'set', 'log-file', 'args', 'duration-us', 'duration-ms']),
  default: z.string(),
  allowed: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string().optional(),
  env: z.string().regex(/^DD_[A-Z0-9_]+$/).nullable(),
  scope: z.enum(['system', 'all']).optional(),
  /** A path the helper writes to (socket, lock, runtime dir, log): checked on disk. */
  writable: z.enum(['file', 'dir']).optional(),
  meaning: z.string().min(1),
  step: stepId.nullable(),
  source,
});
export type PhpSetting = z.infer<typeof PhpSetting>;

/** Cause classes of appsec-start-failed messages (kb/messages.yaml `cause`). */
export const MESSAGE_CAUSES = [
  'missing-library', 'unsupported-platform', 'noexec-tmp', 'libc-mismatch', 'cgo-disabled', 'ffi-mismatch', 'platform-gem',
  'bundler', 'rules-file', 'runtime-version', 'version-mismatch', 'config', 'unexpected',
] as const;

/** A log message the analyzers recognise, by dialect, with the finding it raises. */
export const LogMessage = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  dialects: z.array(z.string().min(1)).min(1),
  /** JavaScript regular expression (no catastrophic backtracking: tested). */
  pattern: z.string().min(1),
  /** A cheap literal that every matching line contains (prefilter). */
  literal: z.string().min(1),
  finding: z.string().min(1),
  example: z.string().min(1),
  meaning: z.string().min(1),
  /** What to do about this message (replaces the finding's fix when present). */
  fix: z.string().min(1).optional(),
  /** Why AppSec could not start, for appsec-start-failed messages (goes into the finding's data). */
  cause: z.enum(MESSAGE_CAUSES).optional(),
  /** The tracer (or Agent, helper) versions that print this message, e.g. ">=1.2.0 <2.0.0", ">=0.94.0", "<1.59.0". */
  versions: z.string().regex(/^[<>]=?\d{1,4}(?:\.\d{1,4}){0,2}(?: [<>]=?\d{1,4}(?:\.\d{1,4}){0,2})?$/).optional(),
  /** Raise the finding only when the pattern's `version` group is below this version (e.g. an Agent too old for ASM). */
  below: z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/).optional(),
  source,
});
export type LogMessage = z.infer<typeof LogMessage>;

export const ScannerRule = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+-\d{3}-[0-9a-z]+$/),
  name: z.string().min(1),
  type: z.string().min(1),
  category: z.string().min(1),
  regex: z.string().min(1),
  address: z.string().min(1),
  tool: z.string().optional(),
  onMatch: z.array(z.string()).optional(),
  /** The user agent that triggers it (for the test attack and signal simulation). */
  userAgent: z.string().optional(),
  source,
});
export type ScannerRule = z.infer<typeof ScannerRule>;

export const Tracer = z.strictObject({
  language,
  name: z.string().min(1),
  minAsmVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  startupPrefix: z.string().min(1),
  /** The startup-JSON field that says whether ASM runs (null when the tracer prints none). */
  appsecField: z.string().nullable(),
  logLocations: z.array(z.string()),
  enable: z.strictObject({ env: z.string(), flag: z.string().optional(), code: z.string().optional(), note: z.string().optional() }),
  debug: z.string().min(1),
  testUserAgent: z.string().min(1),
  workspaceMarkers: z.array(z.string()),
  /** Files that name the tracer only when their text contains `contains` (a Procfile or Dockerfile running ddtrace-run). */
  launchMarkers: z.strictObject({ files: z.array(z.string().min(1)).min(1), contains: z.string().min(1) }).optional(),
  source,
});
export type Tracer = z.infer<typeof Tracer>;

/** The tracers a deployment file can configure (the config rules also know Python's). */
const configTracer = z.enum(['java', 'dotnet', 'go', 'ruby', 'php', 'nodejs', 'python']);
/** How a tracer reads a value: a boolean grammar (src/core/config/grammar.ts) or a number with its unit. */
const valueGrammar = z.enum(['java-activation', 'go-parsebool', 'python-envier', 'node-bool', 'php-zai-bool', 'ruby-bool', 'dotnet-bool', 'int-us', 'float-ms', 'go-duration-us']);

export const EnvVar = z.strictObject({
  name: z.string().regex(/^(DD|CGO)_[A-Z0-9_]+$/),
  languages: z.array(z.union([language, z.literal('all')])).min(1),
  type: z.string().min(1),
  default: z.string().nullable(),
  meaning: z.string().min(1),
  step: stepId.nullable(),
  /** Per tracer: how the value is read (deployment-file diagnostics use it). */
  grammar: z.partialRecord(configTracer, valueGrammar).optional(),
  /** Per tracer: the first version that reads this name (older versions ignore it). */
  since: z.partialRecord(configTracer, z.string().regex(/^\d+\.\d+\.\d+$/)).optional(),
  /** Per tracer: the name it reads instead (a Remote Configuration switch spelled differently). */
  readInstead: z.partialRecord(configTracer, z.string().regex(/^DD_[A-Z0-9_]+$/)).optional(),
  source,
});
export type EnvVar = z.infer<typeof EnvVar>;

/** A sub-step of the checklist; `id` is stable (titles are display text), `codes` are the finding codes that prove or disprove it (the tree groups them under it). */
export const SubStep = z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), title: z.string().min(1), detail: z.string().min(1), command: z.string().optional(), codes: z.array(z.string().min(1)).optional() });
export const StepDef = z.strictObject({
  id: stepId,
  number: z.number().int().min(0).max(4),
  title: z.string().min(1),
  description: z.string().min(1),
  doc: doc,
  checks: z.array(SubStep),
  languages: z.partialRecord(language, z.array(SubStep)).optional(),
  source,
});
export type StepDef = z.infer<typeof StepDef>;

/** A startup-JSON key, span tag or span metric that log hovers explain. */
export const LogField = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['startup', 'tag', 'metric']),
  languages: z.array(z.union([language, z.literal('all')])).min(1),
  type: z.string().min(1),
  meaning: z.string().min(1),
  step: stepId.nullable(),
  source,
});
export type LogField = z.infer<typeof LogField>;

export const Kb = z.strictObject({
  findings: z.array(FindingDef),
  ddas: z.array(DdasCode),
  integrations: z.array(IntegrationSet),
  phpSettings: z.array(PhpSetting),
  messages: z.array(LogMessage),
  rules: z.array(ScannerRule),
  tracers: z.array(Tracer),
  envVars: z.array(EnvVar),
  steps: z.array(StepDef),
  logFields: z.array(LogField),
});
export type KbData = z.infer<typeof Kb>;

/** kb/config-names.yaml: the DD_* names each tracer reads, from the tracers' own registries. */
export const ConfigNames = z.strictObject({
  sources: z.partialRecord(configTracer, z.string().min(1)),
  names: z.record(z.string().regex(/^DD_[A-Z0-9_]+$/), z.array(configTracer).min(1)),
});
export type ConfigNames = z.infer<typeof ConfigNames>;
export type ConfigTracer = z.infer<typeof configTracer>;
export type ValueGrammar = z.infer<typeof valueGrammar>;
