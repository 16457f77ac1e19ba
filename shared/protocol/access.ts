import { z } from 'zod';

/**
 * Who may reach the account from outside the app: people's sessions (one
 * per signed-in desktop or integration sign-in) and integrations' API keys.
 * Admins only; neither is in the change log, which every desktop reads.
 */

/** read: GET routes only; send: read, and send texts and notes; admin: what an admin can do. */
export const API_KEY_SCOPES = ['read', 'send', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** An API key as admins see it: never its secret, which is shown once, when it is created. */
export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(API_KEY_SCOPES),
  /** The secret's first characters (`tdk_` and 8 more), to tell keys apart. */
  prefix: z.string(),
  createdAt: z.string(),
  /** The admin who created it; the key acts for them, within its scope. */
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** A session that still stands, as admins see it. */
export const SessionSchema = z.object({
  id: z.string(),
  /** The desktop's (or program's) User-Agent when it signed in or last refreshed. */
  userAgent: z.string().nullable(),
  /** The address it signed in or last refreshed from, when known. */
  address: z.string().nullable(),
  createdAt: z.string(),
  /** To within an hour. */
  lastUsedAt: z.string(),
  /** When it ends unless used (and refreshed) before. */
  expiresAt: z.string(),
});
export type SessionInfo = z.infer<typeof SessionSchema>;

export const MAX_API_KEY_NAME_LENGTH = 80;
