// Test attack, signal simulation and their safety policy (no vscode: used by the client and the CLI).
export {
  isLoopback,
  hostKey,
  parseTarget,
  decideTarget,
  decideTypedTarget,
  decideRedirect,
  redirectConfirmation,
  effectiveSetting,
  type TargetDecision,
  type TargetSetting,
  type RedirectDecision,
  type ParsedTarget,
} from './policy';
export {
  sendTestAttack,
  curlCommand,
  shellQuote,
  explain,
  defaultUserAgent,
  rulesForUserAgent,
  TEST_ATTACK_RULE,
  type AttackOptions,
  type AttackResult,
  type Outcome,
  type OutcomeKind,
} from './attack';
export {
  simulateSignal,
  simulateUserAgent,
  joinPath,
  SIMULATE_RULE,
  SIMULATE_LIMITS,
  type SimulateOptions,
  type SimulateSummary,
  type SimulateProgress,
  type RouteSummary,
} from './simulate';
export { classifyError, type FetchImpl, type NetError, type NetErrorKind } from './request';
export { datadogBlockMarkers, proxySigns, type ProxySign } from './signs';
export { attackChecks } from './checks';
export {
  sendBlockingTest,
  blockingVerdict,
  blockingUserAgent,
  BLOCKING_RULE,
  type BlockingTestResult,
  type BlockingVerdict,
  type BlockingTestOptions,
} from './blocking';
