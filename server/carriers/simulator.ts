import { EventEmitter } from 'node:events';
import type { Carrier, OutboundText, SendResult, StatusUpdate } from './types';
import { TWILIO_MEDIA_LIMITS } from '../../shared/protocol/media';

export interface SimulatedText {
  readonly carrierId: string;
  /** Seen from the simulated phone: texts it sent, or texts it received. */
  readonly direction: 'sent' | 'received';
  readonly from: string;
  readonly to: string;
  readonly body: string;
  /** Pictures and files, at addresses the phone can fetch them from. */
  readonly media: readonly SimulatedMedia[];
  readonly at: string;
}

export interface SimulatedMedia {
  readonly url: string;
  readonly type: string;
  readonly filename: string | null;
}

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly optedOut: boolean;
  /** Refused at send time, or accepted and then reported undelivered. */
  readonly when: 'send' | 'delivery';
}

/** The failures a test or a person can ask the simulator for. */
export const SIMULATED_FAILURES = {
  'opted-out': {
    code: '21610',
    message: 'The recipient has opted out with their carrier (replied STOP).',
    optedOut: true,
    when: 'send',
  },
  unreachable: {
    code: '30003',
    message: 'The phone is switched off or out of coverage.',
    optedOut: false,
    when: 'delivery',
  },
  landline: {
    code: '30006',
    message: 'The number is a landline or cannot receive texts.',
    optedOut: false,
    when: 'delivery',
  },
} as const satisfies Record<string, Failure>;

export type SimulatedFailure = keyof typeof SIMULATED_FAILURES;

/**
 * An in-process phone network: texts the business sends land in the
 * recipient's simulated phone, with delivery receipts, and chosen numbers
 * fail the way real ones do. `'text'` events carry every delivered text.
 */
export class PhoneSimulator extends EventEmitter<{ text: [SimulatedText] }> implements Carrier {
  readonly name = 'simulator';
  /** The simulated phones take MMS as Twilio's network does. */
  readonly mediaLimits = TWILIO_MEDIA_LIMITS;
  private readonly phones = new Map<string, SimulatedText[]>();
  private readonly failures = new Map<string, Failure>();
  private readonly statusListeners: ((update: StatusUpdate) => void)[] = [];
  private counter = 0;

  mediaRefusal(_to: string): string | null {
    return null;
  }

  onStatus(listener: (update: StatusUpdate) => void): void {
    this.statusListeners.push(listener);
  }

  /** Makes texts to `phone` fail, until cleared with null. */
  setFailure(phone: string, failure: SimulatedFailure | null): void {
    if (failure === null) this.failures.delete(phone);
    else this.failures.set(phone, SIMULATED_FAILURES[failure]);
  }

  /** What a simulated phone has received from the business, oldest first. */
  received(phone: string): readonly SimulatedText[] {
    return this.thread(phone).filter((text) => text.direction === 'received');
  }

  /** A simulated phone's texts with the business, both ways, oldest first. */
  thread(phone: string): readonly SimulatedText[] {
    return this.phones.get(phone) ?? [];
  }

  /** Notes a text the phone sent to the business, for its thread. */
  recordSent(text: Omit<SimulatedText, 'direction' | 'at'>): void {
    this.append({ ...text, direction: 'sent', at: new Date().toISOString() });
  }

  private append(text: SimulatedText): void {
    const phone = text.direction === 'sent' ? text.from : text.to;
    this.phones.set(phone, [...this.thread(phone), text]);
  }

  send(text: OutboundText): Promise<SendResult> {
    const failure = this.failures.get(text.to);
    if (failure?.when === 'send') {
      return Promise.resolve({
        ok: false,
        code: failure.code,
        message: failure.message,
        optedOut: failure.optedOut,
      });
    }
    this.counter += 1;
    const carrierId = `SM${Date.now().toString(36)}${this.counter.toString(36).padStart(6, '0')}`;
    // Receipts arrive later, as a carrier's callbacks would.
    setImmediate(() => {
      if (failure !== undefined) {
        this.report({
          carrierId,
          messageId: text.messageId,
          status: 'undelivered',
          errorCode: failure.code,
          errorMessage: failure.message,
        });
        return;
      }
      const delivered: SimulatedText = {
        carrierId,
        direction: 'received',
        from: text.from,
        to: text.to,
        body: text.body,
        media: (text.media ?? []).map(({ url, type, filename }) => ({ url, type, filename })),
        at: new Date().toISOString(),
      };
      this.append(delivered);
      this.report({ carrierId, messageId: text.messageId, status: 'delivered' });
      this.emit('text', delivered);
    });
    return Promise.resolve({ ok: true, carrierId });
  }

  private report(update: StatusUpdate): void {
    for (const listener of this.statusListeners) listener(update);
  }
}
