import type { SyncStatus } from '../../../shared/ipc/views';
import type { Change } from '../../../shared/protocol/entities';
import type { Presence } from '../../../shared/protocol/sync';
import type { Failure } from '../../../shared/result';

/** What the sync client is given and gives: the cache behind it, the app around it. */

/** Where changes are stored: the cache, which moves its cursor with the rows. */
export interface ChangeStore {
  cursor(): Promise<number>;
  applyChanges(changes: readonly Change[]): Promise<{ cursor: number; applied: number }>;
}

/** The server's answer to a command, as its acknowledgement carries it. */
export type CommandAck =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly error: Failure & {
        readonly problems?: readonly { path: string; message: string }[];
      };
    };

export interface SyncClientOptions {
  readonly serverUrl: string;
  readonly token: string;
  readonly store: ChangeStore;
  /**
   * Changes just stored, in seq order; `live` is false while catching up
   * (history being replayed, not news).
   */
  readonly onApplied: (changes: readonly Change[], live: boolean) => void;
  readonly onStatus: (status: SyncStatus) => void;
  /** Caught up after (re)connecting: the outbox may send now. */
  readonly onLive: () => void;
  /** The server ended the session: the person must sign in again. */
  readonly onSignedOut: (reason: string) => void;
  /** Commands waiting in the outbox, for the status line. */
  readonly queued: () => number;
  readonly pageSize?: number;
  /** First and longest wait between connection attempts. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How long a pull or command may wait for its acknowledgement. */
  readonly ackTimeoutMs?: number;
  /** Another desktop of the account says what it shows (the server never echoes our own). */
  readonly onPresence?: (presence: Presence) => void;
  /** The connection is gone: everything heard about presence is void until it is back. */
  readonly onDisconnected?: () => void;
  /** Errors that are bugs or broken data, not connection trouble. */
  readonly onError?: (error: unknown) => void;
  /** The protocol versions this desktop speaks: PROTOCOL_VERSION down to DESKTOP_PROTOCOL_MIN. */
  readonly protocol?: { readonly version: number; readonly min: number };
}

/** Thrown by `command` when the server cannot be asked right now. */
export class OfflineError extends Error {
  constructor(message = 'Not connected to the server.') {
    super(message);
    this.name = 'OfflineError';
  }
}
