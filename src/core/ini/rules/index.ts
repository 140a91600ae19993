// Every ini rule. Add a rule: one file in this folder, one line here.
import type { IniRule } from '../analyze';
import { duplicateSettingRule } from './duplicate-setting';
import { invalidValueRule } from './invalid-value';
import { legacyNameRule } from './legacy-name';
import { placeholderRule } from './placeholder';
import { relativePathRule } from './relative-path';
import { smartQuotesRule } from './smart-quotes';
import { syntaxRule } from './syntax';
import { unknownSettingRule } from './unknown-setting';
import { unwritablePathRule } from './unwritable-path';

export const INI_RULES: readonly IniRule[] = [
  smartQuotesRule,
  syntaxRule,
  unknownSettingRule,
  legacyNameRule,
  invalidValueRule,
  relativePathRule,
  placeholderRule,
  duplicateSettingRule,
  unwritablePathRule,
];
