import { z } from 'zod';
import {
  ApiKeySchema,
  SessionSchema,
  type ApiKey,
  type ApiKeyScope,
  type SessionInfo,
} from '../../../shared/protocol/access';
import { CommandSchema } from '../../../shared/protocol/commands';
import { Refusal } from '../refusal';
import { call, type ServerSession } from './webhook';

/**
 * Who can reach the account, for admins: the account's API keys and a
 * person's sessions. Neither is in the change log (nor so in the desktop's
 * cache), so both are read over the server's REST API with the session's
 * token; creating and revoking a key and ending sessions are commands sent
 * there too, straight away: a new key's secret never waits in the outbox
 * or lands on this computer's disk.
 */

const WHAT = 'API keys and sessions';

/** Runs one command on the server now, over POST /api/v1/commands/<type>. */
async function command<S extends z.ZodType>(
  session: ServerSession,
  type: 'apiKey.create' | 'apiKey.revoke' | 'session.end',
  body: Record<string, unknown>,
  schema: S,
): Promise<z.output<S>> {
  const answer = await call(session, 'POST', `/api/v1/commands/${type}`, schema, body, WHAT);
  if (answer.value === null) {
    throw new Refusal('server-error', 'This server does not manage API keys and sessions yet.');
  }
  return answer.value;
}

export async function listApiKeys(session: ServerSession): Promise<ApiKey[]> {
  const answer = await call(
    session,
    'GET',
    '/api/v1/api-keys',
    z.object({ apiKeys: z.array(ApiKeySchema) }),
    undefined,
    WHAT,
  );
  if (answer.value === null) {
    throw new Refusal('server-error', 'This server does not manage API keys yet.');
  }
  return answer.value.apiKeys;
}

export async function createApiKey(
  session: ServerSession,
  key: { readonly name: string; readonly scope: ApiKeyScope },
): Promise<{ apiKey: ApiKey; secret: string | null }> {
  // Checked here first by the command's own schema, for its sentence without the field's path.
  const checked = CommandSchema.safeParse({ type: 'apiKey.create', ...key });
  if (!checked.success || checked.data.type !== 'apiKey.create') {
    const message = checked.error?.issues[0]?.message ?? 'That API key cannot be created.';
    throw new Refusal('invalid', message);
  }
  const { name, scope } = checked.data;
  return command(
    session,
    'apiKey.create',
    { name, scope },
    z.object({ apiKey: ApiKeySchema, secret: z.string().nullable() }),
  );
}

export async function revokeApiKey(session: ServerSession, apiKeyId: string): Promise<ApiKey> {
  const answer = await command(
    session,
    'apiKey.revoke',
    { apiKeyId },
    z.object({ apiKey: ApiKeySchema }),
  );
  return answer.apiKey;
}

export async function listSessions(session: ServerSession, userId: string): Promise<SessionInfo[]> {
  const answer = await call(
    session,
    'GET',
    `/api/v1/users/${encodeURIComponent(userId)}/sessions`,
    z.object({ sessions: z.array(SessionSchema) }),
    undefined,
    WHAT,
  );
  if (answer.value === null)
    throw new Refusal('not-found', 'There is no such person in this account.');
  return answer.value.sessions;
}

/**
 * Ends one session or all of a person's; `signedOut` when this desktop's own
 * session was among them (the server no longer takes its token).
 */
export async function endSessions(
  session: ServerSession,
  which: { readonly sessionId: string } | { readonly userId: string },
): Promise<{ ended: string[]; signedOut: boolean }> {
  const { ended } = await command(
    session,
    'session.end',
    which,
    z.object({ ended: z.array(z.string()) }),
  );
  return { ended, signedOut: ended.length > 0 && !(await stillSignedIn(session)) };
}

/** Whether the server still takes this desktop's token. */
async function stillSignedIn(session: ServerSession): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/v1/api-keys', session.serverUrl), {
      headers: { Authorization: `Bearer ${session.token}` },
      signal: AbortSignal.timeout(15_000),
    });
    await response.body?.cancel();
    return response.status !== 401;
  } catch {
    return true;
  }
}
