// Deployment files (compose, Kubernetes, Dockerfile, .env, php-fpm pools, systemd units, launch.json, serverless,
// SAM): diagnostics, hovers, completion of DD_* names and values, quick fixes and "Enable ASM for this service".
// The files keep their own languages (yaml, dockerfile, dotenv, json…): this service takes the documents the log
// and ini diagnostics do not (LANGUAGE_KIND), recognised by path and content, and publishes their diagnostics.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type Hover,
  type HoverParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeConfig, MAX_CONFIG_TEXT, type ConfigAnalysis } from '../core/config/analyze';
import { completeNames, completeValues, describeName, settingAt } from '../core/config/assist';
import { enableAsmEdits } from '../core/config/rules';
import { Positions } from '../core/config/settings';
import { scanDeploymentFiles } from '../core/config/workspace';
import { setEnableAsmTargets } from './logActions';
import { toDiagnostic } from './convert';
import { LANGUAGE_KIND } from './diagnostics';
import { Requests } from './protocol';

type Conn = Pick<Connection, 'sendDiagnostics' | 'console'>;

interface Entry {
  version: number;
  text: string;
  analysis: ConfigAnalysis;
}

export interface EnableAsmParams {
  /** The deployment file (open in the editor, or read from disk for a file: URI). */
  uri: string;
  /** The service's name as the diagnostics give it (data.service); the first service without ASM when omitted. */
  service?: string;
}
export interface EnableAsmResult {
  title?: string;
  edit?: WorkspaceEdit;
  /** Why there is nothing to edit (ASM already on, no service, a file the server does not know). */
  message?: string;
  services?: string[];
}

export interface EnableAsmTargetsParams {
  /** The workspace folder to scan (a path); the last one given (or the initialize request's) when omitted. */
  folder?: string | null;
  /** Only services this language's tracer may run (a service whose tracer is unknown is kept). */
  language?: string | null;
}
/** A service of a deployment file of the workspace that does not turn ASM on, and that an edit of that file can fix. */
export interface EnableAsmTarget {
  uri: string;
  /** The file's path relative to the workspace folder. */
  file: string;
  service: string;
  tracer: string | null;
  /** How the file reads DD_APPSEC_ENABLED for the service today. */
  appsec: 'off' | 'unset';
  /** The edit's title ("Enable ASM for api (DD_APPSEC_ENABLED=true)"). */
  title: string;
}
export interface EnableAsmTargetsResult {
  folder: string | null;
  targets: EnableAsmTarget[];
}

/** A document's path, for kind detection (`untitled:` and other schemes: the URI's last segment). */
function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri.replace(/^[a-z-]+:/i, ''));
  } catch {
    return uri;
  }
}

export class ConfigService {
  private readonly last = new Map<string, Entry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private folder: string | null = null;
  /** The last scan of the workspace's deployment files (what log findings offer to edit). */
  private targetsCache: EnableAsmTarget[] = [];
  private scanning: Promise<EnableAsmTarget[]> | null = null;
  constructor(
    private readonly connection: Conn,
    private readonly delayMs = 120,
  ) {
    setEnableAsmTargets((language) => this.cachedTargets(language));
  }

  /** The workspace folder (from the initialize request, or a client's request); its deployment files are scanned. */
  setWorkspace(folder: string | null | undefined): void {
    if (!folder || !path.isAbsolute(folder)) return;
    this.folder = folder;
    void this.scan().catch(() => undefined);
  }

  /** Scans the workspace folder's deployment files for services an edit can turn ASM on for (bounded by the scan). */
  private scan(): Promise<EnableAsmTarget[]> {
    const folder = this.folder;
    if (!folder) return Promise.resolve([]);
    const run = (async () => {
      const found = await scanDeploymentFiles(folder);
      const out: EnableAsmTarget[] = [];
      const byFile = new Map<string, typeof found.services>();
      for (const s of found.services) if (!s.isAgent && s.appsec !== 'on') byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
      for (const [file, services] of byFile) {
        const uri = pathToFileURL(file).toString();
        // the editor's text when the file is open (unsaved changes), else the file on disk
        const e = await this.analysisOf(uri);
        if (!e) continue;
        for (const s of services) {
          const svc = e.analysis.model.services.find((x) => x.name === s.service);
          const en = svc && enableAsmEdits(e.text, e.analysis.model, svc);
          if (en)
            out.push({
              uri,
              file: path.relative(folder, file).split(path.sep).join('/'),
              service: s.service,
              tracer: s.tracer,
              appsec: s.appsec === 'off' ? 'off' : 'unset',
              title: en.title,
            });
        }
      }
      return out;
    })();
    this.scanning = run;
    return run.then((t) => {
      if (this.scanning === run) this.targetsCache = t;
      return t;
    });
  }

  /** An open deployment file of the workspace changed: its services' targets follow the editor's text. */
  private refreshTargets(uri: string, e: Entry): void {
    const folder = this.folder;
    if (!folder || !uri.startsWith('file:')) return;
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return;
    }
    const rel = path.relative(folder, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return;
    const kept = this.targetsCache.filter((t) => t.uri !== uri);
    for (const svc of e.analysis.model.services) {
      const en = enableAsmEdits(e.text, e.analysis.model, svc);
      if (!en) continue;
      kept.push({
        uri,
        file: rel.split(path.sep).join('/'),
        service: svc.name,
        tracer: svc.tracer ?? null,
        appsec: svc.settings.some((x) => x.env === 'DD_APPSEC_ENABLED' && x.value !== null) ? 'off' : 'unset',
        title: en.title,
      });
    }
    this.targetsCache = kept;
  }

  private static forLanguage(targets: EnableAsmTarget[], language?: string | null): EnableAsmTarget[] {
    return language ? targets.filter((t) => !t.tracer || t.tracer === language) : targets;
  }

  /** The targets of the last scan (for a log finding's code actions, which cannot wait for a scan). */
  cachedTargets(language?: string | null): EnableAsmTarget[] {
    return ConfigService.forLanguage(this.targetsCache, language);
  }

  /** The asm/enableAsmTargets request: a fresh scan of the folder. */
  async targets(p: EnableAsmTargetsParams): Promise<EnableAsmTargetsResult> {
    if (typeof p?.folder === 'string' && path.isAbsolute(p.folder) && p.folder !== this.folder) this.folder = p.folder;
    const all = await this.scan();
    return { folder: this.folder, targets: ConfigService.forLanguage(all, p?.language) };
  }

  /** The open document's analysis, else the file read from disk (file: URIs, up to the config size limit). */
  private async analysisOf(uri: string): Promise<Entry | undefined> {
    const e = this.entry(uri);
    if (e || !uri.startsWith('file:')) return e;
    try {
      const file = fileURLToPath(uri);
      const st = await fsp.stat(file);
      if (!st.isFile() || st.size > MAX_CONFIG_TEXT) return undefined;
      const text = await fsp.readFile(file, 'utf8');
      const analysis = analyzeConfig(file, text);
      return analysis ? { version: -1, text, analysis } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Does this service take the document (not a log or ini document, and a deployment file by path and content)? */
  handles(doc: TextDocument): boolean {
    return !LANGUAGE_KIND[doc.languageId];
  }

  schedule(doc: TextDocument): void {
    if (!this.handles(doc)) return;
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(
      doc.uri,
      setTimeout(() => this.run(doc), this.delayMs),
    );
  }

  run(doc: TextDocument): void {
    clearTimeout(this.timers.get(doc.uri));
    this.timers.delete(doc.uri);
    const text = doc.getText();
    let a: ConfigAnalysis | null = null;
    try {
      a = analyzeConfig(pathOf(doc.uri), text);
    } catch (e) {
      this.connection.console.error(`config analysis of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
    }
    const had = this.last.has(doc.uri);
    if (!a) {
      this.last.delete(doc.uri);
      if (had) void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
      return;
    }
    this.last.set(doc.uri, { version: doc.version, text, analysis: a });
    this.refreshTargets(doc.uri, this.last.get(doc.uri)!);
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.findings.map(toDiagnostic) });
  }

  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    if (this.last.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The analysis of the document at this version (fixes made for another text would edit the wrong bytes). */
  entry(uri: string, version?: number): Entry | undefined {
    const e = this.last.get(uri);
    return e && (version === undefined || e.version === version) ? e : undefined;
  }

  codeActions(params: CodeActionParams, version?: number): CodeAction[] {
    const e = this.entry(params.textDocument.uri, version);
    if (!e) return [];
    const uri = params.textDocument.uri;
    const out: CodeAction[] = [];
    const before = (p: { line: number; character: number }, q: { line: number; character: number }) =>
      p.line < q.line || (p.line === q.line && p.character <= q.character);
    const overlaps = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
      before(r.start, params.range.end) && before(params.range.start, r.end);
    for (const f of e.analysis.findings) {
      if (!overlaps(f.range)) continue;
      for (const fix of f.fixes ?? []) {
        const a: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toDiagnostic(f)], edit: { changes: { [uri]: fix.edits } } };
        if (fix.isPreferred) a.isPreferred = true;
        out.push(a);
      }
    }
    // "Enable ASM for <service>" wherever the cursor is in a service that lacks it (also without a diagnostic there)
    const pos = new Positions(e.text);
    const at = pos.offset(params.range.start);
    for (const svc of e.analysis.model.services) {
      const inside =
        (at >= svc.span.start && at <= svc.span.end) || svc.settings.some((s) => at >= s.nameSpan.start && at <= (s.valueSpan?.end ?? s.nameSpan.end));
      if (!inside || out.some((a) => a.title.startsWith('Enable ASM'))) continue;
      const en = enableAsmEdits(e.text, e.analysis.model, svc);
      if (en) out.push({ title: en.title, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: en.edits } } });
    }
    return out;
  }

  /** The "Enable ASM for this service" edit for a command (the client applies it, VS Code can preview it). */
  async enableAsm(p: EnableAsmParams): Promise<EnableAsmResult> {
    const e = typeof p?.uri === 'string' ? await this.analysisOf(p.uri) : undefined;
    if (!e)
      return {
        message:
          'This file is not a deployment file the extension knows (compose, Kubernetes, Dockerfile, .env, php-fpm pool, systemd unit, launch.json, serverless.yml, SAM template).',
      };
    const services = e.analysis.model.services.filter((s) => !s.isAgent);
    const pick = p.service ? services.filter((s) => s.name === p.service) : services.filter((s) => enableAsmEdits(e.text, e.analysis.model, s));
    if (!pick.length)
      return {
        message: p.service
          ? `No service named ${p.service} in this file.`
          : 'Every service in this file already turns ASM on (or gets its settings from elsewhere).',
        services: services.map((s) => s.name),
      };
    const en = enableAsmEdits(e.text, e.analysis.model, pick[0]!);
    if (!en)
      return {
        message: `${pick[0]!.name} already turns ASM on here, or gets DD_APPSEC_ENABLED from elsewhere (valueFrom, env_file, the host): set it there.`,
        services: services.map((s) => s.name),
      };
    return { title: en.title, edit: { changes: { [p.uri]: en.edits } }, services: services.map((s) => s.name) };
  }

  hover(doc: TextDocument, params: HoverParams): Hover | null {
    const e = this.entry(doc.uri, doc.version);
    if (!e) return null;
    const pos = new Positions(e.text);
    const off = pos.offset(params.position);
    const s = settingAt(e.analysis.model, off);
    const svc = s ? e.analysis.model.services.find((x) => x.settings.includes(s)) : undefined;
    let env = s?.env;
    let span = s?.nameSpan;
    if (!s) {
      // a DD_* word anywhere (a comment, a command)
      const ls = e.text.lastIndexOf('\n', off - 1) + 1;
      const le = e.text.indexOf('\n', off);
      const line = e.text.slice(ls, le < 0 ? e.text.length : le);
      if (line.length > 10_000) return null;
      for (const m of line.matchAll(/DD_[A-Z0-9_]{1,100}/g)) {
        if (ls + m.index! <= off && off <= ls + m.index! + m[0].length) {
          env = m[0];
          span = { start: ls + m.index!, end: ls + m.index! + m[0].length };
        }
      }
    }
    if (!env || !span) return null;
    const md = describeName(env, s, svc?.tracer);
    return md ? { contents: { kind: 'markdown', value: md }, range: pos.range(span) } : null;
  }

  completion(doc: TextDocument, params: CompletionParams): CompletionItem[] {
    const e = this.entry(doc.uri);
    const text = doc.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
    if (text.length > 10_000) return [];
    const tracer = e?.analysis.model.services.length === 1 ? e.analysis.model.services[0]!.tracer : undefined;
    const value = /(DD_[A-Z0-9_]{1,100})\]?[ \t]*(?:=|:)[ \t]*["']?([A-Za-z0-9]{0,20})$/.exec(text);
    if (value) {
      return completeValues(value[1]!, tracer).map((v, i) => ({
        label: v,
        kind: CompletionItemKind.Value,
        sortText: String(i),
        textEdit: {
          range: { start: { line: params.position.line, character: params.position.character - value[2]!.length }, end: params.position },
          newText: v,
        },
      }));
    }
    const word = /(?:^|[^A-Za-z0-9_])(D[A-Z0-9_]{0,100})$/.exec(text);
    if (!word || !(e || this.handles(doc))) return [];
    const w = word[1]!;
    if (!'DD_'.startsWith(w.slice(0, 3))) return [];
    return completeNames(w.length < 3 ? 'DD_' : w).map((c) => ({
      label: c.label,
      kind: CompletionItemKind.Variable,
      detail: c.detail,
      ...(c.documentation ? { documentation: { kind: 'markdown' as const, value: c.documentation } } : {}),
      textEdit: { range: { start: { line: params.position.line, character: params.position.character - w.length }, end: params.position }, newText: c.label },
    }));
  }

  register(connection: Pick<Connection, 'onRequest'>): void {
    connection.onRequest(Requests.enableAsm, (p: EnableAsmParams) => this.enableAsm(p));
    connection.onRequest(Requests.enableAsmTargets, (p: EnableAsmTargetsParams) => this.targets(p));
  }
}
