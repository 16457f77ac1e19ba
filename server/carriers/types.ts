import type { MediaLimits } from '../../shared/protocol/media';

/** What every carrier (the phone simulator, Twilio) offers the server. */

/** A file of an outbound MMS, at an address the carrier fetches it from. */
export interface OutboundMedia {
  /** A signed address under PUBLIC_URL, valid long enough for the carrier to fetch it. */
  readonly url: string;
  readonly type: string;
  readonly size: number;
  readonly filename: string | null;
}

export interface OutboundText {
  /** Our message id, for the carrier's status callbacks. */
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  /** Pictures and files: an MMS. Empty or unset for a plain text. */
  readonly media?: readonly OutboundMedia[];
}

export type SendResult =
  | { readonly ok: true; readonly carrierId: string }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      /** The recipient opted out with the carrier (Twilio 21610): R9 applies. */
      readonly optedOut: boolean;
    };

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface StatusUpdate {
  readonly carrierId: string;
  /**
   * Our message id, when the carrier echoes it (it is in the status callback
   * address we give it). A receipt can arrive before the carrier's answer to
   * the send has been stored, when only this id can find the message.
   */
  readonly messageId?: string;
  readonly status: DeliveryStatus;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** For carriers (and test stand-ins) that send no MMS. */
export const TEXT_ONLY = {
  mediaLimits: null,
  mediaRefusal: (): string => 'This carrier cannot send pictures or files.',
} as const satisfies Pick<Carrier, 'mediaLimits' | 'mediaRefusal'>;

export interface Carrier {
  readonly name: string;
  /** What one MMS may carry; null when this carrier sends no MMS. */
  readonly mediaLimits: MediaLimits | null;
  /**
   * Why this carrier cannot send an MMS to this number (E.164) — a country
   * it has no MMS for, a landline — in words an agent understands; null when
   * it can. Never a reason to send the text as a plain SMS instead.
   */
  mediaRefusal(to: string): string | null;
  send(text: OutboundText): Promise<SendResult>;
  /** Where the carrier reports delivery; set by the server at start. */
  onStatus(listener: (update: StatusUpdate) => void): void;
}
