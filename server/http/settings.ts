import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isTimeZone } from '../../shared/consent';
import { runCommand } from '../domain/commands';
import type { ServerContext } from '../domain/context';
import type { Database } from '../db/schema';
import type { Selectable } from 'kysely';
import { requireRole } from './auth';
import { HttpError, readJson, sendJson } from './io';

const WebhookSchema = z.union([
  z.strictObject({
    url: z
      .url({ protocol: /^https?$/u, error: 'url must be a full http:// or https:// address.' })
      .max(2000),
    /** Left out: keep the secret already set (there must be one). */
    secret: z.string().min(16, 'secret must be at least 16 characters.').max(200).optional(),
  }),
  z.strictObject({ url: z.null() }),
]);

/** How many deliveries the settings show, newest first. */
const LOG_SIZE = 100;
/** The most the delivery log answers with at once. */
const MAX_LOG_SIZE = 200;

/** Enough of the secret for an admin to tell which one is set, never enough to sign with. */
const secretHint = (secret: string | null): string | null =>
  secret === null ? null : `…${secret.slice(-4)}`;

type Delivery = Selectable<Database['webhook_deliveries']>;

const deliveryView = (delivery: Delivery) => ({
  id: delivery.id,
  url: delivery.url,
  body: JSON.parse(delivery.body) as unknown,
  createdAt: delivery.created_at,
  attempts: delivery.attempts,
  state:
    delivery.delivered_at !== null
      ? 'delivered'
      : delivery.gave_up_at !== null
        ? 'gave-up'
        : 'retrying',
  deliveredAt: delivery.delivered_at,
  nextAttemptAt: delivery.next_attempt_at,
  lastStatus: delivery.last_status,
  lastError: delivery.last_error,
});

const newestDeliveries = (context: ServerContext, accountId: string, limit: number) =>
  context.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

/**
 * GET /api/v1/settings/optout-webhook (supervisors and admins): where
 * opt-outs are sent, and the delivery log. The secret is never shown again.
 */
export async function getOptOutWebhook(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireRole(context, request, ['supervisor', 'admin'], 'read the webhook log');
  const [account, deliveries] = await Promise.all([
    context.db
      .selectFrom('accounts')
      .select(['optout_webhook_url', 'optout_webhook_secret'])
      .where('id', '=', user.accountId)
      .executeTakeFirstOrThrow(),
    newestDeliveries(context, user.accountId, LOG_SIZE),
  ]);
  sendJson(response, 200, {
    url: account.optout_webhook_url,
    hasSecret: account.optout_webhook_secret !== null,
    secretHint: secretHint(account.optout_webhook_secret),
    deliveries: deliveries.map(deliveryView),
  });
}

/**
 * GET /api/v1/settings/optout-webhook/deliveries?limit=200 (supervisors and
 * admins): the delivery log alone, newest first, at most 200.
 */
export async function getOptOutWebhookDeliveries(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireRole(context, request, ['supervisor', 'admin'], 'read the webhook log');
  const asked = new URL(request.url ?? '/', 'http://localhost').searchParams.get('limit');
  const limit = asked === null ? MAX_LOG_SIZE : Number(asked);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_SIZE) {
    throw new HttpError(
      422,
      'invalid-input',
      `limit must be a whole number from 1 to ${String(MAX_LOG_SIZE)}.`,
    );
  }
  const deliveries = await newestDeliveries(context, user.accountId, limit);
  sendJson(response, 200, { deliveries: deliveries.map(deliveryView) });
}

/**
 * PUT /api/v1/settings/optout-webhook {url, secret} (admins), {url} to move
 * the address and keep the secret, or {url: null} to stop sending. Opt-outs
 * from then on are sent to the new address.
 */
export async function putOptOutWebhook(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireRole(context, request, ['admin'], 'set the opt-out webhook');
  const input = await readJson(request, WebhookSchema);
  const secret = await context.db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .select('optout_webhook_secret')
      .where('id', '=', user.accountId)
      .executeTakeFirstOrThrow();
    if (input.url === null) {
      await trx
        .updateTable('accounts')
        .set({ optout_webhook_url: null, optout_webhook_secret: null })
        .where('id', '=', user.accountId)
        .execute();
      return null;
    }
    const kept = input.secret ?? account.optout_webhook_secret;
    if (kept === null) {
      throw new HttpError(
        422,
        'invalid-input',
        'secret is required: the key the receiver checks signatures with (at least 16 characters).',
      );
    }
    await trx
      .updateTable('accounts')
      .set({ optout_webhook_url: input.url, optout_webhook_secret: kept })
      .where('id', '=', user.accountId)
      .execute();
    return kept;
  });
  sendJson(response, 200, {
    url: input.url,
    hasSecret: secret !== null,
    secretHint: secretHint(secret),
  });
}

const TimeZoneSchema = z.strictObject({
  /** IANA, e.g. America/Chicago; null for the main zone of the account's country. */
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'timeZone must be a time zone such as America/Chicago.')
    .nullable(),
});

/**
 * PUT /api/v1/settings/time-zone {timeZone} (admins): the zone quiet hours
 * are read in for contacts without one of their own.
 */
export async function putTimeZone(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireRole(context, request, ['admin'], 'change the account’s time zone');
  const { timeZone } = await readJson(request, TimeZoneSchema);
  // The same command as the Settings screen's, so desktops hear of it (account.updated).
  const run = await runCommand(context, user, null, { type: 'account.update', timeZone }, 'api');
  if (!run.result.ok) {
    throw new HttpError(
      run.result.error.code === 'not-allowed' ? 403 : 422,
      run.result.error.code,
      run.result.error.message,
    );
  }
  sendJson(response, 200, { timeZone });
}
