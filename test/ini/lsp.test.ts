// PHP AppSec ini files through the real language server (stdio): diagnostics per code, every quick fix and its
// "fix all" applied byte for byte (CRLF, BOM, missing final newline, comments kept), the debug-preset source action,
// completion, hover, and garbage that must not crash or hang anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { INI_RULES } from '../../src/core/ini/rules';
import type { CodeAction, CompletionItem, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { LspClient, applyEdits, lspPerFile } from '../support/lspClient';

let c: LspClient;
let n = 0;
lspPerFile((x) => (c = x));

/** Opens `text` under a fresh file: URI and waits for its diagnostics (at least one of `code`, when given). */
async function open(text: string, code?: string, name = '98-ddappsec.ini', lang = 'asm-ini'): Promise<{ uri: string; diags: Diagnostic[] }> {
  const uri = `file:///tmp/asm-ini-lsp-${process.pid}-${++n}/${name}`;
  c.open(uri, lang, text);
  const diags = await c.diagnostics(uri, (d) => (code ? d.some((x) => x.code === code) : true));
  return { uri, diags };
}

async function actions(uri: string, diag: Diagnostic, only = ['quickfix']): Promise<CodeAction[]> {
  return c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only } });
}

/** Applies the quick fix whose title matches, for the first diagnostic of `code` (or the one on `line`). */
async function applyFix(text: string, code: string, title: RegExp, line?: number): Promise<string> {
  const { uri, diags } = await open(text, code);
  const d = diags.find((x) => x.code === code && (line === undefined || x.range.start.line === line));
  assert.ok(d, `no ${code}${line !== undefined ? ` on line ${line}` : ''}: ${JSON.stringify(diags.map((x) => [x.code, x.range.start.line]))}`);
  const list = await actions(uri, d);
  const a = list.find((x) => title.test(x.title));
  assert.ok(a, `no action ${title} in ${JSON.stringify(list.map((x) => x.title))}`);
  return applyEdits(text, a.edit!.changes![uri]!);
}

test('broken fixtures give their code through the server; the clean ones give nothing', async () => {
  // Discovered, not listed: every test/fixtures/ini/broken/<code>-98-ddappsec.ini, and every ini rule has one.
  const broken = readdirSync('test/fixtures/ini/broken').filter((f) => f.endsWith('-98-ddappsec.ini'));
  const codes = broken.map((f) => f.slice(0, -'-98-ddappsec.ini'.length));
  assert.deepEqual(
    INI_RULES.map((r) => r.id.replace(/^ini-/, '')).filter((c) => !codes.includes(c)),
    [],
    'an ini rule without its test/fixtures/ini/broken/<code>-98-ddappsec.ini',
  );
  for (const code of codes) {
    const text = readFileSync(`test/fixtures/ini/broken/${code}-98-ddappsec.ini`, 'utf8');
    const { diags } = await open(text, `ini-${code}`);
    assert.ok(diags.every((d) => d.source === 'asm-troubleshooter' && d.message.length > 20));
  }
  for (const [name, lang] of [
    ['98-ddappsec.ini', 'asm-ini'],
    ['98-ddtrace.ini', 'asm-ini'],
    ['php.ini', 'ini'],
  ] as const) {
    const { diags } = await open(readFileSync(`test/fixtures/ini/clean/${name}`, 'utf8'), undefined, name, lang);
    assert.deepEqual(diags, [], name);
  }
});

test("the demo file (pasted from the guide) shows the seed's mistakes", async () => {
  const { diags } = await open(readFileSync('demo/98-ddappsec.ini', 'utf8'), 'ini-placeholder');
  const got = new Set(diags.map((d) => d.code));
  for (const code of ['ini-smart-quotes', 'ini-relative-path', 'ini-placeholder', 'ini-legacy-name']) assert.ok(got.has(code), code);
});

test('quick fix: straighten quotes, in a CRLF file with a BOM and no final newline', async () => {
  const text = '\ufeff; AppSec\r\nddappsec.log_level=‘debug’ ; from the doc\r\ndatadog.appsec.log_file=’/tmp/extension.log’';
  assert.equal(
    await applyFix(text, 'ini-smart-quotes', /^Straighten quotes/, 1),
    "\ufeff; AppSec\r\nddappsec.log_level='debug' ; from the doc\r\ndatadog.appsec.log_file=’/tmp/extension.log’",
  );
  assert.equal(
    await applyFix(text, 'ini-smart-quotes', /^Fix all ini-smart-quotes in file \(2\)$/, 1),
    "\ufeff; AppSec\r\nddappsec.log_level='debug' ; from the doc\r\ndatadog.appsec.log_file='/tmp/extension.log'",
  );
});

test('quick fix: correct a mistyped key (did-you-mean), and fix all', async () => {
  const text = 'datadog.appsec.log_levl = debug\r\ndatadog.appsec_enabled = 1\r\n';
  assert.equal(
    await applyFix(text, 'ini-unknown-setting', /^Change to datadog\.appsec\.log_level$/, 0),
    'datadog.appsec.log_level = debug\r\ndatadog.appsec_enabled = 1\r\n',
  );
  assert.equal(
    await applyFix(text, 'ini-unknown-setting', /^Fix all ini-unknown-setting/, 0),
    'datadog.appsec.log_level = debug\r\ndatadog.appsec.enabled = 1\r\n',
  );
});

test('quick fix: migrate ddappsec.* to datadog.appsec.*; socket + lock become one helper_runtime_path', async () => {
  const text =
    '; old\nddappsec.log_level = debug\nddappsec.helper_socket_path = /var/run/dd/ddappsec.sock\nddappsec.helper_lock_path = /var/run/dd/ddappsec.lock';
  assert.equal(
    await applyFix(text, 'ini-legacy-name', /^Rename to datadog\.appsec\.log_level$/, 1),
    '; old\ndatadog.appsec.log_level = debug\nddappsec.helper_socket_path = /var/run/dd/ddappsec.sock\nddappsec.helper_lock_path = /var/run/dd/ddappsec.lock',
  );
  assert.equal(
    await applyFix(text, 'ini-legacy-name', /^Migrate to datadog\.appsec\.helper_runtime_path = \/var\/run\/dd\//, 2),
    '; old\nddappsec.log_level = debug\ndatadog.appsec.helper_runtime_path = /var/run/dd/\nddappsec.helper_lock_path = /var/run/dd/ddappsec.lock',
  );
  assert.equal(
    await applyFix(text, 'ini-legacy-name', /^Fix all ini-legacy-name in file \(3\)$/, 3),
    '; old\ndatadog.appsec.log_level = debug\ndatadog.appsec.helper_runtime_path = /var/run/dd/',
  );
});

test("quick fix: make a path absolute (the seed's tmp/extension.log), and fix all", async () => {
  const text = "ddappsec.log_file='tmp/extension.log'\ndatadog.appsec.helper_log_file = var/log/helper.log\n";
  assert.equal(
    await applyFix(text, 'ini-relative-path', /^Make the path absolute: \/tmp\/extension\.log$/, 0),
    "ddappsec.log_file='/tmp/extension.log'\ndatadog.appsec.helper_log_file = var/log/helper.log\n",
  );
  assert.equal(
    await applyFix(text, 'ini-relative-path', /^Fix all ini-relative-path/, 0),
    "ddappsec.log_file='/tmp/extension.log'\ndatadog.appsec.helper_log_file = /var/log/helper.log\n",
  );
});

test('quick fix: remove a duplicate (the whole earlier line, the others keep their CRLF/LF)', async () => {
  const text = 'datadog.appsec.log_level = info\r\n; keep me\ndatadog.appsec.log_level = warn\r\ndatadog.appsec.log_level = debug';
  assert.equal(
    await applyFix(text, 'ini-duplicate-setting', /^Remove this datadog\.appsec\.log_level \(line 4 wins\)$/, 0),
    '; keep me\ndatadog.appsec.log_level = warn\r\ndatadog.appsec.log_level = debug',
  );
  assert.equal(
    await applyFix(text, 'ini-duplicate-setting', /^Fix all ini-duplicate-setting in file \(2\)$/, 2),
    '; keep me\ndatadog.appsec.log_level = debug',
  );
});

test('quick fix: move the helper socket/lock/runtime path to a writable directory (placeholder and on-disk check)', async () => {
  const text =
    'ddappsec.helper_socket_path = /<directory with compatible permissions>/ddappsec.sock\nddappsec.helper_lock_path = /<directory with compatible permissions>/ddappsec.lock\n';
  assert.equal(
    await applyFix(text, 'ini-placeholder', /^Use \/var\/run\/ddappsec\/ddappsec\.sock/, 0),
    'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock\nddappsec.helper_lock_path = /<directory with compatible permissions>/ddappsec.lock\n',
  );
  assert.equal(
    await applyFix(text, 'ini-placeholder', /^Fix all ini-placeholder in file \(2\)$/, 1),
    'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock\nddappsec.helper_lock_path = /var/run/ddappsec/ddappsec.lock\n',
  );
  const missing = "datadog.appsec.helper_runtime_path = '/nonexistent-asm-lsp/run/' ; moved\n";
  assert.equal(
    await applyFix(missing, 'ini-unwritable-path', /^Move to \/var\/run\/ddappsec\/$/),
    "datadog.appsec.helper_runtime_path = '/var/run/ddappsec/' ; moved\n",
  );
});

test('quick fix: invalid values (log level typo, waf_timeout in ms, helper args) and ini-syntax', async () => {
  const text = 'datadog.appsec.log_level = debgu\ndatadog.appsec.waf_timeout = 10\ndatadog.appsec.helper_extra_args = -log_level=debug\n';
  assert.equal(
    await applyFix(text, 'ini-invalid-value', /^Change to debug$/, 0),
    'datadog.appsec.log_level = debug\ndatadog.appsec.waf_timeout = 10\ndatadog.appsec.helper_extra_args = -log_level=debug\n',
  );
  assert.equal(
    await applyFix(text, 'ini-invalid-value', /^Fix all ini-invalid-value in file \(3\)$/, 0),
    'datadog.appsec.log_level = debug\ndatadog.appsec.waf_timeout = 10000\ndatadog.appsec.helper_extra_args = --log_level=debug\n',
  );
  assert.equal(await applyFix('datadog.appsec.enabled 1\r\n', 'ini-syntax', /^Insert = after datadog\.appsec\.enabled$/), 'datadog.appsec.enabled = 1\r\n');
});

test('source action "Enable AppSec debug logging": offered on a clean file, in the file\'s era, updating existing keys', async () => {
  const clean = readFileSync('test/fixtures/ini/clean/98-ddtrace.ini', 'utf8');
  const { uri, diags } = await open(clean, undefined, '98-ddtrace.ini');
  assert.deepEqual(diags, []);
  const list = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source'] },
  });
  const a = list.find((x) => x.title.startsWith('Enable AppSec debug logging'));
  assert.ok(a, JSON.stringify(list));
  assert.equal(a.kind, 'source');
  assert.equal(
    applyEdits(clean, a.edit!.changes![uri]!),
    clean + 'datadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n',
  );

  const v01 = '\ufeff; v0.1\r\nddappsec.enabled=1\r\nddappsec.log_level = warn ; was\r\nddappsec.helper_log_file = "/dev/null"';
  const o = await open(v01, 'ini-legacy-name');
  const l2 = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: o.uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source'] },
  });
  const b = l2.find((x) => x.title.startsWith('Enable AppSec debug logging'));
  assert.ok(b);
  assert.equal(
    applyEdits(v01, b.edit!.changes![o.uri]!),
    '\ufeff; v0.1\r\nddappsec.enabled=1\r\nddappsec.log_level = debug ; was\r\nddappsec.helper_log_file = "/tmp/helper.log"\r\nddappsec.helper_extra_args=--log_level=debug',
  );
});

test('completion: keys of both prefixes (v0.1 deprecated), enumerated values, booleans', async () => {
  const { uri } = await open('datadog.appsec.\nddappsec.log_level = \ndatadog.appsec.enabled = \n');
  const keys = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 15 } });
  const rt = keys.find((k) => k.label === 'datadog.appsec.helper_runtime_path');
  const old = keys.find((k) => k.label === 'ddappsec.helper_socket_path');
  assert.ok(rt && old);
  assert.equal(rt.tags, undefined);
  assert.deepEqual(old.tags, [1]);
  assert.equal((rt.textEdit as { newText: string }).newText, 'datadog.appsec.helper_runtime_path = ');
  assert.match((rt.documentation as { value: string }).value, /DD_APPSEC_HELPER_RUNTIME_PATH/);
  const levels = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 21 } });
  assert.deepEqual(levels.map((x) => x.label).sort(), ['debug', 'error', 'fatal', 'info', 'off', 'trace', 'warn', 'warning']);
  const bools = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 25 } });
  assert.deepEqual(
    bools.map((x) => x.label),
    ['1', '0', 'true', 'false'],
  );
});

test('hover on a key: meaning, type, default, env var, era, step', async () => {
  const { uri } = await open('ddappsec.helper_lock_path = /tmp/ddappsec.lock\n');
  const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 12 } });
  const md = (h.contents as { value: string }).value;
  for (const re of [
    /Lock file/,
    /type: `path`/,
    /default `\/tmp\/ddappsec\.lock`/,
    /environment variable: none/,
    /extension v0\.1/,
    /now `datadog\.appsec\.helper_runtime_path` \(its directory\)/,
    /Confirm Application Security is running/,
  ])
    assert.match(md, re);
});

test('garbage: 2 MB of junk, with huge lines, gets diagnostics, hovers, completions and actions, and the server lives on', async () => {
  const junk: string[] = [];
  for (let i = 0; i < 20000; i++)
    junk.push(
      i % 5 === 0
        ? `datadog.appsec.log_level${i} = ‘${'<'.repeat(i % 97)}’`
        : i % 5 === 1
          ? '[[[[' + '\u0000'.repeat(i % 13)
          : i % 5 === 2
            ? '= = = "'
            : i % 5 === 3
              ? '\ud800\udfff😀 ddappsec.'
              : 'datadog.appsec.enabled = ' + 'x'.repeat(i % 300),
    );
  junk.push('ddappsec.log_file=’' + 'a/'.repeat(200_000) + '’');
  const text = junk.join('\r\n');
  const { uri, diags } = await open(text, 'ini-syntax');
  assert.ok(diags.length > 0);
  const lastLine = junk.length - 1;
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: lastLine, character: 3 } });
  assert.ok(h);
  await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 3 } });
  const acts = await actions(uri, diags[0]!, ['quickfix', 'source']);
  assert.ok(Array.isArray(acts));
  // still answering: a normal document right after
  const { diags: d2 } = await open('datadog.appsec.log_level = ‘debug’\n', 'ini-smart-quotes');
  assert.equal(d2.length, 1);
});

test('any .ini (language ini): only the AppSec lines are checked', async () => {
  const text = '[PHP]\nmemory_limit = ‘128M’\nnot ours\ndatadog.appsec.log_level = ‘debug’\n';
  const { diags } = await open(text, 'ini-smart-quotes', 'php.ini', 'ini');
  assert.deepEqual(
    diags.map((d) => [d.code, d.range.start.line]),
    [['ini-smart-quotes', 3]],
  );
});

test('a file: URI the platform cannot turn into a path (bad percent-encoding, an encoded /) still gets its diagnostics, without the disk checks (issue 18 point 13)', async () => {
  for (const uri of [
    `file:///tmp/asm-bad-${process.pid}-%ZZ/98-ddappsec.ini`,
    `file:///tmp/asm-bad-${process.pid}-%E0%A4%A/98-ddappsec.ini`,
    `file:///tmp/asm-bad-${process.pid}/a%2Fb/98-ddappsec.ini`,
  ]) {
    c.open(uri, 'asm-ini', 'datadog.appsec.enabled = maybe\ndatadog.appsec.helper_runtime_path = /nonexistent-asm-test/run/\n');
    const diags = await c.diagnostics(uri, (d) => d.length > 0, 5000);
    assert.deepEqual(
      diags.map((d) => d.code),
      ['ini-invalid-value'],
      uri,
    );
  }
});
