import type { Kysely } from 'kysely';
import type { InboundIntent } from '../../shared/consent';
import { carrierNumber, isCountryCode, normalizePhone, type CountryCode } from '../../shared/phone';
import type { Change } from '../../shared/protocol/entities';
import type { MediaSnapshot } from '../../shared/protocol/media';
import { fail, ok, type Result } from '../../shared/result';
import type { Database } from '../db/schema';
import { GroupCommit, type GroupCommitStats } from './groupCommit';
import { duplicateOf, writeInbound, type QueuedText } from './inboundBatch';

/** The longest text a carrier delivers as one message (10 segments of 160). */
export const MAX_BODY_LENGTH = 1600;

export interface InboundText {
  /** The customer's number, in any form the carrier gives. */
  readonly from: string;
  /** The business number texted; may be left out when the server has only one. */
  readonly to?: string | undefined;
  readonly body: string;
  /** The carrier's id for the text: a retried webhook carries the same one. */
  readonly carrierId: string;
  /** Its pictures and files (an MMS), already in the media store, in the carrier's order. */
  readonly media?: readonly MediaSnapshot[];
  /** Files the carrier listed that could not be fetched: the thread says so. */
  readonly missingMedia?: number;
}

export interface Ingested {
  readonly accountId: string;
  /** True when this carrier id was stored before: nothing was done again. */
  readonly duplicate: boolean;
  readonly messageId: string;
  readonly conversationId: string;
  readonly contactId: string;
  readonly intent: InboundIntent | null;
  /** Outbound texts queued by this text (trigger replies), to send after commit. */
  readonly queued: readonly string[];
  readonly changes: readonly Change[];
}

export interface IngestError {
  readonly code: 'invalid-number' | 'unknown-business-number' | 'too-long' | 'invalid-input';
  readonly message: string;
}

/**
 * The one way an inbound text enters Textdesk, whatever the carrier: dedupe
 * by carrier id, normalise the number, run the consent engine, store the
 * text and what follows from it (history, notes, queued trigger replies)
 * and append the changes — all in one transaction. The caller acknowledges
 * the carrier only once this resolves, and sends `queued` afterwards.
 *
 * Checks that need no writing are made here, for this text alone. The text is
 * then stored together with the others arriving at the same time, in one
 * transaction (group commit, see groupCommit.ts); the answer is what this
 * text would have got had it been stored on its own, after those queued
 * before it.
 */
export async function ingestInbound(
  db: Kysely<Database>,
  text: InboundText,
  options: { readonly defaultCountry: CountryCode; readonly now: Date },
): Promise<Result<Ingested, IngestError>> {
  if (text.body.length > MAX_BODY_LENGTH) {
    return fail({
      code: 'too-long',
      message: `A text can be at most ${MAX_BODY_LENGTH} characters.`,
    });
  }
  if (text.carrierId.trim() === '') {
    return fail({ code: 'invalid-input', message: 'The carrier message id is missing.' });
  }
  const business = await businessNumberOf(db, text.to, options.defaultCountry);
  if (!business.ok) return business;
  const { accountId, businessNumberId, country } = business.value;

  const from = senderNumber(text.from, country);
  if (!from.ok) return fail({ code: 'invalid-number', message: `Sender: ${from.error.message}` });
  if (from.value.kind === 'short-code') {
    return fail({
      code: 'invalid-number',
      message: `Texts from the short code ${from.value.code} are not accepted: short codes are automated senders, not customers.`,
    });
  }
  return ok(
    await committerFor(db).submit({
      ...text,
      accountId,
      businessNumberId,
      phone: from.value.e164,
      at: options.now.toISOString(),
    }),
  );
}

/**
 * The most texts one transaction stores. Large enough that the commit's cost
 * is shared by many texts, small enough that a batch stays a few milliseconds
 * of work and each of its statements far below the bound-value limits.
 */
export const MAX_BATCH = 256;

const committers = new WeakMap<Kysely<Database>, GroupCommit<QueuedText, Ingested>>();

/** Texts for one database are stored in batches (see groupCommit.ts). */
function committerFor(db: Kysely<Database>): GroupCommit<QueuedText, Ingested> {
  let committer = committers.get(db);
  if (committer === undefined) {
    committer = new GroupCommit({
      maxBatch: MAX_BATCH,
      writeBatch: (take) => db.transaction().execute((trx) => writeInbound(trx, take())),
      writeOne: (text) => writeAlone(db, text),
    });
    committers.set(db, committer);
  }
  return committer;
}

/** How the batches of this database went so far: their number and size. */
export function ingestStats(db: Kysely<Database>): GroupCommitStats {
  return committerFor(db).stats;
}

/** Stores one text in its own transaction, after the batch it was in failed. */
async function writeAlone(db: Kysely<Database>, text: QueuedText): Promise<Ingested> {
  try {
    const [ingested] = await db.transaction().execute((trx) => writeInbound(trx, [text]));
    if (ingested === undefined) throw new Error('The text was not stored.');
    return ingested;
  } catch (error) {
    // Two deliveries of one text racing on PostgreSQL: the loser finds the winner's row.
    const existing = await findByCarrierId(db, text.accountId, text.carrierId);
    if (existing !== undefined) return duplicateOf(text.accountId, existing);
    throw error;
  }
}

/**
 * Numbers read recently. Reading a number is pure and costs more than every
 * other check of a text together, and customers text back and forth, so the
 * same numbers keep coming; the oldest are forgotten first.
 */
const senders = new Map<string, ReturnType<typeof carrierNumber>>();
const MAX_SENDERS = 10_000;

function senderNumber(from: string, country: CountryCode): ReturnType<typeof carrierNumber> {
  const key = `${country}:${from}`;
  let known = senders.get(key);
  if (known === undefined) {
    known = carrierNumber(from, country);
    if (senders.size >= MAX_SENDERS) {
      const oldest = senders.keys().next();
      if (oldest.done !== true) senders.delete(oldest.value);
    }
    senders.set(key, known);
  }
  return known;
}

type BusinessNumberLookup = Promise<
  Result<{ accountId: string; businessNumberId: string; country: CountryCode }, IngestError>
>;

const lookups = new WeakMap<Kysely<Database>, Map<string, BusinessNumberLookup>>();

/**
 * The account a text is for, by the business number it was sent to. Texts
 * arriving together for the same number share one lookup while it runs: under
 * load, hundreds of them would otherwise queue for the database one by one
 * behind each batch. Nothing is kept once the lookup is answered.
 */
function businessNumberOf(
  db: Kysely<Database>,
  to: string | undefined,
  defaultCountry: CountryCode,
): BusinessNumberLookup {
  let running = lookups.get(db);
  if (running === undefined) {
    running = new Map();
    lookups.set(db, running);
  }
  const key = `${defaultCountry}:${to ?? ''}`;
  const shared = running.get(key);
  if (shared !== undefined) return shared;
  const lookup = findBusinessNumber(db, to, defaultCountry).finally(() => {
    running.delete(key);
  });
  running.set(key, lookup);
  return lookup;
}

async function findBusinessNumber(
  db: Kysely<Database>,
  to: string | undefined,
  defaultCountry: CountryCode,
): BusinessNumberLookup {
  const query = db
    .selectFrom('business_numbers')
    .innerJoin('accounts', 'accounts.id', 'business_numbers.account_id')
    .select(['business_numbers.id', 'business_numbers.account_id', 'accounts.default_country']);
  let rows;
  if (to === undefined || to.trim() === '') {
    rows = await query.limit(2).execute();
    if (rows.length !== 1) {
      return fail({
        code: 'unknown-business-number',
        message:
          'Say which business number was texted (“to”): this server has more than one, or none.',
      });
    }
  } else {
    const number = normalizePhone(to, defaultCountry);
    if (!number.ok)
      return fail({ code: 'invalid-number', message: `Business number: ${number.error.message}` });
    rows = await query.where('business_numbers.phone', '=', number.value).execute();
    if (rows.length === 0) {
      return fail({
        code: 'unknown-business-number',
        message: `No account here has the number ${number.value}.`,
      });
    }
  }
  const [row] = rows as [(typeof rows)[number]];
  const country = isCountryCode(row.default_country) ? row.default_country : defaultCountry;
  return ok({ accountId: row.account_id, businessNumberId: row.id, country });
}

/**
 * The account a text to `to` is for, and whether its carrier id was stored
 * already: what an MMS needs to know before its files are fetched (never
 * again for a retried webhook). Null when no account has the number.
 */
export async function inboundTarget(
  db: Kysely<Database>,
  text: Pick<InboundText, 'to' | 'carrierId'>,
  defaultCountry: CountryCode,
): Promise<{ readonly accountId: string; readonly duplicate: boolean } | null> {
  const business = await businessNumberOf(db, text.to, defaultCountry);
  if (!business.ok) return null;
  const { accountId } = business.value;
  const existing = await findByCarrierId(db, accountId, text.carrierId);
  return { accountId, duplicate: existing !== undefined };
}

function findByCarrierId(db: Kysely<Database>, accountId: string, carrierId: string) {
  return db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.conversation_id', 'conversations.contact_id'])
    .where('messages.account_id', '=', accountId)
    .where('messages.carrier_id', '=', carrierId)
    .executeTakeFirst();
}
