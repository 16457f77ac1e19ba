import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../app';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

const CUSTOMER = '+12015550171';

describe.each(DIALECTS)('the opt-out link pages on %s', (dialect) => {
  let app: TestApp;
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp(dialect, { TEXTDESK_BUSINESS_NAME: 'Acme <Dental>' });
    server = app.server;
    token = app.adminToken;
  });

  afterAll(() => app.close());

  async function linkFor(to: string): Promise<string> {
    const phone = server.simulator;
    if (phone === null) throw new Error('no simulator');
    const arrived = new Promise<string>((resolve) => {
      phone.on('text', (text) => {
        if (text.to === to) resolve(text.body);
      });
    });
    const sent = await fetch(`${server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ to, body: 'Spring sale! Stop these texts: {{optout_link}}' }),
    });
    expect(sent.status).toBe(201);
    const body = await arrived;
    const url = /(http:\/\/\S+\/u\/[\w-]+)$/u.exec(body)?.[1];
    if (url === undefined) throw new Error(`no link in “${body}”`);
    return url;
  }

  const optedIn = async (phone: string) => {
    const response = await fetch(`${server.url}/api/v1/contacts/${encodeURIComponent(phone)}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as { optedIn: boolean }).optedIn;
  };

  test('opening the link asks and changes nothing; the button opts out and confirms', async () => {
    const url = await linkFor(CUSTOMER);
    expect(url.startsWith(`${server.url}/u/`)).toBe(true);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Stop all texts from Acme &lt;Dental&gt;?');
    expect(html).toContain('<form method="post">');
    expect(html).not.toContain('<script');
    expect(await optedIn(CUSTOMER)).toBe(true);

    const confirmed = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain(
      'You will not get any more texts from Acme &lt;Dental&gt;',
    );
    expect(await optedIn(CUSTOMER)).toBe(false);

    const again = await fetch(url);
    expect(await again.text()).toContain('You will not get any more texts');
    expect((await fetch(url, { method: 'POST', body: '' })).status).toBe(200);
  });

  test('an unknown link is 404 and says how to stop texts instead', async () => {
    const missing = await fetch(`${server.url}/u/${'A'.repeat(43)}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('reply <strong>STOP</strong>');
  });
});
