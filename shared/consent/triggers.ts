import { classifyInbound } from './classify';
import { foldText } from './text';
import type { ListId, Trigger, TriggerRule } from './types';
import { DEFAULT_TRIGGERS } from './types';

export interface DefaultTriggerSettings {
  readonly businessName: string;
  /** How customers reach a person: a phone number, an address or a web page. */
  readonly supportContact: string;
  /** The marketing list(s) that OPTOUT takes a contact off. */
  readonly marketingListIds: readonly ListId[];
  /** The *Marketing Opt-Out* list that OPTOUT puts a contact on. */
  readonly marketingOptOutListId: ListId;
}

/** The `help` and `optout` triggers a new account starts with. */
export function defaultTriggerRules(settings: DefaultTriggerSettings): TriggerRule[] {
  const [help, optout] = DEFAULT_TRIGGERS as readonly [Trigger, Trigger];
  return [
    {
      ...help,
      name: 'Help',
      reply:
        `${settings.businessName}: for help, contact ${settings.supportContact}. ` +
        'Msg & data rates may apply. Reply STOP to opt out.',
      removeFromLists: [],
      addToLists: [],
    },
    {
      ...optout,
      name: 'Marketing opt-out',
      reply:
        'You will not receive any further marketing messages from us. ' +
        'Reply STOP to stop all messages.',
      removeFromLists: settings.marketingListIds,
      addToLists: [settings.marketingOptOutListId],
    },
  ];
}

export interface KeywordProblem {
  readonly severity: 'error' | 'warning';
  readonly code:
    'empty' | 'opt-out-word' | 'opt-in-word' | 'duplicate' | 'carrier-reserved' | 'looks-like-stop';
  readonly message: string;
}

/** What a carrier does on its own when a customer texts one of these words. */
const CARRIER_RESERVED: Readonly<Record<string, string>> = {
  optout:
    'Twilio treats OPTOUT as a full opt-out (since May 2025): it will stop all texts from your number to this customer and send its own confirmation, whatever this trigger replies.',
  help: 'Carriers answer HELP with their own message too, so the customer may get two replies.',
  info: 'Carriers answer INFO with their own help message too, so the customer may get two replies.',
  yes: 'Twilio treats YES as an opt-in keyword and may send its own confirmation.',
};

/**
 * Checks one trigger keyword. Errors refuse the keyword; warnings let it be
 * saved but say what else will happen (R5).
 *
 * @param otherTriggers the account's other triggers, to refuse a keyword twice.
 */
export function lintTriggerKeyword(
  keyword: string,
  otherTriggers: readonly (Trigger & { readonly name?: string })[] = [],
): KeywordProblem[] {
  const folded = foldText(keyword);
  if (folded === '') {
    return [
      {
        severity: 'error',
        code: 'empty',
        message: 'A keyword needs at least one letter or digit.',
      },
    ];
  }
  const shown = folded.toUpperCase();
  // Whatever the classifier would read as an opt-out with no triggers claiming
  // words is a global opt-out word; OPTOUT alone may be claimed by a trigger.
  const intent = classifyInbound(keyword, []);
  if (intent.kind === 'opt-out' && folded !== 'optout') {
    return [
      {
        severity: 'error',
        code: 'opt-out-word',
        message: `“${shown}” opts a customer out of all texts, so it can't be a trigger keyword.`,
      },
    ];
  }
  if (intent.kind === 'opt-in') {
    return [
      {
        severity: 'error',
        code: 'opt-in-word',
        message: `“${shown}” always opts a customer back in, so it can't be a trigger keyword.`,
      },
    ];
  }
  const problems: KeywordProblem[] = [];
  const owner = otherTriggers.find((trigger) =>
    trigger.keywords.some((other) => foldText(other) === folded),
  );
  if (owner !== undefined) {
    problems.push({
      severity: 'error',
      code: 'duplicate',
      message: `“${shown}” is already a keyword of the trigger “${owner.name ?? owner.id}”.`,
    });
  }
  if (intent.kind === 'message' && intent.possibleOptOut) {
    problems.push({
      severity: 'warning',
      code: 'looks-like-stop',
      message: `“${shown}” reads like a request to stop. Customers who text it may mean to opt out, and they would get this trigger’s reply instead of being asked.`,
    });
  }
  const carrier = CARRIER_RESERVED[folded];
  if (carrier !== undefined) {
    problems.push({ severity: 'warning', code: 'carrier-reserved', message: carrier });
  }
  return problems;
}
