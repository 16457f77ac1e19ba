import type { Carrier, DeliveryStatus, OutboundText, SendResult, StatusUpdate } from './types';
import { parsePhone } from '../../shared/phone';
import { TWILIO_MEDIA_LIMITS } from '../../shared/protocol/media';

export interface TwilioOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** Send from this number… */
  readonly from?: string | undefined;
  /** …or through this Messaging Service (it picks the number). */
  readonly messagingServiceSid?: string | undefined;
  /** https://api.twilio.com, or a stand-in's address in tests. */
  readonly apiBase: string;
  /** Where Twilio reaches this server: the base of the status callback address. */
  readonly publicUrl: string;
  /** How long to wait for Twilio's answer to a send. */
  readonly timeoutMs?: number;
}

/** The path of Twilio's delivery receipts on this server. */
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';
/** The path of Twilio's inbound texts on this server. */
export const TWILIO_SMS_PATH = '/webhooks/twilio/sms';

/** R9: the recipient replied STOP to the carrier; Twilio refuses every text to them. */
export const TWILIO_OPTED_OUT = '21610';

/** The Twilio errors a business meets most, in words an agent understands. */
export const TWILIO_ERRORS: Readonly<Record<string, string>> = {
  '21211': 'The number is not a valid phone number.',
  '21408': 'The Twilio account is not allowed to text this country (check Geo Permissions).',
  '21606': 'The Twilio number this text was sent from cannot send texts.',
  '21608': 'A Twilio trial account can only text verified numbers.',
  '21610':
    'The recipient has opted out with their carrier (replied STOP); they must text START to be reachable again.',
  '21612': 'Twilio cannot send a text between these two numbers.',
  '21614': 'The number is not a mobile number and cannot receive texts.',
  '30001': 'Twilio’s queue for this number overflowed; try again later.',
  '30002': 'The Twilio account is suspended.',
  '30003': 'The phone is switched off or out of coverage (unreachable).',
  '30004': 'The recipient’s carrier blocked this text.',
  '30005': 'The number is unknown: it may not exist or is no longer in service.',
  '30006': 'The number is a landline or cannot receive texts.',
  '30007': 'The recipient’s carrier filtered this text as spam.',
  '30008': 'The recipient’s carrier could not deliver this text, for no stated reason.',
  '30032': 'The toll-free number this text was sent from is not verified.',
  '30034': 'The sending number is not registered for A2P 10DLC, so US carriers refuse its texts.',
};

/** A readable sentence for a Twilio error code, with Twilio's own words when the code is unusual. */
export function twilioErrorMessage(code: string, twilioMessage?: string): string {
  const known = TWILIO_ERRORS[code];
  if (known !== undefined) return known;
  const detail = twilioMessage === undefined || twilioMessage === '' ? '' : `: ${twilioMessage}`;
  return `Twilio reported error ${code}${detail} (https://www.twilio.com/docs/errors/${code}).`;
}

/** Twilio's MessageStatus values, as our delivery statuses; null for inbound ones. */
export function deliveryStatusOf(messageStatus: string): DeliveryStatus | null {
  switch (messageStatus) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

/**
 * Sends texts through Twilio's Messages resource. Delivery receipts arrive as
 * signed webhooks on TWILIO_STATUS_PATH, whose handler applies them itself
 * (so Twilio is answered only once a receipt is stored); `onStatus`
 * listeners are not called.
 */
export class TwilioCarrier implements Carrier {
  readonly name = 'twilio';
  readonly mediaLimits = TWILIO_MEDIA_LIMITS;
  private readonly messagesUrl: string;
  private readonly authorization: string;
  private readonly publicUrl: string;

  constructor(private readonly options: TwilioOptions) {
    if ((options.from === undefined) === (options.messagingServiceSid === undefined)) {
      throw new Error('Give the Twilio carrier a From number or a Messaging Service, not both.');
    }
    this.messagesUrl = `${options.apiBase.replace(/\/+$/u, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    this.publicUrl = options.publicUrl.replace(/\/+$/u, '');
  }

  /**
   * Twilio sends MMS to US and Canadian mobile numbers only (elsewhere,
   * +1 Caribbean numbers included, it would turn them into links), and a
   * landline takes no pictures.
   */
  mediaRefusal(to: string): string | null {
    const phone = parsePhone(to, 'US');
    const country = phone.ok && phone.value.kind === 'number' ? phone.value.country : undefined;
    if (country !== 'US' && country !== 'CA') {
      return 'Twilio sends pictures and files only to US and Canadian numbers; send this one as a text without attachments.';
    }
    if (phone.ok && phone.value.kind === 'number' && phone.value.lineType === 'fixed-line') {
      return 'This number is a landline, which cannot receive pictures or files.';
    }
    return null;
  }

  onStatus(_listener: (update: StatusUpdate) => void): void {
    // Receipts come in through the webhook route, which applies them directly.
  }

  /**
   * Resolves with Twilio's decision; throws when Twilio could not be asked or
   * its answer says nothing clear (the text may or may not have gone out).
   */
  async send(text: OutboundText): Promise<SendResult> {
    const media = text.media ?? [];
    const form = new URLSearchParams({ To: text.to });
    // An MMS may be files only: Twilio takes a send with MediaUrl and no Body.
    if (text.body !== '' || media.length === 0) form.set('Body', text.body);
    // Twilio fetches each address (signed, under PUBLIC_URL) before the MMS goes out.
    for (const file of media) form.append('MediaUrl', file.url);
    if (this.options.messagingServiceSid !== undefined) {
      form.set('MessagingServiceSid', this.options.messagingServiceSid);
    } else if (this.options.from !== undefined) {
      form.set('From', this.options.from);
    }
    form.set(
      'StatusCallback',
      `${this.publicUrl}${TWILIO_STATUS_PATH}?message=${encodeURIComponent(text.messageId)}`,
    );
    const response = await fetch(this.messagesUrl, {
      method: 'POST',
      headers: {
        Authorization: this.authorization,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const raw = await response.text();
    let answer: unknown;
    try {
      answer = JSON.parse(raw);
    } catch {
      throw new Error(`Twilio answered ${response.status} with a body that is not JSON.`);
    }
    if (response.ok) {
      const sid = field(answer, 'sid');
      if (typeof sid !== 'string' || sid === '') {
        throw new Error(`Twilio answered ${response.status} without a message sid.`);
      }
      return { ok: true, carrierId: sid };
    }
    if (response.status >= 500) {
      // Twilio's own trouble: whether it took the text is not known.
      throw new Error(`Twilio answered ${response.status}: ${raw.slice(0, 200)}`);
    }
    const code = field(answer, 'code');
    if (typeof code !== 'number' && typeof code !== 'string') {
      throw new Error(`Twilio answered ${response.status} without an error code.`);
    }
    const twilioMessage = field(answer, 'message');
    return {
      ok: false,
      code: String(code),
      message: twilioErrorMessage(
        String(code),
        typeof twilioMessage === 'string' ? twilioMessage : undefined,
      ),
      optedOut: String(code) === TWILIO_OPTED_OUT,
    };
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}
