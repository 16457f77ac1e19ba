import type { Transaction } from 'kysely';
import { createHash, randomBytes } from 'node:crypto';
import { applyConsentEvent } from '../../shared/consent';
import { forUpdate } from '../db/locks';
import type { Database } from '../db/schema';
import { appendChanges } from './changes';
import { persistConsent } from './consent';
import type { ServerContext } from './context';
import { consentOf, listIdsOf } from './records';

/** What a text says where each recipient's own opt-out link goes (R8). */
export const OPT_OUT_PLACEHOLDER = '{{optout_link}}';

const hashOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The path of a link, under PUBLIC_URL. */
export const optOutPath = (token: string): string => `/u/${token}`;

/**
 * Replaces `{{optout_link}}` in a text about to go to one contact with a
 * link of their own: 256 random bits, not derived from any id, of which only
 * a hash is kept. Runs in the transaction that decides to send the text.
 */
export async function expandOptOutLinks(
  trx: Transaction<Database>,
  text: { accountId: string; contactId: string; body: string; publicUrl: string; at: string },
): Promise<string> {
  if (!text.body.includes(OPT_OUT_PLACEHOLDER)) return text.body;
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('opt_out_tokens')
    .values({
      token_hash: hashOf(token),
      account_id: text.accountId,
      contact_id: text.contactId,
      created_at: text.at,
      used_at: null,
    })
    .execute();
  const url = `${text.publicUrl.replace(/\/+$/u, '')}${optOutPath(token)}`;
  return text.body.replaceAll(OPT_OUT_PLACEHOLDER, url);
}

export interface OptOutLink {
  readonly businessName: string;
  /** True when the contact is opted out already (by this link or otherwise). */
  readonly optedOut: boolean;
}

/** What a link's page shows; null for a token that was never issued. Changes nothing. */
export async function readOptOutLink(
  context: ServerContext,
  token: string,
): Promise<OptOutLink | null> {
  if (!/^[\w-]{20,100}$/u.test(token)) return null;
  const row = await context.db
    .selectFrom('opt_out_tokens')
    .innerJoin('contacts', 'contacts.id', 'opt_out_tokens.contact_id')
    .innerJoin('accounts', 'accounts.id', 'opt_out_tokens.account_id')
    .select(['accounts.name', 'contacts.opted_in'])
    .where('opt_out_tokens.token_hash', '=', hashOf(token))
    .executeTakeFirst();
  return row === undefined ? null : { businessName: row.name, optedOut: row.opted_in === 0 };
}

/**
 * The button on the link's page: opts the contact out of everything
 * (source `link`), which also queues the opt-out webhook (R10). A link used
 * again, or a contact already opted out, changes nothing more.
 */
export async function useOptOutLink(
  context: ServerContext,
  token: string,
): Promise<OptOutLink | null> {
  if (!/^[\w-]{20,100}$/u.test(token)) return null;
  const now = context.now().toISOString();
  const outcome = await context.db.transaction().execute(async (trx) => {
    const link = await forUpdate(
      trx,
      trx
        .selectFrom('opt_out_tokens')
        .innerJoin('accounts', 'accounts.id', 'opt_out_tokens.account_id')
        .select([
          'opt_out_tokens.token_hash',
          'opt_out_tokens.contact_id',
          'opt_out_tokens.account_id',
          'opt_out_tokens.used_at',
          'accounts.name',
        ])
        .where('opt_out_tokens.token_hash', '=', hashOf(token)),
    ).executeTakeFirst();
    if (link === undefined) return null;
    const contact = await forUpdate(
      trx,
      trx.selectFrom('contacts').selectAll().where('id', '=', link.contact_id),
    ).executeTakeFirstOrThrow();
    const answer = { businessName: link.name, optedOut: true };
    if (link.used_at === null) {
      await trx
        .updateTable('opt_out_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', link.token_hash)
        .execute();
    }
    if (contact.opted_in === 0) return { answer, changes: [], accountId: null };
    const lists = await listIdsOf(trx, contact.id);
    const result = applyConsentEvent(
      consentOf(contact, lists),
      { type: 'opt-out-link' },
      { now, triggers: [] },
    );
    if (!result.ok) throw new Error(result.error.message);
    const persisted = await persistConsent(trx, link.account_id, contact, lists, result.value, now);
    const changes = await appendChanges(trx, link.account_id, persisted.changes, now);
    return { answer, changes, accountId: link.account_id };
  });
  if (outcome === null) return null;
  if (outcome.accountId !== null) context.publish(outcome.accountId, outcome.changes);
  return outcome.answer;
}
