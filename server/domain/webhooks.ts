import type { Kysely } from 'kysely';
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Database } from '../db/schema';
import { deliverWebhook } from '../net/deliver';
import type { UrlPolicy } from '../net/webhookUrl';
import { DueWork } from './dueWork';

/** A delivery is retried for this long after the opt-out, then given up. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** The first retry waits this long; each later one twice as long, up to an hour. */
const FIRST_RETRY_MS = 30 * 1000;
const LONGEST_RETRY_MS = 60 * 60 * 1000;
/** How long a server may hold a delivery it claimed before another may try it. */
const CLAIM_MS = 60 * 1000;
const PER_RUN = 20;

/** Standard Webhooks' secret prefix: the rest is the key, in base64. */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 256 random bits, as Standard Webhooks writes them. */
export const newWebhookSecret = (): string =>
  `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

/** Whether a secret is a well-formed whsec_ secret of at least 128 bits. */
export function isStandardSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const key = secret.slice(SECRET_PREFIX.length);
  return /^[A-Za-z0-9+/]+={0,2}$/u.test(key) && Buffer.from(key, 'base64').length >= 16;
}

/**
 * Any secret as Standard Webhooks writes it. A secret an admin chose before
 * whsec_ secrets (any text of 16 characters or more) signs with its UTF-8
 * bytes as the key: `whsec_` + their base64 is the same key for a
 * receiver's Standard Webhooks library.
 */
export const standardSecret = (secret: string): string =>
  secret.startsWith(SECRET_PREFIX)
    ? secret
    : `${SECRET_PREFIX}${Buffer.from(secret, 'utf8').toString('base64')}`;

/** `sha256=<hex>` of the body: the older X-Textdesk-Signature header, still sent while receivers move. */
export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the same on
 * every retry of a delivery, so receivers can drop duplicates),
 * `webhook-timestamp` (seconds, so receivers can refuse replays) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 */
export function signedHeaders(
  secret: string,
  id: string,
  at: Date,
  body: string,
): Record<string, string> {
  const signer = new Webhook(standardSecret(secret));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, body),
    'X-Textdesk-Signature': signature(secret, body),
  };
}

/** The wait before attempt n+1, after n failed attempts. */
export const retryDelay = (attempts: number): number =>
  Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);

export interface WebhookSenderOptions {
  readonly db: Kysely<Database>;
  readonly now: () => Date;
  /** Where deliveries may go (WEBHOOK_ALLOW_LOOPBACK), checked again before each one. */
  readonly policy: UrlPolicy;
  readonly onError?: (error: unknown) => void;
}

/**
 * Delivers the opt-out webhook (R10) from the outbox the consent writes fill.
 * Each due delivery is claimed first (so two servers never both send it),
 * checked against the address rules again, POSTed signed per Standard
 * Webhooks (and with the older `X-Textdesk-Signature`), and on failure retried with
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

    const outcome = await deliverWebhook(
      delivery.url,
      {
        'Content-Type': 'application/json',
        'User-Agent': 'Textdesk-Webhook/1',
        ...(delivery.secret !== null &&
          signedHeaders(delivery.secret, `msg_${delivery.id}`, this.#options.now(), delivery.body)),
      },
      delivery.body,
      this.#options.policy,
    );
    const status = outcome.status;
    const error = outcome.ok ? null : outcome.error;

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
