import { z } from 'zod';
import type { WebhookDelivery, WebhookView } from '../../../shared/ipc/manage';
import { Refusal } from '../refusal';

/**
 * The opt-out webhook's settings and delivery log live on the server only
 * (the secret must never reach a desktop's cache), so the desktop asks the
 * server's REST API for them with the session's token.
 */

export interface ServerSession {
  readonly serverUrl: string;
  readonly token: string;
}

const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const DeliverySchema = z.object({
  createdAt: z.string(),
  attempts: z.number(),
  state: z.enum(['delivered', 'retrying', 'gave-up']),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  body: z.object({ unsubscribed_number: z.string(), source: z.string() }).partial(),
});

const SettingsSchema = z.object({
  url: z.string().nullable(),
  hasSecret: z.boolean(),
  /** Servers before the hint existed do not send it. */
  secretHint: z.string().nullable().optional(),
  deliveries: z.array(DeliverySchema),
});

const DeliveriesSchema = z.object({ deliveries: z.array(DeliverySchema) });

const PATH = '/api/v1/settings/optout-webhook';

/**
 * One REST call: the parsed answer, or a Refusal with the server's own
 * sentence; `what` names the answer when it does not make sense.
 */
export async function call<S extends z.ZodType>(
  session: ServerSession,
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  schema: S,
  body?: unknown,
  what = 'the webhook',
): Promise<{ status: number; value: z.output<S> | null }> {
  let response: Response;
  try {
    response = await fetch(new URL(path, session.serverUrl), {
      method,
      headers: {
        Authorization: `Bearer ${session.token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new Refusal(
      'unreachable',
      'Could not reach the server. Check your connection and try again.',
    );
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // An older server without the route: the caller decides what to do.
    if (response.status === 404) return { status: 404, value: null };
    const error = ErrorSchema.safeParse(json);
    throw new Refusal(
      error.success ? error.data.error.code : 'server-error',
      error.success ? error.data.error.message : `The server answered ${String(response.status)}.`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new Refusal('server-error', `The server’s answer about ${what} did not make sense.`);
  }
  return { status: response.status, value: parsed.data };
}

function delivery(row: z.output<typeof DeliverySchema>): WebhookDelivery {
  return {
    at: row.createdAt,
    status:
      row.state === 'delivered' ? 'delivered' : row.state === 'gave-up' ? 'failed' : 'pending',
    attempts: row.attempts,
    httpStatus: row.lastStatus,
    number: row.body.unsubscribed_number ?? '',
    source: row.body.source ?? '',
    error: row.lastError,
  };
}

/** The webhook's address, which secret is set, and the newest 200 deliveries. */
export async function readWebhook(
  session: ServerSession,
): Promise<WebhookView & { readonly hasSecret: boolean }> {
  const settings = await call(session, 'GET', PATH, SettingsSchema);
  if (settings.value === null) {
    throw new Refusal('server-error', 'This server has no opt-out webhook settings.');
  }
  const log = await call(session, 'GET', `${PATH}/deliveries?limit=200`, DeliveriesSchema);
  // A server before the log had its own route gives its newest 100 with the settings.
  const deliveries = log.value?.deliveries ?? settings.value.deliveries;
  return {
    url: settings.value.url,
    hasSecret: settings.value.hasSecret,
    secretHint: settings.value.secretHint ?? null,
    deliveries: deliveries.map(delivery),
  };
}

/** Sets the address (null: off) and, when given, a new secret; without one the server keeps its own. */
export async function writeWebhook(
  session: ServerSession,
  settings: { readonly url: string | null; readonly secret?: string },
): Promise<void> {
  const body =
    settings.url === null
      ? { url: null }
      : { url: settings.url, ...(settings.secret !== undefined && { secret: settings.secret }) };
  const answer = await call(session, 'PUT', PATH, z.unknown(), body);
  if (answer.value === null) {
    throw new Refusal('server-error', 'This server has no opt-out webhook settings.');
  }
}
