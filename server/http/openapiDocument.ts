/**
 * The OpenAPI document as a server with every area would serve it — the
 * simulator's routes and Twilio's webhooks included — built on an empty
 * in-memory database, for docs/api/openapi.json and its test.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhoneSimulator } from '../carriers/simulator';
import { openStorage } from '../db/connect';
import { createLogger } from '../logging';
import { LocalBlobStore } from '../media/localStore';
import { createMediaService } from '../media/service';
import { createMetrics } from '../metrics';
import { buildHttpServer } from './server';

export async function openApiDocument(): Promise<unknown> {
  const storage = openStorage('sqlite::memory:');
  const simulator = new PhoneSimulator();
  const app = await buildHttpServer({
    context: {
      db: storage.db,
      carrier: simulator,
      defaultCountry: 'US',
      publicUrl: 'https://textdesk.example.com',
      now: () => new Date(),
      publish: () => undefined,
      // Never asked to keep anything: the document only needs the media routes.
      media: createMediaService({
        db: storage.db,
        store: new LocalBlobStore(join(tmpdir(), 'textdesk-openapi-media')),
        secret: Buffer.alloc(32),
        publicUrl: () => 'https://textdesk.example.com',
        tempDir: join(tmpdir(), 'textdesk-openapi-media'),
      }),
    },
    storage,
    metrics: createMetrics({ db: storage.db, carrier: 'simulator', connectedDesktops: () => 0 }),
    metricsToken: null,
    webhookPolicy: { allowLoopback: false },
    logger: createLogger({ level: 'silent' }),
    trustProxy: false,
    corsOrigins: [],
    webhookRateLimit: 0,
    simulator,
    twilio: {
      accountSid: 'AC00000000000000000000000000000000',
      authToken: 'documenting',
      apiBase: 'https://api.twilio.com',
      publicUrl: 'https://textdesk.example.com',
    },
  });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await storage.close();
  }
}

/** The document as docs/api/openapi.json holds it: two-space JSON and a final newline. */
export const openApiText = async (): Promise<string> =>
  `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
