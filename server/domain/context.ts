import type { Kysely } from 'kysely';
import type { CountryCode } from '../../shared/phone';
import type { Change } from '../../shared/protocol/entities';
import type { Carrier } from '../carriers/types';
import type { Database } from '../db/schema';
import type { MediaService } from '../media/types';

/** What the domain functions need from the running server. */
export interface ServerContext {
  readonly db: Kysely<Database>;
  readonly carrier: Carrier;
  readonly defaultCountry: CountryCode;
  /** PUBLIC_URL: where customers reach this server, the base of opt-out links. */
  readonly publicUrl?: string;
  /** The clock; tests pass their own. */
  readonly now: () => Date;
  /** Fans committed changes out to every desktop of the account. */
  readonly publish: (accountId: string, changes: readonly Change[]) => void;
  /**
   * Disconnects the desktops of ended sessions, or of people whose access
   * was removed, at once, on every server. Unset: no desktops to disconnect.
   */
  readonly cutSessions?: (cut: SessionCut) => void;
  /** Pictures and files (MMS); unset on a server that keeps none, which refuses them clearly. */
  readonly media?: MediaService;
}

/** Whose live connections to close. */
export interface SessionCut {
  readonly sessionIds: readonly string[];
  readonly userIds: readonly string[];
}
