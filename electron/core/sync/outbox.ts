import { randomUUID } from 'node:crypto';
import type { Command } from '../../../shared/protocol/commands';
import type { Failure } from '../../../shared/result';
import type { OutboxEntry } from '../cache/types';
import { OfflineError, type CommandAck } from './syncClient';

/** The outbox's part of the cache. */
export interface OutboxStore {
  outboxAdd(entry: { key: string; command: Command; at: string }): Promise<void>;
  outboxPending(): Promise<readonly OutboxEntry[]>;
  outboxAttempted(key: string): Promise<void>;
  outboxSettle(
    key: string,
    settled: { state: 'done'; value: unknown } | { state: 'refused' | 'cancelled'; error: Failure },
  ): Promise<void>;
  outboxEntry(key: string): Promise<OutboxEntry | null>;
  /** Writes a pending command's new form (its staged files' server ids). */
  outboxReplace(key: string, command: Command): Promise<void>;
}

/**
 * What must happen before a command leaves (uploading its staged files):
 * the command to send, a refusal that fails it, or `later` to keep it
 * queued (offline). `save` writes a changed command down at once, so a
 * restart midway does not do the work twice.
 */
export type Prepare = (
  command: Command,
  save: (command: Command) => Promise<void>,
) => Promise<{ readonly command: Command } | { readonly refused: Failure } | 'later'>;

export interface OutboxOptions {
  readonly store: OutboxStore;
  /** Sends a command; throws OfflineError when the server cannot be asked now. */
  readonly send: (request: { key: string; command: Command }) => Promise<CommandAck>;
  /** Whether the sync client is caught up and connected. */
  readonly live: () => boolean;
  /**
   * The send gate, run again on a queued text just before it leaves (after
   * catch-up, so a STOP that came in meanwhile is known): null to send, or
   * why not.
   */
  readonly recheck: (command: Command) => Promise<Failure | null>;
  readonly onCancelled: (entry: OutboxEntry, reason: Failure) => void;
  /** The number of waiting commands changed. */
  readonly onCount: (pending: number) => void;
  readonly prepare?: Prepare;
  /** The server answered a command (done or refused): its staged files may go. Awaited. */
  readonly onSettled?: (command: Command, state: 'done' | 'refused') => Promise<void>;
  readonly now?: () => Date;
}

/** What a person's action came to. */
export type Submitted =
  | { readonly state: 'done'; readonly value: unknown }
  | { readonly state: 'queued'; readonly key: string }
  | { readonly state: 'refused'; readonly error: Failure };

/** Answers that say "try again later", not "no". */
const TRANSIENT = new Set(['internal', 'unauthenticated']);

/**
 * Every command is written to the cache with its idempotency key before it
 * is sent, and sent again until the server answers: the server runs a key
 * once, so a resend after a dropped connection never texts anyone twice.
 * Commands go one at a time, in the order people made them.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  #chain: Promise<unknown> = Promise.resolve();
  #pending = 0;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Commands waiting for the server. */
  get pending(): number {
    return this.#pending;
  }

  /** Reads the count from the cache (at start). */
  async load(): Promise<void> {
    this.#setCount((await this.#options.store.outboxPending()).length);
  }

  /**
   * Writes the command down, then sends it if connected. Resolves with the
   * server's answer, or `queued` when it will go once the connection is back.
   */
  async submit(command: Command): Promise<Submitted> {
    const key = randomUUID();
    const at = (this.#options.now?.() ?? new Date()).toISOString();
    await this.#options.store.outboxAdd({ key, command, at });
    this.#setCount(this.#pending + 1);
    if (!this.#options.live()) return { state: 'queued', key };
    return this.#serial(() => this.#sendOne(key));
  }

  /**
   * Sends everything waiting, oldest first; called each time the sync client
   * is caught up. Texts are gated again first and cancelled, with the reason,
   * when the contact opted out or was blocked meanwhile.
   */
  flush(): Promise<void> {
    return this.#serial(async () => {
      for (const entry of await this.#options.store.outboxPending()) {
        if (!this.#options.live()) return;
        if (entry.command.type === 'message.send') {
          const refusal = await this.#options.recheck(entry.command);
          if (refusal !== null) {
            await this.#options.store.outboxSettle(entry.key, {
              state: 'cancelled',
              error: refusal,
            });
            this.#setCount(this.#pending - 1);
            this.#options.onCancelled(entry, refusal);
            continue;
          }
        }
        const outcome = await this.#sendOne(entry.key, true);
        // Connection trouble: the rest waits for the next catch-up.
        if (outcome.state === 'queued') return;
      }
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends the entry as written down (with any files it uploaded before a
   * restart). `queued`: it waited, so nobody is looking at its answer.
   */
  async #sendOne(key: string, queued = false): Promise<Submitted> {
    const entry = await this.#options.store.outboxEntry(key);
    if (entry?.state !== 'pending') {
      // Settled meanwhile (a flush got there first): report what happened.
      if (entry?.state === 'done') return { state: 'done', value: entry.outcome };
      return { state: 'refused', error: entry?.outcome as Failure };
    }
    await this.#options.store.outboxAttempted(key);
    const prepared = await this.#prepare(key, entry.command);
    if (prepared === 'later') return { state: 'queued', key };
    if ('refused' in prepared) {
      if (!queued) return this.#settleRefused(key, prepared.command, prepared.refused);
      // A queued text whose files the server refused: it stays in its thread, failed, with why.
      await this.#options.store.outboxSettle(key, { state: 'cancelled', error: prepared.refused });
      this.#setCount(this.#pending - 1);
      this.#options.onCancelled({ ...entry, command: prepared.command }, prepared.refused);
      return { state: 'refused', error: prepared.refused };
    }
    const ready = prepared.command;
    let ack: CommandAck;
    try {
      ack = await this.#options.send({ key, command: ready });
    } catch (error) {
      if (error instanceof OfflineError) return { state: 'queued', key };
      throw error;
    }
    if (!ack.ok && TRANSIENT.has(ack.error.code)) return { state: 'queued', key };
    if (ack.ok) {
      await this.#options.store.outboxSettle(key, { state: 'done', value: ack.value });
      await this.#options.onSettled?.(ready, 'done');
      this.#setCount(this.#pending - 1);
      return { state: 'done', value: ack.value };
    }
    return this.#settleRefused(key, ready, ack.error);
  }

  async #settleRefused(key: string, command: Command, error: Failure): Promise<Submitted> {
    await this.#options.store.outboxSettle(key, { state: 'refused', error });
    await this.#options.onSettled?.(command, 'refused');
    this.#setCount(this.#pending - 1);
    return { state: 'refused', error };
  }

  /** The command as it will leave, after `prepare` (which may have done part of it before a restart). */
  async #prepare(
    key: string,
    command: Command,
  ): Promise<{ command: Command } | { command: Command; refused: Failure } | 'later'> {
    const prepare = this.#options.prepare;
    if (prepare === undefined) return { command };
    let latest = command;
    const answer = await prepare(command, async (changed) => {
      latest = changed;
      await this.#options.store.outboxReplace(key, changed);
    });
    if (answer === 'later') return 'later';
    return 'refused' in answer ? { command: latest, refused: answer.refused } : answer;
  }

  #setCount(count: number): void {
    this.#pending = Math.max(0, count);
    this.#options.onCount(this.#pending);
  }
}
