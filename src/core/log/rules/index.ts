// Every log rule, in the order they run on a line. Add a rule: one file in this folder, one line here.
import type { LogRule } from '../types';
import { startupRule } from './startup';

export const LOG_RULES: readonly LogRule[] = [startupRule];
