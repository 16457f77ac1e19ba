import { z } from 'zod';
import type { CommandRequest, CommandType, CommandValue } from './commands';
import type { Change } from './entities';

/**
 * The sync protocol between a desktop and the server, over socket.io.
 *
 * 1. The client connects with `auth: { token }` (a session token from
 *    POST /api/v1/login). A bad token is refused at the handshake.
 * 2. On connect the server puts the socket in its account's room, so live
 *    `changes` events start flowing at once.
 * 3. The client pulls everything after its cursor with `sync.pull`, page by
 *    page, until `more` is false; live changes that arrived meanwhile are
 *    deduplicated by `seq`.
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

/** Events the server emits. */
export interface ServerToClient {
  /** Committed changes of the account, in `seq` order, as they happen. */
  changes: (changes: readonly Change[]) => void;
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
}
