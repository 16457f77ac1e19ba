import type { PresencePerson } from '../../shared/ipc/views';
import { TYPING_EXPIRES_MS, type Presence } from '../../shared/protocol/sync';

export interface PresenceRosterOptions {
  /** The signed-in person, who is never listed (their other windows included). */
  readonly me: string;
  /** The conversation's whole list of other people changed. */
  readonly onChange: (conversationId: string, people: PresencePerson[]) => void;
  /** How long typing holds without a refresh; tests shorten it. */
  readonly typingExpiresMs?: number;
}

interface Connection {
  readonly userId: string;
  readonly name: string;
  readonly conversationId: string;
  typing: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Who else has each conversation open, from the presence the server
 * relays. The server speaks per desktop connection; people are listed
 * once however many windows they have, typing when any of them types.
 * Typing lapses without a refresh; viewing holds until that connection
 * says otherwise or is gone.
 */
export class PresenceRoster {
  readonly #options: PresenceRosterOptions;
  readonly #connections = new Map<string, Connection>();
  /** What was last said for each conversation with anyone in it, to say only what changed. */
  readonly #shown = new Map<string, string>();

  constructor(options: PresenceRosterOptions) {
    this.#options = options;
  }

  hear(presence: Presence): void {
    if (presence.userId === this.#options.me) return;
    const before = this.#connections.get(presence.connectionId);
    if (before !== undefined) clearTimeout(before.timer);
    if (presence.conversationId === null) {
      this.#connections.delete(presence.connectionId);
    } else {
      const connection: Connection = {
        userId: presence.userId,
        name: presence.name,
        conversationId: presence.conversationId,
        typing: presence.typing,
        timer: undefined,
      };
      if (presence.typing) {
        connection.timer = setTimeout(() => {
          connection.typing = false;
          connection.timer = undefined;
          this.#refresh(connection.conversationId);
        }, this.#options.typingExpiresMs ?? TYPING_EXPIRES_MS);
        connection.timer.unref();
      }
      this.#connections.set(presence.connectionId, connection);
    }
    if (before !== undefined && before.conversationId !== presence.conversationId) {
      this.#refresh(before.conversationId);
    }
    if (presence.conversationId !== null) this.#refresh(presence.conversationId);
  }

  /** Everyone else with the conversation open, by name. */
  peopleIn(conversationId: string): PresencePerson[] {
    const people = new Map<string, PresencePerson>();
    for (const connection of this.#connections.values()) {
      if (connection.conversationId !== conversationId) continue;
      const known = people.get(connection.userId);
      people.set(connection.userId, {
        userId: connection.userId,
        name: connection.name,
        typing: connection.typing || (known?.typing ?? false),
      });
    }
    return [...people.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId),
    );
  }

  /** Forgets everyone (this desktop lost its connection): each list that had someone is emptied. */
  clear(): void {
    for (const connection of this.#connections.values()) clearTimeout(connection.timer);
    this.#connections.clear();
    for (const conversationId of [...this.#shown.keys()]) this.#refresh(conversationId);
  }

  #refresh(conversationId: string): void {
    const people = this.peopleIn(conversationId);
    const key = JSON.stringify(people);
    if (key === (this.#shown.get(conversationId) ?? '[]')) return;
    if (people.length === 0) this.#shown.delete(conversationId);
    else this.#shown.set(conversationId, key);
    this.#options.onChange(conversationId, people);
  }
}
