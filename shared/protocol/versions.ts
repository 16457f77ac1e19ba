import { z } from 'zod';

/**
 * Versions of the sync protocol (docs/protocol.md#versions).
 *
 * 1. Everything before desktops said their version: a desktop that
 *    announces none speaks 1.
 * 2. The desktop announces its version at the handshake, hears the
 *    server's range, and stops with "update Textdesk" at a change it does
 *    not know instead of retrying. The change log is the same as in 1.
 *
 * A new change type, a new value in a snapshot, or a command old desktops
 * would misread takes a new version. The server's `min` rises only when a
 * desktop below it could do harm (send what the server no longer takes,
 * show consent wrongly); until then older desktops keep working and stop
 * at the first change they cannot read.
 */
export const PROTOCOL_VERSION = 2;

/**
 * The oldest server protocol this desktop still works with (it speaks
 * down to the server's `max`); a server older than that is asked to update.
 */
export const DESKTOP_PROTOCOL_MIN = 1;

/** The range a server speaks: desktops from `min` to `max`. */
export interface ProtocolRange {
  readonly min: number;
  readonly max: number;
}

/** What this server speaks. */
export const SERVER_PROTOCOL: ProtocolRange = { min: 1, max: PROTOCOL_VERSION };

const version = z.number().int().min(1).max(1_000_000);

export const ProtocolRangeSchema = z.object({ min: version, max: version });

/**
 * The handshake's version fields, beside the token:
 * `auth: { token, protocol: 2, protocolMin: 1 }`. A desktop that sends
 * neither speaks 1 (it predates versions); `protocolMin` defaults to
 * `protocol` (it cannot speak down).
 */
export const HandshakeVersionSchema = z.object({
  protocol: version.optional(),
  protocolMin: version.optional(),
});

/** Told to a desktop once it is in: the server's range and what this connection speaks. */
export const ProtocolHelloSchema = ProtocolRangeSchema.extend({ version });
export type ProtocolHello = z.infer<typeof ProtocolHelloSchema>;

/** Who has to update before this desktop and this server can talk. */
export type UpdateNeeded = 'desktop' | 'server';

/** The `data.code` of a handshake refused over versions, by who must update. */
export const UPDATE_CODES = {
  desktop: 'update-desktop',
  server: 'update-server',
} as const satisfies Record<UpdateNeeded, string>;

/** `data` of a `connect_error` refused over versions. */
export const VersionRefusalSchema = z.object({
  code: z.enum([UPDATE_CODES.desktop, UPDATE_CODES.server]),
  /** What the server speaks. */
  server: ProtocolRangeSchema,
});
export type VersionRefusal = z.infer<typeof VersionRefusalSchema>;

/** What a person is told, by who must update. */
export const UPDATE_MESSAGES: Readonly<Record<UpdateNeeded, string>> = {
  desktop:
    'This version of Textdesk is too old for your team’s server. Update Textdesk to keep working.',
  server:
    'This version of Textdesk is newer than your team’s server. Ask whoever runs the server to update it.',
};
