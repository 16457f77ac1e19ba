import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Role } from '../../shared/consent';
import type { Change } from '../../shared/protocol/entities';
import type { SessionUser } from '../auth/sessions';
import { createAccount } from '../accounts/accounts';
import { PhoneSimulator } from '../carriers/simulator';
import type { DialectName, Storage } from '../db/connect';
import { migrate } from '../db/migrate';
import type { ServerContext } from '../domain/context';
import { ingestInbound } from '../domain/ingest';
import { applyDeliveryStatus } from '../domain/outbound';
import { LocalBlobStore } from '../media/localStore';
import { createMediaService } from '../media/service';
import { freshStorage } from './storage';

export const BUSINESS_NUMBER = '+12015550100';
/** Where the test server's links point. */
export const PUBLIC_URL = 'https://texts.acme.test';

export interface TestServer {
  readonly storage: Storage;
  readonly simulator: PhoneSimulator;
  readonly context: ServerContext;
  readonly accountId: string;
  /** Every change published, in order. */
  readonly published: Change[];
  /** Resolves once every delivery receipt sent so far has been stored. */
  settled(): Promise<void>;
  /** A person of the account with this role, signed in (no password: tests need no sign-in). */
  user(role: Role, name?: string): Promise<SessionUser>;
  close(): Promise<void>;
}

/** A migrated database with one account (Acme Dental, US) and the phone simulator. */
export async function startTestServer(dialect: DialectName): Promise<TestServer> {
  const storage = await freshStorage(dialect);
  await migrate(storage);
  const accountId = await createAccount(
    storage.db,
    {
      name: 'Acme Dental',
      defaultCountry: 'US',
      businessNumber: BUSINESS_NUMBER,
      supportContact: '(201) 555-0100',
    },
    new Date(),
  );
  const simulator = new PhoneSimulator();
  const published: Change[] = [];
  const mediaDir = mkdtempSync(join(tmpdir(), 'textdesk-media-'));
  const context: ServerContext = {
    db: storage.db,
    carrier: simulator,
    defaultCountry: 'US',
    publicUrl: PUBLIC_URL,
    now: () => new Date(),
    publish: (_account, changes) => published.push(...changes),
    media: createMediaService({
      db: storage.db,
      store: new LocalBlobStore(join(mediaDir, 'files')),
      secret: Buffer.alloc(32, 7),
      publicUrl: () => PUBLIC_URL,
      tempDir: join(mediaDir, 'incoming'),
    }),
  };
  const receipts: Promise<unknown>[] = [];
  simulator.onStatus((update) => receipts.push(applyDeliveryStatus(context, update)));
  const settled = async (): Promise<void> => {
    // Receipts are sent on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(receipts);
  };
  return {
    storage,
    simulator,
    context,
    accountId,
    published,
    settled,
    user: async (role, name = `A ${role}`) => {
      const id = randomUUID();
      const email = `${id}@acme.test`;
      await storage.db
        .insertInto('users')
        .values({
          id,
          account_id: accountId,
          email,
          name,
          role,
          password_hash: 'not-for-sign-in',
          created_at: new Date().toISOString(),
          disabled_at: null,
        })
        .execute();
      return { id, accountId, email, name, role, sessionId: randomUUID() };
    },
    // A receipt still on its way would otherwise reach a closed database.
    close: async () => {
      await settled().catch(() => undefined);
      await storage.close();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh test server per test, for a test file: `start(dialect)` makes
 * the test's server, `current()` gives it to helpers, and it is closed
 * after each test.
 */
export function serverPerTest(): {
  readonly start: (dialect: DialectName) => Promise<TestServer>;
  readonly current: () => TestServer;
} {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    start: async (dialect) => {
      server = await startTestServer(dialect);
      return server;
    },
    current: () => {
      if (server === undefined) throw new Error('Start the test’s server first.');
      return server;
    },
  };
}

let texts = 0;

/** A customer texts the test server's business number, as a carrier's webhook would bring it. */
export async function textFrom(server: TestServer, from: string, body: string) {
  texts += 1;
  const result = await ingestInbound(
    server.context.db,
    { from, to: BUSINESS_NUMBER, body, carrierId: `SMtest${String(texts)}` },
    { defaultCountry: 'US', now: new Date() },
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
