import type { ConversationRow } from '../../../shared/ipc/views';
import { describeMedia, type MediaSnapshot } from '../../../shared/protocol/media';
import type {
  ConsentEntrySnapshot,
  ContactSnapshot,
  MessageSnapshot,
} from '../../../shared/protocol/entities';

/**
 * The cache's rows as SQLite hands them back, and their shapes for the
 * renderer. The cache writes every row itself from parsed changes, so the
 * stored unions (status, direction, role) are read back as their types.
 */

export type SqlValue = string | number | bigint | null;

/** SQLite has no booleans: 0 and 1. */
export const flag = (value: boolean): number => (value ? 1 : 0);

/** JSON the cache wrote itself. */
export const parseJson = (text: string): unknown => JSON.parse(text) as unknown;

export interface ContactRecord {
  readonly id: string;
  readonly phone: string;
  readonly name: string;
  readonly opted_in: number;
  readonly blocked: number;
  readonly opt_out: string | null;
  readonly lists: string;
  readonly time_zone: string | null;
  readonly updated_at: string;
}

export const CONTACT_COLUMNS =
  'id, phone, name, opted_in, blocked, opt_out, lists, time_zone, updated_at';

export function contactSnapshot(row: ContactRecord): ContactSnapshot {
  return {
    id: row.id,
    phone: row.phone,
    name: row.name,
    optedIn: row.opted_in === 1,
    blocked: row.blocked === 1,
    optOut: row.opt_out === null ? null : (parseJson(row.opt_out) as ContactSnapshot['optOut']),
    lists: parseJson(row.lists) as string[],
    timeZone: row.time_zone,
    updatedAt: row.updated_at,
  };
}

export interface MessageRecord {
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
  /** The message's media records, JSON; '[]' for a plain text. */
  readonly media: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export const MESSAGE_COLUMNS =
  'id, conversation_id, direction, body, author_id, status, error_code, error_message, possible_opt_out, trigger_id, in_reply_to, send_at, media, created_at, updated_at';

/** A message's media as stored: '[]' for none. */
export const mediaJson = (media: readonly MediaSnapshot[]): string => JSON.stringify(media);

export const parseMedia = (text: string | null): MediaSnapshot[] =>
  text === null || text === '[]' ? [] : (parseJson(text) as MediaSnapshot[]);

export function messageSnapshot(row: MessageRecord): MessageSnapshot {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction as MessageSnapshot['direction'],
    body: row.body,
    authorId: row.author_id,
    status: row.status as MessageSnapshot['status'],
    errorCode: row.error_code,
    errorMessage: row.error_message,
    possibleOptOut: row.possible_opt_out === 1,
    triggerId: row.trigger_id,
    inReplyTo: row.in_reply_to,
    sendAt: row.send_at,
    media: parseMedia(row.media),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ConversationRecord {
  readonly id: string;
  readonly contact_id: string;
  readonly name: string;
  readonly phone: string;
  readonly status: string;
  readonly assignee_id: string | null;
  readonly last_activity_at: string;
  readonly last_message_id: string | null;
  readonly last_body: string | null;
  readonly last_direction: string | null;
  readonly last_status: string | null;
  readonly last_at: string | null;
  /** The newest shown message's media JSON; null when it has none. */
  readonly last_media: string | null;
  readonly unread: number;
  readonly opted_in: number;
  readonly blocked: number;
}

export const CONVERSATION_COLUMNS =
  'id, contact_id, name, phone, status, assignee_id, last_activity_at, last_message_id, last_body, last_direction, last_status, last_at, last_media, unread, opted_in, blocked';

export function conversationRow(row: ConversationRecord): ConversationRow {
  return {
    id: row.id,
    contactId: row.contact_id,
    name: row.name,
    phone: row.phone,
    status: row.status as ConversationRow['status'],
    assigneeId: row.assignee_id,
    lastActivityAt: row.last_activity_at,
    lastMessage: row.last_message_id === null ? null : lastMessage(row),
    unread: row.unread,
    optedIn: row.opted_in === 1,
    blocked: row.blocked === 1,
  };
}

function lastMessage(row: ConversationRecord): NonNullable<ConversationRow['lastMessage']> {
  const body = row.last_body ?? '';
  const label = describeMedia(parseMedia(row.last_media));
  return {
    // A text of files only still reads as something in the list: "📷 Photo".
    body: body.trim() === '' && label !== '' ? label : body,
    ...(label !== '' && { mediaLabel: label }),
    direction: row.last_direction as MessageSnapshot['direction'],
    status: row.last_status as MessageSnapshot['status'],
    at: row.last_at ?? row.last_activity_at,
  };
}

export const consentEntry = (entry: string): ConsentEntrySnapshot =>
  parseJson(entry) as ConsentEntrySnapshot;
