/**
 * The messaging backend's single entry point. electron/core may import the
 * backend only through this file (solo mode); the lint rule enforces it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startServer, type RunningServer } from './app';
import { loadConfig } from './config';
import type { LogLevel } from './logging';

/** The zones a number's range is in, for the desktop's quiet-hours preview (both sides read one map). */
export { zonesOfNumber } from './domain/numberZones';
/** How a file's type is decided, by the desktop for the files an agent attaches too. */
export { sniffBuffer } from './media/sniff';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

/** The owner of a solo account: made once per data folder, never shown. */
const OwnerSchema = z.object({ email: z.string(), password: z.string() });
export type SoloOwner = z.infer<typeof OwnerSchema>;

export interface SoloServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The phone simulator page. */
  readonly simulatorUrl: string;
  readonly owner: SoloOwner;
  readonly server: RunningServer;
  close(): Promise<void>;
}

export interface SoloOptions {
  /** The folder the solo backend keeps its database and owner in. */
  readonly dataDir: string;
  /** better-sqlite3 built for the running runtime, when node_modules' is not (Electron). */
  readonly nativeBinding?: string | undefined;
  readonly businessName?: string;
  /** What the backend logs to stdout; `warn` unless told (no line per request inside the app). */
  readonly logLevel?: LogLevel;
}

function soloOwner(dataDir: string): SoloOwner {
  const file = join(dataDir, 'owner.json');
  try {
    return OwnerSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    const owner = {
      email: 'owner@solo.textdesk.local',
      password: randomBytes(32).toString('base64url'),
    };
    // Only this user may read it: it signs in to the account.
    writeFileSync(file, JSON.stringify(owner), { mode: 0o600 });
    return owner;
  }
}

/**
 * Solo mode: the whole backend inside the desktop app, on loopback only,
 * with SQLite in the app's data folder and the phone simulator as the
 * carrier. The first start creates the account and its owner.
 */
export async function startSoloServer(options: SoloOptions): Promise<SoloServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const owner = soloOwner(options.dataDir);
  const server = await startServer(
    loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite:${join(options.dataDir, 'textdesk.sqlite')}`,
      MEDIA_DIR: join(options.dataDir, 'media'),
      TEXTDESK_ADMIN_EMAIL: owner.email,
      TEXTDESK_ADMIN_PASSWORD: owner.password,
      TEXTDESK_BUSINESS_NAME: options.businessName ?? 'My business',
      CARRIER: 'simulator',
      // The simulator is the owner's own page on this machine: no one else to limit.
      WEBHOOK_RATE_LIMIT: '0',
      LOG_LEVEL: options.logLevel ?? 'warn',
    }),
    { nativeBinding: options.nativeBinding },
  );
  return {
    url: server.url,
    simulatorUrl: `${server.url}/simulator`,
    owner,
    server,
    close: () => server.close(),
  };
}
