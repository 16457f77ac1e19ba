import { io, type Socket } from 'socket.io-client';
import type { SyncStatus } from '../../../shared/ipc/views';
import type { CommandRequest } from '../../../shared/protocol/commands';
import type { Change } from '../../../shared/protocol/entities';
import {
  PresenceSchema,
  type ClientToServer,
  type PresenceUpdate,
  type PullResponse,
  type ServerToClient,
} from '../../../shared/protocol/sync';
import type { UpdateNeeded } from '../../../shared/protocol/versions';
import type { Failure } from '../../../shared/result';
import { OfflineError, type CommandAck, type SyncClientOptions } from './syncTypes';
import { ProtocolVersions, updateFrom, updateNeededStatus, type Unreadable } from './versions';

export {
  OfflineError,
  type ChangeStore,
  type CommandAck,
  type SyncClientOptions,
} from './syncTypes';

const PAGE = 1000;
/** A page of the log as far as this desktop can read it. */
type Page = PullResponse & { readonly unreadable: Unreadable | null };
/** While a person keeps typing, "typing" is sent again at most this often (it lapses after 6 s). */
export const TYPING_REFRESH_MS = 2000;

/**
 * Keeps the cache in step with the server: signs in at the handshake,
 * catches up from the cache's cursor in pages (pulling the next page while
 * the last is stored), then applies live changes. A live packet that skips
 * ahead of the cursor (another server committed first) triggers a pull from
 * the cursor. Every store runs through one queue, so changes are applied
 * in order and the cursor never passes a change it has not stored.
 *
 * Versions: it says at the handshake which protocol versions it speaks. Told
 * that it (or the server) must update, or meeting a change it cannot read,
 * it stops in the `update-needed` state, keeping its cursor before that
 * change, and tries nothing again: an updated desktop carries on from there.
 */
export class SyncClient {
  readonly #options: SyncClientOptions;
  readonly #socket: Socket<ServerToClient, ClientToServer>;
  #cursor = 0;
  #queue: Promise<void> = Promise.resolve();
  #catchingUp = false;
  #buffered: Change[] = [];
  #live = false;
  #stopped = false;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #status: SyncStatus = { state: 'connecting', queued: 0 };
  /** What this desktop shows now, and what the server last heard of it (null: nothing yet on this connection). */
  #presence: PresenceUpdate = { conversationId: null, typing: false };
  #presenceSent: { readonly update: PresenceUpdate; readonly at: number } | null = null;
  readonly #versions: ProtocolVersions;
  /** A live packet held a change this desktop cannot read: the catch-up pulls it from the log. */
  #pullAgain = false;

  constructor(options: SyncClientOptions) {
    this.#options = options;
    this.#versions = new ProtocolVersions(options.protocol);
    this.#socket = io(options.serverUrl, {
      auth: { token: options.token, ...this.#versions.auth },
      autoConnect: false,
      // Reconnection is ours: it reports when the next attempt is due and
      // stops when the session has ended.
      reconnection: false,
      transports: ['websocket'],
    });
    this.#socket.on('connect', () => {
      this.#attempt = 0;
      this.#presenceSent = null;
      // A new connection: the others forgot this desktop, tell them again (typing has lapsed).
      if (this.#presence.conversationId !== null) {
        this.#sendPresence({ conversationId: this.#presence.conversationId, typing: false });
      }
      this.#enqueue(() => this.#catchUp());
    });
    this.#socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      const update = updateFrom(error.data);
      if (update !== null) {
        this.#updateNeeded(update);
        return;
      }
      if (error.data?.code === 'unauthenticated') {
        this.#stopped = true;
        this.#setStatus({
          state: 'offline',
          queued: options.queued(),
          reason: error.message,
          retryAt: null,
        });
        options.onSignedOut(error.message);
        return;
      }
      this.#scheduleReconnect('No connection to the server');
    });
    this.#socket.on('disconnect', () => {
      this.#live = false;
      options.onDisconnected?.();
      this.#scheduleReconnect('The connection to the server was lost');
    });
    this.#socket.on('changes', (changes) => {
      this.#receive(changes);
    });
    this.#socket.on('protocol', (raw: unknown) => {
      if (!this.#versions.heard(raw)) {
        options.onError?.(new Error('The server’s protocol versions did not parse.'));
      }
    });
    this.#socket.on('presence', (raw: unknown) => {
      const parsed = PresenceSchema.safeParse(raw);
      if (!parsed.success) {
        options.onError?.(
          new Error(`A presence from the server did not parse: ${parsed.error.message}`),
        );
        return;
      }
      options.onPresence?.(parsed.data);
    });
  }

  /** True once caught up, while connected. */
  get live(): boolean {
    return this.#live;
  }

  get status(): SyncStatus {
    return this.#status;
  }

  start(): void {
    this.#stopped = false;
    this.#setStatus({ state: 'connecting', queued: this.#options.queued() });
    this.#socket.connect();
  }

  /** The session's token was refreshed: the next (re)connection signs in with the new one. */
  setToken(token: string): void {
    this.#socket.auth = { ...(this.#socket.auth as Record<string, unknown>), token };
  }

  /** Disconnects for good and waits for the store queue to drain. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#socket.disconnect();
    await this.#queue;
  }

  /** The outbox's count changed: say so in the status line. */
  refreshStatus(): void {
    this.#setStatus({ ...this.#status, queued: this.#options.queued() } as SyncStatus);
  }

  /** Sends one command and waits for the server's answer. */
  async command(request: CommandRequest): Promise<CommandAck> {
    if (!this.#socket.connected) throw new OfflineError();
    try {
      return (await this.#socket
        .timeout(this.#options.ackTimeoutMs ?? 15_000)
        .emitWithAck('command', request)) as CommandAck;
    } catch {
      throw new OfflineError('The server did not answer in time.');
    }
  }

  /** What this desktop last said it shows. */
  get presence(): PresenceUpdate {
    return this.#presence;
  }

  /**
   * Says what this desktop shows now. Dropped while offline (the server
   * would only relay it, not keep it); the conversation is said again on
   * reconnect. Repeated "typing" is sent at most every TYPING_REFRESH_MS.
   */
  setPresence(update: PresenceUpdate): void {
    const next = {
      conversationId: update.conversationId,
      typing: update.conversationId !== null && update.typing,
    };
    this.#presence = next;
    if (!this.#socket.connected) return;
    const sent = this.#presenceSent;
    if (
      sent !== null &&
      sent.update.conversationId === next.conversationId &&
      sent.update.typing === next.typing &&
      (!next.typing || Date.now() - sent.at < TYPING_REFRESH_MS)
    ) {
      return;
    }
    this.#sendPresence(next);
  }

  #sendPresence(update: PresenceUpdate): void {
    this.#presenceSent = { update, at: Date.now() };
    this.#socket.emit('presence', update);
  }

  #enqueue(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch((error: unknown) => {
      this.#options.onError?.(error);
      // A failed pull or store leaves the cursor where it was: start over.
      if (!this.#stopped && this.#socket.connected) this.#socket.disconnect();
      this.#scheduleReconnect('Sync stopped after an error; retrying');
    });
  }

  #receive(raw: unknown): void {
    if (this.#stopped) return;
    let read: { readonly changes: Change[]; readonly unreadable: Unreadable | null };
    try {
      read = this.#versions.read(raw);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    const { changes, unreadable } = read;
    if (this.#catchingUp || unreadable !== null) {
      this.#buffered.push(...changes);
      // The log has the change too: the catch-up meets it there, and stops.
      if (unreadable !== null) this.#pullAgain = true;
      if (!this.#catchingUp) this.#enqueue(() => this.#catchUp());
      return;
    }
    this.#enqueue(async () => {
      const first = changes[0];
      if (first === undefined) return;
      if (first.seq > this.#cursor + 1) {
        // Another server's packet is ahead of ours: fetch what lies between.
        this.#buffered.push(...changes);
        await this.#catchUp();
        return;
      }
      await this.#apply(changes);
    });
  }

  async #apply(changes: readonly Change[]): Promise<void> {
    await this.#applied(changes, this.#options.store.applyChanges(changes));
  }

  /** Takes in the cache's answer to storing `changes`, once the stores before it are in. */
  async #applied(
    changes: readonly Change[],
    storing: Promise<{ readonly cursor: number }>,
  ): Promise<void> {
    const before = this.#cursor;
    const { cursor } = await storing;
    this.#cursor = cursor;
    const stored = changes.filter((change) => change.seq > before && change.seq <= cursor);
    if (stored.length > 0) this.#options.onApplied(stored, !this.#catchingUp);
  }

  /** A page, up to the first change this desktop cannot read (then there is no more for it). */
  async #pull(since: number): Promise<Page> {
    const answer = (await this.#socket
      .timeout(this.#options.ackTimeoutMs ?? 30_000)
      .emitWithAck('sync.pull', { since, limit: this.#options.pageSize ?? PAGE })) as
      { ok: true; value: PullResponse } | { ok: false; error: Failure };
    if (!answer.ok) throw new Error(`The server refused a pull: ${answer.error.message}`);
    const { changes, unreadable } = this.#versions.read(answer.value.changes);
    return { ...answer.value, changes, more: answer.value.more && unreadable === null, unreadable };
  }

  /**
   * A pull whose answer is awaited later: if storing the page before it
   * fails first, its own failure (the socket closed) is not left unhandled.
   */
  #pullAhead(since: number): Promise<Page> {
    const pulling = this.#pull(since);
    pulling.catch(() => undefined);
    return pulling;
  }

  /** Pulls from the cursor until the server has nothing newer, then applies what arrived live. */
  async #catchUp(): Promise<void> {
    this.#catchingUp = true;
    this.#live = false;
    let unreadable: Unreadable | null = null;
    try {
      this.#cursor = await this.#options.store.cursor();
      const start = this.#cursor;
      let target = start;
      pulling: for (;;) {
        /*
         * Pull page k+1 while page k is stored, and hand each page to the
         * cache as soon as it is in: the cache stores in order, so page k+1
         * waits there, not for a round trip through this thread. A page
         * after one that failed finds a gap and stores nothing.
         */
        let next: Promise<Page> | null = this.#pullAhead(this.#cursor);
        let storing: Promise<void> = Promise.resolve();
        while (next !== null) {
          const page: Page = await next;
          unreadable ??= page.unreadable;
          target = Math.max(target, page.last);
          const last = page.changes.at(-1);
          next = page.more && last !== undefined ? this.#pullAhead(last.seq) : null;
          const sent =
            page.changes.length > 0 ? this.#options.store.applyChanges(page.changes) : null;
          // Its failure is reported through the page before it, or below.
          sent?.catch(() => undefined);
          const previous = storing;
          storing = (async () => {
            await previous;
            if (sent !== null) await this.#applied(page.changes, sent);
            this.#setStatus({
              state: 'catching-up',
              done: this.#cursor - start,
              total: Math.max(target - start, this.#cursor - start),
              queued: this.#options.queued(),
            });
          })();
          // Thrown below (or by the next page's await) rather than left unhandled.
          storing.catch(() => undefined);
          // At most two pages with the cache at once.
          await previous;
        }
        await storing;
        // Stored up to the change it cannot read: it stays there.
        if (unreadable !== null) break pulling;
        // Live packets that came meanwhile; more may come while these are stored.
        for (;;) {
          const waiting = this.#buffered.filter((change) => change.seq > this.#cursor);
          this.#buffered = [];
          if (waiting.length === 0 && this.#pullAgain) {
            this.#pullAgain = false;
            continue pulling;
          }
          if (waiting.length === 0) break pulling;
          waiting.sort((a, b) => a.seq - b.seq);
          await this.#apply(waiting);
          const rest = waiting.filter((change) => change.seq > this.#cursor);
          if (rest.length > 0) {
            // A gap remains (a packet from another server raced the pages): pull again.
            this.#buffered.push(...rest);
            continue pulling;
          }
        }
      }
    } finally {
      this.#catchingUp = false;
    }
    if (unreadable !== null) {
      this.#updateNeeded('desktop');
      return;
    }
    if (!this.#socket.connected) return;
    this.#live = true;
    this.#setStatus({ state: 'live', queued: this.#options.queued() });
    this.#options.onLive();
  }

  #scheduleReconnect(reason: string): void {
    if (this.#stopped || this.#retry !== undefined) return;
    this.#live = false;
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    // Full jitter, so a room of desktops does not reconnect in step after an outage.
    const ceiling = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    const delay = Math.max(initialMs / 2, Math.random() * ceiling);
    this.#attempt += 1;
    this.#setStatus({
      state: 'offline',
      queued: this.#options.queued(),
      reason,
      retryAt: new Date(Date.now() + delay).toISOString(),
    });
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#stopped) return;
      this.#setStatus({ state: 'connecting', queued: this.#options.queued() });
      this.#socket.connect();
    }, delay);
  }

  /** Stops for good, until the one named is updated: trying again would meet the same refusal. */
  #updateNeeded(update: UpdateNeeded): void {
    this.#stopped = true;
    this.#live = false;
    this.#buffered = [];
    this.#pullAgain = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    if (this.#socket.connected) this.#socket.disconnect();
    this.#setStatus(updateNeededStatus(update, this.#options.queued()));
  }

  #setStatus(status: SyncStatus): void {
    this.#status = status;
    this.#options.onStatus(status);
  }
}
