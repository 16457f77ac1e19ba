import { createAdapter } from '@socket.io/postgres-adapter';
import { PostgresAdapter as KyselyPostgresAdapter, sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import pg from 'pg';
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
import type { ProtocolRange } from '../../shared/protocol/versions';
import { authenticate, type SessionUser } from '../auth/sessions';
import { runCommand } from '../domain/commands';
import type { ServerContext, SessionCut } from '../domain/context';
import { attachPresence, type PresenceData, type PresenceServerEvents } from './presence';
import { attachVersions } from './versions';
import { attachSessionCuts, stillSignedIn } from './sessionCuts';

interface SocketData extends PresenceData {
  user: SessionUser;
  /** The token it connected with (later checks go by the session: a refresh replaces the token). */
  token: string;
}

type SyncServer = Server<ClientToServer, ServerToClient, PresenceServerEvents, SocketData>;

const room = (accountId: string): string => `account:${accountId}`;

export interface SyncOptions {
  /**
   * The PostgreSQL database the servers share, to pass live changes to the
   * desktops connected to the others. Unset: the server's own DATABASE_URL
   * from the environment, when the storage is PostgreSQL and that names the
   * same database. With SQLite (or no such URL) changes reach the desktops
   * of this process only.
   */
  readonly databaseUrl?: string;
  /** The protocol versions this server speaks (SERVER_PROTOCOL unless a test says otherwise). */
  readonly protocol?: ProtocolRange;
}

/**
 * Desktop sync over socket.io: sign-in at the handshake, pages of the
 * change log on request, and every committed change pushed live to the
 * account's room, on this server and, on PostgreSQL, on every other
 * server of the same database.
 */
export function attachSync(
  http: HttpServer,
  context: ServerContext,
  onError: (error: unknown) => void,
  options: SyncOptions = {},
): {
  publish: (accountId: string, changes: readonly Change[]) => void;
  /** Desktops connected to this process, for /metrics. */
  connected: () => number;
  /** Closes the desktops of ended sessions and of people whose access was removed, on every server. */
  cut: (cut: SessionCut) => void;
  close: () => Promise<void>;
} {
  const io: SyncServer = new Server(http, {
    serveClient: false,
    // Pages of the log can be large; anything bigger than this is not ours.
    maxHttpBufferSize: 1024 * 1024,
    cors: { origin: false },
  });
  // First: a desktop too old for this server is told to update, not to sign in.
  attachVersions(io, options.protocol);

  const url = sharedDatabaseUrl(context, options);
  const fanOut = url === null ? null : clusterOver(io, context, url, options, onError);

  // A desktop is let in once this server hears the others: a change made
  // elsewhere after its catch-up must not pass it by.
  if (fanOut !== null) {
    io.use((_socket, next) => {
      void fanOut.listening.then(() => {
        next();
      });
    });
  }

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string') {
      next(
        Object.assign(
          new Error('Sign in first: connect with auth { token } from POST /api/v1/login.'),
          { data: { code: 'unauthenticated' } },
        ),
      );
      return;
    }
    authenticate(context.db, token, context.now()).then(
      (user) => {
        if (user === null) {
          // `data.code` lets a desktop tell "sign in again" from "try again later".
          next(
            Object.assign(new Error('Your session has ended. Sign in again.'), {
              data: { code: 'unauthenticated' },
            }),
          );
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

  /**
   * Runs `work` for the socket's person if their session still stands (it may
   * have been revoked since they connected); else answers `unauthenticated`
   * and disconnects. A failure is logged and answered with `failure`.
   */
  const whileSignedIn = (
    socket: { data: SocketData; disconnect: (close: boolean) => unknown },
    ack: (result: { ok: false; error: { code: string; message: string } }) => void,
    work: (user: SessionUser) => Promise<void>,
    failure: string,
  ): void => {
    stillSignedIn(context, socket.data.user)
      .then(async (current) => {
        if (current === null) {
          ack({
            ok: false,
            error: { code: 'unauthenticated', message: 'Your session has ended. Sign in again.' },
          });
          socket.disconnect(true);
          return;
        }
        // As they are now: a new role or name holds on this connection from here on.
        socket.data.user = current;
        await work(current);
      })
      .catch((error: unknown) => {
        onError(error);
        ack({ ok: false, error: { code: 'internal', message: failure } });
      });
  };

  const presence = attachPresence(io, { room, clustered: fanOut !== null, now: context.now });
  const cuts = attachSessionCuts(io, context, onError);

  io.on('connection', (socket) => {
    const { user } = socket.data;
    void socket.join(room(user.accountId));
    cuts.connected(socket);
    presence.connected(socket);

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
      const { since, limit } = parsed.data;
      whileSignedIn(
        socket,
        ack,
        async () => {
          ack({
            ok: true,
            value: await pull(context, user.accountId, since, limit ?? SYNC_PAGE_MAX),
          });
        },
        'The server could not read the changes. Try again.',
      );
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
      whileSignedIn(
        socket,
        ack,
        async (current) => {
          const run = await runCommand(context, current, key, command, 'desktop');
          ack(run.result);
          run.sending.catch(onError);
        },
        'The server could not do that. Try again.',
      );
    });
  });

  // Changes committed in the same turn of the event loop (a group commit
  // answers many texts at once) leave as one packet per account, in seq
  // order: one encoding and one write per desktop instead of one per text.
  const pending = new Map<string, Change[]>();
  const flush = (): void => {
    for (const [accountId, changes] of pending) {
      changes.sort((a, b) => a.seq - b.seq);
      // Encoding a packet walks every change; with one process, skip it when
      // no desktop of the account is online. With several, the account's
      // desktops may be on another server: only that server knows.
      if (fanOut === null && (io.sockets.adapter.rooms.get(room(accountId))?.size ?? 0) === 0) {
        continue;
      }
      io.to(room(accountId)).emit('changes', changes);
    }
    pending.clear();
  };

  return {
    connected: () => io.of('/').sockets.size,
    cut: cuts.cut,
    publish: (accountId, changes) => {
      if (changes.length === 0) return;
      if (pending.size === 0) setImmediate(flush);
      const waiting = pending.get(accountId);
      if (waiting === undefined) pending.set(accountId, [...changes]);
      else waiting.push(...changes);
    },
    close: async () => {
      // Closes the adapter (releasing its LISTEN connection) and the HTTP server.
      await io.close();
      await fanOut?.close();
    },
  };
}

/** The NOTIFY channels' prefix; the adapter listens on `${CHANNEL_PREFIX}#/`. */
const CHANNEL_PREFIX = 'textdesk-sync';
/** Created by migration 0003. */
const ATTACHMENTS_TABLE = 'socket_io_attachments';

function sharedDatabaseUrl(context: ServerContext, options: SyncOptions): string | null {
  if (options.databaseUrl !== undefined) {
    return /^postgres(ql)?:\/\//u.test(options.databaseUrl) ? options.databaseUrl : null;
  }
  if (!(context.db.getExecutor().adapter instanceof KyselyPostgresAdapter)) return null;
  const fromEnvironment = process.env.DATABASE_URL;
  return fromEnvironment !== undefined && /^postgres(ql)?:\/\//u.test(fromEnvironment)
    ? fromEnvironment
    : null;
}

/**
 * Makes `io.to(room).emit` reach the sockets of every server on the
 * database, through @socket.io/postgres-adapter on a pool of its own: one
 * connection LISTENs, the others NOTIFY. `listening` resolves once this
 * server's LISTEN is in place (a notification it sent itself came back).
 */
function clusterOver(
  io: SyncServer,
  context: ServerContext,
  url: string,
  options: SyncOptions,
  onError: (error: unknown) => void,
): { listening: Promise<void>; close: () => Promise<void> } {
  let closing = false;
  const report = (error: unknown): void => {
    if (!closing) onError(error);
  };
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', report);

  const channel = `${CHANNEL_PREFIX}#/`;
  // A namespace no server has and no uid: every adapter drops it unread.
  const ping = JSON.stringify({ nsp: `/textdesk-ping-${randomUUID()}` });
  let heard: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => {
    heard = resolve;
  });
  pool.on('connect', (client) => {
    // The pool stops watching a connection it hands out; the adapter keeps
    // one for good, and a database restart must not crash the server.
    client.on('error', report);
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload === ping) heard();
    });
  });

  io.adapter(
    createAdapter(pool, {
      channelPrefix: CHANNEL_PREFIX,
      tableName: ATTACHMENTS_TABLE,
      errorHandler: report,
    }),
  );

  // The adapter LISTENs on a connection of its own in the background and
  // says nothing when it is done; a NOTIFY of our own coming back does.
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  void listening.then(() => {
    done = true;
    clearTimeout(timer);
  });
  const send = (delay: number): void => {
    if (done || closing) return;
    pool.query('select pg_notify($1, $2)', [channel, ping]).catch(report);
    timer = setTimeout(() => {
      send(Math.min(delay * 2, 1000));
    }, delay);
  };
  send(25);

  if (options.databaseUrl === undefined) {
    // The URL came from the environment: make sure it is the storage's database.
    const identify = sql<{ name: string; started: string; port: number | null }>`
      select current_database() as name, pg_postmaster_start_time()::text as started,
        inet_server_port() as port`;
    Promise.all([
      identify.execute(context.db),
      pool.query<{ name: string; started: string; port: number | null }>(
        identify.compile(context.db).sql,
      ),
    ])
      .then(([ours, theirs]) => {
        if (JSON.stringify(ours.rows[0]) !== JSON.stringify(theirs.rows[0])) {
          report(
            new Error(
              'DATABASE_URL names another database than the server uses: live changes will not reach desktops on other servers.',
            ),
          );
        }
      })
      .catch(report);
  }

  return {
    listening,
    close: async () => {
      closing = true;
      clearTimeout(timer);
      heard();
      await pool.end();
    },
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
