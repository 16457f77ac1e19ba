import { formatDay } from './dates';
import type { GateOptions } from './gate';

/** A `created` history entry as it is stored and synced: source and actor unchecked. */
export interface CreatedEntry {
  readonly at: string;
  readonly source: string | null;
  readonly actor: unknown;
}

/** The person's name when a person did it; null for the contact or Textdesk. */
function personOf(actor: unknown): string | null {
  if (typeof actor !== 'object' || actor === null) return null;
  const { kind, name } = actor as { kind?: unknown; name?: unknown };
  if (kind !== 'user') return null;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : 'a team member';
}

/**
 * How a contact came to be, for their consent history (R12): "First texted
 * us on 7 Dec 2026", "Added by an import by Dana, 7 Dec 2026". Dates as the
 * gate words them (fixed month names, in the zone asked for).
 */
export function describeCreation(entry: CreatedEntry, options: GateOptions = {}): string {
  const day = formatDay(entry.at, options.timeZone);
  const by = personOf(entry.actor);
  const byWhom = by === null ? '' : ` by ${by}`;
  switch (entry.source) {
    case 'inbound':
      return `First texted us on ${day}`;
    case 'import':
      return `Added by an import${byWhom}, ${day}`;
    case 'send':
      return `Added when ${by ?? 'a team member'} texted them, ${day}`;
    case 'api':
      return `Added through the API${byWhom}, ${day}`;
    default:
      return `Added${byWhom}, ${day}`;
  }
}
