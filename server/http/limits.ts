/**
 * How much the HTTP layer takes: body sizes per route and request rates per
 * client address. Changed here, not per route, so they are read in one
 * place (WEBHOOK_RATE_LIMIT is the operator's, in server/config.ts).
 */
import { HttpError } from './errors';

const KIB = 1024;

/** Largest request bodies, by what a route needs. */
export const BODY_LIMITS = {
  /** JSON API bodies and carrier webhooks (a text is at most 1600 characters; lists of names). */
  default: 64 * KIB,
  /** A contacts import: up to 5,000 rows of number, name and lists. */
  import: 2 * 1024 * KIB,
  /** Sign-in, people, settings: a few short fields. */
  small: 8 * KIB,
  /** The phone simulator's inbound MMS: a few phone pictures, base64. */
  simulatorMms: 16 * 1024 * KIB,
  /** The opt-out page's button, which posts no fields at all. */
  empty: 1 * KIB,
} as const;

/** Failed sign-ins (only failures count; a success clears the email's). */
export const SIGN_IN_LIMITS = {
  perEmail: 5,
  perAddress: 30,
  windowMs: 15 * 60 * 1000,
} as const;

/** A minute, the window of the per-address request limits below. */
export const MINUTE_MS = 60 * 1000;

/**
 * Requests a minute one address may make to the opt-out link pages: far
 * more than a person opening their link (and the link scanners of their
 * mail and messaging apps) ever needs.
 */
export const PAGE_RATE_LIMIT = 60;

/** The default of WEBHOOK_RATE_LIMIT: carrier webhooks and the simulator's inbound route. */
export const DEFAULT_WEBHOOK_RATE_LIMIT = 600;

/** "N minutes" / "N seconds", rounded up, for a wait in milliseconds. */
function wait(ms: number): string {
  if (ms > 90 * 1000) {
    const minutes = Math.ceil(ms / MINUTE_MS);
    return `${String(minutes)} minute${minutes === 1 ? '' : 's'}`;
  }
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return `${String(seconds)} second${seconds === 1 ? '' : 's'}`;
}

/** The 429 for too many failed sign-ins, retried after `ms`. */
export function signInLimited(ms: number): HttpError {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE_MS));
  return new HttpError(
    429,
    'rate-limited',
    `Too many failed sign-ins. Try again in ${String(minutes)} minute${minutes === 1 ? '' : 's'}.`,
    { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) },
  );
}

/** The 429 for too many requests from one address (@fastify/rate-limit sets Retry-After). */
export const requestsLimited = (ms: number): HttpError =>
  new HttpError(
    429,
    'rate-limited',
    `Too many requests from this address. Try again in ${wait(ms)}.`,
  );
