/** The opt-out webhook and the account's time zone: GET/PUT /api/v1/settings/… */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { isTimeZone } from '../../shared/consent';
import type { Database } from '../db/schema';
import { runCommand } from '../domain/commands';
import type { ServerContext } from '../domain/context';
import { isStandardSecret, newWebhookSecret } from '../domain/webhooks';
import { checkWebhookUrl, type UrlPolicy } from '../net/webhookUrl';
import { userOf, withRole } from './auth';
import { HttpError } from './errors';
import { BODY_LIMITS } from './limits';
import type { AreaOptions } from './types';

const WebhookSchema = z.union([
  z.strictObject({
    url: z.url({ protocol: /^https?$/u, error: 'url must be a full https:// address.' }).max(2000),
    /**
     * A Standard Webhooks secret (whsec_ and base64 of 16 or more bytes), or
     * any text of 16 characters or more as before. Left out: keep the one
     * set, or, when there is none, the server makes one and answers it once.
     */
    secret: z
      .string()
      .min(16, 'secret must be at least 16 characters.')
      .max(200)
      .refine(
        (secret) => !secret.startsWith('whsec_') || isStandardSecret(secret),
        'A whsec_ secret is whsec_ followed by base64 of at least 16 bytes.',
      )
      .optional(),
    /** True: replace the secret with a new one the server makes, answered once. */
    newSecret: z.boolean().optional(),
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

const DeliveryViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  body: z.unknown(),
  createdAt: z.string(),
  attempts: z.number(),
  state: z.enum(['delivered', 'gave-up', 'retrying']),
  deliveredAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
});
type DeliveryView = z.infer<typeof DeliveryViewSchema>;

const WebhookViewSchema = z.object({
  url: z.string().nullable(),
  hasSecret: z.boolean(),
  secretHint: z.string().nullable(),
});

const SavedWebhookSchema = WebhookViewSchema.extend({
  /** The secret the server just made, shown this once; null when it kept or was given one. */
  secret: z.string().nullable(),
});

const deliveryView = (delivery: Delivery): DeliveryView => ({
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

const TimeZoneSchema = z.strictObject({
  /** IANA, e.g. America/Chicago; null for the main zone of the account's country. */
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'timeZone must be a time zone such as America/Chicago.')
    .nullable(),
});

/** `?limit=`: 1 to MAX_LOG_SIZE, MAX_LOG_SIZE when left out. */
const DeliveriesQuerySchema = z
  .object({ limit: z.string().optional() })
  .transform(({ limit: asked }, check) => {
    const limit = asked === undefined ? MAX_LOG_SIZE : Number(asked);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_SIZE) {
      check.addIssue({
        code: 'custom',
        message: `limit must be a whole number from 1 to ${String(MAX_LOG_SIZE)}.`,
      });
      return z.NEVER;
    }
    return { limit };
  });

/** Stores the webhook's address and secret; answers what is set now. */
async function saveWebhook(
  context: ServerContext,
  accountId: string,
  input: z.output<typeof WebhookSchema>,
): Promise<{ secret: string | null; made: string | null }> {
  return context.db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .select('optout_webhook_secret')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (input.url === null) {
      await trx
        .updateTable('accounts')
        .set({ optout_webhook_url: null, optout_webhook_secret: null })
        .where('id', '=', accountId)
        .execute();
      return { secret: null, made: null };
    }
    const made =
      input.secret === undefined &&
      (input.newSecret === true || account.optout_webhook_secret === null)
        ? newWebhookSecret()
        : null;
    const kept = made ?? input.secret ?? account.optout_webhook_secret;
    await trx
      .updateTable('accounts')
      .set({ optout_webhook_url: input.url, optout_webhook_secret: kept })
      .where('id', '=', accountId)
      .execute();
    return { secret: kept, made };
  });
}

export interface SettingsAreaOptions extends AreaOptions {
  readonly webhookPolicy: UrlPolicy;
}

export const settingsArea: FastifyPluginAsyncZod<SettingsAreaOptions> = (
  app,
  { context, webhookPolicy },
) => {
  const readers = withRole(context, ['supervisor', 'admin'], 'read the webhook log');

  /**
   * GET /api/v1/settings/optout-webhook (supervisors and admins): where
   * opt-outs are sent, and the delivery log. The secret is never shown again.
   */
  app.get(
    '/api/v1/settings/optout-webhook',
    {
      onRequest: readers,
      schema: {
        response: {
          200: WebhookViewSchema.extend({ deliveries: z.array(DeliveryViewSchema) }),
        },
      },
    },
    async (request) => {
      const { accountId } = userOf(request);
      const [account, deliveries] = await Promise.all([
        context.db
          .selectFrom('accounts')
          .select(['optout_webhook_url', 'optout_webhook_secret'])
          .where('id', '=', accountId)
          .executeTakeFirstOrThrow(),
        newestDeliveries(context, accountId, LOG_SIZE),
      ]);
      return {
        url: account.optout_webhook_url,
        hasSecret: account.optout_webhook_secret !== null,
        secretHint: secretHint(account.optout_webhook_secret),
        deliveries: deliveries.map(deliveryView),
      };
    },
  );

  /**
   * GET /api/v1/settings/optout-webhook/deliveries?limit=200 (supervisors and
   * admins): the delivery log alone, newest first, at most 200.
   */
  app.get(
    '/api/v1/settings/optout-webhook/deliveries',
    {
      onRequest: readers,
      schema: {
        querystring: DeliveriesQuerySchema,
        response: { 200: z.object({ deliveries: z.array(DeliveryViewSchema) }) },
      },
    },
    async (request) => {
      const { accountId } = userOf(request);
      const deliveries = await newestDeliveries(context, accountId, request.query.limit);
      return { deliveries: deliveries.map(deliveryView) };
    },
  );

  /**
   * PUT /api/v1/settings/optout-webhook {url, secret} (admins), {url} to move
   * the address and keep the secret, or {url: null} to stop sending. Opt-outs
   * from then on are sent to the new address.
   */
  app.put(
    '/api/v1/settings/optout-webhook',
    {
      onRequest: withRole(context, ['admin'], 'set the opt-out webhook'),
      bodyLimit: BODY_LIMITS.small,
      schema: { body: WebhookSchema, response: { 200: SavedWebhookSchema } },
    },
    async (request) => {
      const input = request.body;
      if (input.url !== null) {
        // Checked now, and again before every delivery: what a name resolves to can change.
        const checked = await checkWebhookUrl(input.url, webhookPolicy, {
          unresolvedIs: 'accepted',
        });
        if (!checked.ok) throw new HttpError(422, 'unsafe-url', checked.error);
      }
      const { secret, made } = await saveWebhook(context, userOf(request).accountId, input);
      return {
        url: input.url,
        hasSecret: secret !== null,
        secretHint: secretHint(secret),
        secret: made,
      };
    },
  );

  /**
   * PUT /api/v1/settings/time-zone {timeZone} (admins): the zone quiet hours
   * are read in for contacts without one of their own.
   */
  app.put(
    '/api/v1/settings/time-zone',
    {
      onRequest: withRole(context, ['admin'], 'change the account’s time zone'),
      bodyLimit: BODY_LIMITS.small,
      schema: { body: TimeZoneSchema, response: { 200: TimeZoneSchema } },
    },
    async (request) => {
      const { timeZone } = request.body;
      // The same command as the Settings screen's, so desktops hear of it (account.updated).
      const run = await runCommand(
        context,
        userOf(request),
        null,
        { type: 'account.update', timeZone },
        'api',
      );
      if (!run.result.ok) {
        throw new HttpError(
          run.result.error.code === 'not-allowed' ? 403 : 422,
          run.result.error.code,
          run.result.error.message,
        );
      }
      return { timeZone };
    },
  );
  return Promise.resolve();
};
