/**
 * The agent's inbox in a real browser, against the real desktop core and
 * its solo backend (`npm run preview`), driven as an agent would: texts come
 * in from the phone simulator, and every check is what is on screen or what
 * reached the customer's phone.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './support/renderer';
import { customerTexts, received } from './support/simulator';

const SCREENSHOTS = 'e2e/screenshots';
const CUSTOMER = '+12015550142';
const CUSTOMER_SHOWN = /201.*555.*0142/u;

test.beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

const conversation = (page: Page, name: RegExp | string) =>
  page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name });

test('a new text arrives and is answered', async ({ page, preview }) => {
  await page.goto(preview.url);
  await expect(page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText('Live');
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-empty.png` });

  await customerTexts(preview, CUSTOMER, 'Hi, is my order ready for pickup?');
  const row = conversation(page, CUSTOMER_SHOWN);
  await expect(row).toContainText('Hi, is my order ready for pickup?');
  await expect(row.getByLabel('1 unread')).toBeVisible();
  await row.click();

  const thread = page.getByRole('region', { name: 'Conversation' });
  await expect(thread.getByRole('list', { name: 'Messages' })).toContainText(
    'Hi, is my order ready for pickup?',
  );
  await expect(row.getByLabel('1 unread')).toBeHidden();

  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('Yes! Come by any time after 3pm.');
  await expect(page.getByTestId('segments')).toContainText('1 message');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(message).toHaveValue('');
  await expect(
    thread.getByRole('listitem').filter({ hasText: 'Yes! Come by any time after 3pm.' }),
  ).toContainText('Delivered');
  expect(received(preview, CUSTOMER)).toEqual(['Yes! Come by any time after 3pm.']);
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-conversation.png` });

  // The dark theme, chosen in the sidebar, is kept for the next start.
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(18, 20, 24)');
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-conversation-dark.png` });
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('STOP: the composer says why it is disabled, Opted-in is unchecked, no reply went out; a new text opts them back in', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'Do you deliver on Sundays?');
  await conversation(page, CUSTOMER_SHOWN).click();
  const contact = page.getByRole('complementary', { name: 'Contact' });
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();

  await customerTexts(preview, CUSTOMER, 'STOP');
  const refused = page.getByTestId('composer-refused');
  await expect(refused).toContainText(/^Opted out: replied STOP on \d{1,2} \w{3} \d{4}/u);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).not.toBeChecked();
  await expect(conversation(page, CUSTOMER_SHOWN)).toContainText('Opted out');
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-opted-out.png` });
  // The carrier confirms a STOP itself: nothing from us.
  expect(received(preview, CUSTOMER)).toEqual([]);

  // "Open contact" takes the agent to the consent controls.
  await refused.getByRole('button', { name: 'Open contact' }).click();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeFocused();

  await customerTexts(preview, CUSTOMER, 'Actually, when do you open tomorrow?');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await expect(refused).toBeHidden();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();
  await expect(contact.getByRole('region', { name: 'Consent history' })).toContainText('Opted in');
});

test('HELP gets the help reply exactly once', async ({ page, preview }) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'HELP');
  await conversation(page, CUSTOMER_SHOWN).click();
  const messages = page.getByRole('list', { name: 'Messages' });
  await expect(messages.getByText('Automatic reply')).toHaveCount(1);
  await expect.poll(() => received(preview, CUSTOMER)).toHaveLength(1);
  expect(received(preview, CUSTOMER)[0]).toContain('Reply STOP');
  // Another text arrives after it: still one help reply.
  await customerTexts(preview, CUSTOMER, 'thanks');
  await expect(messages).toContainText('thanks');
  expect(received(preview, CUSTOMER)).toHaveLength(1);
  await expect(messages.getByText('Automatic reply')).toHaveCount(1);
});

test('a supervisor blocks a contact: opted out, and what they send later stays out of the inbox, under Blocked', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'You people are useless');
  await conversation(page, CUSTOMER_SHOWN).click();
  const contact = page.getByRole('complementary', { name: 'Contact' });
  await contact.getByRole('checkbox', { name: 'Blocked' }).click();
  const dialog = page.getByRole('dialog', { name: /^Block/u });
  await expect(dialog).toContainText('opted out');
  await dialog.getByRole('button', { name: 'Block' }).click();

  await expect(contact.getByRole('checkbox', { name: 'Blocked' })).toBeChecked();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).not.toBeChecked();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeDisabled();
  await expect(contact).toContainText('Unblock first');
  await expect(page.getByTestId('composer-refused')).toContainText('Blocked');
  // Out of the open inbox at once.
  await expect(conversation(page, CUSTOMER_SHOWN)).toBeHidden();

  await customerTexts(preview, CUSTOMER, 'Answer me!!!');
  const blocked = page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: /^Blocked/u });
  await expect(blocked).toContainText('1');
  await expect(
    page.getByRole('navigation', { name: 'Inbox' }).getByRole('button', { name: /^Open/u }),
  ).toContainText('0');
  await blocked.click();
  await conversation(page, CUSTOMER_SHOWN).click();
  const quarantined = page
    .getByRole('list', { name: 'Messages' })
    .getByRole('listitem')
    .filter({ hasText: 'Answer me!!!' });
  await expect(quarantined).toContainText('Quarantined');
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-blocked.png` });
  expect(received(preview, CUSTOMER)).toEqual([]);
});

test('a manual opt-in needs a note of how they consented, and the history shows it', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'STOP');
  await page.getByRole('button', { name: /^Opted out/u }).click();
  await conversation(page, CUSTOMER_SHOWN).click();
  const contact = page.getByRole('complementary', { name: 'Contact' });
  await contact.getByRole('checkbox', { name: 'Opted-in' }).click();

  const dialog = page.getByRole('dialog', { name: 'How did they agree to texts?' });
  const confirm = dialog.getByRole('button', { name: 'Opt in' });
  await expect(confirm).toBeDisabled();
  // Cancelling changes nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).not.toBeChecked();

  await contact.getByRole('checkbox', { name: 'Opted-in' }).click();
  await dialog
    .getByRole('textbox', { name: 'How they consented' })
    .fill('Called us on 24 Nov and asked for order updates by text');
  await confirm.click();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();
  const history = contact.getByRole('region', { name: 'Consent history' });
  await expect(history.getByRole('listitem').first()).toContainText('Opted in by hand');
  await expect(history.getByRole('listitem').first()).toContainText(
    'Called us on 24 Nov and asked for order updates by text',
  );
  await expect(history).toContainText('Opted out (STOP) by text');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-manual-opt-in.png` });
});

test('search finds a text and opens the conversation at it; the keyboard does the rest', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, '+12015550101', 'Is the blue sweater back in stock?');
  await customerTexts(preview, '+12015550102', 'What time do you close on Friday?');
  await customerTexts(preview, '+12015550103', 'Thanks for the quick delivery');
  const list = page.getByRole('listbox', { name: 'Conversations' });
  await expect(list.getByRole('option')).toHaveCount(3);

  // j opens the newest, j again the next, k back.
  await page.keyboard.press('j');
  await expect(list.getByRole('option', { selected: true })).toContainText(
    'Thanks for the quick delivery',
  );
  await page.keyboard.press('j');
  await expect(list.getByRole('option', { selected: true })).toContainText(
    'What time do you close',
  );
  await page.keyboard.press('k');
  await expect(list.getByRole('option', { selected: true })).toContainText(
    'Thanks for the quick delivery',
  );

  // a assigns it to me; r goes to the reply box; Escape leaves it; e closes the conversation.
  await page.keyboard.press('a');
  await expect(list.getByRole('option', { selected: true })).toContainText('You');
  await page.keyboard.press('r');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('e');
  await expect(list.getByRole('option')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Reopen' })).toBeVisible();

  // / searches; a hit opens its conversation with the text marked.
  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Search messages, names and numbers' });
  await expect(search).toBeFocused();
  await search.fill('sweat');
  const hit = page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first();
  await expect(hit).toContainText('Is the blue sweater back in stock?');
  await expect(hit.locator('mark')).toHaveText('sweat');
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-search.png` });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Search' })).toBeHidden();
  const thread = page.getByRole('region', { name: 'Conversation' });
  await expect(thread.getByRole('heading', { level: 1 })).toHaveText('(201) 555-0101');
  await expect(thread.locator('.message-focused')).toContainText(
    'Is the blue sweater back in stock?',
  );

  // Ctrl+K opens search too, from anywhere, even the reply box.
  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
});

test('a text that may be an opt-out offers Opt out and Dismiss', async ({ page, preview }) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'stop sending me these promos, this is so annoying');
  await conversation(page, CUSTOMER_SHOWN).click();
  const flagged = page.getByRole('group', { name: 'Possible opt-out' });
  await expect(flagged).toContainText('This may be a request to stop texting.');
  // Still opted in until someone confirms.
  const contact = page.getByRole('complementary', { name: 'Contact' });
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();
  await flagged.getByRole('button', { name: 'Opt out' }).click();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).not.toBeChecked();
  await expect(page.getByTestId('composer-refused')).toContainText('Opted out');
  await expect(contact.getByRole('region', { name: 'Consent history' })).toContainText(
    'Confirmed a possible opt-out',
  );
  // Settled for everyone: the question is gone.
  await expect(flagged).toBeHidden();

  // Another text like it asks for less texting, not more: they stay opted out (R2's exception).
  await customerTexts(preview, CUSTOMER, 'stop sending me these promos, this is so annoying!!');
  await expect(flagged).toBeVisible();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).not.toBeChecked();
  await flagged.getByRole('button', { name: 'Dismiss' }).click();
  await expect(flagged).toBeHidden();
  // An ordinary text opts them back in (R2); a later flagged one is dismissed, and they stay in.
  await customerTexts(preview, CUSTOMER, 'Sorry, wrong chat. Is my order shipped?');
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();
  await customerTexts(preview, CUSTOMER, 'enough');
  await expect(flagged).toBeVisible();
  await flagged.getByRole('button', { name: 'Dismiss' }).click();
  await expect(flagged).toBeHidden();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();
});

test('a template fills in the contact’s name, and the counter follows the text', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'Hello, it is Ada Lovelace here');
  await conversation(page, CUSTOMER_SHOWN).click();
  const contact = page.getByRole('complementary', { name: 'Contact' });
  const name = contact.getByRole('textbox', { name: 'Name' });
  await name.fill('Ada Lovelace');
  await name.press('Enter');
  await expect(conversation(page, 'Ada Lovelace')).toBeVisible();

  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('menuitem', { name: /^Thanks/u }).click();
  const message = page.getByRole('textbox', { name: 'Message' });
  await expect(message).toHaveValue(
    'Thanks, Ada! We got your message and will get back to you shortly.',
  );
  await expect(page.getByTestId('segments')).toHaveText('94 · 1 message');
  // One emoji and the whole text goes as Unicode: 70 per message.
  await message.press('End');
  await message.pressSequentially(' See you soon 🙂');
  await expect(page.getByTestId('segments')).toHaveText('52 · 2 messages · Unicode');
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-template.png` });
});
