import type {
  Change,
  ContactSnapshot,
  ConversationSnapshot,
  MessageSnapshot,
} from '../../../shared/protocol/entities';
import type { Database } from './migrations';
import { type ContactRecord, flag } from './rows';
import { contactSearchText } from './searchText';
import { timeKeys } from './timeKey';

interface ConversationParams {
  readonly id: string;
  readonly contact_id: string;
  readonly business_number_id: string;
  readonly status: string;
  readonly assignee_id: string | null;
  readonly last_activity_at: string;
}

interface MessageParams {
  readonly rk: number;
  readonly id: string;
  readonly conversation_id: string;
  readonly direction: string;
  readonly body: string;
  readonly author_id: string | null;
  readonly status: string;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly possible_opt_out: number;
  readonly trigger_id: string | null;
  readonly in_reply_to: string | null;
  readonly send_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** What one run of changes touched, brought up to date once at its end. */
interface Touched {
  readonly conversations: Set<string>;
  /** Contact id → whether its name or number changed (else only its activity may have). */
  readonly contacts: Map<string, boolean>;
}

function prepare(db: Database) {
  return {
    cursor: db.prepare<[], { cursor: number }>('SELECT cursor FROM meta WHERE id = 1'),
    setCursor: db.prepare<[number]>('UPDATE meta SET cursor = ? WHERE id = 1'),

    contactText: db.prepare<[string], { name: string; phone: string }>(
      'SELECT name, phone FROM contacts WHERE id = ?',
    ),
    upsertContact: db.prepare<[ContactRecord]>(
      `INSERT INTO contacts (id, phone, name, opted_in, blocked, opt_out, lists, time_zone, updated_at)
       VALUES (@id, @phone, @name, @opted_in, @blocked, @opt_out, @lists, @time_zone, @updated_at)
       ON CONFLICT (id) DO UPDATE SET phone = excluded.phone, name = excluded.name,
         opted_in = excluded.opted_in, blocked = excluded.blocked, opt_out = excluded.opt_out,
         lists = excluded.lists, time_zone = excluded.time_zone, updated_at = excluded.updated_at`,
    ),
    clearContactLists: db.prepare<[string]>('DELETE FROM contact_lists WHERE contact_id = ?'),
    addContactList: db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO contact_lists (list_id, contact_id) VALUES (?, ?)',
    ),
    copyContact: db.prepare<[string, string, number, number, string]>(
      'UPDATE conversations SET name = ?, phone = ?, opted_in = ?, blocked = ? WHERE contact_id = ?',
    ),

    conversationHead: db.prepare<[string], { contact_id: string; last_activity_at: string }>(
      'SELECT contact_id, last_activity_at FROM conversations WHERE id = ?',
    ),
    // The contact's copied fields come along whenever the conversation is written.
    upsertConversation: db.prepare<[ConversationParams]>(
      `INSERT INTO conversations
         (id, contact_id, business_number_id, status, assignee_id, last_activity_at,
          name, phone, opted_in, blocked)
       SELECT @id, @contact_id, @business_number_id, @status, @assignee_id, @last_activity_at,
         coalesce(k.name, ''), coalesce(k.phone, ''), coalesce(k.opted_in, 0), coalesce(k.blocked, 0)
       FROM (SELECT @contact_id AS contact_id) AS p LEFT JOIN contacts k ON k.id = p.contact_id
       WHERE true
       ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id,
         business_number_id = excluded.business_number_id, status = excluded.status,
         assignee_id = excluded.assignee_id, last_activity_at = excluded.last_activity_at,
         name = excluded.name, phone = excluded.phone, opted_in = excluded.opted_in,
         blocked = excluded.blocked`,
    ),

    messageHead: db.prepare<[string], { rk: number; body: string; conversation_id: string }>(
      'SELECT rk, body, conversation_id FROM messages WHERE id = ?',
    ),
    insertMessage: db.prepare<[MessageParams]>(
      `INSERT INTO messages (rk, id, conversation_id, direction, body, author_id, status,
         error_code, error_message, possible_opt_out, trigger_id, in_reply_to, send_at,
         created_at, updated_at)
       VALUES (@rk, @id, @conversation_id, @direction, @body, @author_id, @status, @error_code,
         @error_message, @possible_opt_out, @trigger_id, @in_reply_to, @send_at, @created_at,
         @updated_at)`,
    ),
    // The key stays: it was made from createdAt, which a message keeps.
    updateMessage: db.prepare<[MessageParams]>(
      `UPDATE messages SET conversation_id = @conversation_id, direction = @direction,
         body = @body, author_id = @author_id, status = @status, error_code = @error_code,
         error_message = @error_message, possible_opt_out = @possible_opt_out,
         trigger_id = @trigger_id, in_reply_to = @in_reply_to, send_at = @send_at,
         created_at = @created_at, updated_at = @updated_at
       WHERE rk = @rk`,
    ),
    indexMessage: db.prepare<[number, string]>(
      'INSERT INTO messages_search (rowid, body) VALUES (?, ?)',
    ),
    unindexMessage: db.prepare<[number]>('DELETE FROM messages_search WHERE rowid = ?'),

    addConsent: db.prepare<[number, string, string, string]>(
      'INSERT OR IGNORE INTO consent_history (seq, contact_id, at, entry) VALUES (?, ?, ?, ?)',
    ),
    upsertList: db.prepare<[string, string, string]>(
      `INSERT INTO lists (id, name, kind) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind`,
    ),
    clearTriggers: db.prepare('DELETE FROM triggers'),
    setTriggers: db.prepare<[string, string]>(
      'INSERT INTO triggers (account_id, triggers) VALUES (?, ?)',
    ),
    upsertUser: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO users (id, email, name, role, disabled) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name,
         role = excluded.role, disabled = excluded.disabled`,
    ),
    upsertRead: db.prepare<[string, string, string]>(
      `INSERT INTO reads (conversation_id, user_id, read_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_at = excluded.read_at`,
    ),

    /*
     * The newest message the inbox shows (never a quarantined text) and the
     * signed-in person's unread count: inbound texts after their read marker.
     */
    refreshConversation: db.prepare<[string | null, string]>(
      `UPDATE conversations SET
         (last_message_id, last_body, last_direction, last_status, last_at) = (
           SELECT id, body, direction, status, created_at FROM messages
           WHERE conversation_id = conversations.id AND status != 'quarantined'
           ORDER BY created_at DESC, id DESC LIMIT 1),
         unread = (
           SELECT count(*) FROM messages m
           WHERE m.conversation_id = conversations.id
             AND m.created_at > coalesce(
               (SELECT read_at FROM reads r WHERE r.conversation_id = conversations.id AND r.user_id = ?), '')
             AND m.direction = 'inbound' AND m.status != 'quarantined')
       WHERE id = ?`,
    ),

    contactSearch: db.prepare<
      [string],
      {
        name: string;
        phone: string;
        search_key: number | null;
        search_at: string | null;
        at: string;
      }
    >(
      `SELECT k.name, k.phone, k.search_key, k.search_at,
         coalesce((SELECT max(c.last_activity_at) FROM conversations c WHERE c.contact_id = k.id),
                  k.updated_at) AS at
       FROM contacts k WHERE k.id = ?`,
    ),
    setContactSearch: db.prepare<[number, string, string]>(
      'UPDATE contacts SET search_key = ?, search_at = ? WHERE id = ?',
    ),
    indexContact: db.prepare<[number, string, string]>(
      'INSERT INTO contacts_search (rowid, name, number) VALUES (?, ?, ?)',
    ),
    unindexContact: db.prepare<[number]>('DELETE FROM contacts_search WHERE rowid = ?'),
  };
}

/** Stores runs of changes: snapshots upserted by id, in one transaction with the cursor. */
export class ChangeWriter {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly messageKey: (at: string) => number;
  private readonly contactKey: (at: string) => number;
  private readonly run: (
    changes: readonly Change[],
    me: string | null,
  ) => { cursor: number; applied: number };

  constructor(db: Database) {
    this.statements = prepare(db);
    this.messageKey = timeKeys(db, 'messages');
    this.contactKey = timeKeys(db, 'contacts');
    // IMMEDIATE: take the write lock at BEGIN, so a reader on another connection never makes it wait halfway.
    const transaction = db.transaction((changes: readonly Change[], me: string | null) =>
      this.applyAll(changes, me),
    );
    this.run = (changes, me) => transaction.immediate(changes, me);
  }

  /** `me` is the signed-in person, whose read markers decide unread counts. */
  apply(changes: readonly Change[], me: string | null): { cursor: number; applied: number } {
    return this.run(changes, me);
  }

  private applyAll(changes: readonly Change[], me: string | null) {
    const touched: Touched = { conversations: new Set(), contacts: new Map() };
    let cursor = this.statements.cursor.get()?.cursor ?? 0;
    let applied = 0;
    for (const change of [...changes].sort((a, b) => a.seq - b.seq)) {
      if (change.seq <= cursor) continue;
      // A gap: the missing changes come first, or the cursor would claim them.
      if (change.seq !== cursor + 1) break;
      this.applyOne(change, me, touched);
      cursor = change.seq;
      applied += 1;
    }
    for (const id of touched.conversations) this.statements.refreshConversation.run(me, id);
    for (const [id, textChanged] of touched.contacts) this.refreshContactSearch(id, textChanged);
    if (applied > 0) this.statements.setCursor.run(cursor);
    return { cursor, applied };
  }

  private applyOne(change: Change, me: string | null, touched: Touched): void {
    const s = this.statements;
    switch (change.type) {
      case 'contact.updated':
        this.contact(change.data, touched);
        return;
      case 'conversation.updated':
        this.conversation(change.data, touched);
        return;
      case 'message.created':
      case 'message.updated':
        this.message(change.data, touched);
        return;
      case 'consent.recorded':
        s.addConsent.run(
          change.seq,
          change.data.contactId,
          change.data.at,
          JSON.stringify(change.data),
        );
        return;
      case 'list.updated':
        s.upsertList.run(change.data.id, change.data.name, change.data.kind);
        return;
      case 'triggers.updated':
        s.clearTriggers.run();
        s.setTriggers.run(change.data.accountId, JSON.stringify(change.data.triggers));
        return;
      case 'user.updated':
        s.upsertUser.run(
          change.data.id,
          change.data.email,
          change.data.name,
          change.data.role,
          flag(change.data.disabled),
        );
        return;
      case 'conversation.read':
        s.upsertRead.run(change.data.conversationId, change.data.userId, change.data.readAt);
        if (change.data.userId === me) touched.conversations.add(change.data.conversationId);
        return;
    }
  }

  private contact(contact: ContactSnapshot, touched: Touched): void {
    const s = this.statements;
    const before = s.contactText.get(contact.id);
    s.upsertContact.run({
      id: contact.id,
      phone: contact.phone,
      name: contact.name,
      opted_in: flag(contact.optedIn),
      blocked: flag(contact.blocked),
      opt_out: contact.optOut === null ? null : JSON.stringify(contact.optOut),
      lists: JSON.stringify(contact.lists),
      time_zone: contact.timeZone,
      updated_at: contact.updatedAt,
    });
    s.clearContactLists.run(contact.id);
    for (const listId of contact.lists) s.addContactList.run(listId, contact.id);
    s.copyContact.run(
      contact.name,
      contact.phone,
      flag(contact.optedIn),
      flag(contact.blocked),
      contact.id,
    );
    const textChanged = before?.name !== contact.name || before.phone !== contact.phone;
    touched.contacts.set(contact.id, textChanged || (touched.contacts.get(contact.id) ?? false));
  }

  private conversation(conversation: ConversationSnapshot, touched: Touched): void {
    const before = this.statements.conversationHead.get(conversation.id);
    this.statements.upsertConversation.run({
      id: conversation.id,
      contact_id: conversation.contactId,
      business_number_id: conversation.businessNumberId,
      status: conversation.status,
      assignee_id: conversation.assigneeId,
      last_activity_at: conversation.lastActivityAt,
    });
    // Its messages may have come first (the server logs a text before its conversation).
    if (before === undefined) touched.conversations.add(conversation.id);
    if (before !== undefined && before.contact_id !== conversation.contactId) {
      touchActivity(touched, before.contact_id);
    }
    if (
      before?.contact_id !== conversation.contactId ||
      before.last_activity_at !== conversation.lastActivityAt
    ) {
      touchActivity(touched, conversation.contactId);
    }
  }

  private message(message: MessageSnapshot, touched: Touched): void {
    const s = this.statements;
    const before = s.messageHead.get(message.id);
    const rk = before?.rk ?? this.messageKey(message.createdAt);
    const params: MessageParams = {
      rk,
      id: message.id,
      conversation_id: message.conversationId,
      direction: message.direction,
      body: message.body,
      author_id: message.authorId,
      status: message.status,
      error_code: message.errorCode,
      error_message: message.errorMessage,
      possible_opt_out: flag(message.possibleOptOut),
      trigger_id: message.triggerId,
      in_reply_to: message.inReplyTo,
      send_at: message.sendAt,
      created_at: message.createdAt,
      updated_at: message.updatedAt,
    };
    if (before === undefined) {
      s.insertMessage.run(params);
      s.indexMessage.run(rk, message.body);
    } else {
      s.updateMessage.run(params);
      if (before.body !== message.body) {
        s.unindexMessage.run(rk);
        s.indexMessage.run(rk, message.body);
      }
      if (before.conversation_id !== message.conversationId) {
        touched.conversations.add(before.conversation_id);
      }
    }
    touched.conversations.add(message.conversationId);
  }

  /**
   * Re-keys a contact in the search index when its last activity moved (so
   * contact hits come newest first from the index's own order) and rewrites
   * its entry when its name or number changed.
   */
  private refreshContactSearch(contactId: string, textChanged: boolean): void {
    const s = this.statements;
    const row = s.contactSearch.get(contactId);
    if (row === undefined) return;
    const moved = row.search_key === null || row.search_at !== row.at;
    if (!moved && !textChanged) return;
    if (row.search_key !== null) s.unindexContact.run(row.search_key);
    const key = moved || row.search_key === null ? this.contactKey(row.at) : row.search_key;
    if (moved) s.setContactSearch.run(key, row.at, contactId);
    const text = contactSearchText(row);
    s.indexContact.run(key, text.name, text.number);
  }
}

function touchActivity(touched: Touched, contactId: string): void {
  touched.contacts.set(contactId, touched.contacts.get(contactId) ?? false);
}
