import { expect, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Opens the lists screen, creates a list, and gives its detail region. */
export async function newList(page: Page, name: string): Promise<Locator> {
  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: 'Lists' })
    .click();
  const screen = page.getByRole('main', { name: 'Lists' });
  await screen.getByRole('textbox', { name: 'New list name' }).fill(name);
  await screen.getByRole('button', { name: 'Create' }).click();
  const detail = screen.getByRole('region', { name });
  await expect(detail.getByRole('heading', { name })).toBeVisible();
  return detail;
}

/** Writes a CSV file for the import dialog to read. */
function csvFile(lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'textdesk-csv-'));
  const file = join(dir, 'contacts.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Imports these CSV lines into a list from its detail region; gives the dialog, showing its result. */
export async function importInto(
  page: Page,
  detail: Locator,
  lines: readonly string[],
): Promise<Locator> {
  await detail.getByRole('button', { name: 'Import contacts' }).click();
  const dialog = page.getByRole('dialog', { name: /^Import into/u });
  await dialog.getByLabel(/Contacts file/u).setInputFiles(csvFile(lines));
  await expect(dialog.getByTestId('import-summary')).toBeVisible();
  await dialog.getByRole('button', { name: /^Import \d+ contacts?$/u }).click();
  const result = dialog.getByRole('status', { name: 'Import result' });
  await expect(result).toBeVisible();
  return dialog;
}
