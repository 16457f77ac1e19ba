import { OPT_OUT_SOURCES, type OptOutReport, type OptOutSource } from '../../../shared/ipc/manage';
import type { ConsentEntrySnapshot } from '../../../shared/protocol/entities';
import type { Role } from './meta';
import type { Database } from './migrations';
import { consentEntry } from './rows';

/**
 * The opt-out report: opt-outs from the cached consent history (change
 * `opted-out`), counted by day and source, and listed newest first. Days
 * are the desktop's own, in the zone it passes: an opt-out at 11pm in
 * Chicago counts on that day there, whatever UTC says.
 */

export interface OptOutReportQuery {
  /** The period: today and the days before it, this many in all. */
  readonly days: number;
  /** IANA zone the days are counted in. */
  readonly zone: string;
  /** ISO 8601: now. */
  readonly now: string;
  /** Rows at most; null for every row of the period (an export). */
  readonly limit: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone. */
export function dayIn(zone: string, at: string | Date): string {
  let format = dayFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(zone, format);
  }
  const parts = Object.fromEntries(
    format
      .formatToParts(typeof at === 'string' ? new Date(at) : at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}`;
}

/** The `count` calendar days ending with `last` (YYYY-MM-DD), oldest first. */
export function daysEnding(last: string, count: number): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) =>
    new Date(end - (count - 1 - index) * DAY_MS).toISOString().slice(0, 10),
  );
}

const isSource = (source: string | null): source is OptOutSource =>
  (OPT_OUT_SOURCES as readonly (string | null)[]).includes(source);

/** The person's name when a person did it; null for the contact, the carrier or Textdesk. */
function personOf(entry: ConsentEntrySnapshot): string | null {
  const actor = entry.actor as { kind?: unknown; name?: unknown } | null;
  return actor?.kind === 'user' && typeof actor.name === 'string' ? actor.name : null;
}

interface HistoryRecord {
  readonly entry: string;
  readonly name: string | null;
  readonly phone: string | null;
  readonly blocked: number | null;
}

export class Reports {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      // The partial index's own condition, word for word, so SQLite uses it.
      optOuts: db.prepare<[string], HistoryRecord>(
        `SELECT h.entry, k.name, k.phone, k.blocked
         FROM consent_history h INDEXED BY consent_history_opt_outs
         LEFT JOIN contacts k ON k.id = h.contact_id
         WHERE json_extract(h.entry, '$.change') = 'opted-out' AND h.at >= ?
         ORDER BY h.at DESC, h.seq DESC`,
      ),
    };
  }

  optOuts(query: OptOutReportQuery, role: Role): OptOutReport {
    const days = daysEnding(dayIn(query.zone, query.now), query.days).map((day) => ({
      day,
      bySource: Object.fromEntries(OPT_OUT_SOURCES.map((source) => [source, 0])) as Record<
        OptOutSource,
        number
      >,
    }));
    const counts = new Map(days.map((day) => [day.day, day.bySource]));
    // A day and a bit more than the period in UTC covers its first day in any zone.
    const since = new Date(Date.parse(query.now) - (query.days + 1) * DAY_MS).toISOString();
    const rows: OptOutReport['rows'] = [];
    for (const record of this.statements.optOuts.iterate(since)) {
      // Agents never see blocked contacts (R3), here either.
      if (role === 'agent' && record.blocked === 1) continue;
      const entry = consentEntry(record.entry);
      const bucket = counts.get(dayIn(query.zone, entry.at));
      if (bucket === undefined) continue;
      if (isSource(entry.source)) bucket[entry.source] += 1;
      if (query.limit !== null && rows.length >= query.limit) continue;
      rows.push({
        contactId: entry.contactId,
        name: record.name ?? '',
        phone: record.phone ?? '',
        at: entry.at,
        source: entry.source ?? '',
        word: entry.word,
        text: entry.text,
        by: personOf(entry),
      });
    }
    return { days, rows };
  }
}
