// The source action "Enable AppSec debug logging": the troubleshooting guide's debug preset (log_level=debug,
// helper_extra_args=--log_level=debug, helper_log_file=/tmp/helper.log), written with the file's prefix. A key the file
// already sets is updated where it takes effect (its last occurrence: PHP keeps the last); missing keys are added
// together, before any [PATH=]/[HOST=] section (which would scope them) or at the end, with the file's line break.
import type { Fix, TextEdit } from '../finding';
import { fileEol, fileEra, innerValue } from './model';
import type { IniFile, IniLine } from './parse';

export const DEBUG_PRESET: readonly { suffix: string; value: string }[] = [
  { suffix: 'log_level', value: 'debug' },
  { suffix: 'helper_extra_args', value: '--log_level=debug' },
  { suffix: 'helper_log_file', value: '/tmp/helper.log' },
];

export const DEBUG_PRESET_TITLE = 'Enable AppSec debug logging';

/** helper_extra_args with --log_level=debug in place of another --log_level, or added to the other arguments. */
function withDebugArg(current: string, quoted: boolean): string {
  const args = current.trim();
  // Outside straight quotes, arguments with quotes or ; cannot be kept safely: start from the preset alone.
  if (!args || (!quoted && /[;"'`‘’“”]/.test(args))) return '--log_level=debug';
  // --log_level=x, --log_level x (a value not starting with --), or a bare --log_level: every one becomes debug.
  const re = /(^|\s)--log_level(?:=\S*|\s+(?!--)\S+|(?=\s|$))/g;
  if (args.search(re) !== -1) return args.replace(re, '$1--log_level=debug');
  return `${args} --log_level=debug`;
}

export function debugPresetFix(file: IniFile): Fix | null {
  const prefix = fileEra(file);
  const edits: TextEdit[] = [];
  const missing: string[] = [];
  for (const { suffix, value } of DEBUG_PRESET) {
    const key = prefix + suffix;
    let last: IniLine | undefined;
    for (const l of file.lines) if (l.kind === 'entry' && l.entry!.key === key) last = l;
    if (!last) {
      missing.push(`${key}=${value}`);
      continue;
    }
    const e = last.entry!;
    const inner = innerValue(e);
    const straightQuoted = !inner.smart && e.quote !== null && (e.quote === '"' || e.quote === "'") && e.rawValue.length >= 2 && e.rawValue.endsWith(e.quote);
    const want = suffix === 'helper_extra_args' ? withDebugArg(inner.smart ? '' : inner.text, straightQuoted) : value;
    if (straightQuoted) {
      if (inner.text !== want)
        edits.push({ range: { start: { line: last.line, character: inner.start }, end: { line: last.line, character: inner.end } }, newText: want });
    } else if (e.rawValue !== want) {
      // Unquoted, or typographic quotes (which would stay part of the value): replace the whole value.
      edits.push({ range: { start: { line: last.line, character: e.valueStart }, end: { line: last.line, character: e.valueEnd } }, newText: want });
    }
  }
  if (missing.length) {
    const eol = fileEol(file);
    const scoped = file.lines.find((l) => l.kind === 'section' && /^\s*\[\s*(PATH|HOST)\s*=/i.test(l.text));
    if (scoped) {
      edits.push({
        range: { start: { line: scoped.line, character: 0 }, end: { line: scoped.line, character: 0 } },
        newText: missing.map((m) => m + eol).join(''),
      });
    } else {
      const last = file.lines[file.lines.length - 1]!;
      const end = { line: last.line, character: last.text.length };
      const onlyEmpty = file.lines.length === 1 && last.text === '';
      // Keep the file's final-newline habit: a file without one still ends without one.
      const text = onlyEmpty ? missing.map((m) => m + eol).join('') : last.text === '' ? missing.map((m) => m + eol).join('') : eol + missing.join(eol);
      // One edit per position: an update of the last line's value that ends where the text ends takes the new lines
      // after it (two inserts at one place would depend on the editor's ordering).
      const same = edits.find((x) => x.range.end.line === end.line && x.range.end.character === end.character);
      if (same) same.newText += text;
      else edits.push({ range: { start: end, end }, newText: text });
    }
  }
  if (!edits.length) return null;
  return {
    title: `${DEBUG_PRESET_TITLE} (${prefix}log_level=debug, helper_extra_args=--log_level=debug, helper_log_file=/tmp/helper.log)`,
    kind: 'source',
    edits,
  };
}
