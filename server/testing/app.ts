import { createAccount, createUser } from '../accounts/accounts';
import { startServer, type RunningServer } from '../app';
import { loadConfig } from '../config';
import type { DialectName } from '../db/connect';
import { freshStorage, testMediaDir } from './storage';

/** The first admin of every test server. */
export const ADMIN = { email: 'owner@acme.test', password: 'correct horse battery' };

export interface TestApp {
  readonly server: RunningServer;
  /** A session token of ADMIN. */
  readonly adminToken: string;
  /** Signs someone in over HTTP and gives their token. */
  signIn(credentials: { readonly email: string; readonly password: string }): Promise<string>;
  /** Another account on the same server (US), with an admin who can sign in; gives its id. */
  addAccount(account: {
    readonly name: string;
    readonly businessNumber: string;
    readonly email: string;
    readonly password: string;
  }): Promise<string>;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/**
 * The real server (`startServer`, as `npm run server` runs it) on a fresh
 * database of the dialect, listening on a free port, with ADMIN created and
 * signed in. `settings` are more environment settings.
 */
export async function startTestApp(
  dialect: DialectName,
  settings: Readonly<Record<string, string>> = {},
): Promise<TestApp> {
  const storage = await freshStorage(dialect);
  const server = await startServer(
    loadConfig({
      PORT: '0',
      DATABASE_URL: storage.url,
      MEDIA_DIR: testMediaDir(),
      TEXTDESK_ADMIN_EMAIL: ADMIN.email,
      TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
      // Quiet unless a test asks for lines (it may also pass its own logDestination).
      LOG_LEVEL: 'silent',
      // Tests text faster than any phone; the test of the limit sets its own.
      WEBHOOK_RATE_LIMIT: '0',
      ...settings,
    }),
  );
  const signIn = async (credentials: { email: string; password: string }): Promise<string> => {
    const response = await fetch(`${server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    });
    if (!response.ok) throw new Error(`Sign-in failed: ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  };
  return {
    server,
    adminToken: await signIn(ADMIN),
    signIn,
    addAccount: async ({ name, businessNumber, email, password }) => {
      const { db } = server.storage;
      const accountId = await createAccount(
        db,
        { name, defaultCountry: 'US', businessNumber },
        new Date(),
      );
      await createUser(db, { accountId, email, password, role: 'admin', name }, new Date());
      return accountId;
    },
    close: async () => {
      await server.close();
      await storage.close();
    },
  };
}

/** What a REST call answered: its status and JSON body ({} when empty). */
export interface RestAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** `call(method, path, token, body?, headers?)` on the server at `url()`, with a bearer token when given. */
export function restCall(url: () => string) {
  return async (
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<RestAnswer> => {
    const response = await fetch(`${url()}${path}`, {
      method,
      headers: {
        ...(token !== null && { Authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };
}
