/**
 * The tables as Kysely sees them. One schema for SQLite and PostgreSQL:
 * ids and timestamps are text (ISO 8601, UTC, so they sort), flags are
 * integers 0/1, structured values are JSON text.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ApiKeyScope } from '../../shared/protocol/access';

export type Flag = 0 | 1;

export interface AccountsTable {
  id: string;
  name: string;
  default_country: string;
  support_contact: string;
  /** The last change-log sequence number handed out; bumped in each writing transaction. */
  last_seq: Generated<number>;
  created_at: string;
  /** Where opt-outs are POSTed (R10); null for nowhere. */
  optout_webhook_url: string | null;
  /** The HMAC-SHA256 key of that webhook's signature. */
  optout_webhook_secret: string | null;
  /** IANA zone quiet hours are read in, unless a contact has their own. */
  time_zone: string | null;
  /**
   * JSON of the window campaigns and scheduled texts go out in (QuietHours:
   * start, end, days); null for the default, 8:00–21:00 every day.
   */
  quiet_hours: string | null;
  /** Days pictures and files are kept (0010); null for forever. */
  media_retention_days: number | null;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 of the token; the token itself is only ever in the client's hands. */
  token_hash: string;
  created_at: string;
  last_used_at: string;
  /** When the session ends without use (sliding: each use moves it on). */
  expires_at: string;
  revoked_at: string | null;
  /** When the current token ends whatever its use (0009); a refresh gives a new token and end. */
  ends_at: string | null;
  /** The token a refresh replaced, still accepted until `previous_until` (0009). */
  previous_token_hash: string | null;
  previous_until: string | null;
  /** The desktop's User-Agent and address, as of sign-in or its last refresh (0009). */
  user_agent: string | null;
  address: string | null;
  /** Why it was revoked (0009): signed out, ended by an admin, access removed. */
  revoked_reason: SessionEndReason | null;
}

export type SessionEndReason = 'signed-out' | 'ended-by-admin' | 'access-removed';

export type { ApiKeyScope };

/** An integration's key (0009); only the secret's hash is kept. */
export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  scope: ApiKeyScope;
  /** SHA-256 of the secret, base64url. */
  secret_hash: string;
  /** The secret's first characters (`tdk_AbCd`), to tell keys apart in lists. */
  prefix: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface BusinessNumbersTable {
  id: string;
  account_id: string;
  phone: string;
  label: string;
  created_at: string;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  phone: string;
  name: string;
  opted_in: Flag;
  blocked: Flag;
  /** JSON of the OptOutRecord in force, or null. */
  opt_out: string | null;
  /** The contact's own IANA zone for quiet hours, set by a person; null for the account's. */
  time_zone: string | null;
  created_at: string;
  updated_at: string;
}

export interface ListsTable {
  id: string;
  account_id: string;
  name: string;
  kind: 'marketing' | 'marketing-opt-out' | 'other';
  created_at: string;
}

export interface ListMembersTable {
  list_id: string;
  contact_id: string;
  added_at: string;
}

export interface ConversationsTable {
  id: string;
  account_id: string;
  contact_id: string;
  business_number_id: string;
  status: 'open' | 'closed';
  assignee_id: string | null;
  last_activity_at: string;
  created_at: string;
}

export interface ConversationReadsTable {
  conversation_id: string;
  user_id: string;
  read_at: string;
}

export type MessageDirection = 'inbound' | 'outbound' | 'note' | 'system';
export type MessageStatus =
  | 'received'
  | 'quarantined'
  | 'scheduled'
  | 'queued'
  /** Passed the send gate and handed to the carrier; the answer has not come back yet. */
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'refused'
  | 'none';

export interface MessagesTable {
  id: string;
  account_id: string;
  conversation_id: string;
  direction: MessageDirection;
  body: string;
  author_id: string | null;
  carrier_id: string | null;
  status: MessageStatus;
  error_code: string | null;
  error_message: string | null;
  possible_opt_out: Flag;
  trigger_id: string | null;
  in_reply_to: string | null;
  /** For a scheduled text: when it is due (quiet hours may hold it longer). */
  send_at: string | null;
  /** JSON of the message's MediaSnapshot list (0010); null for none. */
  media: string | null;
  created_at: string;
  updated_at: string;
}

/** One distinct file, by the SHA-256 of its bytes (0010); the bytes are in the media store. */
export interface MediaBlobsTable {
  sha256: string;
  /** Sniffed from the bytes. */
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  /** The type of the re-encoded preview and thumbnail beside it; null when there are none. */
  preview_type: string | null;
  created_at: string;
}

/** A file as it came to an account (0010): from a carrier, the simulator or an upload. */
export interface MediaTable {
  id: string;
  account_id: string;
  sha256: string;
  filename: string | null;
  claimed_type: string | null;
  source: 'carrier' | 'upload' | 'simulator';
  /** The user or API key (`key:<id>`) that uploaded it; null for a carrier's. */
  created_by: string | null;
  created_at: string;
  /** When the retention period removed its bytes. */
  expired_at: string | null;
}

/** Which message shows which media, in order (0010). */
export interface MessageMediaTable {
  message_id: string;
  position: number;
  media_id: string;
}

export interface TriggersTable {
  id: string;
  account_id: string;
  name: string;
  /** JSON string array. */
  keywords: string;
  reply: string | null;
  /** JSON string arrays of list ids. */
  add_lists: string;
  remove_lists: string;
  position: number;
  created_at: string;
  updated_at: string;
}

/** A reply template of the account (0005); every agent uses them, supervisors edit them. */
export interface TemplatesTable {
  id: string;
  account_id: string;
  name: string;
  body: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface ConsentHistoryTable {
  id: Generated<number>;
  account_id: string;
  contact_id: string;
  at: string;
  change: string;
  source: string | null;
  /** JSON of the Actor. */
  actor: string;
  text: string | null;
  word: string | null;
  list_id: string | null;
  trigger_id: string | null;
  carrier_code: string | null;
}

export interface OptOutTokensTable {
  token_hash: string;
  account_id: string;
  contact_id: string;
  created_at: string;
  used_at: string | null;
}

export interface ChangeLogTable {
  account_id: string;
  seq: number;
  at: string;
  /** `resource.verb`, e.g. `message.created`. */
  type: string;
  entity_id: string;
  /** JSON snapshot of the entity after the change. */
  data: string;
}

export interface IdempotencyTable {
  account_id: string;
  key: string;
  user_id: string | null;
  command: string;
  /** JSON of the first result, returned again for a replayed key. */
  result: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  account_id: string;
  url: string;
  /** The exact JSON body, signed the same way on every attempt. */
  body: string;
  created_at: string;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  delivered_at: string | null;
  gave_up_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

/** A campaign (0007): one text to the members of a list, sent in the background. */
export interface CampaignsTable {
  id: string;
  account_id: string;
  name: string;
  list_id: string;
  purpose: 'marketing' | 'transactional';
  /** As the sender wrote it; merge fields are filled in per recipient. */
  body: string;
  status: 'scheduled' | 'sending' | 'done';
  /** When a scheduled campaign starts; null for one sent at once. */
  send_at: string | null;
  created_by: string;
  created_at: string;
  /** When every member of the list had been taken in as a recipient. */
  expanded_at: string | null;
  /** When `campaign.updated` was last logged. */
  progress_at: string | null;
  /** 1 when recipients moved since then: logged again within a second. */
  progress_dirty: Generated<Flag>;
}

export interface CampaignRecipientsTable {
  campaign_id: string;
  contact_id: string;
  status: 'skipped' | 'waiting' | 'sent' | 'delivered' | 'failed';
  reason: string | null;
  message_id: string | null;
  /** When a waiting recipient's text may go: now, or the end of their quiet hours. */
  send_at: string;
  updated_at: string;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  business_numbers: BusinessNumbersTable;
  contacts: ContactsTable;
  lists: ListsTable;
  list_members: ListMembersTable;
  conversations: ConversationsTable;
  conversation_reads: ConversationReadsTable;
  messages: MessagesTable;
  triggers: TriggersTable;
  templates: TemplatesTable;
  consent_history: ConsentHistoryTable;
  opt_out_tokens: OptOutTokensTable;
  change_log: ChangeLogTable;
  idempotency: IdempotencyTable;
  webhook_deliveries: WebhookDeliveriesTable;
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  media_blobs: MediaBlobsTable;
  media: MediaTable;
  message_media: MessageMediaTable;
}

export type Contact = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type Message = Selectable<MessagesTable>;
export type User = Selectable<UsersTable>;
export type Conversation = Selectable<ConversationsTable>;
export type List = Selectable<ListsTable>;
export type Trigger = Selectable<TriggersTable>;
