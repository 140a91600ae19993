import { CompletionItemKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { completeIni } from '../core/ini/complete';
import { LANGUAGE_KIND } from './diagnostics';

export function completion(doc: TextDocument, params: CompletionParams): CompletionItem[] {
  const kind = LANGUAGE_KIND[doc.languageId];
  if (kind !== 'ini' && kind !== 'php-ini') return [];
  const line = params.position.line;
  // The whole line: completion needs to know whether an `=` follows the cursor.
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
  return completeIni(text, params.position.character).map((c) => {
    const item: CompletionItem = {
      label: c.label,
      kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
      detail: c.detail,
      documentation: { kind: 'markdown', value: c.documentation },
      textEdit: { range: { start: { line, character: c.replaceStart }, end: params.position }, newText: c.insertText },
    };
    if (c.deprecated) item.tags = [1];
    if (c.sortText) item.sortText = c.sortText;
    return item;
  });
}
