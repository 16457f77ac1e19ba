import type { UserSnapshot } from '../../../shared/protocol/entities';
import type { Database } from './migrations';
import type { CacheIdentity } from './types';

/** Every table of account data: emptied when the file changes hands. Not meta, not the schema. */
const DATA_TABLES = [
  'contact_lists',
  'contacts',
  'conversations',
  'messages',
  'consent_history',
  'lists',
  'triggers',
  'templates',
  'account_profile',
  'users',
  'reads',
  'outbox',
  'campaigns',
  'campaign_recipients',
  // Emptied last: the triggers of the tables above write to them as rows go.
  'conversation_groups',
  'list_counts',
] as const;
const SEARCH_TABLES = ['messages_search', 'contacts_search'] as const;

export type Role = UserSnapshot['role'];

/** Whose file this is, how far it has read the change log, and who the signed-in person is. */
export class Meta {
  private readonly statements;
  private readonly claimFor: (identity: CacheIdentity) => void;

  constructor(db: Database) {
    this.statements = {
      read: db.prepare<
        [],
        {
          server_url: string | null;
          account_id: string | null;
          user_id: string | null;
          cursor: number;
        }
      >('SELECT server_url, account_id, user_id, cursor FROM meta WHERE id = 1'),
      store: db.prepare<[string, string, string]>(
        'UPDATE meta SET server_url = ?, account_id = ?, user_id = ? WHERE id = 1',
      ),
      reset: db.prepare('UPDATE meta SET cursor = 0 WHERE id = 1'),
      wipe: [
        ...DATA_TABLES.map((table) => db.prepare(`DELETE FROM ${table}`)),
        ...SEARCH_TABLES.map((table) =>
          db.prepare(`INSERT INTO ${table} (${table}) VALUES ('delete-all')`),
        ),
      ],
      role: db.prepare<[string], { role: string }>('SELECT role FROM users WHERE id = ?'),
    };
    const transaction = db.transaction((identity: CacheIdentity) => {
      if (sameIdentity(this.identity(), identity)) return;
      for (const statement of this.statements.wipe) statement.run();
      this.statements.reset.run();
      this.statements.store.run(identity.serverUrl, identity.accountId, identity.userId);
    });
    this.claimFor = (identity) => {
      transaction.immediate(identity);
    };
  }

  identity(): CacheIdentity | null {
    const row = this.statements.read.get();
    if (row?.server_url == null || row.account_id === null || row.user_id === null) return null;
    return { serverUrl: row.server_url, accountId: row.account_id, userId: row.user_id };
  }

  /** Empties the file first when it was made for anyone else (or no one): caches are never mixed. */
  claim(identity: CacheIdentity): void {
    this.claimFor(identity);
  }

  cursor(): number {
    return this.statements.read.get()?.cursor ?? 0;
  }

  /** The signed-in person, or null before the file is claimed. */
  me(): string | null {
    return this.statements.read.get()?.user_id ?? null;
  }

  /** The signed-in person's role; an agent's until their own user row has arrived (least seen). */
  role(): Role {
    const me = this.me();
    const role = me === null ? undefined : this.statements.role.get(me)?.role;
    return role === 'supervisor' || role === 'admin' ? role : 'agent';
  }
}

function sameIdentity(a: CacheIdentity | null, b: CacheIdentity): boolean {
  return (
    a !== null &&
    a.serverUrl === b.serverUrl &&
    a.accountId === b.accountId &&
    a.userId === b.userId
  );
}
