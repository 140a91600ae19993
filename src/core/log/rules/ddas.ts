// Every DDAS-NNNN-NN code (kb/ddas.yaml) by its own code and the catalogue's severity — in the PHP helper's log,
// .NET's log, or pasted from the troubleshooting page (whose "DAS-0011-00" misprint is read as DDAS-0011-00).
// The PHP helper prints the blocked-attack message under DDAS-0012-01 (a typo in std_logging.hpp): read as 0012-02.
import { kb } from '../../kb';
import type { LogRule } from '../types';
import { clip, count, emit, lineRange, noteTracer } from './common';

// Not preceded by a letter (so "DDAS" is not also read as "DAS"), not followed by a digit.
const CODE = /(?<![A-Za-z])(D?DAS)-(\d{4})-(\d{2})(?!\d)/g;
const MAX_PER_LINE = 10;

/** The text after a code (`at`: just past it), without the ": " that follows it. */
const afterCode = (text: string, at: number) => text.slice(at, at + 400).replace(/^:\s?/, '');

export const ddasRule: LogRule = {
  id: 'ddas',
  literals: ['DAS-'],
  line(ctx) {
    // dd-trace-py's [DDAS-…] codes are its own (kb/messages.yaml python-*), not the .NET/PHP catalogue's meanings.
    if (ctx.cls.dialect === 'python') return;
    CODE.lastIndex = 0;
    let m: RegExpExecArray | null;
    for (let n = 0; n < MAX_PER_LINE && (m = CODE.exec(ctx.text)); n++) {
      let code = `DDAS-${m[2]}-${m[3]}`;
      const misprint = m[1] === 'DAS';
      const at = m.index + m[0].length;
      let typo = false;
      if (code === 'DDAS-0012-01' && /^Blocked attack/.test(afterCode(ctx.text, at))) {
        code = 'DDAS-0012-02';
        typo = true;
      }
      const d = kb().ddas(code);
      if (!d) continue; // not a code of the catalogue (e.g. Python's [DDAS-001-00])
      noteTracer(ctx);
      const found = m[0];
      // Past the findings cap (most DDAS lines of a long log) the finding is only counted: nothing to build.
      if (ctx.capped) count(ctx, code);
      else {
        const after = afterCode(ctx.text, at);
        emit(ctx, code, lineRange(ctx, m.index, m.index + found.length), () => {
          const said = clip(after.trimEnd(), 200);
          const notes = [
            misprint ? `"${found}" is the troubleshooting page's misprint of ${code}` : null,
            typo ? 'the PHP helper prints this blocked-attack message under DDAS-0012-01 (a typo in its source)' : null,
          ].filter(Boolean);
          return {
            detail: `${code} (${d.phase}, ${d.level}): ${d.title}. ${d.meaning}${said ? ` The line says: "${said}"` : ''}${notes.length ? ` (${notes.join('; ')})` : ''}`,
            data: { code, phase: d.phase, level: d.level, ...(misprint ? { misprint: found } : {}), ...(typo ? { helperTypo: true } : {}) },
          };
        });
      }
      if (code === 'DDAS-0014-00' && !ctx.summary.tracer) ctx.summary.tracer = 'php';
    }
  },
};
