import type { Kysely } from 'kysely';
import { createHmac } from 'node:crypto';
import type { Database } from '../db/schema';
import { DueWork } from './dueWork';

/** A delivery is retried for this long after the opt-out, then given up. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** The first retry waits this long; each later one twice as long, up to an hour. */
const FIRST_RETRY_MS = 30 * 1000;
const LONGEST_RETRY_MS = 60 * 60 * 1000;
/** How long a server may hold a delivery it claimed before another may try it. */
const CLAIM_MS = 60 * 1000;
const REQUEST_TIMEOUT_MS = 10 * 1000;
const PER_RUN = 20;

/** `sha256=<hex>`: the HMAC-SHA256 of the exact body, keyed with the account's secret. */
export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The wait before attempt n+1, after n failed attempts. */
export const retryDelay = (attempts: number): number =>
  Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);

export interface WebhookSenderOptions {
  readonly db: Kysely<Database>;
  readonly now: () => Date;
  /** Defaults to the global fetch; tests may pass their own. */
  readonly fetch?: typeof fetch;
  readonly onError?: (error: unknown) => void;
}

/**
 * Delivers the opt-out webhook (R10) from the outbox the consent writes fill.
 * Each due delivery is claimed first (so two servers never both send it),
 * POSTed with `X-Textdesk-Signature`, and on failure retried with
 * exponential backoff until 24 hours after the opt-out. Every attempt's
 * outcome stays in the row, for the delivery log supervisors read.
 */
export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #job: DueWork;

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
    this.#job = new DueWork({
      run: () => this.runDue(),
      nextDue: async () => {
        const row = await options.db
          .selectFrom('webhook_deliveries')
          .select('next_attempt_at')
          .where('next_attempt_at', 'is not', null)
          .orderBy('next_attempt_at')
          .limit(1)
          .executeTakeFirst();
        return row?.next_attempt_at ?? null;
      },
      now: options.now,
      onError: (error) => options.onError?.(error),
    });
  }

  /** Sends what is due now, soon; called after a commit that queued opt-outs, and at start. */
  kick(): void {
    this.#job.kick();
  }

  /** Resolves once the current run, if any, has finished. */
  idle(): Promise<void> {
    return this.#job.idle();
  }

  close(): Promise<void> {
    return this.#job.close();
  }

  /** Attempts every delivery due now; retries wait for their time. */
  async runDue(): Promise<void> {
    const { db } = this.#options;
    for (;;) {
      const now = this.#options.now();
      const due = await db
        .selectFrom('webhook_deliveries')
        .innerJoin('accounts', 'accounts.id', 'webhook_deliveries.account_id')
        .select([
          'webhook_deliveries.id',
          'webhook_deliveries.url',
          'webhook_deliveries.body',
          'webhook_deliveries.attempts',
          'webhook_deliveries.created_at',
          'webhook_deliveries.next_attempt_at',
          'accounts.optout_webhook_secret as secret',
        ])
        .where('webhook_deliveries.next_attempt_at', '<=', now.toISOString())
        .orderBy('webhook_deliveries.next_attempt_at')
        .limit(PER_RUN)
        .execute();
      if (due.length === 0) break;
      for (const delivery of due) await this.#attempt(delivery, now);
    }
  }

  async #attempt(
    delivery: {
      id: string;
      url: string;
      body: string;
      attempts: number;
      created_at: string;
      next_attempt_at: string | null;
      secret: string | null;
    },
    now: Date,
  ): Promise<void> {
    const { db } = this.#options;
    // Claim it: only the server whose update lands sends it.
    const claimed = await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: new Date(now.getTime() + CLAIM_MS).toISOString() })
      .where('id', '=', delivery.id)
      .where('next_attempt_at', '=', delivery.next_attempt_at)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return;

    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await (this.#options.fetch ?? fetch)(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Textdesk-Webhook/1',
          ...(delivery.secret !== null && {
            'X-Textdesk-Signature': signature(delivery.secret, delivery.body),
          }),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `The receiver answered ${String(response.status)}.`;
    } catch (caught) {
      error =
        caught instanceof Error && caught.name === 'TimeoutError'
          ? `No answer within ${String(REQUEST_TIMEOUT_MS / 1000)} seconds.`
          : `Could not reach the receiver: ${caught instanceof Error ? caught.message : String(caught)}`;
    }

    const attempts = delivery.attempts + 1;
    const at = this.#options.now();
    if (error === null) {
      await db
        .updateTable('webhook_deliveries')
        .set({
          attempts,
          delivered_at: at.toISOString(),
          next_attempt_at: null,
          last_status: status,
          last_error: null,
        })
        .where('id', '=', delivery.id)
        .execute();
      return;
    }
    const next = at.getTime() + retryDelay(attempts);
    const giveUp = next > Date.parse(delivery.created_at) + GIVE_UP_AFTER_MS;
    await db
      .updateTable('webhook_deliveries')
      .set({
        attempts,
        next_attempt_at: giveUp ? null : new Date(next).toISOString(),
        gave_up_at: giveUp ? at.toISOString() : null,
        last_status: status,
        last_error: error,
      })
      .where('id', '=', delivery.id)
      .execute();
  }
}
