import { classifyInbound, type InboundIntent } from './classify';
import type { TriggerRule } from './types';

export interface InboundExplanation {
  readonly intent: InboundIntent;
  /** One or two sentences for a person: what Textdesk will do with this text. */
  readonly summary: string;
}

/**
 * "What happens if a customer texts …": how a text would be read and what
 * would follow, in words a supervisor can check their triggers against.
 */
export function explainInbound(body: string, triggers: readonly TriggerRule[]): InboundExplanation {
  const intent = classifyInbound(body, triggers);
  switch (intent.kind) {
    case 'opt-out':
      return {
        intent,
        summary:
          intent.match === 'keyword'
            ? `Opt-out: ${intent.word} opts the customer out of all texts. No automatic reply is sent; the carrier confirms on its own.`
            : 'Opt-out: a plain request to stop texting opts the customer out of all texts. No automatic reply is sent.',
      };
    case 'opt-in':
      return {
        intent,
        summary: `Opt-in: ${intent.word} opts the customer back in if they had opted out.`,
      };
    case 'trigger': {
      const rule = triggers.find((trigger) => trigger.id === intent.triggerId);
      const name = rule?.name ?? intent.triggerId;
      const reply =
        rule?.reply != null && rule.reply.trim() !== ''
          ? ` It replies: “${rule.reply}”`
          : ' It sends no reply.';
      return {
        intent,
        summary: `Trigger “${name}” (keyword ${intent.keyword.toUpperCase()}).${reply}`,
      };
    }
    case 'message':
      return {
        intent,
        summary: intent.possibleOptOut
          ? 'A message for the inbox, flagged as a possible opt-out: an agent confirms or dismisses it. An opted-out customer stays opted out.'
          : 'A message for the inbox. An opted-out customer is opted back in.',
      };
  }
}
