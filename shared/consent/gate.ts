import { formatDay } from './dates';
import type { ConsentState, ListId, OptOutRecord } from './types';

/** What is about to be sent (R6). */
export type OutboundSend =
  | { readonly kind: 'reply' | 'trigger-reply' | 'scheduled' | 'api' }
  | {
      readonly kind: 'campaign';
      readonly listId: ListId;
      readonly listName?: string;
      readonly purpose: 'marketing' | 'transactional';
      /** Lists whose members get no marketing, such as *Marketing Opt-Out*. */
      readonly suppressionLists?: readonly { readonly id: ListId; readonly name: string }[];
    };

export type GateRefusalCode = 'blocked' | 'opted-out' | 'not-on-list' | 'suppressed';

export type GateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: GateRefusalCode; readonly reason: string };

export interface GateOptions {
  /** The zone dates in reasons are shown in; UTC by default. */
  readonly timeZone?: string;
}

/** The contact as the gate needs it. */
export type GateContact = Pick<ConsentState, 'optedIn' | 'blocked' | 'lists' | 'optOut'>;

/** "replied STOP on 23 Nov 2026": how the opt-out in force came about. */
export function describeOptOut(optOut: OptOutRecord, options: GateOptions = {}): string {
  const on = `on ${formatDay(optOut.at, options.timeZone)}`;
  switch (optOut.source) {
    case 'keyword':
      return optOut.word !== undefined
        ? `replied ${optOut.word} ${on}`
        : `asked to stop${optOut.text !== undefined ? ` (“${optOut.text}”)` : ''} ${on}`;
    case 'link':
      return `used the opt-out link ${on}`;
    case 'carrier':
      return `opted out with the carrier ${on}${optOut.carrierCode !== undefined ? ` (error ${optOut.carrierCode})` : ''}; they must text START to be reachable again`;
    case 'manual':
      return `opted out by ${optOut.by ?? 'a team member'} ${on}`;
    case 'blocked':
      return `blocked by ${optOut.by ?? 'a supervisor'} ${on}`;
    case 'import':
      return `opted out by an import${optOut.by !== undefined ? ` from ${optOut.by}` : ''} ${on}`;
  }
}

/**
 * The send gate (R6): may this text go to this contact right now? Called on
 * every outbound text at the moment it leaves, on the desktop and again on
 * the server. A refusal carries a reason a person can read.
 */
export function sendGate(
  contact: GateContact,
  send: OutboundSend,
  options: GateOptions = {},
): GateDecision {
  if (contact.blocked) {
    return { allowed: false, code: 'blocked', reason: 'Blocked' };
  }
  if (!contact.optedIn) {
    return {
      allowed: false,
      code: 'opted-out',
      reason:
        contact.optOut === null
          ? 'Opted out'
          : `Opted out: ${describeOptOut(contact.optOut, options)}`,
    };
  }
  if (send.kind === 'campaign') {
    if (!contact.lists.includes(send.listId)) {
      return {
        allowed: false,
        code: 'not-on-list',
        reason: `No longer on the list${send.listName !== undefined ? ` “${send.listName}”` : ''}`,
      };
    }
    if (send.purpose === 'marketing') {
      const suppressed = send.suppressionLists?.find((list) => contact.lists.includes(list.id));
      if (suppressed !== undefined) {
        return {
          allowed: false,
          code: 'suppressed',
          reason: `On the “${suppressed.name}” list: no marketing`,
        };
      }
    }
  }
  return { allowed: true };
}
