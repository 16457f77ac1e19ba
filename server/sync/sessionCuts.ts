/**
 * Desktops whose session has ended are disconnected at once, wherever they
 * are connected: each connection joins a room of its session and one of
 * its person, and `io.in(rooms).disconnectSockets()` reaches every server
 * of the cluster through the adapter. A connection whose session runs out
 * while it is open (its idle or absolute end) is closed then too.
 */
import { sessionStanding, type SessionUser } from '../auth/sessions';
import type { ServerContext, SessionCut } from '../domain/context';

/** Each person's connections, so removing their access closes them all. */
export const personRoom = (userId: string): string => `user:${userId}`;
/** One session's connections (one desktop's, normally). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** The part of socket.io's server this needs: rooms, on every server. */
interface Rooms {
  in(rooms: string | string[]): { disconnectSockets(close?: boolean): void };
}

/** The part of a socket this needs. */
interface LiveSocket {
  readonly data: { readonly user: SessionUser };
  readonly connected: boolean;
  join(rooms: string | string[]): Promise<void> | void;
  disconnect(close?: boolean): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/** How often a connection's session is looked at when its end is far off (timers stay short). */
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;
/** After a failed look (a database hiccup), the next try. */
const RETRY_MS = 60 * 1000;

/**
 * The person a connection acts as now, by its session (its token may have
 * been refreshed since it connected, and their role changed); null once the
 * session has ended.
 */
export async function stillSignedIn(
  context: ServerContext,
  user: SessionUser,
): Promise<SessionUser | null> {
  if (user.sessionId === null) return null;
  return (await sessionStanding(context.db, user.sessionId, context.now()))?.user ?? null;
}

export function attachSessionCuts(
  io: Rooms,
  context: ServerContext,
  onError: (error: unknown) => void,
): {
  /** A desktop connected: it joins its rooms, and is closed when its session runs out. */
  connected: (socket: LiveSocket) => void;
  /** Closes the connections of these sessions and people, on every server. */
  cut: (cut: SessionCut) => void;
} {
  const watch = (socket: LiveSocket, sessionId: string): void => {
    let timer: NodeJS.Timeout | undefined;
    const wait = (ms: number): void => {
      timer = setTimeout(look, ms);
      timer.unref();
    };
    const look = (): void => {
      sessionStanding(context.db, sessionId, context.now()).then(
        (standing) => {
          if (!socket.connected) return;
          if (standing === null) {
            socket.disconnect(true);
            return;
          }
          // Just after the end: a session ends when its time is reached.
          const left = Date.parse(standing.until) - context.now().getTime() + 5;
          wait(Math.min(Math.max(left, 0), LONGEST_WAIT_MS));
        },
        (error: unknown) => {
          onError(error);
          if (socket.connected) wait(RETRY_MS);
        },
      );
    };
    socket.once('disconnect', () => {
      clearTimeout(timer);
    });
    look();
  };

  return {
    connected: (socket) => {
      const { user } = socket.data;
      const rooms = [personRoom(user.id)];
      if (user.sessionId !== null) rooms.push(sessionRoom(user.sessionId));
      void socket.join(rooms);
      if (user.sessionId !== null) watch(socket, user.sessionId);
    },
    cut: (cut) => {
      const rooms = [...cut.sessionIds.map(sessionRoom), ...cut.userIds.map(personRoom)];
      if (rooms.length === 0) return;
      // After the changes of the same commit are handed on (they are flushed on this turn):
      // a person whose access was removed hears of it before the connection closes.
      setImmediate(() => {
        io.in(rooms).disconnectSockets(true);
      });
    },
  };
}
