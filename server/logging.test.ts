import { describe, expect, test } from 'vitest';
import { createLogger, maskPhone, maskPhonesIn } from './logging';

/** A logger at `info` whose lines a test reads. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: {
      write: (line: string) => {
        lines.push(line);
      },
    },
  });
  return { logger, text: () => lines.join('') };
}

describe('what the server logs', () => {
  test('a phone number shows only its last four digits', () => {
    expect(maskPhone('+12015550123')).toBe('***0123');
    expect(maskPhone('(201) 555-0123')).toBe('***0123');
    expect(maskPhone('12')).toBe('***');
    expect(maskPhonesIn('No contact has the number +12015550123; (201) 555-0199 neither.')).toBe(
      'No contact has the number ***0123; ***0199 neither.',
    );
    // Dates, times and small counts are not numbers to hide.
    expect(maskPhonesIn('at 2026-11-23T14:02:11.000Z, 3 of 5000')).toBe(
      'at 2026-11-23T14:02:11.000Z, 3 of 5000',
    );
  });

  test('passwords, tokens, secrets, bodies and headers are redacted wherever they are logged', () => {
    const { logger, text } = capture();
    logger.info(
      {
        password: 'hunter2hunter2',
        token: 'tok_abc',
        secret: 'shh-secret',
        body: 'my crown fell out',
        headers: { authorization: 'Bearer abc', cookie: 'sid=1' },
        command: { text: 'a customer wrote this', password: 'nested-pass' },
        from: '+12015550123',
      },
      'something happened',
    );
    const line = text();
    for (const hidden of [
      'hunter2hunter2',
      'tok_abc',
      'shh-secret',
      'crown fell out',
      'Bearer abc',
      'sid=1',
      'a customer wrote this',
      'nested-pass',
      '2015550123',
    ]) {
      expect(line).not.toContain(hidden);
    }
    expect(JSON.parse(line)).toMatchObject({ password: '[redacted]', from: '***0123' });
  });

  test('an error keeps its message and stack, with numbers masked and statement values left out', () => {
    const { logger, text } = capture();
    const error = Object.assign(
      new Error('duplicate key value: Key (phone)=(+12015550123) already exists.'),
      { parameters: ['+12015550123', 'a text body'] },
    );
    logger.error({ err: error }, 'background work failed');
    const line = JSON.parse(text()) as { err: { message: string; stack: string } };
    expect(line.err.message).toBe('duplicate key value: Key (phone)=(***0123) already exists.');
    expect(line.err.stack).toContain('logging.test.ts');
    expect(text()).not.toContain('2015550123');
    expect(text()).not.toContain('a text body');
  });
});
