// Recognises which tracer (or the Agent, or the PHP helper) wrote a log line, from its prefix.
export type Dialect = 'java' | 'dotnet' | 'go' | 'ruby' | 'php' | 'php-helper' | 'nodejs' | 'agent' | 'python';
export const DIALECTS: readonly Dialect[] = ['java', 'dotnet', 'go', 'ruby', 'php', 'php-helper', 'nodejs', 'agent', 'python'];

export interface ClassifiedLine {
  dialect: Dialect | null;
  /** Normalised level when the prefix carries one. */
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Where the message starts (after the prefix). */
  messageStart: number;
}

// Each prefix is anchored and linear (no nested quantifiers): safe on 10 MB lines.
const JAVA = /^\[dd\.trace [^\]]{0,64}\] \[[^\]]{0,200}\] (TRACE|DEBUG|INFO|WARN|ERROR) [\w.$]{1,200} - /;
const DOTNET_FILE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d\d:\d\d \[(VRB|DBG|INF|WRN|ERR|FTL)\] /;
const DOTNET_CONSOLE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d\d:\d\d \| DD-TRACE-DOTNET [^|]{1,40} \| (VRB|DBG|INF|WRN|ERR|FTL)\] /;
const GO = /^(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )?Datadog Tracer v[0-9][\w.+-]{0,40} (DEBUG|INFO|WARN|ERROR): /;
// Ruby's Logger format; the progname is ddtrace (1.x) or datadog (2.x: Datadog::Core::Logger::PREFIX, dd-trace-rb
// @cf0d441e lib/datadog/core/logger.rb).
const RUBY = /^([DIWEF]), \[[^\]]{1,40}\] {1,2}(DEBUG|INFO|WARN|ERROR|FATAL) -- (?:ddtrace|datadog): /;
const PHP = /^(?:\[[^\]]{1,60}\] )?PHP (Warning|Notice|Fatal error|Error|Deprecated): {1,2}/;
const HELPER = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]\[(trace|debug|info|warning|error|critical|off)\]\[\d+\] /;
// dd-trace-py: its file handler's format "%(asctime)s %(levelname)s [%(name)s] [%(filename)s:%(lineno)d] - %(message)s"
// (with log injection, "[dd.service=… dd.span_id=…] " before the dash), ddtrace/_logger.py; and the logging module's
// default basicConfig format "%(levelname)s:%(name)s:%(message)s" that the 2022 docs quote. Only ddtrace loggers.
const PYTHON =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \[ddtrace[\w.]{0,120}\] \[[\w.-]{1,120}:\d{1,6}\] (?:\[dd\.[^\]]{0,600}\] )?- /;
const PYTHON_BASIC = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):ddtrace[\w.]{0,120}:/;
const AGENT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]{2,5} \| (TRACE|CORE|PROCESS|SECURITY|SYS-PROBE)[\w-]{0,20} \| (TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL) \| /;

const LEVELS: Record<string, ClassifiedLine['level']> = {
  TRACE: 'trace',
  VRB: 'trace',
  trace: 'trace',
  DEBUG: 'debug',
  DBG: 'debug',
  debug: 'debug',
  D: 'debug',
  INFO: 'info',
  INF: 'info',
  info: 'info',
  I: 'info',
  Notice: 'info',
  WARNING: 'warn',
  WARN: 'warn',
  WRN: 'warn',
  warning: 'warn',
  W: 'warn',
  Warning: 'warn',
  Deprecated: 'warn',
  ERROR: 'error',
  ERR: 'error',
  error: 'error',
  E: 'error',
  Error: 'error',
  FATAL: 'fatal',
  FTL: 'fatal',
  critical: 'fatal',
  CRITICAL: 'fatal',
  F: 'fatal',
  'Fatal error': 'fatal',
};

export function classifyLine(line: string): ClassifiedLine {
  const c0 = line.charCodeAt(0);
  let m: RegExpExecArray | null;
  if (c0 === 91 /* [ */) {
    if ((m = JAVA.exec(line))) return { dialect: 'java', level: LEVELS[m[1]!], messageStart: m[0].length };
    if ((m = HELPER.exec(line))) return { dialect: 'php-helper', level: LEVELS[m[1]!], messageStart: m[0].length };
    if ((m = DOTNET_CONSOLE.exec(line))) return { dialect: 'dotnet', level: LEVELS[m[1]!], messageStart: m[0].length };
    if ((m = PHP.exec(line))) return { dialect: 'php', level: LEVELS[m[1]!], messageStart: m[0].length };
  } else if (c0 >= 48 && c0 <= 57 /* digit */) {
    if ((m = DOTNET_FILE.exec(line))) return { dialect: 'dotnet', level: LEVELS[m[1]!], messageStart: m[0].length };
    if ((m = AGENT.exec(line))) return { dialect: 'agent', level: LEVELS[m[2]!], messageStart: m[0].length };
    if ((m = GO.exec(line))) return { dialect: 'go', level: LEVELS[m[1]!], messageStart: m[0].length };
    // Python's asctime has a comma before the milliseconds (column 19): checked before the regex.
    if (line.charCodeAt(19) === 44 && (m = PYTHON.exec(line))) return { dialect: 'python', level: LEVELS[m[1]!], messageStart: m[0].length };
  } else if (c0 === 68 /* D */ && (m = GO.exec(line))) {
    return { dialect: 'go', level: LEVELS[m[1]!], messageStart: m[0].length };
  } else if (
    (c0 === 68 || c0 === 73 || c0 === 87 || c0 === 69 || c0 === 67) /* D I W E C */ &&
    line.charCodeAt(1) !== 44 /* not Ruby's "D, [" */ &&
    (m = PYTHON_BASIC.exec(line))
  ) {
    return { dialect: 'python', level: LEVELS[m[1]!], messageStart: m[0].length };
  } else if (c0 === 80 /* P */ && (m = PHP.exec(line))) {
    return { dialect: 'php', level: LEVELS[m[1]!], messageStart: m[0].length };
  }
  if (line.charCodeAt(1) === 44 /* , */ && (m = RUBY.exec(line))) return { dialect: 'ruby', level: LEVELS[m[2]!], messageStart: m[0].length };
  // Node.js writes raw console lines: recognised by content only. PHP's `php --ri=ddtrace` rows use ` => `.
  if (NODE_RAW.test(line)) return { dialect: 'nodejs', messageStart: 0 };
  if (PHP_RI.test(line)) return { dialect: 'php', messageStart: 0 };
  if (PYTHON_RAW.test(line)) return { dialect: 'python', messageStart: 0 };
  return { dialect: null, messageStart: 0 };
}

// Raw console lines of dd-trace-js (no prefix): startup lines (CONFIGURATION, INTEGRATIONS LOADED, DIAGNOSTIC — singular,
// always ` - `), [ASM] messages and the debug exporter's lines (node-dd-trace.md). Other tracers' DATADOG lines carry
// their logger prefix, except PHP's phpinfo rows (below) and raw DIAGNOSTICS lines (PHP, .NET native), left unclassified.
const NODE_RAW =
  /^(?:DATADOG TRACER (?:CONFIGURATION|INTEGRATIONS LOADED|DIAGNOSTIC) - |\[ASM\] |Encoding payload: |Request to the agent: |Response from the agent: |Error sending payload to the agent|Plugin "[^"]{1,100}" was disabled)/;

/** dd-trace-py's startup lines printed without a logger prefix: the message itself starts with "- " (tracer.py). */
const PYTHON_RAW = /^- DATADOG TRACER (?:CONFIGURATION|DIAGNOSTIC) - /;

/** `php --ri=ddtrace` rows: `DATADOG TRACER CONFIGURATION => {json}` ([DOC-STARTUP]). */
const PHP_RI = /^DATADOG TRACER [A-Z][A-Z ]{0,40} => /;

// Timestamps to the second, wherever a prefix puts them: ISO-like (Java, .NET, Ruby, helper, Agent), Go's
// 2006/01/02 15:04:05, PHP's error_log [21-Nov-2026 10:00:00 UTC]. Searched in the line's head only.
const STAMP = /(\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d:\d\d)|(\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d)/;

/** The line's timestamp truncated to the second (a bucket key for per-second counts), or null. */
export function lineSecond(line: string): string | null {
  const m = STAMP.exec(line.length > 64 ? line.slice(0, 64) : line);
  return m ? (m[1] ?? m[2]!).replace('T', ' ').replace(/\//g, '-') : null;
}

/** The tracer language a dialect belongs to (the PHP helper is PHP's, the Agent none). */
export function dialectLanguage(d: Dialect | null): 'java' | 'dotnet' | 'go' | 'ruby' | 'php' | 'nodejs' | 'python' | null {
  switch (d) {
    case 'php-helper':
      return 'php';
    case 'agent':
    case null:
      return null;
    default:
      return d;
  }
}
