import type { Readable } from 'node:stream';
import type { Kysely, Transaction } from 'kysely';
import type { MediaLimits, MediaSnapshot, MediaVariant } from '../../shared/protocol/media';
import type { Change } from '../../shared/protocol/entities';
import type { Result } from '../../shared/result';
import type { Database } from '../db/schema';

/**
 * Where the bytes of pictures and files live: a local folder (the default)
 * or an S3-compatible bucket (S3, R2, MinIO). Keys are the SHA-256 of the
 * original (`<sha256>`), and of its derived files (`<sha256>.preview`,
 * `<sha256>.thumbnail`). Bytes go in from a file on disk and come out as a
 * stream: a store never holds a whole file in memory.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores the file at `path` under `key`; a key already there is left as it is. */
  putFile(key: string, path: string, type: string): Promise<void>;
  /** The bytes under `key`, streamed; null when there are none. */
  get(key: string): Promise<{ readonly body: Readable; readonly size: number } | null>;
  has(key: string): Promise<boolean>;
  /** Removes `key`; a missing key is no error. */
  delete(key: string): Promise<void>;
}

export type MediaSource = 'carrier' | 'upload' | 'simulator';

export interface MediaError {
  readonly code:
    | 'too-large'
    | 'empty'
    | 'unreachable'
    | 'forbidden-host'
    | 'not-found'
    | 'too-many'
    | 'unsupported'
    | 'invalid-input';
  /** A sentence a person understands. */
  readonly message: string;
}

/** A file coming in, as a stream: a carrier's download, an upload's body. */
export interface IncomingFile {
  readonly accountId: string;
  readonly source: MediaSource;
  readonly body: Readable;
  /** The name it came with, if any. */
  readonly filename?: string | undefined;
  /** The type the sender claimed (a carrier's MediaContentType, an upload's Content-Type). */
  readonly claimedType?: string | undefined;
  /** A user id, or `key:<api key id>`; unset for carriers. */
  readonly createdBy?: string | undefined;
}

/** A stored file shrunk to fit a carrier's limit: the agent is told. */
export interface Shrunk {
  /** The new, smaller file's id (it replaces the original in the message). */
  readonly mediaId: string;
  readonly fromBytes: number;
  readonly toBytes: number;
}

/** One variant of a file, ready to stream to whoever holds a valid signed address. */
export interface MediaDownload {
  readonly body: Readable;
  readonly size: number;
  /** The Content-Type to send: the sniffed type, or the preview's. */
  readonly type: string;
  readonly filename: string | null;
  /** Not one of the shown types: served as a download (Content-Disposition: attachment). */
  readonly attachment: boolean;
}

export interface SweepResult {
  readonly expired: number;
  readonly removedBlobs: number;
  readonly changes: readonly { readonly accountId: string; readonly changes: readonly Change[] }[];
}

/**
 * The server's pictures and files: taking them in (sniffed, hashed, kept
 * once per hash), attaching them to messages, signed addresses to fetch
 * them, and retention. On ServerContext as `media`.
 */
export interface MediaService {
  readonly store: BlobStore;
  /**
   * Reads the stream to a temporary file (refusing more than MAX_MEDIA_BYTES),
   * hashes and sniffs it, makes a preview and thumbnail for images, and
   * records it for the account. The same bytes are kept once.
   */
  ingest(file: IncomingFile): Promise<Result<MediaSnapshot, MediaError>>;
  /** The account's media record with this id; null when there is none (or it is another account's). */
  find(accountId: string, mediaId: string): Promise<MediaSnapshot | null>;
  /**
   * The account's media with these ids, in this order, for a message to
   * carry; an unknown id, another account's or an expired one is refused.
   * Images are shrunk (re-encoded as JPEG) so that all of them fit `limits`;
   * what was shrunk is listed.
   */
  forSending(
    accountId: string,
    ids: readonly string[],
    limits: MediaLimits,
  ): Promise<
    Result<
      { readonly media: readonly MediaSnapshot[]; readonly shrunk: readonly Shrunk[] },
      MediaError
    >
  >;
  /**
   * Records in the message's transaction which media a message shows, and
   * returns the JSON for `messages.media`.
   */
  attach(
    trx: Transaction<Database> | Kysely<Database>,
    messageId: string,
    media: readonly MediaSnapshot[],
  ): Promise<string>;
  /** A signed address for one variant, valid for `ttlSeconds` (default 5 minutes), under PUBLIC_URL. */
  signedUrl(mediaId: string, variant: MediaVariant, ttlSeconds?: number): string;
  /** Checks a signed address's query and opens the variant; null when invalid, expired or gone. */
  openSigned(
    mediaId: string,
    variant: MediaVariant,
    query: { readonly expires?: string; readonly signature?: string },
    now: Date,
  ): Promise<MediaDownload | null>;
  /**
   * Retention and clean-up: expires the media of messages older than each
   * account's `media_retention_days` (the records stay, marked expired),
   * removes uploads no message used within a day, and removes bytes no
   * media row uses any more. The expired messages' updated snapshots are
   * appended to the change log in the sweep's transaction and returned for
   * the caller to publish.
   */
  sweep(now: Date): Promise<SweepResult>;
}
