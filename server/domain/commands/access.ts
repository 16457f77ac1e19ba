import { ok } from '../../../shared/result';
import { apiKeyView, newApiKey } from '../../auth/apiKeys';
import { endSessions } from '../../auth/sessions';
import { lockAccount, refuse, type Handler } from './scope';

/**
 * Who may reach the account: admins end people's sessions and create and
 * revoke integrations' API keys (COMMAND_ROLES). None of it is in the
 * change log, which every desktop of the account reads; admins read the
 * lists over REST (GET /api/v1/users/:id/sessions, GET /api/v1/api-keys).
 */

/** Ends a session, or all of a person's: revoked now, their desktops disconnected once committed. */
export const sessionEnd: Handler<'session.end'> = async (scope, command) => {
  let sessions = scope.trx
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select('sessions.id')
    .where('users.account_id', '=', scope.accountId);
  if (command.sessionId !== undefined) {
    sessions = sessions.where('sessions.id', '=', command.sessionId);
  } else {
    const person = await scope.trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', command.userId ?? '')
      .where('account_id', '=', scope.accountId)
      .executeTakeFirst();
    if (person === undefined)
      return refuse('not-found', 'There is no such person in this account.');
    sessions = sessions.where('users.id', '=', person.id);
  }
  const found = await sessions.execute();
  if (command.sessionId !== undefined && found.length === 0) {
    return refuse('not-found', 'There is no such session in this account.');
  }
  const ended = await endSessions(
    scope.trx,
    { sessionIds: found.map((session) => session.id) },
    'ended-by-admin',
    new Date(scope.at),
  );
  scope.cuts.sessionIds.push(...ended);
  return ok({ ended });
};

export const apiKeyCreate: Handler<'apiKey.create'> = async (scope, command) => {
  // Names tell keys apart in the request log: one key of a name at a time.
  await lockAccount(scope);
  const taken = await scope.trx
    .selectFrom('api_keys')
    .select('id')
    .where('account_id', '=', scope.accountId)
    .where('name', '=', command.name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (taken !== undefined) {
    return refuse(
      'conflict',
      `There is already an API key named “${command.name}”. Revoke it first, or choose another name.`,
    );
  }
  const { row, secret } = newApiKey({
    accountId: scope.accountId,
    name: command.name,
    scope: command.scope,
    createdBy: scope.user.id,
    at: scope.at,
  });
  await scope.trx.insertInto('api_keys').values(row).execute();
  return ok({ apiKey: apiKeyView(row), secret });
};

/** Revokes a key: its next request is a 401. Revoking it again changes nothing. */
export const apiKeyRevoke: Handler<'apiKey.revoke'> = async (scope, command) => {
  const key = await scope.trx
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', command.apiKeyId)
    .where('account_id', '=', scope.accountId)
    .executeTakeFirst();
  if (key === undefined) return refuse('not-found', 'There is no such API key in this account.');
  if (key.revoked_at !== null) return ok({ apiKey: apiKeyView(key) });
  const revoked = { ...key, revoked_at: scope.at, revoked_by: scope.user.id };
  await scope.trx
    .updateTable('api_keys')
    .set({ revoked_at: revoked.revoked_at, revoked_by: revoked.revoked_by })
    .where('id', '=', key.id)
    .execute();
  return ok({ apiKey: apiKeyView(revoked) });
};
