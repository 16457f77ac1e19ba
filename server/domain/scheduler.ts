import { quietHoursDecision, quietHoursZones as zonesFor } from '../../shared/consent';
import { quietHoursOf } from './accountProfile';
import { appendChanges } from './changes';
import { DueWork } from './dueWork';
import type { ServerContext } from './context';
import { sendQueued } from './outbound';
import { zonesOfNumber } from './numberZones';
import { messageSnapshot } from './records';

const PER_RUN = 50;

/**
 * The zones quiet hours are read in for a contact (see the shared rule in
 * shared/consent/zones.ts), with the zones of the number's area code.
 */
export function quietHoursZones(input: {
  readonly contactZone: string | null;
  readonly phone: string;
  readonly accountZone: string | null;
  readonly country: string;
  readonly at: Date;
}): readonly string[] {
  const { phone, ...rest } = input;
  return zonesFor({ ...rest, numberZones: zonesOfNumber(phone) });
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
