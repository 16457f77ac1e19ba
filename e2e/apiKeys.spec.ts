/**
 * API keys for integrations as an admin manages them in Settings, against
 * the real desktop core and its solo backend (`npm run preview`): a key is
 * created, its secret shown once, and revoked, after which the server
 * refuses it; and a person's sessions from the people table.
 */
import { expect, test } from './support/renderer';
import { soloUrl } from './support/simulator';

test('an admin creates an API key, sees its secret once, and revokes it', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: 'Settings' })
    .click();
  const settings = page.getByRole('main', { name: 'Settings' });
  const section = settings.getByRole('region', { name: 'API keys for integrations' });
  await expect(section).toContainText('No API keys yet.');

  const form = section.getByRole('form', { name: 'Create an API key' });
  await form.getByRole('textbox', { name: 'Key name' }).fill('CRM');
  await form.getByRole('combobox', { name: 'Scope' }).selectOption('send');
  await expect(form).toContainText('Read, and send texts and notes');
  await form.getByRole('button', { name: 'Create key' }).click();

  const shown = section.getByRole('status', { name: 'New API key secret' });
  await expect(shown).toContainText('Copy it now: it will not be shown again.');
  const secret = (await shown.locator('code').textContent()) ?? '';
  expect(secret).toMatch(/^tdk_/u);
  const withKey = () =>
    fetch(new URL('/api/v1/api-keys', soloUrl(preview)), {
      headers: { Authorization: `Bearer ${secret}` },
    });
  expect((await withKey()).status).not.toBe(401);

  const row = section.getByRole('table', { name: 'API keys' }).getByRole('row', { name: 'CRM' });
  await expect(row).toContainText('send');
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  // Never shown again: not in the table, nor after coming back to Settings.
  await expect(section).not.toContainText(secret);
  const nav = page.getByRole('navigation', { name: 'Inbox' });
  await nav.getByRole('button', { name: 'Campaigns' }).click();
  await nav.getByRole('button', { name: 'Settings' }).click();
  await expect(row).toContainText('send');
  await expect(section).not.toContainText(secret);

  await row.getByRole('button', { name: 'Revoke' }).click();
  const confirm = section.getByRole('alertdialog', { name: 'Revoke API key' });
  await expect(confirm).toContainText('Revoke “CRM”?');
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'API key “CRM” revoked' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Revoke' })).toBeHidden();
  expect((await withKey()).status).toBe(401);
});

test('an admin opens their own sessions: ending all of them asks first and says it signs them out here', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: 'Settings' })
    .click();
  const people = page.getByRole('main', { name: 'Settings' }).getByRole('table').first();
  await people.getByRole('button', { name: 'Sessions…' }).first().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('One of these is this desktop: ending it signs you out here.');
  await expect(dialog.getByRole('table', { name: 'Sessions' }).getByRole('row')).toHaveCount(2);
  await dialog.getByRole('button', { name: 'End all' }).click();
  await expect(dialog.getByRole('alertdialog', { name: 'End sessions' })).toContainText(
    'This signs you out of this desktop too',
  );
  await dialog.getByRole('button', { name: 'Keep' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('connection')).toHaveText('Live');
});
