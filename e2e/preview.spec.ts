import { expect, test } from './support/renderer';

test('the preview bridge gives the page the real core, signed in to the solo backend', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  // The token leaves the address bar once the bridge has it.
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/u);
  const session = await page.evaluate(() => window.textdesk.session.get());
  expect(session).toMatchObject({ ok: true, value: { mode: 'solo', user: { role: 'admin' } } });

  const changed = page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const stop = window.textdesk.on('data.changed', (changes) => {
          const created = changes.find((change) => change.type === 'message.created');
          if (created !== undefined) {
            stop();
            resolve(created.data.body);
          }
        });
      }),
  );
  const solo = preview.core.solo;
  if (solo === null) throw new Error('no solo backend');
  const response = await fetch(`${solo.url}/simulator/inbound`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: '+12015550142', body: 'Hello from the simulator' }),
  });
  expect(response.ok).toBe(true);
  expect(await changed).toBe('Hello from the simulator');
  const page1 = await page.evaluate(() => window.textdesk.inbox.conversations({ filter: 'open' }));
  expect(page1).toMatchObject({
    ok: true,
    value: { rows: [{ phone: '+12015550142', unread: 1 }] },
  });
});

test('the bridge refuses a page without the run’s token, or from another origin', async ({
  page,
  preview,
}) => {
  const { origin } = new URL(preview.url);
  await page.goto(`${origin}/`);
  const result = await page.evaluate(() => window.textdesk.session.get());
  expect(result).toMatchObject({ ok: false, error: { code: 'disconnected' } });
  const opened = await page.evaluate(
    (url) =>
      new Promise<boolean>((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => {
          resolve(true);
        };
        socket.onerror = () => {
          resolve(false);
        };
      }),
    `${origin.replace('http', 'ws')}/__preview/socket?token=guess`,
  );
  expect(opened).toBe(false);
});
