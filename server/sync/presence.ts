import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import {
  PRESENCE_PER_SECOND,
  PresenceUpdateSchema,
  TYPING_EXPIRES_MS,
  type ClientToServer,
  type Presence,
  type PresenceUpdate,
  type ServerToClient,
} from '../../shared/protocol/sync';
import type { SessionUser } from '../auth/sessions';

/**
 * Presence: which conversation each desktop of an account shows, and
 * whether its person is typing there. Relayed to the account's other
 * desktops and never stored: each connection's last word lives on its
 * socket, and is gone with it.
 */

/** What the socket layer keeps per connection for presence. */
export interface PresenceData {
  user: SessionUser;
  /** What this connection last said; undefined until it says something. */
  presence?: Presence;
}

/** Between the servers of a cluster (through the PostgreSQL adapter). */
export interface PresenceServerEvents {
  /** A desktop connected to the account: each server tells it what its own desktops show. */
  'presence.rollCall': (call: { accountId: string; socketId: string }) => void;
}

const RollCallSchema = z.object({ accountId: z.string(), socketId: z.string() });

type PresenceServer = Server<ClientToServer, ServerToClient, PresenceServerEvents, PresenceData>;
type PresenceSocket = Socket<ClientToServer, ServerToClient, PresenceServerEvents, PresenceData>;

export interface PresenceOptions {
  /** The socket.io room of an account's desktops. */
  readonly room: (accountId: string) => string;
  /** True when other servers share the room (the PostgreSQL adapter). */
  readonly clustered: boolean;
  readonly now: () => Date;
}

export function attachPresence(
  io: PresenceServer,
  options: PresenceOptions,
): { connected: (socket: PresenceSocket) => void } {
  const { room, now } = options;

  /** A connection's presence as a newcomer should see it: typing only while it still holds. */
  const current = (presence: Presence): Presence =>
    presence.typing && now().getTime() - Date.parse(presence.at) >= TYPING_EXPIRES_MS
      ? { ...presence, typing: false }
      : presence;

  /** Tells one socket (here or on another server) what this server's desktops of the account show. */
  const answerRollCall = (accountId: string, socketId: string): void => {
    const here = io.sockets.sockets.get(socketId);
    for (const id of io.sockets.adapter.rooms.get(room(accountId)) ?? []) {
      if (id === socketId) continue;
      const presence = io.sockets.sockets.get(id)?.data.presence;
      if (presence === undefined || presence.conversationId === null) continue;
      // A local newcomer is told directly; a remote one through the adapter.
      if (here !== undefined) here.emit('presence', current(presence));
      else io.to(socketId).emit('presence', current(presence));
    }
  };

  if (options.clustered) {
    io.on('presence.rollCall', (call: unknown) => {
      const parsed = RollCallSchema.safeParse(call);
      if (parsed.success) answerRollCall(parsed.data.accountId, parsed.data.socketId);
    });
  }

  return {
    connected: (socket) => {
      const { user } = socket.data;
      const connectionId = randomUUID();
      answerRollCall(user.accountId, socket.id);
      if (options.clustered) {
        io.serverSideEmit('presence.rollCall', { accountId: user.accountId, socketId: socket.id });
      }

      const relay = (update: PresenceUpdate): void => {
        const previous = socket.data.presence;
        const presence: Presence = {
          connectionId,
          userId: user.id,
          name: user.name,
          conversationId: update.conversationId,
          typing: update.conversationId !== null && update.typing,
          at: now().toISOString(),
        };
        socket.data.presence = presence;
        const unchanged =
          (previous?.conversationId ?? null) === presence.conversationId &&
          (previous?.typing ?? false) === presence.typing;
        // Typing again is a refresh the others need; anything else unchanged is not news.
        if (unchanged && !presence.typing) return;
        socket.to(room(user.accountId)).emit('presence', presence);
      };

      /*
       * At most PRESENCE_PER_SECOND relays a second per connection. What
       * comes beyond that is not relayed, except the newest, once the second
       * is over: the others must not be left believing a stale "typing".
       */
      let windowStart = 0;
      let relayed = 0;
      let held: PresenceUpdate | null = null;
      let timer: NodeJS.Timeout | undefined;
      const flush = (): void => {
        timer = undefined;
        const update = held;
        held = null;
        if (update === null || !socket.connected) return;
        windowStart = Date.now();
        relayed = 1;
        relay(update);
      };

      socket.on('presence', (raw: unknown) => {
        const parsed = PresenceUpdateSchema.safeParse(raw);
        if (!parsed.success) return;
        const at = Date.now();
        if (at - windowStart >= 1000) {
          windowStart = at;
          relayed = 0;
        }
        if (relayed >= PRESENCE_PER_SECOND) {
          held = parsed.data;
          timer ??= setTimeout(flush, windowStart + 1000 - at);
          return;
        }
        relayed += 1;
        held = null;
        relay(parsed.data);
      });

      socket.on('disconnect', () => {
        clearTimeout(timer);
        const last = socket.data.presence;
        if (last === undefined || last.conversationId === null) return;
        socket.data.presence = { ...last, conversationId: null, typing: false };
        io.to(room(user.accountId)).emit('presence', {
          ...last,
          conversationId: null,
          typing: false,
          at: now().toISOString(),
        });
      });
    },
  };
}
