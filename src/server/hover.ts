import type { Hover, HoverParams } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt } from '../core/hover';

export function hover(doc: TextDocument, params: HoverParams): Hover | null {
  const line = params.position.line;
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  if (text.length > 1_000_000) return null;
  const h = hoverAt(text, params.position.character);
  if (!h) return null;
  return { contents: { kind: 'markdown', value: h.markdown }, range: { start: { line, character: h.start }, end: { line, character: h.end } } };
}
