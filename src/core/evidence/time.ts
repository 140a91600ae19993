// A log line's own timestamp, per dialect, as milliseconds since the epoch (UTC when the line names no zone):
//   Java    [dd.trace 2026-11-21 09:38:55:123 +0000] …           .NET  2026-11-21 09:38:55.123 +00:00 [INF] …
//   Go      2026/11/21 09:38:55 Datadog Tracer v1.60.0 INFO: …     Ruby  I, [2026-11-21T09:38:55.123456 #1]  INFO -- …
//   PHP     [21-Nov-2026 09:38:55 UTC] PHP Warning: …              helper [2026-11-21 09:38:55.123][info][7] …
//   Agent   2026-11-21 09:38:55 UTC | TRACE | INFO | …            JSON  {"time":"2026-11-21T09:38:55Z",…} / "date":"…"
// Node.js writes raw lines without a stamp: its startup JSON's "date" field is read instead (startup rule).
// Every pattern is anchored or searched in the line's first 160 characters, with bounded repetitions.

const ISO = /(\d{4})[-/](\d\d)[-/](\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.:,](\d{1,9}))?(?: ?(Z|[+-]\d\d:?\d\d|UTC|GMT))?/;
const PHP = /(\d\d)-([A-Z][a-z]{2})-(\d{4}) (\d\d):(\d\d):(\d\d)(?: ([A-Za-z_/]{1,40}))?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const JSON_TIME = /"(?:time|timestamp|date|@timestamp)":\s?"([^"]{10,40})"/;

function zoneOffsetMs(z: string | undefined): number {
  if (!z || z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(z);
  if (!m) return 0;
  const mins = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === '-' ? -1 : 1) * mins * 60000;
}

/** An ISO-like date-time string ("2026-11-21T09:38:55.521Z", "2022-02-17T14:49:00+01:00") → ms, or null. */
export function parseTimestamp(s: string): number | null {
  const m = ISO.exec(s.length > 160 ? s.slice(0, 160) : s);
  if (!m) return null;
  const frac = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), frac);
  return Number.isFinite(t) ? t - zoneOffsetMs(m[8]) : null;
}

/** The line's own timestamp (ms since the epoch), or null when its head carries none. */
export function lineTime(line: string): number | null {
  const head = line.length > 160 ? line.slice(0, 160) : line;
  if (head.charCodeAt(0) === 123 /* { */) {
    const j = JSON_TIME.exec(head);
    if (j) return parseTimestamp(j[1]!);
  }
  const iso = parseTimestamp(head);
  if (iso !== null) return iso;
  const p = PHP.exec(head);
  if (p) {
    const mon = MONTHS.indexOf(p[2]!);
    if (mon === -1) return null;
    return Date.UTC(Number(p[3]), mon, Number(p[1]), Number(p[4]), Number(p[5]), Number(p[6]));
  }
  return null;
}

/** "09:38:55" (UTC) for a verdict's words; with the date when `withDate`, with milliseconds when `ms`. */
export function clock(t: number, withDate = false, ms = false): string {
  const iso = new Date(t).toISOString();
  const time = iso.slice(11, ms ? 23 : 19);
  return withDate ? `${iso.slice(0, 10)} ${time}` : time;
}
