import { expect, test } from 'vitest';
import { helpText, loadConfig, SETTINGS } from './config';

test('defaults apply when nothing is set, and empty variables count as unset', () => {
  expect(loadConfig({ PORT: '', HOST: '  ' })).toMatchObject({
    PORT: 8787,
    HOST: '127.0.0.1',
    DATABASE_URL: 'sqlite:./data/textdesk.db',
    TEXTDESK_DEFAULT_COUNTRY: 'US',
    CARRIER: 'simulator',
  });
});

test('every problem is listed at once, in words an operator understands', () => {
  expect(() =>
    loadConfig({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      TEXTDESK_DEFAULT_COUNTRY: 'XX',
      CARRIER: 'pigeon',
      TEXTDESK_ADMIN_PASSWORD: 'short',
      TEXTDESK_ADMIN_EMAIL: 'not-an-email',
    }),
  ).toThrow(
    /PORT[\s\S]*DATABASE_URL must start with sqlite: or postgres:\/\/[\s\S]*TEXTDESK_ADMIN_EMAIL must be an email address[\s\S]*at least 12 characters[\s\S]*TEXTDESK_DEFAULT_COUNTRY must be a country code[\s\S]*CARRIER must be simulator or twilio/u,
  );
});

test('the admin email and password come together or not at all', () => {
  expect(() => loadConfig({ TEXTDESK_ADMIN_EMAIL: 'owner@acme.test' })).toThrow(
    'Set TEXTDESK_ADMIN_EMAIL and TEXTDESK_ADMIN_PASSWORD together, or neither.',
  );
});

test('--help names every setting', () => {
  const help = helpText();
  for (const [name] of SETTINGS) expect(help).toContain(name);
});
