import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isTimeZone } from '../../shared/consent';
import type { ServerContext } from '../domain/context';
import { requireRole } from './auth';
import { readJson, sendJson } from './io';

const WebhookSchema = z.union([
  z.strictObject({
    url: z
      .url({ protocol: /^https?$/u, error: 'url must be a full http:// or https:// address.' })
      .max(2000),
    secret: z
      .string({ error: 'secret is required: the key the receiver checks signatures with.' })
      .min(16, 'secret must be at least 16 characters.')
      .max(200),
  }),
  z.strictObject({ url: z.null() }),
]);

/** How many deliveries the log shows, newest first. */
const LOG_SIZE = 100;

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
    context.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('account_id', '=', user.accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(LOG_SIZE)
      .execute(),
  ]);
  sendJson(response, 200, {
    url: account.optout_webhook_url,
    hasSecret: account.optout_webhook_secret !== null,
    deliveries: deliveries.map((delivery) => ({
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
    })),
  });
}

/**
 * PUT /api/v1/settings/optout-webhook {url, secret} (admins), or {url: null}
 * to stop sending. Opt-outs from then on are sent to the new address.
 */
export async function putOptOutWebhook(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireRole(context, request, ['admin'], 'set the opt-out webhook');
  const input = await readJson(request, WebhookSchema);
  await context.db
    .updateTable('accounts')
    .set(
      input.url === null
        ? { optout_webhook_url: null, optout_webhook_secret: null }
        : { optout_webhook_url: input.url, optout_webhook_secret: input.secret },
    )
    .where('id', '=', user.accountId)
    .execute();
  sendJson(response, 200, { url: input.url, hasSecret: input.url !== null });
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
  await context.db
    .updateTable('accounts')
    .set({ time_zone: timeZone })
    .where('id', '=', user.accountId)
    .execute();
  sendJson(response, 200, { timeZone });
}
