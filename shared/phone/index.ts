import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
  type PhoneNumberType,
} from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';
import { fail, ok, type Result } from '../result';
import { isShortCode } from './shortCodes';

export type { CountryCode };

/** A number in E.164, the only form contacts are stored in: "+12015550123". */
export type E164 = string & { readonly __brand: 'E164' };

export type PhoneLineType =
  'mobile' | 'fixed-line' | 'fixed-line-or-mobile' | 'toll-free' | 'voip' | 'other';

export type Phone =
  | {
      readonly kind: 'number';
      readonly e164: E164;
      /** Undefined for numbers shared by several countries (+800, satellite). */
      readonly country: CountryCode | undefined;
      readonly lineType: PhoneLineType;
    }
  | {
      /** An SMS short code: texts come from it, but it is no E.164 number. */
      readonly kind: 'short-code';
      readonly code: string;
      readonly country: CountryCode;
    };

export type PhoneErrorCode =
  | 'empty'
  | 'not-a-number'
  | 'unknown-country'
  | 'invalid-country-code'
  | 'too-short'
  | 'too-long'
  | 'extension'
  | 'invalid'
  | 'short-code';

export interface PhoneError {
  readonly code: PhoneErrorCode;
  readonly message: string;
}

/** Every country libphonenumber knows, for settings pickers. */
export const SUPPORTED_COUNTRIES: readonly CountryCode[] = getCountries();

export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

const LINE_TYPES: Partial<Record<PhoneNumberType, PhoneLineType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed-line',
  FIXED_LINE_OR_MOBILE: 'fixed-line-or-mobile',
  TOLL_FREE: 'toll-free',
  VOIP: 'voip',
};

/** Two leading zeros, separators allowed between them: the "00" way of dialling abroad. */
const LEADING_00 = /^[\s().-]*0[\s().-]*0/u;

type Reading = { readonly number: PhoneNumber } | { readonly reason: string };

function read(text: string, defaultCountry: CountryCode): Reading {
  try {
    return { number: parsePhoneNumberWithError(text, { defaultCountry, extract: false }) };
  } catch (cause) {
    return { reason: cause instanceof ParseError ? cause.message : 'NOT_A_NUMBER' };
  }
}

/**
 * The country a number belongs to, for messages. An invalid number has no
 * country of its own, so it is named by its calling code: the account's
 * country when the code is its own, else the code's main country (+1 is US,
 * +44 is GB), or "+800" for codes no country owns.
 */
function regionOf(number: PhoneNumber, defaultCountry: CountryCode): string {
  if (number.country !== undefined) return number.country;
  const code = number.countryCallingCode;
  if (code === getCountryCallingCode(defaultCountry)) return defaultCountry;
  const main = metadata.country_calling_codes[code]?.[0];
  return main !== undefined && isSupportedCountry(main) ? main : `+${code}`;
}

const error = (code: PhoneErrorCode, message: string): Result<never, PhoneError> =>
  fail({ code, message });

/**
 * Reads a phone number as a person typed it. Numbers without a country code
 * are read in the account's default country. Validation uses the full
 * numbering-plan metadata, so "+1 555 555 5555" is refused, not just checked
 * for length. Short codes are recognised and returned as such.
 */
export function parsePhone(input: string, defaultCountry: CountryCode): Result<Phone, PhoneError> {
  if (!isSupportedCountry(defaultCountry)) {
    return error(
      'unknown-country',
      `“${String(defaultCountry)}” is not a country code Textdesk knows.`,
    );
  }
  const text = input.trim().replace(/^tel:/iu, '');
  if (text === '') return error('empty', 'Enter a phone number.');
  const shown = `“${input.trim()}”`;

  // A short code is only what no valid number of the country could be.
  const digits = text.replace(/[\s().-]/gu, '');
  const shortCode: Result<Phone, PhoneError> | null =
    /^\d+$/u.test(digits) && isShortCode(digits, defaultCountry)
      ? ok({ kind: 'short-code', code: digits, country: defaultCountry })
      : null;

  const home = read(text, defaultCountry);
  let reading = home;
  if (!('number' in home) || !home.number.isValid()) {
    if (shortCode !== null) return shortCode;
    // "0044 7911 123456": much of the world leaves the country with 00, and
    // people type it that way from anywhere, though the US dials out with
    // 011. Only tried when the number cannot be read at home.
    const abroad = LEADING_00.test(text)
      ? read(text.replace(LEADING_00, '+'), defaultCountry)
      : null;
    if (abroad !== null && 'number' in abroad) reading = abroad;
  }

  if (!('number' in reading)) {
    switch (reading.reason) {
      case 'INVALID_COUNTRY':
        return error(
          'invalid-country-code',
          `${shown} does not start with a country code that exists.`,
        );
      case 'TOO_SHORT':
        return error('too-short', `${shown} is too short to be a phone number.`);
      case 'TOO_LONG':
        return error('too-long', `${shown} is too long to be a phone number.`);
      default:
        return error('not-a-number', `${shown} is not a phone number.`);
    }
  }
  const parsed = reading.number;
  if (parsed.ext !== undefined) {
    return error('extension', `${shown} has an extension; texts cannot reach an extension.`);
  }
  if (!parsed.isValid()) {
    // Name the country the number was dialled to, not the account's: “+44 7700
    // 900123” is not a valid GB number, whatever the account's country.
    const where = regionOf(parsed, defaultCountry);
    const length = validatePhoneNumberLength(parsed.number);
    if (length === 'TOO_SHORT') {
      return error('too-short', `${shown} is too short for a ${where} number.`);
    }
    if (length === 'TOO_LONG') {
      return error('too-long', `${shown} is too long for a ${where} number.`);
    }
    return error('invalid', `${shown} is not a valid ${where} number: no such number can exist.`);
  }
  const type = parsed.getType();
  return ok({
    kind: 'number',
    e164: parsed.number as E164,
    country: parsed.country,
    lineType: (type === undefined ? undefined : LINE_TYPES[type]) ?? 'other',
  });
}

/**
 * The E.164 form a contact is stored under. Short codes are refused: a
 * business number cannot text one.
 */
export function normalizePhone(
  input: string,
  defaultCountry: CountryCode,
): Result<E164, PhoneError> {
  const parsed = parsePhone(input, defaultCountry);
  if (!parsed.ok) return parsed;
  if (parsed.value.kind === 'short-code') {
    return error(
      'short-code',
      `“${parsed.value.code}” is a short code, not a phone number; contacts need a full number.`,
    );
  }
  return ok(parsed.value.e164);
}

const E164_SHAPE = /^\+[1-9]\d{6,14}$/u;

/**
 * A number a carrier reports, such as the sender of an inbound text. Read
 * like any other, but a well-formed E.164 number that the numbering-plan
 * data does not know yet (a new range) is taken as it is: a STOP from it
 * must never be dropped for want of fresher metadata.
 */
export function carrierNumber(
  input: string,
  defaultCountry: CountryCode,
): Result<Phone, PhoneError> {
  const parsed = parsePhone(input, defaultCountry);
  if (parsed.ok) return parsed;
  const compact = input.replace(/[\s().-]/gu, '');
  return E164_SHAPE.test(compact)
    ? ok({ kind: 'number', e164: compact as E164, country: undefined, lineType: 'other' })
    : parsed;
}

/**
 * How a stored number is shown: national style for numbers of the account's
 * country ("(201) 555-0123"), international otherwise ("+44 7911 123456").
 */
export function formatPhone(e164: string, accountCountry?: CountryCode): string {
  try {
    const parsed = parsePhoneNumberWithError(e164);
    // Same dialling code, not same country: a UK account dials Guernsey's
    // +44 7911 mobiles as 07911 too.
    if (
      accountCountry !== undefined &&
      isSupportedCountry(accountCountry) &&
      parsed.countryCallingCode === getCountryCallingCode(accountCountry)
    ) {
      // Only a national form that reads back as the same number: Gabon's
      // "05 00 00 00" is +241 05000000, not the +241 5000000 it was made from.
      const national = parsed.formatNational();
      const back = normalizePhone(national, accountCountry);
      if (back.ok && back.value === parsed.number) return national;
    }
    return parsed.formatInternational();
  } catch {
    return e164;
  }
}
