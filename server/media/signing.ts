import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MediaVariant } from '../../shared/protocol/media';

/**
 * Signed media addresses: `/media/<id>/<variant>?expires=<unix s>&signature=…`,
 * an HMAC-SHA256 of the id, the variant and the expiry under the server's
 * media secret. Whoever holds one may fetch that one file until it expires
 * (a desktop for minutes, a carrier fetching an MMS for longer), and nothing
 * else: changing any part breaks the signature.
 */

export const MEDIA_PATH = '/media';

function signatureOf(secret: Buffer, mediaId: string, variant: MediaVariant, expires: number) {
  return createHmac('sha256', secret)
    .update(`${mediaId}\n${variant}\n${String(expires)}`)
    .digest('base64url');
}

export function signedPath(
  secret: Buffer,
  mediaId: string,
  variant: MediaVariant,
  expires: number,
): string {
  const signature = signatureOf(secret, mediaId, variant, expires);
  return `${MEDIA_PATH}/${encodeURIComponent(mediaId)}/${variant}?expires=${String(expires)}&signature=${signature}`;
}

/** True when the signature is this server's for this file and the address has not expired. */
export function isValidSignature(
  secret: Buffer,
  mediaId: string,
  variant: MediaVariant,
  query: { readonly expires?: string | undefined; readonly signature?: string | undefined },
  now: Date,
): boolean {
  if (query.expires === undefined || query.signature === undefined) return false;
  if (!/^\d{1,12}$/u.test(query.expires)) return false;
  const expires = Number(query.expires);
  if (expires * 1000 < now.getTime()) return false;
  const expected = Buffer.from(signatureOf(secret, mediaId, variant, expires));
  const given = Buffer.from(query.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
