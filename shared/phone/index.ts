import {
  getCountries,
  isSupportedCountry,
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
  type NumberType,
} from 'libphonenumber-js/max';
import { fail, ok, type Result } from '../result';
import { isShortCode } from './shortCodes';

export type { CountryCode };

/** A number in E.164, the only form contacts are stored in: "+12015550123". */
export type E164 = string & { readonly __brand: 'E164' };

export type PhoneLineType =
  | 'mobile'
  | 'fixed-line'
  | 'fixed-line-or-mobile'
  | 'toll-free'
  | 'voip'
  | 'other';

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

const LINE_TYPES: Partial<Record<NumberType & string, PhoneLineType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed-line',
  FIXED_LINE_OR_MOBILE: 'fixed-line-or-mobile',
  TOLL_FREE: 'toll-free',
  VOIP: 'voip',
};

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
    return error('unknown-country', `“${String(defaultCountry)}” is not a country code Textdesk knows.`);
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

  let parsed;
  try {
    parsed = parsePhoneNumberWithError(text, { defaultCountry, extract: false });
  } catch (cause) {
    if (shortCode !== null) return shortCode;
    const reason = cause instanceof ParseError ? cause.message : 'NOT_A_NUMBER';
    switch (reason) {
      case 'INVALID_COUNTRY':
        return error('invalid-country-code', `${shown} does not start with a country code that exists.`);
      case 'TOO_SHORT':
        return error('too-short', `${shown} is too short to be a phone number.`);
      case 'TOO_LONG':
        return error('too-long', `${shown} is too long to be a phone number.`);
      default:
        return error('not-a-number', `${shown} is not a phone number.`);
    }
  }
  if (parsed.ext !== undefined) {
    return error('extension', `${shown} has an extension; texts cannot reach an extension.`);
  }
  const where = parsed.country ?? defaultCountry;
  if (!parsed.isValid()) {
    if (shortCode !== null) return shortCode;
    const length = validatePhoneNumberLength(parsed.number, where);
    if (length === 'TOO_SHORT') return error('too-short', `${shown} is too short for a ${where} number.`);
    if (length === 'TOO_LONG') return error('too-long', `${shown} is too long for a ${where} number.`);
    return error('invalid', `${shown} is not a valid ${where} number: no such number can exist.`);
  }
  return ok({
    kind: 'number',
    e164: parsed.number as E164,
    country: parsed.country,
    lineType: LINE_TYPES[parsed.getType() ?? ''] ?? 'other',
  });
}

/**
 * The E.164 form a contact is stored under. Short codes are refused: a
 * business number cannot text one.
 */
export function normalizePhone(input: string, defaultCountry: CountryCode): Result<E164, PhoneError> {
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

/**
 * How a stored number is shown: national style for numbers of the account's
 * country ("(201) 555-0123"), international otherwise ("+44 7911 123456").
 */
export function formatPhone(e164: string, accountCountry?: CountryCode): string {
  try {
    const parsed = parsePhoneNumberWithError(e164);
    return parsed.country !== undefined && parsed.country === accountCountry
      ? parsed.formatNational()
      : parsed.formatInternational();
  } catch {
    return e164;
  }
}
