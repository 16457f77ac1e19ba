import type { Command } from '../../../shared/protocol/commands';
import type { Database } from './migrations';
import { parseJson } from './rows';
import type { CacheMethods, OutboxEntry } from './types';

interface OutboxRecord {
  readonly key: string;
  readonly command: string;
  readonly created_at: string;
  readonly attempts: number;
  readonly state: string;
  readonly outcome: string | null;
}

const COLUMNS = 'key, command, created_at, attempts, state, outcome';

export type Settled = Parameters<CacheMethods['outboxSettle']>[1];

function entry(row: OutboxRecord): OutboxEntry {
  return {
    key: row.key,
    command: parseJson(row.command) as Command,
    createdAt: row.created_at,
    attempts: row.attempts,
    state: row.state as OutboxEntry['state'],
    outcome: row.outcome === null ? null : parseJson(row.outcome),
  };
}

/** Commands written down before they are sent, kept until the server answers. */
export class Outbox {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      // The same key twice is the same action written down twice: kept once.
      add: db.prepare<[string, string, string, string | null]>(
        `INSERT INTO outbox (key, command, created_at, state, conversation_id)
         VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (key) DO NOTHING`,
      ),
      pending: db.prepare<[], OutboxRecord>(
        `SELECT ${COLUMNS} FROM outbox WHERE state = 'pending' ORDER BY created_at, rowid`,
      ),
      attempted: db.prepare<[string]>('UPDATE outbox SET attempts = attempts + 1 WHERE key = ?'),
      settle: db.prepare<[string, string, string]>(
        'UPDATE outbox SET state = ?, outcome = ? WHERE key = ?',
      ),
      entry: db.prepare<[string], OutboxRecord>(`SELECT ${COLUMNS} FROM outbox WHERE key = ?`),
      replace: db.prepare<[string, string]>(
        "UPDATE outbox SET command = ? WHERE key = ? AND state = 'pending'",
      ),
      // Texts still to show in their conversation: waiting, or dropped before they left.
      sends: db.prepare<[string], OutboxRecord>(
        `SELECT ${COLUMNS} FROM outbox
         WHERE conversation_id = ? AND state IN ('pending', 'cancelled')
           AND json_extract(command, '$.type') = 'message.send'
         ORDER BY created_at, rowid`,
      ),
    };
  }

  add(added: { readonly key: string; readonly command: Command; readonly at: string }): void {
    const conversationId =
      added.command.type === 'message.send' ? (added.command.conversationId ?? null) : null;
    this.statements.add.run(added.key, JSON.stringify(added.command), added.at, conversationId);
  }

  pending(): OutboxEntry[] {
    return this.statements.pending.all().map(entry);
  }

  attempted(key: string): void {
    this.statements.attempted.run(key);
  }

  settle(key: string, settled: Settled): void {
    const outcome = settled.state === 'done' ? settled.value : settled.error;
    this.statements.settle.run(settled.state, JSON.stringify(outcome ?? null), key);
  }

  entry(key: string): OutboxEntry | null {
    const row = this.statements.entry.get(key);
    return row === undefined ? null : entry(row);
  }

  /** A pending command's new form: its staged files replaced by their server ids. */
  replace(key: string, command: Command): void {
    this.statements.replace.run(JSON.stringify(command), key);
  }

  /** A conversation's message.send entries that are pending or cancelled, oldest first. */
  sends(conversationId: string): OutboxEntry[] {
    return this.statements.sends.all(conversationId).map(entry);
  }
}
