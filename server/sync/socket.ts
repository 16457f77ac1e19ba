import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Change } from '../../shared/protocol/entities';
import {
  PullRequestSchema,
  SYNC_PAGE_MAX,
  type ClientToServer,
  type PullResponse,
  type ServerToClient,
} from '../../shared/protocol/sync';
import { CommandRequestSchema, findNul, nulMessage } from '../../shared/protocol/commands';
import { authenticate, type SessionUser } from '../auth/sessions';
import { runCommand } from '../domain/commands';
import type { ServerContext } from '../domain/context';

interface SocketData {
  user: SessionUser;
  /** Kept to check the session again before each command: it may have been revoked. */
  token: string;
}

const room = (accountId: string): string => `account:${accountId}`;

/**
 * Desktop sync over socket.io: sign-in at the handshake, pages of the
 * change log on request, and every committed change pushed live to the
 * account's room.
 */
export function attachSync(
  http: HttpServer,
  context: ServerContext,
  onError: (error: unknown) => void,
): {
  publish: (accountId: string, changes: readonly Change[]) => void;
  close: () => Promise<void>;
} {
  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>(http, {
    serveClient: false,
    // Pages of the log can be large; anything bigger than this is not ours.
    maxHttpBufferSize: 1024 * 1024,
    cors: { origin: false },
  });

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string') {
      next(new Error('Sign in first: connect with auth { token } from POST /api/v1/login.'));
      return;
    }
    authenticate(context.db, token, context.now()).then(
      (user) => {
        if (user === null) {
          next(new Error('Your session has ended. Sign in again.'));
          return;
        }
        socket.data.user = user;
        socket.data.token = token;
        next();
      },
      (error: unknown) => {
        onError(error);
        next(new Error('The server could not check your session. Try again.'));
      },
    );
  });

  io.on('connection', (socket) => {
    const { user } = socket.data;
    void socket.join(room(user.accountId));

    socket.on('sync.pull', (request, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = PullRequestSchema.safeParse(request);
      if (!parsed.success) {
        ack({
          ok: false,
          error: {
            code: 'invalid-input',
            message: parsed.error.issues.map((issue) => issue.message).join(' '),
          },
        });
        return;
      }
      authenticate(context.db, socket.data.token, context.now())
        .then(async (current) => {
          if (current === null) {
            ack({
              ok: false,
              error: { code: 'unauthenticated', message: 'Your session has ended. Sign in again.' },
            });
            socket.disconnect(true);
            return;
          }
          const { since, limit } = parsed.data;
          ack({
            ok: true,
            value: await pull(context, user.accountId, since, limit ?? SYNC_PAGE_MAX),
          });
        })
        .then(undefined, (error: unknown) => {
          onError(error);
          ack({
            ok: false,
            error: {
              code: 'internal',
              message: 'The server could not read the changes. Try again.',
            },
          });
        });
    });

    socket.on('command', (request, ack) => {
      if (typeof ack !== 'function') return;
      const nul = findNul(request);
      if (nul !== null) {
        ack({ ok: false, error: { code: 'invalid-input', message: nulMessage(nul) } });
        return;
      }
      const parsed = CommandRequestSchema.safeParse(request);
      if (!parsed.success) {
        ack({
          ok: false,
          error: {
            code: 'invalid-input',
            message: parsed.error.issues.map((issue) => issue.message).join(' '),
            problems: parsed.error.issues.map((issue) => ({
              path: issue.path.join('.'),
              message: issue.message,
            })),
          },
        });
        return;
      }
      const { key, command } = parsed.data;
      authenticate(context.db, socket.data.token, context.now())
        .then(async (user) => {
          if (user === null) {
            ack({
              ok: false,
              error: { code: 'unauthenticated', message: 'Your session has ended. Sign in again.' },
            });
            socket.disconnect(true);
            return;
          }
          const run = await runCommand(context, user, key, command, 'desktop');
          ack(run.result);
          run.sending.catch(onError);
        })
        .catch((error: unknown) => {
          onError(error);
          ack({
            ok: false,
            error: { code: 'internal', message: 'The server could not do that. Try again.' },
          });
        });
    });
  });

  return {
    publish: (accountId, changes) => {
      // Encoding a packet walks every change; skip it when no desktop of the account is online.
      if (changes.length > 0 && (io.sockets.adapter.rooms.get(room(accountId))?.size ?? 0) > 0) {
        io.to(room(accountId)).emit('changes', changes);
      }
    },
    close: () => io.close().then(() => undefined),
  };
}

async function pull(
  context: ServerContext,
  accountId: string,
  since: number,
  limit: number,
): Promise<PullResponse> {
  const { db } = context;
  const [rows, account] = await Promise.all([
    db
      .selectFrom('change_log')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('seq', '>', since)
      .orderBy('seq')
      .limit(limit + 1)
      .execute(),
    db
      .selectFrom('accounts')
      .select('last_seq')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, limit);
  return {
    changes: page.map(
      (row) =>
        ({
          seq: row.seq,
          at: row.at,
          type: row.type,
          data: JSON.parse(row.data) as unknown,
        }) as Change,
    ),
    last: account.last_seq,
    more: rows.length > limit,
  };
}
