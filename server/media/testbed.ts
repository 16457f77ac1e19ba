import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach } from 'vitest';
import type { MediaSnapshot } from '../../shared/protocol/media';
import { createAccount } from '../accounts/accounts';
import type { DialectName } from '../db/connect';
import { migrate } from '../db/migrate';
import { freshStorage } from '../testing/storage';
import { LocalBlobStore } from './localStore';
import { createMediaService } from './service';
import type { BlobStore, IncomingFile } from './types';

/** Where the testbed's signed addresses point. */
export const TESTBED_URL = 'https://texts.acme.test';
/** The business numbers of the testbed's two accounts. */
export const TESTBED_NUMBERS = { acme: '+12015550100', bright: '+12015550111' } as const;

export interface TestbedOptions {
  /** The store the service writes through, given the local folder store (to count or fail calls). */
  readonly wrap?: (store: BlobStore) => BlobStore;
  /** Where the clock starts; tests move `clock.now`. */
  readonly now?: Date;
}

/**
 * A media service for a test file's tests: a migrated database with two
 * accounts (Acme Dental and Bright Smiles), a local store in a temp folder
 * and a clock the test moves, all removed after each test.
 */
export function mediaTestbeds() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (dialect: DialectName = 'sqlite', options: TestbedOptions = {}) => {
    const storage = await freshStorage(dialect);
    cleanups.push(() => storage.close());
    await migrate(storage);
    const clock = { now: options.now ?? new Date('2026-03-02T15:00:00.000Z') };
    const account = (name: string, businessNumber: string) =>
      createAccount(storage.db, { name, defaultCountry: 'US', businessNumber }, clock.now);
    const accountId = await account('Acme Dental', TESTBED_NUMBERS.acme);
    const otherAccountId = await account('Bright Smiles', TESTBED_NUMBERS.bright);
    const folder = await mkdtemp(join(tmpdir(), 'textdesk-media-test-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const files = join(folder, 'files');
    const incoming = join(folder, 'incoming');
    const local = new LocalBlobStore(files);
    const store = options.wrap?.(local) ?? local;
    const media = createMediaService({
      db: storage.db,
      store,
      secret: Buffer.alloc(32, 7),
      publicUrl: () => `${TESTBED_URL}/`,
      tempDir: incoming,
      now: () => clock.now,
    });
    /** Takes in these bytes for the account (Acme unless told), as an upload unless told. */
    const ingest = async (
      bytes: Buffer,
      file: Partial<Omit<IncomingFile, 'body'>> = {},
    ): Promise<MediaSnapshot> => {
      const result = await media.ingest({
        accountId,
        source: 'upload',
        ...file,
        body: Readable.from([bytes]),
      });
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    };
    /** Every file in the local store, by name. */
    const stored = async (): Promise<string[]> => {
      const entries = await readdir(files, { recursive: true, withFileTypes: true }).catch(
        () => [],
      );
      return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
    };
    return {
      db: storage.db,
      accountId,
      otherAccountId,
      clock,
      media,
      store,
      incoming,
      stored,
      ingest,
    };
  };
}
