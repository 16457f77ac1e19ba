import type { Server } from 'socket.io';
import type { ClientToServer, ServerToClient } from '../../shared/protocol/sync';
import {
  HandshakeVersionSchema,
  SERVER_PROTOCOL,
  UPDATE_CODES,
  UPDATE_MESSAGES,
  type ProtocolHello,
  type ProtocolRange,
} from '../../shared/protocol/versions';
import type { PresenceServerEvents } from './presence';

/** A handshake refused, as socket.io hands it to the desktop's `connect_error`. */
type Refusal = Error & { data: { code: string; server?: ProtocolRange } };

/**
 * Which protocol a desktop that connects with `auth` speaks with a server
 * of `range`: the newest both know, or why they cannot talk. A desktop
 * that announces nothing predates versions and speaks 1.
 */
export function negotiate(
  auth: unknown,
  range: ProtocolRange,
):
  | { readonly ok: true; readonly hello: ProtocolHello }
  | { readonly ok: false; readonly refusal: Refusal } {
  const parsed = HandshakeVersionSchema.safeParse(auth);
  if (!parsed.success) {
    return {
      ok: false,
      refusal: Object.assign(
        new Error('The desktop’s protocol version must be a whole number, from 1.'),
        { data: { code: 'invalid-input' } },
      ),
    };
  }
  const version = parsed.data.protocol ?? 1;
  const oldest = Math.min(parsed.data.protocolMin ?? version, version);
  const server = { min: range.min, max: range.max };
  if (version < range.min) {
    return {
      ok: false,
      refusal: Object.assign(new Error(UPDATE_MESSAGES.desktop), {
        data: { code: UPDATE_CODES.desktop, server },
      }),
    };
  }
  if (oldest > range.max) {
    return {
      ok: false,
      refusal: Object.assign(new Error(UPDATE_MESSAGES.server), {
        data: { code: UPDATE_CODES.server, server },
      }),
    };
  }
  return { ok: true, hello: { ...server, version: Math.min(version, range.max) } };
}

/**
 * Protocol versions at the handshake: a desktop older than `range.min`, or
 * one that cannot speak down to `range.max`, is refused with who must
 * update and the server's range; any other is let on to sign-in, and told
 * the range and the version it speaks (`protocol`) as soon as it is in.
 * Attach before sign-in: an old desktop is told to update, not to sign in.
 */
export function attachVersions<D>(
  io: Server<ClientToServer, ServerToClient, PresenceServerEvents, D>,
  range: ProtocolRange = SERVER_PROTOCOL,
): void {
  io.use((socket, next) => {
    const answer = negotiate(socket.handshake.auth, range);
    next(answer.ok ? undefined : answer.refusal);
  });
  io.on('connection', (socket) => {
    const answer = negotiate(socket.handshake.auth, range);
    if (answer.ok) socket.emit('protocol', answer.hello);
  });
}
