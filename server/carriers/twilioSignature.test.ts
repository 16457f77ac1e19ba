import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, test } from 'vitest';
import { isValidTwilioSignature, parseForm, twilioSignature } from './twilioSignature';

const TOKEN = '12345678901234567890123456789012';
const URL = 'https://texts.example.com/webhooks/twilio/sms?message=abc';

/** The reference library's parameters: one value as a string, several as an array. */
function reference(params: Record<string, string[]>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(params).map(([name, values]) => [
      name,
      values.length === 1 ? (values[0] ?? '') : values,
    ]),
  );
}

describe('Twilio request signatures', () => {
  test("the parameters of the example in Twilio's security guide", () => {
    const params = {
      CallSid: ['CA1234567890ABCDE'],
      Caller: ['+12349013030'],
      Digits: ['1234'],
      From: ['+12349013030'],
      To: ['+18005551212'],
    };
    const url = 'https://example.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature(TOKEN, url, params)).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, url, reference(params)),
    );
  });

  test('unicode bodies, repeated names and form encoding match the reference library', () => {
    const body =
      'Body=Caf%C3%A9+%F0%9F%A6%B7+%E2%80%94+ok%3F&From=%2B12015550123&MediaUrl=b&MediaUrl=a&MediaUrl=b&Empty=';
    const params = parseForm(body);
    expect(params).toEqual({
      Body: ['Café 🦷 — ok?'],
      From: ['+12015550123'],
      MediaUrl: ['b', 'a', 'b'],
      Empty: [''],
    });
    const expected = twilio.getExpectedTwilioSignature(TOKEN, URL, reference(params));
    expect(twilioSignature(TOKEN, URL, params)).toBe(expected);
    expect(isValidTwilioSignature(TOKEN, expected, URL, params)).toBe(true);
  });

  test('any parameters: ours and the reference agree, and the reference validates ours', () => {
    const name = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
    const value = fc.string({ maxLength: 40, unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.dictionary(name, fc.array(value, { minLength: 1, maxLength: 3 })),
        fc.string({ maxLength: 20, unit: 'grapheme' }),
        (params, token) => {
          const ours = twilioSignature(token, URL, params);
          expect(ours).toBe(twilio.getExpectedTwilioSignature(token, URL, reference(params)));
          expect(twilio.validateRequest(token, ours, URL, reference(params))).toBe(true);
          expect(isValidTwilioSignature(token, ours, URL, params)).toBe(true);
        },
      ),
    );
  });

  test('a changed value, URL, token or signature is refused; a missing one too', () => {
    const params = { Body: ['STOP'], From: ['+12015550123'] };
    const signature = twilioSignature(TOKEN, URL, params);
    expect(isValidTwilioSignature(TOKEN, signature, URL, params)).toBe(true);
    expect(isValidTwilioSignature(TOKEN, signature, URL, { ...params, Body: ['START'] })).toBe(
      false,
    );
    expect(isValidTwilioSignature(TOKEN, signature, `${URL}x`, params)).toBe(false);
    expect(isValidTwilioSignature(`${TOKEN}x`, signature, URL, params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, `${signature.slice(0, -2)}A=`, URL, params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, 'short', URL, params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, undefined, URL, params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, '', URL, params)).toBe(false);
  });

  test('the default port may be named or left out, as in the reference library', () => {
    const params = { Body: ['hi'] };
    const withPort = 'https://texts.example.com:443/webhooks/twilio/sms';
    const without = 'https://texts.example.com/webhooks/twilio/sms';
    expect(
      isValidTwilioSignature(TOKEN, twilioSignature(TOKEN, withPort, params), without, params),
    ).toBe(true);
    expect(
      isValidTwilioSignature(TOKEN, twilioSignature(TOKEN, without, params), withPort, params),
    ).toBe(true);
    const other = 'https://texts.example.com:8443/webhooks/twilio/sms';
    expect(
      isValidTwilioSignature(TOKEN, twilioSignature(TOKEN, without, params), other, params),
    ).toBe(false);
  });
});
