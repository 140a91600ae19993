// A real LSP client for tests: starts dist/server.js over stdio and speaks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before } from 'node:test';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDoc } from '../../src/core/document';
import { METHODS, type StepsState } from '../../src/server/protocol';

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  private readonly diags = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  stderr = '';
  private versions = new Map<string, number>();

  constructor(serverPath = path.resolve('dist/server.js')) {
    this.proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += d));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diags.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.pred(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.conn.onNotification((method, params) => this.notifications.push({ method, params }));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.conn.listen();
  }

  /** Waits (bounded) for an asm/steps/changed push newer than `afterSeq` that satisfies pred. */
  async stepsPushed(afterSeq: number, pred: (s: StepsState) => boolean, timeoutMs = 15_000): Promise<StepsState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.notifications
        .filter((n) => n.method === METHODS.stepsChanged)
        .map((n) => n.params as StepsState)
        .find((x) => x.seq > afterSeq && pred(x));
      if (s) return s;
      if (Date.now() > deadline) throw new Error('no matching asm/steps/changed push');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async initialize(): Promise<unknown> {
    const r = await this.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  open(uri: string, languageId: string, text: string): void {
    this.versions.set(uri, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  change(uri: string, text: string): void {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
  }

  /** Waits for diagnostics of `uri` (of the latest version sent, when the server says the version) matching pred. */
  diagnostics(uri: string, pred: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 20000): Promise<Diagnostic[]> {
    const v = this.versions.get(uri);
    const ok = (p: PublishDiagnosticsParams) => (p.version === undefined || p.version === v) && pred(p.diagnostics);
    const have = this.diags.get(uri);
    if (have && ok(have)) return Promise.resolve(have.diagnostics);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        uri,
        pred: ok,
        resolve: (p) => {
          clearTimeout(t);
          resolve(p.diagnostics);
        },
      });
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    this.conn.dispose();
    await new Promise((r) => setTimeout(r, 50));
    if (this.proc.exitCode === null) this.proc.kill();
  }
}

/** Offsets of the first character of each line; line breaks are \r\n, \n or a lone \r (as in LSP). Written apart from the core's TextDoc on purpose: tests check the core against it. */
/** Offsets of the line starts (\r\n, \n or a lone \r end a line): the core's one line index. */
export function lineStarts(text: string): number[] {
  return new TextDoc(text).lineStarts;
}

/** Applies LSP text edits to a text (edits must not overlap), as an editor would. */
export function applyEdits(
  text: string,
  edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[],
): string {
  const starts = lineStarts(text);
  const off = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/**
 * The usual set-up of a test file: one initialized server for all its tests (`set` receives it before the first test
 * runs), stopped after the last one, and the temporary `dirs` removed then.
 */
export function lspPerFile(set: (c: LspClient) => void, dirs: string[] = []): void {
  let client: LspClient | undefined;
  before(async () => {
    client = new LspClient();
    set(client);
    await client.initialize();
  });
  after(async () => {
    await client?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
}
