import { isTimeZone, quietHoursDecision } from '../../shared/consent';
import { quietHoursOf } from './accountProfile';
import { appendChanges } from './changes';
import { DueWork } from './dueWork';
import type { ServerContext } from './context';
import { sendQueued } from './outbound';
import { zonesOfNumber } from './numberZones';
import { messageSnapshot } from './records';

const PER_RUN = 50;

/**
 * The zone quiet hours fall back to when neither the contact nor the number
 * says: the main zone of the account's country.
 */
const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  IN: 'Asia/Kolkata',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
};

/**
 * A number whose range spans zones further apart than this (a toll-free
 * number, a whole country) says nothing useful about where its owner is.
 */
const MAX_NUMBER_SPREAD_MINUTES = 3 * 60;

/** Minutes east of UTC in `zone` at `at`. */
function utcOffsetMinutes(zone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The zones a number's range is in, when they are close enough to go by. */
function zonesFromNumber(phone: string, at: Date): readonly string[] {
  const zones = zonesOfNumber(phone).filter(isTimeZone);
  if (zones.length === 0) return [];
  const offsets = zones.map((zone) => utcOffsetMinutes(zone, at));
  return Math.max(...offsets) - Math.min(...offsets) <= MAX_NUMBER_SPREAD_MINUTES ? zones : [];
}

/**
 * The zones quiet hours are read in, first that applies: the contact's own
 * zone (a person set it); the zones of the number's area code (all of them
 * when it spans a zone line); the account's zone, for numbers that do not
 * say; the account country's main zone; UTC.
 */
export function quietHoursZones(input: {
  readonly contactZone: string | null;
  readonly phone: string;
  readonly accountZone: string | null;
  readonly country: string;
  readonly at: Date;
}): readonly string[] {
  if (input.contactZone !== null && isTimeZone(input.contactZone)) return [input.contactZone];
  const fromNumber = zonesFromNumber(input.phone, input.at);
  if (fromNumber.length > 0) return fromNumber;
  for (const zone of [input.accountZone, COUNTRY_ZONES[input.country]]) {
    if (zone !== null && zone !== undefined && isTimeZone(zone)) return [zone];
  }
  return ['UTC'];
}

/**
 * Sends scheduled texts when they are due. A text due outside the account's
 * window in the recipient's zone (8am–9pm every day unless an admin set
 * another) waits for it to open, unless the customer texted in the last 24
 * hours; the new time is published so the desktops show it. A due text is queued and goes through the send gate
 * like any other, so a STOP in the meantime still stops it.
 */
export class ScheduledSender {
  readonly #context: ServerContext;
  readonly #job: DueWork;

  constructor(context: ServerContext, onError: (error: unknown) => void) {
    this.#context = context;
    this.#job = new DueWork({
      run: () => this.runDue(),
      nextDue: async () => {
        const next = await context.db
          .selectFrom('messages')
          .select('send_at')
          .where('status', '=', 'scheduled')
          .orderBy('send_at')
          .limit(1)
          .executeTakeFirst();
        return next?.send_at ?? null;
      },
      now: context.now,
      onError,
    });
  }

  /** Looks for due texts soon; called at start and whenever a text is scheduled. */
  kick(): void {
    this.#job.kick();
  }

  idle(): Promise<void> {
    return this.#job.idle();
  }

  close(): Promise<void> {
    return this.#job.close();
  }

  /** Handles every text due now; later ones wait for their time. */
  async runDue(): Promise<void> {
    const { db } = this.#context;
    for (;;) {
      const now = this.#context.now();
      const due = await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .innerJoin('accounts', 'accounts.id', 'messages.account_id')
        .select([
          'messages.id',
          'messages.send_at',
          'messages.conversation_id',
          'contacts.time_zone as contactZone',
          'contacts.phone',
          'accounts.time_zone as accountZone',
          'accounts.default_country as country',
          'accounts.quiet_hours',
        ])
        .where('messages.status', '=', 'scheduled')
        .where('messages.send_at', '<=', now.toISOString())
        .orderBy('messages.send_at')
        .limit(PER_RUN)
        .execute();
      if (due.length === 0) break;
      const ready: string[] = [];
      for (const message of due) {
        const last = await db
          .selectFrom('messages')
          .select('created_at')
          .where('conversation_id', '=', message.conversation_id)
          .where('direction', '=', 'inbound')
          .orderBy('created_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        const decision = quietHoursDecision({
          zone: quietHoursZones({ ...message, at: now }),
          at: now,
          lastInboundAt: last === undefined ? null : new Date(last.created_at),
          hours: quietHoursOf(message.quiet_hours),
        });
        const moved = await this.#move(
          message.id,
          message.send_at,
          decision.allowed
            ? { status: 'queued' }
            : { status: 'scheduled', send_at: decision.until.toISOString() },
        );
        if (moved && decision.allowed) ready.push(message.id);
      }
      if (ready.length > 0) await sendQueued(this.#context, ready);
    }
  }

  /** Changes a scheduled text if it is still as read (another server may have taken it). */
  async #move(
    id: string,
    sendAt: string | null,
    fields: { status: 'queued' } | { status: 'scheduled'; send_at: string },
  ): Promise<boolean> {
    const { db } = this.#context;
    const at = this.#context.now().toISOString();
    const outcome = await db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('messages')
        .set({ ...fields, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'scheduled')
        .where('send_at', '=', sendAt)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return null;
      const changes = await appendChanges(
        trx,
        row.account_id,
        [{ type: 'message.updated', data: messageSnapshot(row) }],
        at,
      );
      return { accountId: row.account_id, changes };
    });
    if (outcome === null) return false;
    this.#context.publish(outcome.accountId, outcome.changes);
    return true;
  }
}
