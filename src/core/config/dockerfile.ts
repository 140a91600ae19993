// Dockerfile: `ENV K=V [K2=V2…]` and the legacy `ENV K V`, continuations joined.
import type { AgentVar } from './model';
import { detectTracer, eolOf, syspropSettings, type ConfigFile, type Setting, type Span } from './settings';
import { hasLineTerminator, skipSpace, unquote } from './text';
import { splitLines } from '../lines';

/** `ENV K=V [K2=V2…]` and the legacy `ENV K V` (the rest of the line is the value); line continuations joined. */
export function parseDockerfileEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = splitLines(text, 'crlf-lf');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    // Continuations: pieces joined once (appending to the joined string and re-testing it was quadratic).
    const pieces: string[] = [];
    let l = lines[i];
    for (let t = l.trimEnd(); t.endsWith('\\') && i + 1 < lines.length; t = l.trimEnd()) {
      pieces.push(t.slice(0, -1), ' ');
      l = lines[++i];
    }
    pieces.push(l);
    l = pieces.join('');
    const raw = envBody(l);
    if (raw === null) continue;
    const body = raw.trim();
    // Docker's rule: when the first word has no '=', it is the legacy `ENV KEY the rest of the line`.
    if (!body.split(/\s+/)[0].includes('=')) {
      const mm = legacyEnv(body);
      if (mm) out.push({ name: mm[0], value: unquote(mm[1].trim(), false), file, line: start });
      continue;
    }
    for (const [name, raw] of envAssignments(body)) out.push({ name, value: unquote(raw, false).replace(/\\(.)/g, '$1'), file, line: start });
  }
  return out;
}

/**
 * What /^\s*ENV\s+(.*)$/i captures, in linear time: that regex backtracks `\s+` against `(.*)` when the rest holds
 * a line terminator `.` cannot match (`ENV<tabs>A\rB`: quadratic, 15 s at 200 KB). Such a line still does not match.
 */
function envBody(l: string): string | null {
  const i = skipSpace(l, 0);
  if (l.slice(i, i + 3).toUpperCase() !== 'ENV') return null;
  const j = skipSpace(l, i + 3);
  return j === i + 3 || hasLineTerminator(l, j) ? null : l.slice(j);
}

/** What /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/ captures (the legacy `ENV KEY value`), in linear time, as envBody. */
function legacyEnv(body: string): [string, string] | null {
  if (!body.length || !isIdentChar(body.charCodeAt(0)) || (body.charCodeAt(0) >= 48 && body.charCodeAt(0) <= 57)) return null;
  let k = 1;
  while (k < body.length && isIdentChar(body.charCodeAt(k))) k++;
  const j = skipSpace(body, k);
  return j === k || hasLineTerminator(body, j) ? null : [body.slice(0, k), body.slice(j)];
}

const isIdentChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The `NAME=value` pairs that /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g finds, in linear time:
 * that regex retries the name at every position of a long identifier without '=' (quadratic: a 1 MiB word).
 * Here the name is read backwards from each '=' (never before the previous match), the value with a sticky regex.
 */
export function envAssignments(body: string): [string, string][] {
  const out: [string, string][] = [];
  const value = /"(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*/y;
  let from = 0;
  for (let eq = body.indexOf('='); eq >= 0; eq = body.indexOf('=', from)) {
    let s = eq;
    while (s > from && isIdentChar(body.charCodeAt(s - 1))) s--;
    while (s < eq && body.charCodeAt(s) >= 48 && body.charCodeAt(s) <= 57) s++; // a name does not start with a digit
    if (s === eq) {
      from = eq + 1;
      continue;
    }
    value.lastIndex = eq + 1;
    const v = value.exec(body)?.[0] ?? '';
    out.push([body.slice(s, eq), v]);
    from = eq + 1 + v.length;
  }
  return out;
}

// ---- the deployment-file model -------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  /** The arguments with continuations joined (the `\` and line break removed). */
  args: string;
  /** The file offset of args[i]. */
  at: (i: number) => number;
  /** Offset of the instruction's first character and just past its last line. */
  start: number;
  end: number;
}

/** Instructions with their continuation lines joined, each argument character mapped back to its file offset. */
export function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines: { s: number; e: number; next: number }[] = [];
  for (let off = 0; off <= text.length;) {
    const nl = text.indexOf('\n', off);
    const e = nl < 0 ? text.length : nl;
    lines.push({ s: off, e: e > off && text[e - 1] === '\r' ? e - 1 : e, next: nl < 0 ? text.length : nl + 1 });
    if (nl < 0) break;
    off = nl + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    let s = first.s;
    if (s === 0 && text.charCodeAt(0) === 0xfeff) s = 1;
    const lead = skipSpace(text.slice(s, first.e), 0);
    const kwStart = s + lead;
    if (kwStart >= first.e || text[kwStart] === '#') continue;
    let kwEnd = kwStart;
    while (kwEnd < first.e && /[A-Za-z]/.test(text[kwEnd]!)) kwEnd++;
    const keyword = text.slice(kwStart, kwEnd).toUpperCase();
    const pieces: { from: number; text: string }[] = [];
    let segStart = kwEnd;
    let line = first;
    let end = first.next;
    for (;;) {
      let e = line.e;
      let t = e;
      while (t > segStart && (text[t - 1] === ' ' || text[t - 1] === '\t')) t--;
      const cont = t > segStart && text[t - 1] === '\\' && i + 1 < lines.length;
      if (cont) e = t - 1;
      pieces.push({ from: segStart, text: text.slice(segStart, e) });
      end = line.next;
      if (!cont) break;
      // the next non-comment line continues the instruction (Docker skips comment lines inside one)
      do {
        i++;
        line = lines[i]!;
      } while (i + 1 < lines.length && /^\s*#/.test(text.slice(line.s, line.e)));
      segStart = line.s;
    }
    const starts: number[] = [];
    let acc = 0;
    for (const p of pieces) {
      starts.push(acc);
      acc += p.text.length;
    }
    const args = pieces.map((p) => p.text).join('');
    const at = (k: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= k) lo = mid;
        else hi = mid - 1;
      }
      return pieces[lo]!.from + (k - starts[lo]!);
    };
    out.push({ keyword, args, at, start: kwStart, end });
  }
  return out;
}

/** NAME=value pairs with the offsets of the name and of the value's characters (inside quotes). */
function assignmentsAt(body: string): { name: string; value: string; nameAt: number; valueAt: number; valueLen: number }[] {
  const out: { name: string; value: string; nameAt: number; valueAt: number; valueLen: number }[] = [];
  const value = /"(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*/y;
  let from = 0;
  for (let eq = body.indexOf('='); eq >= 0; eq = body.indexOf('=', from)) {
    let s = eq;
    while (s > from && isIdentChar(body.charCodeAt(s - 1))) s--;
    while (s < eq && body.charCodeAt(s) >= 48 && body.charCodeAt(s) <= 57) s++;
    if (s === eq) {
      from = eq + 1;
      continue;
    }
    value.lastIndex = eq + 1;
    const raw = value.exec(body)?.[0] ?? '';
    const q = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") ? 1 : 0;
    out.push({ name: body.slice(s, eq), value: unquote(raw, false).replace(/\\(.)/g, '$1'), nameAt: s, valueAt: eq + 1 + q, valueLen: raw.length - 2 * q });
    from = eq + 1 + raw.length;
  }
  return out;
}

const GO_BUILD = /\bgo\s+(?:build|install)\b/;
const APPSEC_TAG = /-tags(?:=|\s+)["']?[\w,. ]{0,200}?\bappsec\b/;

/** The final stage (and the stages it is built FROM) of a Dockerfile, as one service. */
export function dockerfileModel(text: string, service = 'Dockerfile'): ConfigFile {
  const eol = eolOf(text);
  interface Stage {
    name?: string;
    image: string;
    parent?: Stage;
    settings: Setting[];
    build: Map<string, string>;
    fromSpan: Span;
    fromEnd: number;
    lastEnvEnd?: number;
    command?: string;
    hints: string[];
    staticGo?: Span;
  }
  const stages: Stage[] = [];
  let cur: Stage | undefined;
  const globalArgs = new Map<string, string>();
  for (const ins of dockerInstructions(text)) {
    const a = ins.args;
    if (ins.keyword === 'FROM') {
      const m = /^\s*(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(a);
      const image = m?.[1] ?? '';
      const parent = stages.find((s) => s.name && s.name.toLowerCase() === image.toLowerCase());
      cur = {
        name: m?.[2],
        image: parent ? parent.image : image,
        parent,
        settings: [],
        build: new Map(parent?.build ?? globalArgs),
        fromSpan: { start: ins.start, end: ins.at(Math.max(0, a.trimEnd().length - 1)) + 1 },
        fromEnd: ins.end,
        hints: [],
      };
      stages.push(cur);
      continue;
    }
    if (ins.keyword === 'ARG') {
      for (const p of assignmentsAt(a)) (cur?.build ?? globalArgs).set(p.name, p.value);
      continue;
    }
    if (!cur) continue;
    if (ins.keyword === 'ENV') {
      const body = a.trim();
      const off = a.length - a.trimStart().length;
      if (!body.split(/\s+/)[0]!.includes('=')) {
        const k = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body)?.[0];
        if (k) {
          const vs = skipSpace(body, k.length);
          if (vs > k.length) {
            const raw = body.slice(vs).trimEnd();
            const q = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.indexOf(raw[0], 1) > 0 ? 1 : 0;
            const value = unquote(raw, false);
            const vStart = off + vs + q;
            cur.settings.push({
              name: k,
              env: k,
              value,
              nameSpan: { start: ins.at(off), end: ins.at(off) + k.length },
              valueSpan: { start: ins.at(vStart), end: ins.at(vStart) + value.length },
              form: 'env',
              service,
            });
          }
        }
      } else {
        for (const p of assignmentsAt(a)) {
          const vs = { start: ins.at(p.valueAt), end: p.valueLen > 0 ? ins.at(p.valueAt + p.valueLen - 1) + 1 : ins.at(p.valueAt) };
          cur.settings.push({
            name: p.name,
            env: p.name,
            value: p.value,
            nameSpan: { start: ins.at(p.nameAt), end: ins.at(p.nameAt) + p.name.length },
            valueSpan: vs,
            form: 'env',
            service,
          });
          if (p.name === 'CGO_ENABLED') cur.build.set('CGO_ENABLED', p.value);
          if ((p.name === 'JAVA_TOOL_OPTIONS' || p.name === 'JAVA_OPTS') && vs.end - vs.start === p.value.length)
            cur.settings.push(...syspropSettings(p.value, vs.start, service));
        }
      }
      cur.lastEnvEnd = ins.end;
      continue;
    }
    if (ins.keyword === 'RUN') {
      // (two plain tests, not one /pip install.*ddtrace/: that retries the rest of the line from every `pip install`)
      if (/\bddtrace\b/.test(a) && /\bpip\d?\s+install\b/.test(a)) cur.hints.push('python');
      if (/\bdd-trace\b/.test(a) && /\b(npm|yarn|pnpm)\s+(install|add|i)\b/.test(a)) cur.hints.push('nodejs');
      if (/datadog-setup\.php/.test(a)) cur.hints.push('php');
      if (/dd-java-agent/.test(a)) cur.hints.push('java');
      const g = GO_BUILD.exec(a);
      if (g) {
        cur.hints.push('go');
        const inline = /\bCGO_ENABLED=(\S+)/.exec(a)?.[1];
        const cgo = inline ?? cur.build.get('CGO_ENABLED');
        if (cgo === '0' && !APPSEC_TAG.test(a.slice(g.index))) cur.staticGo = { start: ins.at(g.index), end: ins.at(g.index + g[0].length - 1) + 1 };
      }
      continue;
    }
    if (ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT') {
      cur.command = [cur.command, a.trim()].filter(Boolean).join(' ');
      for (const s of syspropSettings(a, 0, service))
        cur.settings.push({
          ...s,
          flagEnd: s.flagEnd === undefined ? undefined : ins.at(s.flagEnd - 1) + 1,
          nameSpan: { start: ins.at(s.nameSpan.start), end: ins.at(s.nameSpan.end - 1) + 1 },
          valueSpan: s.valueSpan && {
            start: ins.at(s.valueSpan.start),
            end: s.valueSpan.end > s.valueSpan.start ? ins.at(s.valueSpan.end - 1) + 1 : ins.at(s.valueSpan.start),
          },
        });
      continue;
    }
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      if (
        a.split(/\s+/).some((w) => {
          const i = w.indexOf('dd-java-agent');
          return i >= 0 && w.indexOf('.jar', i) >= 0;
        })
      )
        cur.hints.push('java');
    }
  }
  const last = stages[stages.length - 1];
  if (!last) return { kind: 'dockerfile', eol, services: [] };
  const chain: Stage[] = [];
  for (let s: Stage | undefined = last; s && chain.length < 50; s = s.parent) chain.unshift(s);
  const settings = chain.flatMap((s) => s.settings);
  const command =
    chain
      .map((s) => s.command)
      .filter(Boolean)
      .join(' ') || undefined;
  const t = detectTracer(last.image, command);
  const hints = stages.flatMap((s) => s.hints);
  const hinted = (['java', 'python', 'nodejs', 'php', 'go'] as const).find((h) => hints.includes(h));
  const tracer = t?.strong ? t.tracer : hinted === 'go' && t ? t.tracer : (hinted ?? t?.tracer);
  const staticGo = stages.map((s) => s.staticGo).find(Boolean);
  const at = last.lastEnvEnd ?? last.fromEnd;
  const needsLead = at === text.length && text.length > 0 && !text.endsWith('\n');
  return {
    kind: 'dockerfile',
    eol,
    services: [
      {
        name: last.name ? `${service} stage ${last.name}` : service,
        span: last.fromSpan,
        kind: 'dockerfile',
        settings,
        tracer,
        tracerWhy: t?.strong ? t.why : hinted ? `${hinted} in RUN/COPY` : t?.why,
        traced:
          !!t?.strong ||
          hints.some((h) => h !== 'go') ||
          settings.some((s) => s.env.startsWith('DD_')) ||
          (hinted === 'go' && /dd-trace-go|dd-trace/.test(text)),
        image: last.image,
        command,
        staticGoBuild: staticGo,
        insert: { offset: at, lead: needsLead ? eol : undefined, template: `ENV NAME=VALUE${eol}` },
      },
    ],
  };
}
