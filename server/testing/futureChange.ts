import type { Change, PendingChange } from '../../shared/protocol/entities';
import type { RunningServer } from '../app';
import { appendChanges } from '../domain/changes';

/** A change type no desktop of this version knows, as a newer server might log one. */
export const FUTURE_CHANGE_TYPE = 'conversation.pinned';

/**
 * Logs a change of FUTURE_CHANGE_TYPE in the account's change log (the
 * server's first account unless named), as a newer server would, and
 * pushes it to the account's desktops. Gives its sequence number.
 */
export async function logFutureChange(server: RunningServer, accountId?: string): Promise<number> {
  const { db } = server.context;
  const account =
    accountId ??
    (await db.selectFrom('accounts').select('id').orderBy('created_at').executeTakeFirstOrThrow())
      .id;
  const future = {
    type: FUTURE_CHANGE_TYPE,
    data: { id: 'pin-1', conversationId: 'c-1', pinnedBy: 'someone' },
  } as unknown as PendingChange;
  const logged: Change[] = await db
    .transaction()
    .execute((trx) => appendChanges(trx, account, [future], new Date().toISOString()));
  server.context.publish(account, logged);
  const [change] = logged;
  if (change === undefined) throw new Error('The change was not logged.');
  return change.seq;
}
