// Run Tracer Diagnostics: only known tools, no shell, stdout and stderr kept, a timeout that stops a hung tool, a
// missing binary said plainly; the output of a (stand-in) tool is then recognised like a saved one. Stand-ins are
// node scripts run through the same code path (the real php / ddtrace-run / dd-dotnet are not installed here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_TOOLS, diagnosticTool, runDiagnosticTool, type DiagnosticTool } from '../../src/core/tools/run';
import { analyzeLogText } from '../../src/core/log/analyzer';

const node = (id: string, script: string): DiagnosticTool => ({ id, title: id, command: process.execPath, args: ['-e', script], detail: '' });

test('the known tools: php --ri ddappsec/ddtrace, ddtrace-run --info --colorless, dd-dotnet check agent/process', () => {
  assert.deepEqual(
    DIAGNOSTIC_TOOLS.map((t) => [t.command, ...t.args].join(' ')),
    ['php --ri ddappsec', 'php --ri ddtrace', 'ddtrace-run --info --colorless', 'dd-dotnet check agent', 'dd-dotnet check process {pid}'],
  );
  assert.equal(diagnosticTool('rm -rf /'), undefined);
});

test('output (stdout then stderr) is returned and analysed like the saved tool output', async () => {
  const t = node(
    'fake-info',
    `process.stdout.write('Tracer Configurations:\\n    Tracer enabled: True\\n    Application Security enabled: False\\n'); process.stderr.write('warning on stderr\\n'); process.exit(0)`,
  );
  const r = await runDiagnosticTool(t);
  assert.equal(r.exitCode, 0);
  assert.equal(r.error, undefined);
  assert.match(r.output, /Application Security enabled: False\n\nwarning on stderr/);
  const codes = analyzeLogText(r.output).findings.map((f) => f.code);
  assert.deepEqual(codes, ['tool-output', 'appsec-disabled']);
});

test('a non-zero exit is kept with its output; a missing binary and a missing pid are said plainly', async () => {
  const r = await runDiagnosticTool(node('fails', `console.log(' [FAILURE]: x'); process.exit(3)`));
  assert.equal(r.exitCode, 3);
  assert.match(r.output, /FAILURE/);
  const missing = await runDiagnosticTool({ id: 'x', title: 'x', command: 'asm-no-such-binary-here', args: [], detail: '' });
  assert.match(missing.error!, /asm-no-such-binary-here was not found on the PATH/);
  const noPid = await runDiagnosticTool(diagnosticTool('dd-dotnet-process')!);
  assert.match(noPid.error!, /needs the id of a running process/);
});

test('a hung tool is stopped by the timeout (flag asserted, not a duration)', async () => {
  const r = await runDiagnosticTool(node('hang', 'setInterval(() => {}, 1000)'), { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.match(r.error!, /timeout/);
});
