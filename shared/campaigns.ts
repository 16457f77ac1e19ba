/**
 * Campaigns (R7): one text to the members of a list. What the composer,
 * the desktop and the server must agree on: whether a marketing text says
 * how to opt out, the fix offered when it does not, how each recipient's
 * text is filled in, and how a skipped member is described. Pure.
 */
import type { GateRefusalCode } from './consent/gate';
import { DEFAULT_QUIET_HOURS, describeDays, WEEKDAYS, type QuietHours } from './consent/quietHours';
import { fillTemplate } from './templates';

export const CAMPAIGN_PURPOSES = ['marketing', 'transactional'] as const;
export type CampaignPurpose = (typeof CAMPAIGN_PURPOSES)[number];

/** Where each recipient's own opt-out link goes (R8), as the server fills it in. */
export const OPT_OUT_LINK_FIELD = '{{optout_link}}';

/** The field as people type it: spaces inside the braces and any case (`{{ OptOut_Link }}`). */
const LINK_FIELD = /\{\{\s*optout_link\s*\}\}/giu;

/**
 * "Reply STOP", "Text STOP to 12345", "txt stop", "respond with ‘STOP’":
 * a sending verb right before STOP. "Stop by our store" has none.
 */
const REPLY_STOP =
  /\b(?:reply|replying|text|texting|txt|send|respond)(?:\s+(?:with|back))?\s*[:\-–—]?\s*["“'‘]?stop(?:all)?\b/iu;

/**
 * "STOP to opt out", "END to unsubscribe", "UNSUBSCRIBE to stop receiving":
 * an opt-out word that says what it is for. "Reply CANCEL to cancel your
 * appointment" is not about texts, so the purpose must be opting out.
 */
const WORD_TO_OPT_OUT =
  /\b(?:stop|stopall|unsubscribe|end|quit|cancel)["”'’]?\s+(?:to|2)\s+(?:opt[\s-]?out|unsubscribe|unsub\b|stop\b)/iu;

/** The sentence a marketing campaign without opt-out wording is refused with. */
export const MISSING_OPT_OUT_WORDING =
  'A marketing campaign must tell people how to opt out: add “Reply STOP to opt out.” or {{optout_link}}.';

/** What {@link withOptOutWording} adds, on a line of its own. */
export const OPT_OUT_SENTENCE = 'Reply STOP to opt out.';

/**
 * Whether a text tells its recipient how to opt out, as a marketing
 * campaign must (R7): a personal opt-out link (`{{optout_link}}`), or
 * STOP offered as a reply ("Reply STOP to opt out", "Text STOP to
 * unsubscribe", "reply stop to opt-out"). English wording only: carriers
 * read STOP in any text, but a person must be told in words.
 */
export function optOutWording(body: string): boolean {
  return countOptOutLinks(body) > 0 || REPLY_STOP.test(body) || WORD_TO_OPT_OUT.test(body);
}

/** How many `{{optout_link}}` fields a text holds. */
export function countOptOutLinks(body: string): number {
  return [...body.matchAll(LINK_FIELD)].length;
}

/** The fix offered for a marketing text without opt-out wording: "Reply STOP to opt out." on its own line. */
export function withOptOutWording(body: string): string {
  if (optOutWording(body)) return body;
  const text = body.replace(/\s+$/u, '');
  return text === '' ? OPT_OUT_SENTENCE : `${text}\n${OPT_OUT_SENTENCE}`;
}

export interface CampaignTextValues {
  /** The recipient's name as stored; '' when they have none. */
  readonly contactName: string;
  readonly businessName: string;
  /** The person who sent the campaign, for `{{agent_name}}`. */
  readonly senderName: string;
}

/**
 * One recipient's text: the merge fields filled in (as templates fill
 * them), and every spelling of the opt-out link field made the one the
 * server replaces with the recipient's own link as the text leaves.
 */
export function campaignText(body: string, values: CampaignTextValues): string {
  return fillTemplate(body.replace(LINK_FIELD, OPT_OUT_LINK_FIELD), {
    contactName: values.contactName,
    businessName: values.businessName,
    agentName: values.senderName,
  });
}

/** Why a member is skipped, as the preview groups them. */
export const CAMPAIGN_SKIPS = ['opted-out', 'blocked', 'suppressed'] as const;
export type CampaignSkip = (typeof CAMPAIGN_SKIPS)[number];

/** The preview's group for a gate refusal; null when the refusal is not one of them (not on the list). */
export function skipOf(code: GateRefusalCode): CampaignSkip | null {
  return code === 'not-on-list' ? null : code;
}

/** What the preview calls each group. */
export function skipLabel(skip: CampaignSkip, suppressionListName = 'Marketing Opt-Out'): string {
  switch (skip) {
    case 'opted-out':
      return 'Opted out';
    case 'blocked':
      return 'Blocked';
    case 'suppressed':
      return `On the “${suppressionListName}” list: no marketing`;
  }
}

/**
 * A recipient held for quiet hours: "Quiet hours: sends at 8:00 their time",
 * and the days when the window leaves some out ("…, Mon–Sat").
 */
export function quietHoursWait(hours: QuietHours = DEFAULT_QUIET_HOURS): string {
  const start = hours.start.replace(/^0(?=\d:)/u, '');
  const days = hours.days.length === WEEKDAYS.length ? '' : `, ${describeDays(hours.days)}`;
  return `Quiet hours: sends at ${start} their time${days}`;
}
