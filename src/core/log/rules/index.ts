// Every log rule, in the order they run on a line. Add a rule: one file in this folder, one line here.
import type { LogRule } from '../types';
import { agentRule } from './agent';
import { agentStatsRule } from './agent-stats';
import { appsecRule } from './appsec';
import { attacksRule } from './attacks';
import { catalogueRule } from './catalogue';
import { ddasRule } from './ddas';
import { integrationsRule } from './integrations';
import { phpHelperRule } from './php-helper';
import { pythonRule } from './python';
import { rateLimitRule } from './rate-limit';
import { rubyRackRule } from './ruby-rack';
import { startupRule } from './startup';
import { tracerLineRule } from './tracer-line';
import { toolsRule } from '../../tools/rule';

export const LOG_RULES: readonly LogRule[] = [
  tracerLineRule,
  startupRule,
  appsecRule,
  integrationsRule,
  agentRule,
  agentStatsRule,
  phpHelperRule,
  ddasRule,
  attacksRule,
  rateLimitRule,
  rubyRackRule,
  catalogueRule,
  pythonRule,
  toolsRule,
];
