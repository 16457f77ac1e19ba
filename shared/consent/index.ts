export { classifyInbound, type InboundIntent } from './classify';
export { formatDay } from './dates';
export { explainInbound, type InboundExplanation } from './explain';
export {
  describeOptOut,
  sendGate,
  type GateContact,
  type GateDecision,
  type GateOptions,
  type GateRefusalCode,
  type OutboundSend,
} from './gate';
export { applyConsentEvent, applyInbound, type InboundOutcome } from './reducer';
export { foldText, normalizeInboundText } from './text';
export {
  defaultTriggerRules,
  lintTriggerKeyword,
  type DefaultTriggerSettings,
  type KeywordProblem,
} from './triggers';
export * from './types';
export {
  CONVERSATION_WINDOW_MS,
  DEFAULT_QUIET_HOURS,
  isTimeZone,
  quietHoursDecision,
  type QuietDecision,
  type QuietHours,
} from './quietHours';
