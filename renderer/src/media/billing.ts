import { countSegments, type SmsEncoding } from '../../../shared/sms/segments';

/**
 * How a text is billed, as the composer's counter and the thread say it.
 * Without files a text is SMS, billed per segment (GSM-7 160 or 153 per
 * segment once split; UCS-2 70 or 67); with files it is one MMS, whatever
 * the words, and Twilio takes up to 1600 characters in one.
 */

/** The most characters one MMS carries on Twilio. */
export const MMS_MAX_CHARACTERS = 1600;

export type Billing =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'sms';
      readonly segments: number;
      readonly encoding: SmsEncoding;
      /** Units left before one more segment. */
      readonly remaining: number;
      readonly unicodeCharacter: string | null;
    }
  | { readonly kind: 'mms'; readonly characters: number; readonly tooLong: boolean };

export function billingOf(text: string, files: number): Billing {
  if (files > 0) {
    return { kind: 'mms', characters: text.length, tooLong: text.length > MMS_MAX_CHARACTERS };
  }
  if (text === '') return { kind: 'none' };
  const count = countSegments(text);
  return {
    kind: 'sms',
    segments: count.segments,
    encoding: count.encoding,
    remaining: count.remaining,
    unicodeCharacter: count.unicodeCharacter,
  };
}

/** The counter's words: "120 · 1 message", "3 · 2 messages · Unicode", "1 MMS". */
export function billingLabel(billing: Billing): string {
  switch (billing.kind) {
    case 'none':
      return '';
    case 'sms':
      return `${String(billing.remaining)} · ${String(billing.segments)} ${billing.segments === 1 ? 'message' : 'messages'}${billing.encoding === 'UCS-2' ? ' · Unicode' : ''}`;
    case 'mms':
      return billing.tooLong
        ? `1 MMS · ${String(billing.characters)} of ${String(MMS_MAX_CHARACTERS)} characters: too long`
        : '1 MMS';
  }
}

/** The counter's tooltip: why it counts what it counts. */
export function billingExplanation(billing: Billing): string | undefined {
  switch (billing.kind) {
    case 'none':
      return undefined;
    case 'sms':
      return billing.unicodeCharacter !== null
        ? `“${billing.unicodeCharacter}” sends the text as Unicode: 70 characters per message instead of 160 (67 per part once split). Carriers bill each part as one SMS.`
        : 'Carriers bill each part as one SMS: 160 characters, or 153 per part once a text is split.';
    case 'mms':
      return billing.tooLong
        ? `One MMS carries at most ${String(MMS_MAX_CHARACTERS)} characters; shorten the text to send it with the files.`
        : `With files attached the text goes as one MMS (up to ${String(MMS_MAX_CHARACTERS)} characters), billed as one message.`;
  }
}

/** How a text already in the thread was billed: "1 MMS", "2 SMS"; null when it has no words or files. */
export function billedAs(body: string, files: number): string | null {
  const billing = billingOf(body, files);
  if (billing.kind === 'none') return null;
  return billing.kind === 'mms' ? '1 MMS' : `${String(billing.segments)} SMS`;
}
