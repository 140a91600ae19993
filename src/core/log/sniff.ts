// Recognition by content: does a file's head look like a tracer, Agent or PHP helper log, whatever its name
// (`service.log`, `stdout.txt`, `app.out`, a `docker logs` capture)? ONE function for the client (it switches the
// document's language to asm-log on open), the background scan of the steps and `check DIR`. Dependency-free (the
// thin client bundles it). Only Datadog-specific markers count: an ordinary application log stays untouched, even
// one written in a format a tracer also uses (a Serilog `[INF]` line, a logfmt line).

export type SniffKind = 'tracer' | 'agent' | 'helper';

// Each alternative is a literal or a bounded class: linear on any line (lines are cut to 2000 characters first).
const TRACER = new RegExp(
  [
    '^\\[dd\\.trace \\d', // Java
    'Datadog Tracer v\\d', // Go
    ' -- (?:ddtrace|datadog): ', // Ruby
    'DATADOG TRACER (?:CONFIGURATION|INTEGRATIONS LOADED|DIAGNOSTIC)', // every tracer's startup lines
    'DATADOG (?:CONFIGURATION|ERROR) - ', // Ruby 1.x
    '^\\[ASM\\] ', // Node.js
    '\\| DD-TRACE-DOTNET ', // .NET console
    // .NET file lines (Serilog's format, common elsewhere too): only with AppSec's own words on them.
    '^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} [+-]\\d\\d:\\d\\d \\[(?:VRB|DBG|INF|WRN|ERR|FTL)\\] [^\\n]{0,300}(?:AppSec|libddwaf|DD_APPSEC_|rc::asm)',
    'DDAS-\\d{4}-\\d\\d', // the AppSec catalogue (.NET, PHP)
    '\\[DDAS-\\d{3}-\\d\\d\\]', // dd-trace-py's debug codes
    ' \\[ddtrace\\.[\\w.]{1,80}\\] \\[[\\w.]{1,80}:\\d{1,6}\\] ', // dd-trace-py's file handler
    '^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):ddtrace[\\w.]{0,80}:', // dd-trace-py under logging.basicConfig
    'AppSec could not load native package|Unable to start AppSec', // dd-trace-js 2.x-4.x
    '^Encoding payload: \\[\\{"trace_id"', // dd-trace-js debug exporter
    'Datadog::AppSec', // Ruby libddwaf
    '\\[(?:ddappsec|ddtrace)\\]', // the PHP extensions' own prefix in php_error lines
  ].join('|'),
);
const AGENT =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]{2,5} \| (?:TRACE|CORE|PROCESS|SECURITY|SYS-PROBE)[\w-]{0,20} \| (?:TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL) \||^\{"agent":"(?:trace|core|process|security|system-probe)",|^Agent \d{1,3}\.\d{1,3}\.\d{1,3}[\w.+-]{0,40} - Commit: |^Agent \(v\d{1,3}\.\d{1,3}/;
const HELPER = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]\[(?:trace|debug|info|warning|error|critical)\]\[\d+\] /;
const HELPER_WORDS = /ddappsec|helper|DDAS-|AppSec|libddwaf/i;

/** How many lines (and characters) of the head are read. */
export const SNIFF_LINES = 50;
export const SNIFF_CHARS = 64 * 1024;

/** The kind of Datadog log the head looks like, or null (an ordinary file). */
export function sniffLog(head: string): SniffKind | null {
  const text = head.length > SNIFF_CHARS ? head.slice(0, SNIFF_CHARS) : head;
  let from = 0;
  let helperFormat = 0;
  for (let n = 0; n < SNIFF_LINES && from <= text.length; n++) {
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    let line = text.slice(from, Math.min(end, from + 2000));
    from = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!line) continue;
    if (TRACER.test(line)) return 'tracer';
    if (AGENT.test(line)) return 'agent';
    if (HELPER.test(line)) {
      helperFormat++;
      if (HELPER_WORDS.test(line)) return 'helper';
    }
    if (end === text.length) break;
  }
  // The helper's format alone (spdlog's default) is common: only with its own words.
  return helperFormat && HELPER_WORDS.test(text) ? 'helper' : null;
}
