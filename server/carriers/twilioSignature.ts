import { createHmac, timingSafeEqual } from 'node:crypto';

/** A webhook's POST parameters; a name sent more than once has every value. */
export type FormParams = Readonly<Record<string, readonly string[]>>;

/** Reads an application/x-www-form-urlencoded body, keeping repeated names. */
export function parseForm(body: string): Record<string, string[]> {
  const params: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(params, name)) params[name]?.push(value);
    else params[name] = [value];
  }
  return params;
}

/**
 * Twilio's X-Twilio-Signature for a request: HMAC-SHA1, keyed with the auth
 * token, of the full URL Twilio requested (scheme, host, path and query)
 * followed by every POST parameter's name and value, names in sorted order;
 * base64. A name sent more than once contributes each distinct value, in
 * sorted order, as Twilio's own libraries compute it.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    for (const value of [...new Set(params[name])].sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `signature` is Twilio's for this request. The URL is tried as
 * given and with its default port added or removed (Twilio signs the address
 * exactly as configured in its console, which may or may not name :443).
 * Compared in constant time.
 */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: FormParams,
): boolean {
  if (signature === undefined || signature === '') return false;
  const given = Buffer.from(signature, 'utf8');
  let valid = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    // Every candidate is compared, so the time taken does not reveal which matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** The URL as given, and with its scheme's default port made explicit or left out. */
function urlVariants(url: string): string[] {
  const match = /^(https?:)\/\/([^/?#:]+)(?::(\d+))?(.*)$/iu.exec(url);
  if (match === null) return [url];
  const [, scheme = '', host = '', port, rest = ''] = match;
  const fallback = DEFAULT_PORTS[scheme.toLowerCase()];
  if (fallback === undefined) return [url];
  if (port === undefined) return [url, `${scheme}//${host}:${fallback}${rest}`];
  if (port === fallback) return [url, `${scheme}//${host}${rest}`];
  return [url];
}
