import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { IpcHandlers, MessagePage } from '../../shared/ipc';
import type { Change } from '../../shared/protocol/entities';
import { isStagedId } from '../../shared/ipc/media';
import type { Command } from '../../shared/protocol/commands';
import type { MediaSnapshot, MediaVariant } from '../../shared/protocol/media';
import { MediaCache } from './media/mediaCache';
import { serveMedia, type MediaResponse } from './media/serve';
import {
  MediaRefusedError,
  type MediaSession,
  MediaUnreachableError,
  uploadMedia,
} from './media/serverMedia';
import { StagedFiles } from './media/staging';
import type { Prepare } from './sync/outbox';

/** The signed-in server, token and account, as the media code needs them. */
export interface MediaConnection extends MediaSession {
  readonly user: { readonly accountId: string };
}

export interface DesktopMediaOptions {
  /** The app's data folder; media lives in its `media` folder. */
  readonly dataDir: string;
  readonly connection: () => MediaConnection | null;
  /** Bytes of originals kept per account (500 MB by default). */
  readonly originalsCap?: number | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** Pictures a browser shows from their own bytes (not HEIC, which waits for the server's preview). */
const SHOWN_AS_STAGED = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** How long a staged file no waiting text names is kept (a cancelled text still shows it). */
const STAGED_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

const GONE = 'An attached file is no longer on this computer. Attach it again.';

/**
 * Pictures and files on this desktop: the staged files of the composer,
 * each account's media cache, serving both to the renderer as `/media/…`,
 * and uploading a queued text's staged files just before it leaves.
 */
export class DesktopMedia {
  readonly staged: StagedFiles;
  readonly #options: DesktopMediaOptions;
  readonly #caches = new Map<string, MediaCache>();

  constructor(options: DesktopMediaOptions) {
    this.#options = options;
    this.staged = new StagedFiles(join(options.dataDir, 'media', 'staged'));
  }

  /**
   * At sign-in: staged files more than a week old that no waiting text
   * (of the cache's outbox) names are removed, in the background.
   */
  sweepStaged(
    outbox: { outboxPending(): Promise<readonly { readonly command: Command }[]> },
    now: Date = new Date(),
  ): void {
    void (async () => {
      const keep = new Set<string>();
      for (const { command } of await outbox.outboxPending()) {
        if (command.type === 'message.send') for (const id of command.mediaIds ?? []) keep.add(id);
      }
      await this.staged.sweep(keep, new Date(now.getTime() - STAGED_KEPT_MS));
    })().catch((error: unknown) => this.#options.onError?.(error));
  }

  /**
   * Files whose retention ended on the server (a message updated with its
   * media marked expired) are removed from this computer too.
   */
  async forgetExpired(changes: readonly Change[]): Promise<void> {
    const expired = changes.flatMap((change) =>
      change.type === 'message.updated'
        ? change.data.media.filter((item) => item.expired).map((item) => item.id)
        : [],
    );
    const cache = this.cache();
    if (expired.length === 0 || cache === null) return;
    await Promise.all(expired.map((id) => cache.forget(id))).catch((error: unknown) =>
      this.#options.onError?.(error),
    );
  }

  /** The signed-in account's media cache (one folder per account), or null when signed out. */
  cache(): MediaCache | null {
    const connection = this.#options.connection();
    if (connection === null) return null;
    const { accountId } = connection.user;
    let cache = this.#caches.get(accountId);
    if (cache === undefined) {
      const folder = createHash('sha256').update(accountId).digest('hex').slice(0, 32);
      cache = new MediaCache({
        root: join(this.#options.dataDir, 'media', 'accounts', folder),
        // The latest token, after a refresh.
        session: () => this.#options.connection(),
        ...(this.#options.originalsCap !== undefined && {
          originalsCap: this.#options.originalsCap,
        }),
      });
      this.#caches.set(accountId, cache);
    }
    return cache;
  }

  /** The answer to the renderer's request for a `/media/…` path. */
  serve(
    pathname: string,
    request: { readonly range?: string | null; readonly download?: boolean } = {},
  ): Promise<MediaResponse> {
    const cache = this.cache();
    return serveMedia(
      pathname,
      {
        get: cache === null ? null : (id: string, variant: MediaVariant) => cache.get(id, variant),
        staged: this.staged,
      },
      request,
    );
  }

  /**
   * A page of a thread with its waiting texts' files described: a staged
   * file as staged (a picture the browser shows is displayed from
   * /media/staged/<id>), an uploaded one by the server's record.
   */
  async describe(page: MessagePage): Promise<MessagePage> {
    if (!page.messages.some((message) => message.local !== null && message.media.length > 0)) {
      return page;
    }
    const messages = await Promise.all(
      page.messages.map(async (message) =>
        message.local === null || message.media.length === 0
          ? message
          : {
              ...message,
              media: await Promise.all(message.media.map((item) => this.#described(item))),
            },
      ),
    );
    return { ...page, messages };
  }

  async #described(item: MediaSnapshot): Promise<MediaSnapshot> {
    if (!isStagedId(item.id)) {
      const [record] = await this.staged.uploadedAs([item.id]);
      return record?.uploaded ?? item;
    }
    const record = await this.staged.find(item.id);
    if (record === null) return item;
    return {
      ...item,
      type: record.type,
      kind: record.kind,
      size: record.size,
      filename: record.filename,
      claimedType: record.claimedType === record.type ? null : record.claimedType,
      hasPreview: record.kind === 'image' && SHOWN_AS_STAGED.has(record.type),
    };
  }

  handlers(): Pick<IpcHandlers, 'media.stage' | 'media.unstage'> {
    return {
      'media.stage': (input) => this.staged.stage(input),
      'media.unstage': async ({ id }) => {
        await this.staged.remove(id);
        return null;
      },
    };
  }

  /**
   * Before a message.send leaves: each staged file is uploaded (once: its
   * server record is noted beside it) and its id replaced by the server's,
   * written down after each. Offline, or the server failing, it waits; a
   * refusal (too large, say) fails the text with the server's sentence.
   */
  readonly prepare: Prepare = async (command, save) => {
    if (command.type !== 'message.send' || !(command.mediaIds ?? []).some(isStagedId)) {
      return { command };
    }
    const connection = this.#options.connection();
    if (connection === null) return 'later';
    let current = command;
    for (const id of command.mediaIds ?? []) {
      if (!isStagedId(id)) continue;
      const record = await this.staged.find(id);
      if (record === null) return { refused: { code: 'invalid-input', message: GONE } };
      let media = record.uploaded;
      if (media === null) {
        try {
          media = await uploadMedia(connection, {
            filename: record.filename,
            type: record.claimedType === '' ? record.type : record.claimedType,
            bytes: await this.staged.bytes(id),
          });
        } catch (error) {
          if (error instanceof MediaUnreachableError) return 'later';
          // An ended session is the sync client's to handle; the text waits for the next one.
          if (error instanceof MediaRefusedError && error.status !== 401) {
            return { refused: { code: error.code, message: error.message } };
          }
          if (error instanceof MediaRefusedError) return 'later';
          throw error;
        }
        await this.staged.uploaded(id, media);
      }
      const serverId = media.id;
      current = {
        ...current,
        mediaIds: (current.mediaIds ?? []).map((each) => (each === id ? serverId : each)),
      };
      await save(current);
    }
    return { command: current };
  };

  /**
   * The server answered a text: its staged files are no longer needed. When
   * it was sent, their bytes become the originals in the media cache, so
   * the sender never downloads what they just sent.
   */
  async settled(command: Command, state: 'done' | 'refused'): Promise<void> {
    if (command.type !== 'message.send' || (command.mediaIds ?? []).length === 0) return;
    const cache = this.cache();
    try {
      for (const record of await this.staged.uploadedAs(command.mediaIds ?? [])) {
        if (state === 'done' && cache !== null && record.uploaded !== null) {
          await cache.adopt(record.uploaded, await this.staged.bytes(record.id));
        }
        await this.staged.remove(record.id);
      }
    } catch (error) {
      // Tidying up only: the text itself was answered.
      this.#options.onError?.(error);
    }
  }
}
