import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './support/renderer';

const SCREENSHOTS = 'e2e/screenshots';

test.beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

/** Help (the ? key): the version main reports, the shortcuts, and how texts are read. */
async function openHelp(page: Page, appUrl: string): Promise<void> {
  await page.goto(appUrl);
  await expect(page.getByTestId('connection')).toHaveText('Live');
  await page.getByRole('button', { name: /^Help/u }).click();
  await expect(page.getByRole('dialog', { name: 'Help' })).toBeVisible();
}

test('help shows what main answered over IPC', async ({ page, appUrl }) => {
  await openHelp(page, appUrl);
  await expect(page.getByTestId('app-info')).toContainText(/^Version \S+ · \w+ \(preview\)$/u);
});

test('a supervisor sees how customer texts are read', async ({ page, appUrl }) => {
  await openHelp(page, appUrl);
  const text = page.getByRole('textbox', { name: 'Customer text' });
  const answer = page.getByTestId('explanation');

  await text.fill('STOP');
  await expect(answer).toContainText('Opt-out');
  await expect(answer).toContainText('No automatic reply is sent');
  await page.screenshot({ path: `${SCREENSHOTS}/shell-opt-out.png` });

  await text.fill('Cancel my appointment');
  await expect(answer).toContainText('Message');
  await expect(answer).not.toContainText('Opt-out');

  await text.fill('help');
  await expect(answer).toContainText('Trigger “Help”');
  await expect(answer).toContainText('Msg & data rates may apply');

  await text.fill('stop sending me these promos, this is so annoying');
  await expect(answer).toContainText('possible opt-out');
});

test('an oversized text is refused with a message, not a crash', async ({ page, appUrl }) => {
  await page.goto(appUrl);
  // The box caps what a person can type; a page that calls main directly is still checked there.
  const result = await page.evaluate(() =>
    window.textdesk.consent.explain({ text: 'x'.repeat(5000) }),
  );
  expect(result).toEqual({
    ok: false,
    error: {
      code: 'invalid-input',
      message: 'Invalid request: A text can be at most 1600 characters.',
    },
  });
});

test('the content security policy blocks injected scripts and remote content', async ({
  page,
  appUrl,
}) => {
  const response = await page.goto(appUrl);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByTestId('connection')).toHaveText('Live');

  const violations = await page.evaluate(async () => {
    // Resolves on the page's own violation events: no timers.
    // The header and the <meta> tag each report a violation: wait for both kinds.
    const seen = new Promise<string[]>((resolve) => {
      const directives = new Set<string>();
      document.addEventListener('securitypolicyviolation', (event) => {
        directives.add(event.violatedDirective);
        if (directives.has('script-src-elem') && directives.has('img-src'))
          resolve([...directives]);
      });
    });
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
    const image = document.createElement('img');
    image.src = 'https://example.com/tracker.png';
    document.body.append(image);
    return {
      seen: await seen,
      injected: (window as unknown as { __injected?: boolean }).__injected ?? false,
    };
  });
  expect(violations.injected).toBe(false);
  expect(violations.seen).toEqual(expect.arrayContaining(['script-src-elem', 'img-src']));
});
