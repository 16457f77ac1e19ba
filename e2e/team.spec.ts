/**
 * Several people of one team, each with their own desktop (a preview host
 * and a browser context of its own), on one backend: what one does, the
 * others see live, and roles hold.
 */
import type { Browser, Page } from '@playwright/test';
import type { PreviewHost } from '../electron/core/preview/previewHost';
import { expect, test } from './support/renderer';
import { addPerson, customerTexts, received, soloUrl } from './support/simulator';

const CUSTOMER = '+12015550177';
const CUSTOMER_SHOWN = /201.*555.*0177/u;

/** A person's own desktop, signed in through the sign-in screen. */
async function signedIn(
  browser: Browser,
  desk: PreviewHost,
  serverUrl: string,
  credentials: { readonly email: string; readonly password: string },
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(desk.url);
  await page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl);
  await page.getByRole('textbox', { name: 'Email' }).fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection')).toHaveText('Live');
  return page;
}

const conversation = (page: Page) =>
  page
    .getByRole('listbox', { name: 'Conversations' })
    .getByRole('option', { name: CUSTOMER_SHOWN });

test('two agents see each other viewing, typing and replying, live', async ({
  browser,
  preview,
  teamDesk,
}) => {
  const server = soloUrl(preview);
  const dana = await signedIn(
    browser,
    await teamDesk(),
    server,
    await addPerson(preview, { name: 'Dana', role: 'agent' }),
  );
  const sam = await signedIn(
    browser,
    await teamDesk(),
    server,
    await addPerson(preview, { name: 'Sam', role: 'agent' }),
  );

  await customerTexts(preview, CUSTOMER, 'Can I change my delivery address?');
  await conversation(dana).click();
  await conversation(sam).click();
  await expect(sam.getByTestId('presence')).toHaveText('Dana is viewing');
  await expect(dana.getByTestId('presence')).toHaveText('Sam is viewing');

  await dana.getByRole('textbox', { name: 'Message' }).fill('Sure, what is the new address?');
  await expect(sam.getByTestId('presence')).toHaveText('Dana is typing…');
  await dana.getByRole('button', { name: 'Send' }).click();
  const samMessages = sam.getByRole('list', { name: 'Messages' });
  await expect(samMessages).toContainText('Sure, what is the new address?');
  await expect(
    samMessages.getByRole('listitem').filter({ hasText: 'Sure, what is the new address?' }),
  ).toContainText('Dana');
  await sam.screenshot({ path: 'e2e/screenshots/team-live.png' });

  // Sam replies seconds later: warned first that Dana just answered.
  await sam.getByRole('textbox', { name: 'Message' }).fill('Hi! I can help with that.');
  await sam.getByRole('button', { name: 'Send' }).click();
  const warning = sam.getByRole('alert').filter({ hasText: 'Dana replied' });
  await expect(warning).toContainText('Send yours anyway?');
  expect(received(preview, CUSTOMER)).toEqual(['Sure, what is the new address?']);
  await warning.getByRole('button', { name: 'Send anyway' }).click();
  await expect(dana.getByRole('list', { name: 'Messages' })).toContainText(
    'Hi! I can help with that.',
  );
  await expect.poll(() => received(preview, CUSTOMER)).toHaveLength(2);
});

test('an agent cannot block: the box is disabled, and main refuses the command too', async ({
  browser,
  preview,
  teamDesk,
}) => {
  const dana = await signedIn(
    browser,
    await teamDesk(),
    soloUrl(preview),
    await addPerson(preview, { name: 'Dana', role: 'agent' }),
  );
  await customerTexts(preview, CUSTOMER, 'You are the worst');
  await conversation(dana).click();
  const contact = dana.getByRole('complementary', { name: 'Contact' });
  await expect(contact.getByRole('checkbox', { name: 'Blocked' })).toBeDisabled();
  await expect(contact).toContainText('Only supervisors can block or unblock.');
  // Agents have no Blocked filter.
  await expect(
    dana.getByRole('navigation', { name: 'Inbox' }).getByRole('button', { name: /^Blocked/u }),
  ).toHaveCount(0);

  const contactId = await dana.evaluate(async () => {
    const page = await window.textdesk.inbox.conversations({ filter: 'open' });
    return page.ok ? (page.value.rows[0]?.contactId ?? '') : '';
  });
  const refusal = await dana.evaluate(
    (id) => window.textdesk.commands.run({ command: { type: 'contact.block', contactId: id } }),
    contactId,
  );
  expect(refusal).toMatchObject({
    ok: false,
    error: { message: expect.stringMatching(/supervisor/iu) },
  });
  await expect(contact.getByRole('checkbox', { name: 'Blocked' })).not.toBeChecked();
});

test('an agent cannot open the triggers or settings screens', async ({
  browser,
  preview,
  teamDesk,
}) => {
  const dana = await signedIn(
    browser,
    await teamDesk(),
    soloUrl(preview),
    await addPerson(preview, { name: 'Dana', role: 'agent' }),
  );
  const nav = dana.getByRole('navigation', { name: 'Inbox' });
  await expect(nav.getByRole('button', { name: 'Lists' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Triggers' })).toHaveCount(0);
  await expect(nav.getByRole('button', { name: 'Settings' })).toHaveCount(0);
  // Main refuses what the screen would do, too.
  const refusal = await dana.evaluate(() =>
    window.textdesk.commands.run({ command: { type: 'triggers.update', triggers: [] } }),
  );
  expect(refusal).toMatchObject({
    ok: false,
    error: { message: expect.stringMatching(/supervisors/u) },
  });
});
