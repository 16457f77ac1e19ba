import type { SyncStatus } from '../../../shared/ipc/views';
import { ChangeSchema, type Change } from '../../../shared/protocol/entities';
import {
  DESKTOP_PROTOCOL_MIN,
  PROTOCOL_VERSION,
  ProtocolHelloSchema,
  UPDATE_MESSAGES,
  VersionRefusalSchema,
  type ProtocolHello,
  type UpdateNeeded,
} from '../../../shared/protocol/versions';

/**
 * The sync client's side of protocol versions: what it announces, what the
 * server said it speaks, what to make of a refusal, and how far a run of
 * changes can be read.
 */
export class ProtocolVersions {
  readonly #speaks: { readonly version: number; readonly min: number };
  /** Null until the server says (a server older than versions never does: it speaks 1). */
  #server: ProtocolHello | null = null;

  constructor(speaks = { version: PROTOCOL_VERSION, min: DESKTOP_PROTOCOL_MIN }) {
    this.#speaks = speaks;
  }

  /** The handshake's fields, beside the token. */
  get auth(): { readonly protocol: number; readonly protocolMin: number } {
    return { protocol: this.#speaks.version, protocolMin: this.#speaks.min };
  }

  /** The server's `protocol` event; false when it does not parse. */
  heard(raw: unknown): boolean {
    const parsed = ProtocolHelloSchema.safeParse(raw);
    if (parsed.success) this.#server = parsed.data;
    return parsed.success;
  }

  /** A run of changes from this server, as far as this desktop can read it (see readChanges). */
  read(raw: unknown): ReturnType<typeof readChanges> {
    return readChanges(raw, (this.#server?.max ?? 1) > this.#speaks.version);
  }
}

/** Who must update, when a refused handshake says so; null for any other refusal. */
export function updateFrom(refusal: unknown): UpdateNeeded | null {
  const parsed = VersionRefusalSchema.safeParse(refusal);
  if (!parsed.success) return null;
  return parsed.data.code === 'update-server' ? 'server' : 'desktop';
}

export const updateNeededStatus = (update: UpdateNeeded, queued: number): SyncStatus => ({
  state: 'update-needed',
  update,
  reason: UPDATE_MESSAGES[update],
  queued,
});

/** The change types this desktop knows. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(
  ChangeSchema.options.map((option) => option.shape.type.value),
);

/** The first change of a run that this desktop cannot read: a newer server's. */
export interface Unreadable {
  readonly seq: number;
  readonly type: string;
}

/**
 * Reads a run of changes from the server up to the first this desktop
 * cannot read: one of a type it does not know, or, when the server speaks
 * a newer protocol (`serverNewer`), one of a known type in a shape it does
 * not know. What comes before it is good to store; it and what follows are
 * left for a newer desktop, which pulls them again from the cursor. Any
 * other change that does not parse is broken data, and throws.
 */
export function readChanges(
  raw: unknown,
  serverNewer: boolean,
): { readonly changes: Change[]; readonly unreadable: Unreadable | null } {
  if (!Array.isArray(raw)) throw new Error('Changes from the server were not a list.');
  const changes: Change[] = [];
  for (const item of raw as unknown[]) {
    const parsed = ChangeSchema.safeParse(item);
    if (parsed.success) {
      changes.push(parsed.data);
      continue;
    }
    const { seq, type } = (typeof item === 'object' && item !== null ? item : {}) as {
      seq?: unknown;
      type?: unknown;
    };
    if (
      typeof seq === 'number' &&
      typeof type === 'string' &&
      (serverNewer || !KNOWN_TYPES.has(type))
    ) {
      return { changes, unreadable: { seq, type } };
    }
    throw new Error(`A change from the server did not parse: ${parsed.error.message}`);
  }
  return { changes, unreadable: null };
}
