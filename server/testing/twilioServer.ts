import { startServer, type RunningServer } from '../app';
import { loadConfig } from '../config';
import type { DialectName } from '../db/connect';
import { freePort } from './postgres';
import { freshStorage, testMediaDir } from './storage';
import { TwilioStandIn } from './twilioStandIn';

export const TWILIO_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TWILIO_AUTH_TOKEN = 'f3a1c0ffee5eed5a1ted0123456789ab';
export const TWILIO_BUSINESS = '+12015550100';
export const TWILIO_ADMIN = { email: 'owner@acme.test', password: 'correct horse battery' };

export interface TwilioTestServer {
  readonly server: RunningServer;
  readonly standIn: TwilioStandIn;
  /** TWILIO_ADMIN's session token. */
  readonly token: string;
  close(): Promise<void>;
}

/**
 * The real server with CARRIER=twilio against a Twilio stand-in, on a fresh
 * database, its webhooks signed for its PUBLIC_URL, TWILIO_ADMIN signed in.
 */
export async function startTwilioTestServer(dialect: DialectName): Promise<TwilioTestServer> {
  const standIn = await TwilioStandIn.start(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN);
  const storage = await freshStorage(dialect);
  // PUBLIC_URL must be known before start: Twilio signs against it.
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${String(port)}`;
  const server = await startServer(
    loadConfig({
      PORT: String(port),
      DATABASE_URL: storage.url,
      MEDIA_DIR: testMediaDir(),
      PUBLIC_URL: publicUrl,
      TEXTDESK_ADMIN_EMAIL: TWILIO_ADMIN.email,
      TEXTDESK_ADMIN_PASSWORD: TWILIO_ADMIN.password,
      TEXTDESK_BUSINESS_NAME: 'Acme Dental',
      TEXTDESK_BUSINESS_NUMBER: TWILIO_BUSINESS,
      CARRIER: 'twilio',
      TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN,
      TWILIO_FROM: TWILIO_BUSINESS,
      TWILIO_API_BASE: standIn.url,
      LOG_LEVEL: 'silent',
    }),
  );
  standIn.smsUrl = `${publicUrl}/webhooks/twilio/sms`;
  const login = await fetch(`${server.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(TWILIO_ADMIN),
  });
  const { token } = (await login.json()) as { token: string };
  return {
    server,
    standIn,
    token,
    close: async () => {
      await server.close();
      await standIn.close();
      await storage.close();
    },
  };
}
