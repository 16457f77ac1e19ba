import type { MessagePage, MessageView } from '../../../shared/ipc/views';
import type { Failure } from '../../../shared/result';
import type { Database } from './migrations';
import type { Outbox } from './outbox';
import { MESSAGE_COLUMNS, type MessageRecord, messageSnapshot } from './rows';
import type { MessageQuery, OutboxEntry } from './types';

/** A conversation's messages, newest page first, with this desktop's waiting texts after them. */
export class Thread {
  private readonly statements;

  constructor(
    db: Database,
    private readonly outbox: Outbox,
  ) {
    const order = 'ORDER BY created_at DESC, id DESC LIMIT ?';
    this.statements = {
      newest: db.prepare<[string, number], MessageRecord>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ${order}`,
      ),
      before: db.prepare<[string, string, string, number], MessageRecord>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE conversation_id = ? AND (created_at, id) < (?, ?) ${order}`,
      ),
    };
  }

  messages(query: MessageQuery, me: string | null): MessagePage {
    const limit = Math.max(1, Math.floor(query.limit));
    const { before } = query;
    const records =
      before === undefined
        ? this.statements.newest.all(query.conversationId, limit + 1)
        : this.statements.before.all(query.conversationId, before.createdAt, before.id, limit + 1);
    const messages: MessageView[] = records
      .slice(0, limit)
      .reverse()
      .map((row) => ({ ...messageSnapshot(row), local: null }));
    // Waiting texts are newer than anything the server has answered: only on the newest page.
    if (before === undefined) {
      for (const entry of this.outbox.sends(query.conversationId)) {
        const view = outboxView(entry, me);
        if (view !== null) messages.push(view);
      }
    }
    return { messages, more: records.length > limit };
  }
}

/**
 * A message.send still on this desktop, shaped as the message it will be.
 * Pending: queued locally. Cancelled: dropped before it left, with the reason.
 */
function outboxView(entry: OutboxEntry, me: string | null): MessageView | null {
  const { command } = entry;
  if (command.type !== 'message.send' || command.conversationId === undefined) return null;
  const cancelled = entry.state === 'cancelled';
  const reason = cancelled ? (entry.outcome as Failure | null) : null;
  return {
    id: `outbox:${entry.key}`,
    conversationId: command.conversationId,
    direction: 'outbound',
    body: command.body,
    authorId: me,
    status: cancelled ? 'failed' : 'queued',
    errorCode: reason?.code ?? null,
    errorMessage: reason?.message ?? null,
    possibleOptOut: false,
    triggerId: null,
    inReplyTo: null,
    sendAt: command.sendAt ?? null,
    // Only ids here: main fills in what each staged or uploaded file is (DesktopMedia.describe).
    media: (command.mediaIds ?? []).map((id) => ({
      id,
      sha256: '',
      type: 'application/octet-stream',
      kind: 'file',
      size: 0,
      filename: null,
      claimedType: null,
      width: null,
      height: null,
      hasPreview: false,
      expired: false,
      createdAt: entry.createdAt,
    })),
    createdAt: entry.createdAt,
    updatedAt: entry.createdAt,
    local: cancelled ? 'cancelled' : 'outbox',
  };
}
