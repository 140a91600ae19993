// Every ini rule. Add a rule: one file in this folder, one line here.
import type { IniRule } from '../analyze';
import { smartQuotesRule } from './smart-quotes';

export const INI_RULES: readonly IniRule[] = [smartQuotesRule];
