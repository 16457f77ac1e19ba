export { classifyInbound, type InboundIntent } from './classify';
export { formatDay } from './dates';
export { explainInbound, type InboundExplanation } from './explain';
export { describeCreation, type CreatedEntry } from './history';
export {
  describeOptOut,
  sendGate,
  type GateContact,
  type GateDecision,
  type GateOptions,
  type GateRefusalCode,
  type OutboundSend,
} from './gate';
export {
  applyConsentEvent,
  applyInbound,
  createContact,
  thenApply,
  type InboundOutcome,
} from './reducer';
export { foldText, normalizeInboundText } from './text';
export {
  defaultTriggerRules,
  lintTriggerKeyword,
  type DefaultTriggerSettings,
  type KeywordProblem,
} from './triggers';
export * from './types';
export {
  clockMinutes,
  CONVERSATION_WINDOW_MS,
  DEFAULT_QUIET_HOURS,
  describeDays,
  describeQuietHours,
  formatClock,
  isTimeZone,
  normalizeQuietHours,
  quietHoursDecision,
  quietHoursProblem,
  WEEKDAYS,
  type QuietDecision,
  type QuietHours,
  type Weekday,
} from './quietHours';
export { quietHoursZones } from './zones';
