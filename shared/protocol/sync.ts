import { z } from 'zod';
import type { CommandRequest, CommandType, CommandValue } from './commands';
import type { Change } from './entities';
import type { ProtocolHello } from './versions';

/**
 * The sync protocol between a desktop and the server, over socket.io.
 *
 * 1. The client connects with `auth: { token, protocol, protocolMin }` (a
 *    session token from POST /api/v1/login, and the protocol versions it
 *    speaks: versions.ts). A bad token, or versions the server does not
 *    speak, are refused at the handshake.
 * 2. On connect the server puts the socket in its account's room, so live
 *    `changes` events start flowing at once.
 * 3. The client pulls everything after its cursor with `sync.pull`, page by
 *    page, until `more` is false; live changes that arrived meanwhile are
 *    deduplicated by `seq`.
 * 4. Presence (who is looking at or typing in which conversation) travels
 *    beside the log, never in it: nothing about it is stored.
 */
export const SYNC_PAGE_MAX = 1000;

export const PullRequestSchema = z.strictObject({
  /** The last sequence number the client has stored; 0 for none. */
  since: z.number().int().min(0),
  limit: z.number().int().min(1).max(SYNC_PAGE_MAX).optional(),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

export interface PullResponse {
  readonly changes: readonly Change[];
  /** The account's newest sequence number when the page was read. */
  readonly last: number;
  /** True when more changes follow this page. */
  readonly more: boolean;
}

/** How long "typing" holds without a refresh; a desktop refreshes well within it while a person types. */
export const TYPING_EXPIRES_MS = 6000;
/** Presence updates the server relays per desktop connection and second; the newest of the rest follows. */
export const PRESENCE_PER_SECOND = 10;

/** What one desktop says about its person: the conversation open on it, if any, and typing in it. */
export const PresenceUpdateSchema = z.strictObject({
  /** Ids are opaque to presence: the server relays them without looking them up. */
  conversationId: z.string().min(1).max(200).nullable(),
  typing: z.boolean(),
});
export type PresenceUpdate = z.infer<typeof PresenceUpdateSchema>;

/** A presence update as relayed to the account's other desktops. */
export const PresenceSchema = z.object({
  /**
   * One desktop connection. A person may have several (two windows, two
   * computers): each says what it shows, and the desktop joins them per person.
   */
  connectionId: z.string(),
  userId: z.string(),
  name: z.string(),
  /** Null: that connection shows no conversation any more, or it is gone. */
  conversationId: z.string().nullable(),
  typing: z.boolean(),
  /** When the server heard it (ISO 8601). */
  at: z.string(),
});
export type Presence = z.infer<typeof PresenceSchema>;

/** Events the server emits. */
export interface ServerToClient {
  /** Committed changes of the account, in `seq` order, as they happen. */
  changes: (changes: readonly Change[]) => void;
  /**
   * Another desktop of the account opened, left or typed in a conversation;
   * also, right after connecting, what each one connected already shows.
   * A connection that closes is announced with `conversationId: null`.
   */
  presence: (presence: Presence) => void;
  /** Right after connecting: the versions the server speaks, and the one this connection speaks. */
  protocol: (hello: ProtocolHello) => void;
}

export type Ack<T> = (
  result:
    | { ok: true; value: T }
    | {
        ok: false;
        error: {
          code: string;
          message: string;
          problems?: readonly { path: string; message: string }[];
        };
      },
) => void;

/** Requests the client sends, each answered through its acknowledgement. */
export interface ClientToServer {
  'sync.pull': (request: PullRequest, ack: Ack<PullResponse>) => void;
  /**
   * Runs one command (see commands.ts). A replayed key is answered with the
   * first result; the changes it made arrive as `changes` like any other.
   */
  command: (request: CommandRequest, ack: Ack<CommandValue<CommandType>>) => void;
  /** What this desktop shows now; relayed to the account's other desktops, unanswered. */
  presence: (update: PresenceUpdate) => void;
}
