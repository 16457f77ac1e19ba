/**
 * The account's sending hours (quiet hours) as an admin sets them, and what
 * the campaign screen and the contact panel then say, against the real
 * desktop core and its solo backend (`npm run preview`).
 */
import { mkdirSync } from 'node:fs';
import { windowExcludingNow } from '../electron/core/testing/quietWindow';
import { formatClock } from '../shared/consent';
import { importInto, newList } from './support/lists';
import { expect, test } from './support/renderer';
import { customerTexts, received } from './support/simulator';

const SCREENSHOTS = 'e2e/screenshots';
const ANN = '+12015550231';
const BEN = '+12015550232';

test.beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

test('an admin sets sending hours that exclude now for New Jersey numbers: the campaign review says who will wait, and the server holds them', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const detail = await newList(page, 'Reminders');
  const dialog = await importInto(page, detail, [
    'Name,Phone,Opted in',
    `Ann,${ANN},yes`,
    `Ben,${BEN},yes`,
  ]);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const nav = page.getByRole('navigation', { name: 'Inbox' });
  await nav.getByRole('button', { name: 'Settings' }).click();
  const form = page.getByRole('main', { name: 'Settings' }).getByRole('form', {
    name: 'Sending hours',
  });
  await expect(form.getByTestId('sending-hours-meaning')).toHaveText(
    'Campaigns and scheduled texts go out between 8am and 9pm in each customer’s own time zone, every day. Replies to someone who texted in the last 24 hours are never held.',
  );
  const start = form.getByLabel('Texts start going out at');
  const end = form.getByLabel('and stop at');
  const save = form.getByRole('button', { name: 'Save sending hours' });
  // A window that would run past midnight is refused before it is sent.
  await start.fill('21:00');
  await end.fill('08:00');
  await expect(form.getByRole('alert')).toContainText('21:00 is not before 08:00');
  await expect(save).toBeDisabled();

  // New Jersey numbers are read in New York time: pick an hour it is not there now.
  const hours = windowExcludingNow('America/New_York');
  await start.fill(hours.start);
  await end.fill(hours.end);
  const from = formatClock(hours.start);
  const to = formatClock(hours.end);
  await expect(form.getByTestId('sending-hours-meaning')).toContainText(
    `go out between ${from} and ${to} in each customer’s own time zone, every day.`,
  );
  await page.screenshot({ path: `${SCREENSHOTS}/settings-sending-hours.png`, fullPage: true });
  await save.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Sending hours saved.' })).toBeVisible();
  await expect(save).toBeDisabled();

  await nav.getByRole('button', { name: 'Campaigns' }).click();
  const composer = page.getByRole('form', { name: 'New campaign' });
  await composer.getByRole('textbox', { name: 'Name' }).fill('Reminder');
  await composer
    .getByRole('combobox', { name: 'To the list' })
    .selectOption({ label: 'Reminders' });
  await composer.getByRole('radio', { name: /^Transactional/u }).check();
  await composer.getByRole('textbox', { name: 'Text' }).fill('Your appointment is tomorrow.');
  const quiet = composer.getByTestId('campaign-quiet-hours');
  await expect(quiet).toHaveText(
    `Texts go out ${from}–${to}, every day, in each customer’s time zone; 2 of 2 recipients are outside those hours now and will wait.`,
  );
  // Ann texts in: a campaign reaching her is now a reply, which never waits.
  await customerTexts(preview, ANN, 'See you tomorrow');
  await expect(quiet).toContainText('1 of 2 recipients is outside those hours now and will wait.');
  await page.screenshot({ path: `${SCREENSHOTS}/campaign-sending-hours.png`, fullPage: true });

  await composer.getByRole('button', { name: 'Send campaign' }).click();
  const card = page.getByRole('listitem', { name: 'Reminder' });
  await expect(card.getByTestId('campaign-counts')).toContainText('1 waiting');
  await expect.poll(() => received(preview, ANN)).toEqual(['Your appointment is tomorrow.']);
  expect(received(preview, BEN)).toEqual([]);
  const recipients = card.getByRole('table', { name: 'Recipients of Reminder' });
  await expect(recipients.getByRole('row', { name: 'Ben' })).toContainText(
    `Quiet hours: sends at ${hours.start.replace(/^0/u, '')} their time`,
  );
});

test('the contact panel says how each contact came to be: first texted in, or imported', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const detail = await newList(page, 'Newsletter');
  const dialog = await importInto(page, detail, ['Name,Phone', `Ben,${BEN}`]);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await customerTexts(preview, ANN, 'Do you open on Saturdays?');
  await customerTexts(preview, BEN, 'Thanks for the reminder');

  const nav = page.getByRole('navigation', { name: 'Inbox' });
  await nav.getByRole('button', { name: /^Open/u }).click();
  const conversations = page.getByRole('listbox', { name: 'Conversations' });
  const contact = page.getByRole('complementary', { name: 'Contact' });
  const history = contact.getByRole('region', { name: 'Consent history' });
  await conversations.getByRole('option', { name: /555.*0231/u }).click();
  await expect(history).toContainText(/First texted us on \d{1,2} [A-Z][a-z]{2} \d{4}/u);
  await expect(history).not.toContainText('created');
  await page.screenshot({ path: `${SCREENSHOTS}/contact-created.png` });

  // A text scheduled for later (as the REST API or an integration would) shows the window it waits for.
  const sendAt = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000).toISOString();
  const outcome = await page.evaluate((command) => window.textdesk.commands.run({ command }), {
    type: 'message.send',
    to: ANN,
    body: 'We open at 10 on Saturdays.',
    sendAt,
  } as const);
  expect(outcome.ok).toBe(true);
  await expect(
    page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({
      hasText: 'We open at 10 on Saturdays.',
    }),
  ).toContainText(/Scheduled for .+ \(goes out 8am–9pm, every day, their time\)/u);

  await conversations.getByRole('option', { name: 'Ben' }).click();
  await expect(history).toContainText(/Added by an import by \S+, \d{1,2} [A-Z][a-z]{2} \d{4}/u);
  await expect(history).not.toContainText('First texted us');
});
