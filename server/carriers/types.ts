/** What every carrier (the phone simulator, Twilio) offers the server. */

export interface OutboundText {
  /** Our message id, for the carrier's status callbacks. */
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
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

export interface Carrier {
  readonly name: string;
  send(text: OutboundText): Promise<SendResult>;
  /** Where the carrier reports delivery; set by the server at start. */
  onStatus(listener: (update: StatusUpdate) => void): void;
}
