/**
 * Phone numbers as people type them: E.164 normalisation in the account's
 * country, real numbering-plan validation (not just length), SMS short codes,
 * and errors that say what is wrong with the number typed.
 */
import fc from 'fast-check';
import { getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, test } from 'vitest';
import {
  carrierNumber,
  formatPhone,
  isCountryCode,
  normalizePhone,
  parsePhone,
  SUPPORTED_COUNTRIES,
  type CountryCode,
  type E164,
  type Phone,
  type PhoneError,
} from './index';

const US_NUMBER = '+12015550123';
const UK_MOBILE = '+447911123456';

/** The number a successful read gives, or a failed test naming the input. */
function phone(input: string, country: CountryCode): Phone {
  const result = parsePhone(input, country);
  if (!result.ok) {
    throw new Error(`“${input}” in ${country} was refused: ${result.error.message}`);
  }
  return result.value;
}

/** The error a refused read gives, or a failed test naming the input. */
function refusal(input: string, country: CountryCode): PhoneError {
  const result = parsePhone(input, country);
  if (result.ok) {
    throw new Error(`“${input}” in ${country} was accepted as ${JSON.stringify(result.value)}`);
  }
  return result.error;
}

describe('reading numbers as people type them', () => {
  test.each([
    '(201) 555-0123',
    '201.555.0123',
    '201-555-0123',
    '+1 201 555 0123',
    '+1 (201) 555-0123',
    '1-201-555-0123',
    '1 201 555 0123',
    '+12015550123',
    'tel:+12015550123',
    'TEL:+1-201-555-0123',
    '  2015550123 ',
    '\t2015550123\n',
  ])('“%s” in a US account is +12015550123', (input) => {
    expect(normalizePhone(input, 'US')).toEqual({ ok: true, value: US_NUMBER });
    expect(phone(input, 'US')).toEqual({
      kind: 'number',
      e164: US_NUMBER,
      country: 'US',
      lineType: 'fixed-line-or-mobile',
    });
  });

  test.each(['+44 7911 123456', '0044 7911 123456', '00 44 7911 123456', '011 44 7911 123456'])(
    '“%s” in a US account is read as a UK number',
    (input) => {
      expect(normalizePhone(input, 'US')).toEqual({ ok: true, value: UK_MOBILE });
    },
  );

  test('a UK national number in a GB account gets the +44 country code', () => {
    expect(normalizePhone('07911 123456', 'GB')).toEqual({ ok: true, value: UK_MOBILE });
    expect(normalizePhone('07400 123456', 'GB')).toEqual({ ok: true, value: '+447400123456' });
    expect(phone('07400 123456', 'GB')).toMatchObject({ country: 'GB', lineType: 'mobile' });
  });

  test('00 for dialling abroad is not needed where 00 already means abroad', () => {
    expect(normalizePhone('00 1 201 555 0123', 'GB')).toEqual({ ok: true, value: US_NUMBER });
    expect(normalizePhone('0033 6 12 34 56 78', 'DE')).toEqual({ ok: true, value: '+33612345678' });
  });

  test('an E.164 number is read the same whatever the account country', () => {
    for (const country of SUPPORTED_COUNTRIES) {
      expect(normalizePhone(US_NUMBER, country)).toEqual({ ok: true, value: US_NUMBER });
      expect(normalizePhone(UK_MOBILE, country)).toEqual({ ok: true, value: UK_MOBILE });
    }
  });

  test('the line type says whether the number is a mobile, a landline or toll-free', () => {
    expect(phone('07400 123456', 'GB')).toMatchObject({ lineType: 'mobile' });
    expect(phone('020 7946 0018', 'GB')).toMatchObject({ lineType: 'fixed-line' });
    expect(phone('1-800-555-0123', 'US')).toMatchObject({ lineType: 'toll-free' });
  });

  test('numbers no country owns (+800) are accepted without a country', () => {
    expect(phone('+800 1234 5678', 'US')).toEqual({
      kind: 'number',
      e164: '+80012345678',
      country: undefined,
      lineType: 'toll-free',
    });
  });
});

describe('refusing numbers that cannot exist', () => {
  test('“+1 555 555 5555” has a valid length but no such US number exists', () => {
    const error = refusal('+1 555 555 5555', 'US');
    expect(error.code).toBe('invalid');
    expect(error.message).toContain('“+1 555 555 5555”');
    expect(error.message).toContain('US');
    expect(normalizePhone('555-555-5555', 'US')).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
  });

  test('the message names the country the number was dialled to, not the account’s', () => {
    expect(refusal('+1 555 555 5555', 'GB').message).toContain('valid US number');
    expect(refusal('+44 7700 900123', 'US').message).toContain('valid GB number');
  });

  test.each<[string, CountryCode]>([
    ['+44 7700 900123', 'US'],
    ['+44 7700 900123', 'GB'],
    ['07700 900123', 'GB'],
    ['07700 900 123', 'GB'],
  ])('Ofcom’s drama range “%s” (%s account) is refused', (input, country) => {
    const error = refusal(input, country);
    expect(error.code).toBe('invalid');
    expect(error.message).toContain(`“${input}”`);
    expect(error.message).toContain('GB');
  });

  test.each<[string, CountryCode, PhoneError['code'], RegExp]>([
    ['201 555 01', 'US', 'too-short', /too short for a US number/u],
    ['201', 'US', 'too-short', /too short/u],
    ['+44 7911 12', 'US', 'too-short', /too short for a GB number/u],
    ['201 555 0123 999', 'US', 'too-long', /too long/u],
    ['+1 201 555 0123 4567', 'GB', 'too-long', /too long for a US number/u],
    ['call me', 'US', 'not-a-number', /not a phone number/u],
    ['abc-defg', 'US', 'not-a-number', /not a phone number/u],
    ['+999 123 456 789', 'US', 'invalid-country-code', /country code that exists/u],
    ['+1 201 555 0123 ext 5', 'US', 'extension', /extension/u],
    ['201-555-0123 x5', 'US', 'extension', /extension/u],
    ['07911 123456 ext. 12', 'GB', 'extension', /extension/u],
  ])('“%s” (%s account) is refused as %s', (input, country, code, wording) => {
    const error = refusal(input, country);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`“${input}”`);
    expect(error.message).toMatch(wording);
    // Storing the contact fails the same way.
    expect(normalizePhone(input, country)).toEqual({ ok: false, error });
  });

  test.each(['', '   ', 'tel:', ' tel: '])('“%s” asks for a number', (input) => {
    expect(refusal(input, 'US')).toEqual({ code: 'empty', message: 'Enter a phone number.' });
  });

  test('each kind of mistake gets its own message', () => {
    const messages = [
      '+1 555 555 5555',
      '201',
      '201 555 0123 999',
      'call me',
      '+999 123 456 789',
      '+1 201 555 0123 ext 5',
      '',
    ].map((input) => refusal(input, 'US').message.replace(/“[^”]*”/u, '“…”'));
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe('short codes', () => {
  test.each<[string, CountryCode]>([
    ['54321', 'US'],
    ['876543', 'US'],
    ['22222', 'CA'],
    ['60123', 'GB'],
    ['81234', 'GB'],
    ['50123', 'IE'],
    ['191234', 'AU'],
  ])('“%s” is a short code in %s', (input, country) => {
    expect(phone(input, country)).toEqual({ kind: 'short-code', code: input, country });
  });

  test('a short code typed with spaces is still the short code', () => {
    expect(phone(' 876 543 ', 'US')).toEqual({ kind: 'short-code', code: '876543', country: 'US' });
  });

  test('a short code cannot be stored as a contact number', () => {
    const result = normalizePhone('876543', 'US');
    expect(result).toMatchObject({ ok: false, error: { code: 'short-code' } });
    if (!result.ok) expect(result.error.message).toContain('“876543”');
  });

  test.each<[string, CountryCode]>([
    // US common short codes never start with 1 (CTIA's short code registry).
    ['12345', 'US'],
    // UK SMS short codes start with 6, 7 or 8.
    ['50123', 'GB'],
    ['12345', 'GB'],
    // Short codes are national: a US short code means nothing in the UK.
    ['876543', 'GB'],
  ])('“%s” is not a short code in %s, so it is refused', (input, country) => {
    const error = refusal(input, country);
    expect(error.code).not.toBe('short-code');
    expect(error.message).toContain(`“${input}”`);
  });

  test('a valid number is never taken for a short code', () => {
    // Tokelau numbers are 4 or 5 digits: the length of a short code elsewhere.
    const tokelau = getExampleNumber('TK', examples);
    expect(tokelau).toBeDefined();
    if (tokelau !== undefined) {
      expect(phone(tokelau.nationalNumber, 'TK')).toMatchObject({ kind: 'number', country: 'TK' });
    }
  });
});

describe('the account country', () => {
  test.each(['XX', 'us', 'USA', ''])('“%s” is not a country Textdesk knows', (country) => {
    expect(isCountryCode(country)).toBe(false);
    const error = refusal('2015550123', country as CountryCode);
    expect(error.code).toBe('unknown-country');
    expect(error.message).toContain(`“${country}”`);
    expect(normalizePhone('+12015550123', country as CountryCode)).toEqual({ ok: false, error });
  });

  test('every supported country is a country code, and the list has the usual ones', () => {
    expect(SUPPORTED_COUNTRIES).toEqual(expect.arrayContaining(['US', 'GB', 'CA', 'DE', 'IN']));
    expect(SUPPORTED_COUNTRIES.every(isCountryCode)).toBe(true);
  });
});

describe('formatPhone', () => {
  test('numbers of the account’s country are shown the national way', () => {
    expect(formatPhone(US_NUMBER, 'US')).toBe('(201) 555-0123');
    expect(formatPhone('+447400123456', 'GB')).toBe('07400 123456');
    // Guernsey shares the UK's +44 plan: a UK agent dials it as 07911 too.
    expect(formatPhone('+447911123456', 'GB')).toBe('07911 123456');
    expect(formatPhone('+12015550123', 'CA')).toBe('(201) 555-0123');
  });

  test('numbers of other countries are shown the international way', () => {
    expect(formatPhone(US_NUMBER, 'GB')).toBe('+1 201 555 0123');
    expect(formatPhone('+447400123456', 'US')).toBe('+44 7400 123456');
    expect(formatPhone(US_NUMBER)).toBe('+1 201 555 0123');
    expect(formatPhone('+80012345678', 'US')).toBe('+800 1234 5678');
  });

  test('a national form that would read back as another number is shown internationally', () => {
    // In Gabon "05 00 00 00" is the 8-digit +241 05000000, not the older +241 5000000.
    expect(formatPhone('+24105000000', 'GA')).toBe('05 00 00 00');
    expect(formatPhone('+2415000000', 'GA')).toBe('+241 5 00 00 00');
    expect(normalizePhone(formatPhone('+2415000000', 'GA'), 'GA')).toEqual({
      ok: true,
      value: '+2415000000',
    });
  });

  test.each(['garbage', '', '2015550123', '+', '876543'])('“%s” is shown as it is', (input) => {
    expect(formatPhone(input, 'US')).toBe(input);
  });
});

// ---------------------------------------------------------------------------
// Properties

const country = fc.constantFrom(...SUPPORTED_COUNTRIES);

/** Every supported country's example mobile number, as libphonenumber gives it. */
const EXAMPLES = SUPPORTED_COUNTRIES.flatMap((code) => {
  const example = getExampleNumber(code, examples);
  return example === undefined ? [] : [{ country: code, e164: example.number as E164 }];
});

/** A string made mostly of digits and the separators people type between them. */
const digitHeavy = fc
  .tuple(
    fc.constantFrom('', '', '+', '00', '011 ', '0', '1 ', 'tel:'),
    fc.array(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-', '.'), {
      maxLength: 18,
    }),
    fc.constantFrom('', '', ' ', ' ext 5', 'x'),
  )
  .map(([prefix, body, suffix]) => `${prefix}${body.join('')}${suffix}`);

/** An example number typed the way a person might: national or international, punctuated. */
const typedExample = fc
  .tuple(fc.constantFrom(...EXAMPLES), fc.boolean(), fc.constantFrom(' ', '-', '.', ''), fc.nat())
  .map(([example, national, separator, digit]) => {
    const shown = formatPhone(example.e164, national ? example.country : undefined);
    // Sometimes change the last digit, which may or may not leave a valid number.
    const text = digit % 3 === 0 ? shown.replace(/\d(?=\D*$)/u, String(digit % 10)) : shown;
    return { text: text.replace(/ /gu, separator), country: example.country };
  });

const anyInput = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^\+?[\d ().-]{0,20}$/u),
  digitHeavy,
);

describe('properties', () => {
  test('there is an example number for every supported country', () => {
    expect(EXAMPLES.map((example) => example.country)).toEqual(SUPPORTED_COUNTRIES);
  });

  test('normalising is idempotent, whatever the account country', () => {
    let normalised = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(anyInput, country).map(([text, home]) => ({ text, country: home })),
          typedExample,
        ),
        country,
        ({ text, country: home }, other) => {
          const first = normalizePhone(text, home);
          if (!first.ok) return;
          normalised += 1;
          expect(first.value).toMatch(/^\+[1-9]\d{1,14}$/u);
          expect(normalizePhone(first.value, home)).toEqual(first);
          expect(normalizePhone(first.value, other)).toEqual(first);
          // What is shown can be typed back in, in this account or any other.
          expect(normalizePhone(formatPhone(first.value, home), home)).toEqual(first);
          expect(normalizePhone(formatPhone(first.value, other), other)).toEqual(first);
        },
      ),
      { numRuns: 2_000 },
    );
    // The property is only worth something if many inputs were numbers.
    expect(normalised).toBeGreaterThan(400);
  });

  test('parsePhone never throws, and every refusal has a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyInput, fc.string({ maxLength: 400 })),
        fc.oneof(
          country,
          fc.string({ maxLength: 3 }).map((code) => code as CountryCode),
        ),
        (text, home) => {
          const result = parsePhone(text, home);
          if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  test('every country’s numbers survive formatting and reading back', () => {
    // Exhaustively: each example in its own country (national format) and abroad.
    for (const { country: home, e164 } of EXAMPLES) {
      expect(normalizePhone(e164, home)).toEqual({ ok: true, value: e164 });
      expect(phone(e164, home)).toMatchObject({ kind: 'number', e164 });
      expect(normalizePhone(formatPhone(e164, home), home)).toEqual({ ok: true, value: e164 });
      expect(normalizePhone(formatPhone(e164), home)).toEqual({ ok: true, value: e164 });
    }
    // And shown in any account's country, then read back in that account.
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLES), country, ({ e164 }, account) => {
        const shown = formatPhone(e164, account);
        expect(normalizePhone(shown, account)).toEqual({ ok: true, value: e164 });
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('carrierNumber', () => {
  test('reads numbers like parsePhone, and keeps well-formed E.164 the data does not know', () => {
    expect(carrierNumber('(201) 555-0123', 'US')).toMatchObject({
      ok: true,
      value: { e164: '+12015550123' },
    });
    expect(carrierNumber('+15555555555', 'US')).toEqual({
      ok: true,
      value: { kind: 'number', e164: '+15555555555', country: undefined, lineType: 'other' },
    });
    expect(carrierNumber('555 555 5555', 'US')).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(carrierNumber('hello', 'US')).toMatchObject({ ok: false });
  });
});
