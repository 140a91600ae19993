// The per-file summary's tracer and version when no startup line says them: from the prefixes that carry them
// (Go's "Datadog Tracer v1.36.0", .NET console's "DD-TRACE-DOTNET 3.21.0") or that name the tracer (Java's
// "[dd.trace …]", Ruby's "-- ddtrace:" and, since 2.x, "-- datadog:"). Once tracer and version are known the rule retires (done).
import type { LogRule } from '../types';
import { noteTracer } from './common';

const GO = /Datadog Tracer v(\d[\w.+-]{0,40}) /;
const DOTNET = /\| DD-TRACE-DOTNET (\d[\w.+-]{0,40}) \|/;

export const tracerLineRule: LogRule = {
  id: 'tracer-line',
  literals: ['Datadog Tracer v', 'DD-TRACE-DOTNET ', '[dd.trace ', '-- ddtrace:', '-- datadog:'],
  line(ctx) {
    const s = ctx.summary;
    if (s.tracer && s.version) return;
    if (s.tracer && s.tracer !== ctx.cls.dialect) return;
    noteTracer(ctx);
    if (s.version) return;
    const m = (ctx.cls.dialect === 'go' ? GO : ctx.cls.dialect === 'dotnet' ? DOTNET : null)?.exec(ctx.text.slice(0, 200));
    if (m) s.version = m[1]!;
  },
  // The first test in line(): once both are known it returns at once, for good (no rule ever clears them). Its
  // literals hold on most lines of Java, Go and Ruby logs, so retiring it spares the prefilter those lines.
  done: (s) => !!(s.tracer && s.version),
  // Its literals are Go's, .NET console's, Java's and Ruby's prefixes: once those dialects are in the summary, the lines
  // it no longer sees need no classifying (a ninth dialect, Python, must not keep them in the prefilter).
  revealsDialects: ['go', 'dotnet', 'java', 'ruby'],
};
