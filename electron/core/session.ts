import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserSchema } from '../../shared/protocol/entities';
import { Refusal } from './refusal';

/** The person as the server's sign-in names them. */
export const SignedInUserSchema = UserSchema.pick({
  id: true,
  email: true,
  name: true,
  role: true,
}).extend({ accountId: z.string() });
export type SignedInUser = z.infer<typeof SignedInUserSchema>;

/**
 * Keeps the session token unreadable to other programs where the platform
 * can: main passes Electron's safeStorage (Keychain, DPAPI, libsecret).
 */
export interface SecretStore {
  readonly encrypt: (plain: string) => Promise<string>;
  readonly decrypt: (stored: string) => Promise<string>;
}

/** For Node runs (tests, the preview host): the token is kept as is, in a 0600 file. */
export const PLAIN_SECRETS: SecretStore = {
  encrypt: (plain) => Promise.resolve(plain),
  decrypt: (stored) => Promise.resolve(stored),
};

const SettingsSchema = z.object({
  mode: z.enum(['solo', 'team']),
  serverUrl: z.string().nullable(),
  session: z
    .object({
      token: z.string(),
      user: SignedInUserSchema,
      /** From when to ask the server for a fresh token; absent in settings from before. */
      refreshAfter: z.string().optional(),
    })
    .nullable(),
});
export type DesktopSettings = z.infer<typeof SettingsSchema>;

const DEFAULTS: DesktopSettings = { mode: 'solo', serverUrl: null, session: null };

/** Reads `settings.json` of the data folder; a missing or damaged file means solo mode. */
export async function readSettings(dataDir: string): Promise<DesktopSettings> {
  try {
    const parsed = SettingsSchema.safeParse(
      JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')),
    );
    return parsed.success ? parsed.data : DEFAULTS;
  } catch {
    return DEFAULTS;
  }
}

/** Writes the settings whole, through a temporary file, readable by this user only. */
export async function writeSettings(dataDir: string, settings: DesktopSettings): Promise<void> {
  const file = join(dataDir, 'settings.json');
  await writeFile(`${file}.tmp`, JSON.stringify(settings, null, 2), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

const LoginAnswerSchema = z.object({
  token: z.string(),
  user: SignedInUserSchema,
  refreshAfter: z.string().optional(),
});

/** POST /api/v1/login; a refusal carries the server's own sentence. */
export async function signIn(
  serverUrl: string,
  credentials: { readonly email: string; readonly password: string },
): Promise<{ token: string; user: SignedInUser; refreshAfter?: string | undefined }> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/login', serverUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new Refusal(
      'unreachable',
      `Could not reach ${new URL(serverUrl).host}. Check the address and your connection.`,
    );
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
    throw new Refusal(
      response.status === 401 ? 'invalid-credentials' : 'sign-in-failed',
      message.success ? message.data.error.message : `The server answered ${response.status}.`,
    );
  }
  const answer = LoginAnswerSchema.safeParse(body);
  if (!answer.success) {
    throw new Refusal('not-textdesk', 'That address does not look like a Textdesk server.');
  }
  return answer.data;
}

const RefreshAnswerSchema = z.object({ token: z.string(), refreshAfter: z.string() });

/**
 * POST /api/v1/refresh: a fresh token for the session, before this one ends.
 * `ended` when the server says the session is over; null when it could not
 * be asked (offline, or an old server), to try again later.
 */
export async function refreshToken(
  serverUrl: string,
  token: string,
): Promise<{ token: string; refreshAfter: string } | 'ended' | null> {
  try {
    const response = await fetch(new URL('/api/v1/refresh', serverUrl), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status === 401) return 'ended';
    if (!response.ok) return null;
    const answer = RefreshAnswerSchema.safeParse(await response.json());
    return answer.success ? answer.data : null;
  } catch {
    return null;
  }
}

/**
 * POST /api/v1/logout: ends the session on the server, so the token is no
 * use to anyone. Best effort: offline (or unanswered within a few seconds)
 * the desktop signs out all the same, and the token lapses on its own.
 */
export async function signOutOnServer(serverUrl: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/v1/logout', serverUrl), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    return response.ok || response.status === 401;
  } catch {
    return false;
  }
}
