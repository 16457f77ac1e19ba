/**
 * Several people of one team, each with their own desktop (a preview host
 * and a browser context of its own), on one backend: what one does, the
 * others see live, and roles hold.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/renderer';
import { customerTexts, received } from './support/simulator';

const CUSTOMER = '+12015550177';
const CUSTOMER_SHOWN = /201.*555.*0177/u;

const conversation = (page: Page) =>
  page
    .getByRole('listbox', { name: 'Conversations' })
    .getByRole('option', { name: CUSTOMER_SHOWN });

test('two agents see each other viewing, typing and replying, live', async ({
  preview,
  teammate,
}) => {
  const dana = await teammate('Dana');
  const sam = await teammate('Sam');

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
  preview,
  teammate,
}) => {
  const dana = await teammate('Dana');
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

test('an agent cannot open the triggers or settings screens', async ({ teammate }) => {
  const dana = await teammate('Dana');
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
