/**
 * The account's management screens, driven as a supervisor would, against
 * the real desktop core and its solo backend (`npm run preview`).
 */
import { mkdirSync } from 'node:fs';
import { expect, test } from './support/renderer';
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
