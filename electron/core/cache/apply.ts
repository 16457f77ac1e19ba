import type {
  Change,
  ContactSnapshot,
  ConversationSnapshot,
  MessageSnapshot,
} from '../../../shared/protocol/entities';
import { CampaignStore } from './campaigns';
import type { Database } from './migrations';
import { IndexWrites } from './indexWrites';
import { type ContactRecord, flag, mediaJson, type MessageRecord, parseMedia } from './rows';
import { contactSearchText, messageSearchText } from './searchText';
import { timeKeys } from './timeKey';

interface ConversationParams {
  readonly id: string;
  readonly contact_id: string;
  readonly business_number_id: string;
  readonly status: string;
  readonly assignee_id: string | null;
  readonly last_activity_at: string;
}

/** A message row with its time-ordered key, as the insert and update take it. */
type MessageParams = MessageRecord & { readonly rk: number };

interface IndexedText {
  readonly name: string;
  readonly phone: string;
}

/** What one run of changes touched, brought up to date once at its end. */
interface Touched {
  readonly conversations: Set<string>;
  readonly messageIndex: IndexWrites<string>;
  readonly contactIndex: IndexWrites<IndexedText>;
  /**
   * Contacts whose search entry may be stale, each with its name and number
   * as the run found them: what its entry was indexed with, which removing
   * the entry needs (null for a contact not stored then).
   */
  readonly contacts: Map<string, IndexedText | null>;
}

function prepare(db: Database) {
  return {
    cursor: db.prepare<[], { cursor: number }>('SELECT cursor FROM meta WHERE id = 1'),
    setCursor: db.prepare<[number]>('UPDATE meta SET cursor = ? WHERE id = 1'),

    contactBefore: db.prepare<
      [string],
      { name: string; phone: string; opted_in: number; blocked: number; lists: string }
    >('SELECT name, phone, opted_in, blocked, lists FROM contacts WHERE id = ?'),
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

    conversationHead: db.prepare<[string], ConversationParams>(
      `SELECT id, contact_id, business_number_id, status, assignee_id, last_activity_at
       FROM conversations WHERE id = ?`,
    ),
    /*
     * SQLite rewrites every index holding a column an UPDATE sets, changed
     * or not: a new text, which only moves its conversation, sets only
     * last_activity_at; the whole snapshot is written only when more changed.
     */
    upsertConversation: db.prepare<[ConversationParams]>(
      `INSERT INTO conversations
         (id, contact_id, business_number_id, status, assignee_id, last_activity_at)
       VALUES (@id, @contact_id, @business_number_id, @status, @assignee_id, @last_activity_at)
       ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id,
         business_number_id = excluded.business_number_id, status = excluded.status,
         assignee_id = excluded.assignee_id, last_activity_at = excluded.last_activity_at`,
    ),
    // The usual change, a text moving its conversation: one statement when only the time differs.
    moveConversation: db.prepare<[ConversationParams]>(
      `UPDATE conversations SET last_activity_at = @last_activity_at
       WHERE id = @id AND contact_id = @contact_id AND business_number_id = @business_number_id
         AND status = @status AND assignee_id IS @assignee_id
         AND last_activity_at != @last_activity_at`,
    ),
    copyContactTo: db.prepare<[string]>(
      `UPDATE conversations SET name = k.name, phone = k.phone, opted_in = k.opted_in,
         blocked = k.blocked
       FROM contacts k WHERE conversations.id = ? AND k.id = conversations.contact_id`,
    ),

    messageHead: db.prepare<
      [string],
      { rk: number; body: string; media: string; conversation_id: string }
    >('SELECT rk, body, media, conversation_id FROM messages WHERE id = ?'),
    insertMessage: db.prepare<[MessageParams]>(
      `INSERT INTO messages (rk, id, conversation_id, direction, body, author_id, status,
         error_code, error_message, possible_opt_out, trigger_id, in_reply_to, send_at,
         media, created_at, updated_at)
       VALUES (@rk, @id, @conversation_id, @direction, @body, @author_id, @status, @error_code,
         @error_message, @possible_opt_out, @trigger_id, @in_reply_to, @send_at, @media,
         @created_at, @updated_at)`,
    ),
    // The key stays: it was made from createdAt, which a message keeps.
    updateMessage: db.prepare<[MessageParams]>(
      `UPDATE messages SET conversation_id = @conversation_id, direction = @direction,
         body = @body, author_id = @author_id, status = @status, error_code = @error_code,
         error_message = @error_message, possible_opt_out = @possible_opt_out,
         trigger_id = @trigger_id, in_reply_to = @in_reply_to, send_at = @send_at,
         media = @media, created_at = @created_at, updated_at = @updated_at
       WHERE rk = @rk`,
    ),
    indexMessage: db.prepare<[number, string]>(
      'INSERT INTO messages_search (rowid, body) VALUES (?, ?)',
    ),
    // A contentless index removes an entry given the text it was indexed with.
    unindexMessage: db.prepare<[number, string]>(
      "INSERT INTO messages_search (messages_search, rowid, body) VALUES ('delete', ?, ?)",
    ),

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
    clearTemplates: db.prepare('DELETE FROM templates'),
    setTemplates: db.prepare<[string, string]>(
      'INSERT INTO templates (account_id, templates) VALUES (?, ?)',
    ),
    clearProfile: db.prepare('DELETE FROM account_profile'),
    setProfile: db.prepare<[string, string, string, string | null, string, string, number | null]>(
      `INSERT INTO account_profile (account_id, business_name, default_country, time_zone,
         business_numbers, quiet_hours, media_retention_days) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Members first (their triggers keep the counts), then the list and what is left of its count.
    deleteListMembers: db.prepare<[string]>('DELETE FROM contact_lists WHERE list_id = ?'),
    deleteListCount: db.prepare<[string]>('DELETE FROM list_counts WHERE list_id = ?'),
    deleteList: db.prepare<[string]>('DELETE FROM lists WHERE id = ?'),
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
         (last_message_id, last_body, last_direction, last_status, last_at, last_media) = (
           SELECT id, body, direction, status, created_at, nullif(media, '[]') FROM messages
           WHERE conversation_id = conversations.id AND status != 'quarantined'
           ORDER BY created_at DESC, id DESC LIMIT 1),
         unread = (
           SELECT count(*) FROM messages m INDEXED BY messages_unread
           WHERE m.conversation_id = conversations.id
             AND m.created_at > coalesce(
               (SELECT read_at FROM reads r WHERE r.conversation_id = conversations.id AND r.user_id = ?), '')
             AND m.direction = 'inbound' AND m.status != 'quarantined')
       WHERE id = ?`,
    ),

    contactSearch: db.prepare<
      [string],
      { name: string; phone: string; search_key: number | null; updated_at: string }
    >('SELECT name, phone, search_key, updated_at FROM contacts WHERE id = ?'),
    setContactSearch: db.prepare<[number, string]>(
      'UPDATE contacts SET search_key = ? WHERE id = ?',
    ),
    indexContact: db.prepare<[number, string, string]>(
      'INSERT INTO contacts_search (rowid, name, number) VALUES (?, ?, ?)',
    ),
    unindexContact: db.prepare<[number, string, string]>(
      "INSERT INTO contacts_search (contacts_search, rowid, name, number) VALUES ('delete', ?, ?, ?)",
    ),
  };
}

/** Stores runs of changes: snapshots upserted by id, in one transaction with the cursor. */
export class ChangeWriter {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly campaigns: CampaignStore;
  private readonly messageKey: (at: string) => number;
  private readonly contactKey: (at: string) => number;
  private readonly run: (
    changes: readonly Change[],
    me: string | null,
  ) => { cursor: number; applied: number };

  constructor(db: Database) {
    this.statements = prepare(db);
    this.campaigns = new CampaignStore(db);
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
    const touched: Touched = {
      conversations: new Set(),
      contacts: new Map(),
      messageIndex: new IndexWrites(),
      contactIndex: new IndexWrites(),
    };
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
    for (const [id, indexed] of touched.contacts) {
      this.refreshContactSearch(id, indexed, touched.contactIndex);
    }
    this.writeIndexes(touched);
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
      case 'list.deleted':
        // The members' snapshots without the list came first; this clears what is left.
        s.deleteListMembers.run(change.data.id);
        s.deleteListCount.run(change.data.id);
        s.deleteList.run(change.data.id);
        return;
      case 'triggers.updated':
        s.clearTriggers.run();
        s.setTriggers.run(change.data.accountId, JSON.stringify(change.data.triggers));
        return;
      case 'templates.updated':
        s.clearTemplates.run();
        s.setTemplates.run(change.data.accountId, JSON.stringify(change.data.templates));
        return;
      case 'account.updated':
        s.clearProfile.run();
        s.setProfile.run(
          change.data.accountId,
          change.data.businessName,
          change.data.defaultCountry,
          change.data.timeZone,
          JSON.stringify(change.data.businessNumbers),
          JSON.stringify(change.data.quietHours),
          change.data.mediaRetentionDays,
        );
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
      case 'campaign.updated':
        this.campaigns.applyCampaign(change.data);
        return;
      case 'campaign.recipient':
        this.campaigns.applyRecipient(change.data);
        return;
    }
  }

  private contact(contact: ContactSnapshot, touched: Touched): void {
    const s = this.statements;
    const before = s.contactBefore.get(contact.id);
    if (!touched.contacts.has(contact.id)) {
      touched.contacts.set(
        contact.id,
        before === undefined ? null : { name: before.name, phone: before.phone },
      );
    }
    const lists = JSON.stringify(contact.lists);
    s.upsertContact.run({
      id: contact.id,
      phone: contact.phone,
      name: contact.name,
      opted_in: flag(contact.optedIn),
      blocked: flag(contact.blocked),
      opt_out: contact.optOut === null ? null : JSON.stringify(contact.optOut),
      lists,
      time_zone: contact.timeZone,
      updated_at: contact.updatedAt,
    });
    // Most updates are consent or time zone: rewrite memberships and conversations only as needed.
    if (before?.lists !== lists) {
      s.clearContactLists.run(contact.id);
      for (const listId of contact.lists) s.addContactList.run(listId, contact.id);
    }
    if (
      before?.name !== contact.name ||
      before.phone !== contact.phone ||
      before.opted_in !== flag(contact.optedIn) ||
      before.blocked !== flag(contact.blocked)
    ) {
      s.copyContact.run(
        contact.name,
        contact.phone,
        flag(contact.optedIn),
        flag(contact.blocked),
        contact.id,
      );
    }
  }

  private conversation(conversation: ConversationSnapshot, touched: Touched): void {
    const s = this.statements;
    const after: ConversationParams = {
      id: conversation.id,
      contact_id: conversation.contactId,
      business_number_id: conversation.businessNumberId,
      status: conversation.status,
      assignee_id: conversation.assigneeId,
      last_activity_at: conversation.lastActivityAt,
    };
    if (s.moveConversation.run(after).changes > 0) return;
    const before = s.conversationHead.get(conversation.id);
    const same = (column: keyof ConversationParams) => before?.[column] === after[column];
    if (
      !same('last_activity_at') ||
      !same('contact_id') ||
      !same('business_number_id') ||
      !same('status') ||
      !same('assignee_id')
    ) {
      s.upsertConversation.run(after);
    }
    if (!same('contact_id')) {
      s.copyContactTo.run(after.id);
      // Its messages may have come first (the server logs a text before its conversation).
      touched.conversations.add(after.id);
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
      media: mediaJson(message.media),
      created_at: message.createdAt,
      updated_at: message.updatedAt,
    };
    // Indexed with its files' names, so a search for "invoice" finds invoice.pdf.
    const text = messageSearchText(message.body, message.media);
    if (before === undefined) {
      s.insertMessage.run(params);
      touched.messageIndex.change(rk, null, text);
    } else {
      s.updateMessage.run(params);
      touched.messageIndex.change(
        rk,
        messageSearchText(before.body, parseMedia(before.media)),
        text,
      );
      if (before.conversation_id !== message.conversationId) {
        touched.conversations.add(before.conversation_id);
      }
    }
    touched.conversations.add(message.conversationId);
  }

  /**
   * Indexes a new contact under a key of its own, made once (so its entry
   * never moves), and rewrites the entry when its name or number changed.
   */
  private refreshContactSearch(
    contactId: string,
    indexed: IndexedText | null,
    index: IndexWrites<IndexedText>,
  ): void {
    const row = this.statements.contactSearch.get(contactId);
    if (row === undefined) return;
    const current = { name: row.name, phone: row.phone };
    if (row.search_key !== null) {
      index.change(row.search_key, indexed, current);
      return;
    }
    const key = this.contactKey(row.updated_at);
    this.statements.setContactSearch.run(key, contactId);
    index.change(key, null, current);
  }

  private writeIndexes(touched: Touched): void {
    const s = this.statements;
    touched.messageIndex.write(
      (a, b) => a === b,
      (rowid, body) => s.unindexMessage.run(rowid, body),
      (rowid, body) => s.indexMessage.run(rowid, body),
    );
    touched.contactIndex.write(
      (a, b) => a.name === b.name && a.phone === b.phone,
      (rowid, contact) => {
        const text = contactSearchText(contact);
        s.unindexContact.run(rowid, text.name, text.number);
      },
      (rowid, contact) => {
        const text = contactSearchText(contact);
        s.indexContact.run(rowid, text.name, text.number);
      },
    );
  }
}
