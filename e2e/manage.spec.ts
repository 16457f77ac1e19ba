/**
 * The account's management screens, driven as a supervisor would, against
 * the real desktop core and its solo backend (`npm run preview`).
 */
import { mkdirSync } from 'node:fs';
import { expect, test } from './support/renderer';
import { importInto, newList } from './support/lists';
import { customerTexts, received } from './support/simulator';

const SCREENSHOTS = 'e2e/screenshots';

test.beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

test('a supervisor adds a trigger: the keyword lint speaks as they type, and customers get the reply', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const nav = page.getByRole('navigation', { name: 'Inbox' });
  await nav.getByRole('button', { name: 'Triggers' }).click();
  const screen = page.getByRole('main', { name: 'Triggers' });
  await expect(screen.getByRole('listitem', { name: 'Help' })).toContainText('HELP');

  await screen.getByRole('button', { name: 'Add trigger' }).click();
  const editor = screen.getByRole('form', { name: 'Trigger' });
  await editor.getByRole('textbox', { name: 'Name' }).fill('Opening hours');
  const keywords = editor.getByRole('textbox', { name: /^Keywords/u });
  await keywords.fill('STOP');
  await expect(editor.getByRole('list')).toContainText('opts a customer out of all texts');
  await expect(editor.getByRole('button', { name: 'Save trigger' })).toBeDisabled();
  await keywords.fill('HOURS, INFO');
  await expect(editor.getByRole('list')).toContainText('already a keyword of the trigger “Help”');
  await keywords.fill('HOURS, OPEN');
  await expect(editor.getByRole('button', { name: 'Save trigger' })).toBeEnabled();
  await editor
    .getByRole('textbox', { name: /^Reply/u })
    .fill('We are open 9am to 5pm, Monday to Friday.');
  await page.screenshot({ path: `${SCREENSHOTS}/manage-triggers.png` });
  await editor.getByRole('button', { name: 'Save trigger' }).click();
  await expect(screen.getByRole('listitem', { name: 'Opening hours' })).toContainText('HOURS');

  // The box above says how a text would now be read.
  const text = screen.getByRole('textbox', { name: 'Customer text' });
  await text.fill('hours?');
  await expect(screen.getByTestId('explanation')).toContainText('Opening hours');

  await customerTexts(preview, '+12015550160', 'Hours?');
  await expect
    .poll(() => received(preview, '+12015550160'))
    .toEqual(['We are open 9am to 5pm, Monday to Friday.']);
});

test('OPTOUT takes a contact off the marketing list and onto Marketing Opt-Out with one reply; 1:1 replies still reach them', async ({
  page,
  preview,
}) => {
  const phone = '+12015550170';
  await page.goto(preview.url);
  await customerTexts(preview, phone, 'Sign me up for deals please');
  await page
    .getByRole('listbox', { name: 'Conversations' })
    .getByRole('option', { name: /555.*0170/u })
    .click();
  const contact = page.getByRole('complementary', { name: 'Contact' });
  await contact.getByRole('checkbox', { name: 'Marketing', exact: true }).click();
  await expect(contact.getByRole('checkbox', { name: 'Marketing', exact: true })).toBeChecked();

  await customerTexts(preview, phone, 'OPTOUT');
  await expect(contact.getByRole('checkbox', { name: 'Marketing', exact: true })).not.toBeChecked();
  await expect(contact.getByRole('checkbox', { name: 'Marketing Opt-Out' })).toBeChecked();
  await expect(contact.getByRole('checkbox', { name: 'Opted-in' })).toBeChecked();
  await expect.poll(() => received(preview, phone)).toHaveLength(1);
  expect(received(preview, phone)[0]).toContain(
    'You will not receive any further marketing messages',
  );

  await page
    .getByRole('textbox', { name: 'Message' })
    .fill('Done. We will still text you about your orders.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => received(preview, phone)).toHaveLength(2);
  await page.screenshot({ path: `${SCREENSHOTS}/manage-optout-lists.png` });
});

test('a CSV with bad rows imports the good rows and lists the bad ones by line', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const detail = await newList(page, 'Newsletter');
  const dialog = await importInto(page, detail, [
    'Name,Phone,Opted in',
    'Ada Lovelace,+12015550181,yes',
    'Bob,not a number,yes',
    'Cy,2015550183,maybe',
    'Di,(201) 555-0184,yes',
  ]);
  const result = dialog.getByRole('status', { name: 'Import result' });
  await expect(result).toContainText('2 added');
  await expect(result).toContainText('Line 3:');
  await expect(result).toContainText(
    'Line 4: “maybe” in the opted-in column is neither yes nor no.',
  );
  await expect(result).not.toContainText('Line 2');
  await expect(result).not.toContainText('Line 5');
  await page.screenshot({ path: `${SCREENSHOTS}/manage-import.png` });
  await dialog.getByRole('button', { name: 'Done' }).click();
  const members = detail.getByRole('table', { name: 'Members' });
  await expect(members.getByRole('row')).toHaveCount(2);
  await expect(members.getByRole('row', { name: 'Ada Lovelace' })).toContainText('Opted in');
  await expect(detail.getByTestId('member-count')).toHaveText('2 contacts');
});

test('Remove opted-out empties a list of its opted-out members, and says how many', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const detail = await newList(page, 'Reminders');
  const dialog = await importInto(page, detail, [
    'Name,Phone',
    'Ann,+12015550191',
    'Ben,+12015550192',
    'Cat,+12015550193',
  ]);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await customerTexts(preview, '+12015550192', 'STOP');
  const members = detail.getByRole('table', { name: 'Members' });
  await expect(members.getByRole('row', { name: 'Ben' })).toContainText('Opted out: replied STOP');
  await page.screenshot({ path: `${SCREENSHOTS}/manage-lists.png` });
  await detail.getByRole('button', { name: 'Clean up: remove opted-out' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Removed 1 opted-out' })).toBeVisible();
  await expect(members.getByRole('row')).toHaveCount(2);
  await expect(members.getByRole('row', { name: 'Ben' })).toHaveCount(0);
});

test('a campaign skips opted-out and blocked members and says so; the opt-out link changes nothing until confirmed', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const detail = await newList(page, 'Spring sale');
  const dialog = await importInto(page, detail, [
    'Name,Phone',
    'Ann,+12015550201',
    'Ben,+12015550202',
    'Cat,+12015550203',
  ]);
  await dialog.getByRole('button', { name: 'Done' }).click();
  // Ann texted today, so her text need not wait for her daytime (quiet hours): the test runs at any hour.
  await customerTexts(preview, '+12015550201', 'Any deals coming up?');
  await customerTexts(preview, '+12015550202', 'STOP');
  // A supervisor blocks Cat from her conversation.
  await customerTexts(preview, '+12015550203', 'spam spam spam');
  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: /^Open/u })
    .click();
  await page
    .getByRole('listbox', { name: 'Conversations' })
    .getByRole('option', { name: 'Cat' })
    .click();
  await page
    .getByRole('complementary', { name: 'Contact' })
    .getByRole('checkbox', { name: 'Blocked' })
    .click();
  await page
    .getByRole('dialog', { name: /^Block/u })
    .getByRole('button', { name: 'Block' })
    .click();

  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: 'Campaigns' })
    .click();
  const composer = page.getByRole('form', { name: 'New campaign' });
  await composer.getByRole('textbox', { name: 'Name' }).fill('Spring sale');
  await composer
    .getByRole('combobox', { name: 'To the list' })
    .selectOption({ label: 'Spring sale' });
  // Marketing without opt-out wording cannot go; the fix is one click.
  const text = composer.getByRole('textbox', { name: 'Text' });
  await text.fill('Hi {{first_name}}, 20% off all week!');
  const missing = composer
    .getByRole('alert')
    .filter({ hasText: 'must tell people how to opt out' });
  await expect(missing).toBeVisible();
  await expect(composer.getByRole('button', { name: 'Send campaign' })).toBeDisabled();
  await missing.getByRole('button', { name: 'Add “Reply STOP to opt out.”' }).click();
  await expect(text).toHaveValue(/Reply STOP to opt out\.$/u);
  await expect(missing).toBeHidden();
  await composer
    .getByRole('textbox', { name: 'Text' })
    .fill('Hi {{first_name}}, 20% off all week! Details: {{optout_link}}');
  const preview1 = composer.getByTestId('campaign-preview');
  await expect(preview1).toContainText('1 will receive it');
  await expect(preview1).toContainText(/1 skipped: .*opted out/iu);
  await expect(preview1).toContainText(/1 skipped: .*blocked/iu);
  await page.screenshot({ path: `${SCREENSHOTS}/manage-campaign.png` });
  await composer.getByRole('button', { name: 'Send campaign' }).click();

  const card = page.getByRole('listitem', { name: 'Spring sale' });
  await expect(card.getByTestId('campaign-counts')).toContainText('2 skipped');
  await expect.poll(() => received(preview, '+12015550201')).toHaveLength(1);
  expect(received(preview, '+12015550202')).toEqual([]);
  expect(received(preview, '+12015550203')).toEqual([]);
  // The campaign just sent shows its recipients at once.
  await expect(card.getByRole('button', { name: 'Hide recipients' })).toBeVisible();
  const recipients = card.getByRole('table', { name: 'Recipients of Spring sale' });
  await expect(recipients.getByRole('row', { name: 'Ben' })).toContainText(/Opted out/u);
  await expect(recipients.getByRole('row', { name: 'Cat' })).toContainText('Blocked');

  // Ann's text carries her own opt-out link: opening it changes nothing, confirming opts her out.
  const sent = received(preview, '+12015550201')[0] ?? '';
  expect(sent).toMatch(/^Hi Ann, 20% off all week! Details: http/u);
  const link = /https?:\/\/\S+/u.exec(sent)?.[0] ?? '';
  const linkPage = await page.context().newPage();
  await linkPage.goto(link);
  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: 'Lists' })
    .click();
  const members = page.getByRole('main', { name: 'Lists' }).getByRole('table', { name: 'Members' });
  await page
    .getByRole('main', { name: 'Lists' })
    .getByRole('button', { name: /^Spring sale/u })
    .click();
  await expect(members.getByRole('row', { name: 'Ann' })).toContainText('Opted in');
  await linkPage.getByRole('button', { name: 'Stop all texts' }).click();
  await expect(members.getByRole('row', { name: 'Ann' })).toContainText(
    'Opted out: used the opt-out link',
  );
});

test('the opt-out report counts opt-outs by source and exports them; an admin adds a person and sets the webhook', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, '+12015550211', 'STOP');
  await customerTexts(preview, '+12015550212', 'unsubscribe');
  const nav = page.getByRole('navigation', { name: 'Inbox' });
  await nav.getByRole('button', { name: 'Opt-out report' }).click();
  const report = page.getByRole('main', { name: 'Opt-out report' });
  const table = report.getByRole('table', { name: 'Opt-outs' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('By text (STOP)');
  await expect(report.getByRole('img', { name: /^Opt-outs per day: 2 in 30 days/u })).toBeVisible();
  const download = page.waitForEvent('download');
  await report.getByRole('button', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/u);

  // Admins set the opt-out webhook here; the secret is shown once.
  await report
    .getByRole('textbox', { name: 'Webhook address' })
    .fill('https://crm.example.com/hooks/textdesk');
  await report.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(report.getByRole('status').filter({ hasText: 'signing secret' })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/manage-report.png`, fullPage: true });

  await nav.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('main', { name: 'Settings' });
  const add = settings.getByRole('form', { name: 'Add a person' });
  await add.getByRole('textbox', { name: 'Name' }).fill('Dana');
  await add.getByRole('textbox', { name: 'Email' }).fill('dana@acme.test');
  await add.getByLabel(/^First password/u).fill('a long first password');
  await add.getByRole('button', { name: 'Add person' }).click();
  const dana = settings.getByRole('row', { name: 'Dana' });
  await expect(dana).toContainText('dana@acme.test');
  await dana.getByRole('combobox', { name: 'Role of Dana' }).selectOption('supervisor');
  await expect(dana.getByRole('combobox', { name: 'Role of Dana' })).toHaveValue('supervisor');
  // The last admin cannot demote themself.
  await settings.getByRole('combobox', { name: 'Role of Admin' }).selectOption('agent');
  await expect(page.getByRole('alert').filter({ hasText: /admin/u })).toBeVisible();
  await expect(settings.getByRole('combobox', { name: 'Role of Admin' })).toHaveValue('admin');
  await page.screenshot({ path: `${SCREENSHOTS}/manage-settings.png`, fullPage: true });
});
