/** What the REST routes share when they run the app's commands. */
import type { FastifyRequest } from 'fastify';
import { isCountryCode } from '../../shared/phone';
import {
  IdempotencyKeySchema,
  type CommandError,
  type CommandErrorCode,
} from '../../shared/protocol/commands';
import type { SessionUser } from '../auth/sessions';
import type { ServerContext } from '../domain/context';
import { HttpError } from './errors';

/** How a refused command is answered over HTTP. */
const STATUS: Readonly<Record<CommandErrorCode, number>> = {
  'invalid-input': 422,
  'note-required': 422,
  'not-found': 404,
  'not-allowed': 403,
  'unblock-first': 409,
  blocked: 409,
  'opted-out': 409,
  conflict: 409,
  'key-reused': 409,
  internal: 500,
};

export const refused = (error: CommandError): HttpError =>
  new HttpError(STATUS[error.code], error.code, error.message);

/** The request's idempotency key: from the body when it has one, else the Idempotency-Key header. */
export function keyFrom(request: FastifyRequest, inBody?: string): string | null {
  const header = request.headers['idempotency-key'];
  const key = inBody ?? (typeof header === 'string' ? header : undefined);
  if (key === undefined) return null;
  const parsed = IdempotencyKeySchema.safeParse(key);
  if (!parsed.success) {
    throw new HttpError(422, 'invalid-input', parsed.error.issues[0]?.message ?? 'Bad key.');
  }
  return parsed.data;
}

/** How the account reads numbers written without a country code. */
export async function accountCountry(context: ServerContext, user: SessionUser) {
  const account = await context.db
    .selectFrom('accounts')
    .select('default_country')
    .where('id', '=', user.accountId)
    .executeTakeFirstOrThrow();
  return isCountryCode(account.default_country) ? account.default_country : context.defaultCountry;
}
