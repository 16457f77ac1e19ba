/**
 * Importing the files people already have into a list, through the preview:
 * a Google Contacts export picked with the file button, an Outlook export
 * (Windows-1252) dropped onto the list, and an iPhone vCard, each seen on
 * the list at once — the right people, named and numbered as in their
 * address book, and the counts — without reloading.
 */
import type { Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { formatPhone } from '../shared/phone';
import { newList } from './support/lists';
import { expect, test } from './support/renderer';

const FIXTURES = resolve(import.meta.dirname, '../shared/contacts/fixtures');
const SCREENSHOTS = 'e2e/screenshots';

interface Expected {
  readonly people: readonly { readonly name: string; readonly phone: string }[];
}

const expectedOf = (file: string): Expected =>
  JSON.parse(
    readFileSync(join(FIXTURES, file.replace(/\.(csv|vcf)$/u, '.expected.json')), 'utf8'),
  ) as Expected;

/** Drops a file onto an element as the desktop's file manager would. */
async function dropFile(page: Page, target: Locator, file: string): Promise<void> {
  const bytes = [...readFileSync(join(FIXTURES, file))];
  const dataTransfer = await page.evaluateHandle(
    ({ name, data }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type: 'text/csv' }));
      return transfer;
    },
    { name: basename(file), data: bytes },
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Checks the preview, imports, and returns the dialog once the result is in. */
async function importPreviewed(
  page: Page,
  expected: Expected,
  source: RegExp,
  fresh: number,
): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Import into “Customers”' });
  await expect(dialog.getByTestId('import-source')).toHaveText(source);
  const preview = dialog.getByRole('table', { name: 'Contacts to import' });
  const first = expected.people[0];
  if (first === undefined) throw new Error('The fixture expects nobody.');
  await expect(preview.getByRole('row', { name: first.name })).toContainText(
    formatPhone(first.phone, 'US'),
  );
  await expect(dialog.getByTestId('import-summary')).toContainText(`${String(fresh)} new contact`);
  await dialog
    .getByRole('button', { name: `Import ${String(expected.people.length)} contacts` })
    .click();
  const result = dialog.getByRole('status', { name: 'Import result' });
  await expect(result).toContainText(`${String(fresh)} added`);
  await page.screenshot({
    path: `${SCREENSHOTS}/import-${source.source.slice(0, 12).replace(/\W+/gu, '-')}.png`,
  });
  await dialog.getByRole('button', { name: 'Done' }).click();
}

async function seesEveryone(detail: Locator, people: Expected['people']): Promise<void> {
  const members = detail.getByRole('table', { name: 'Members' });
  for (const person of people.slice(0, 6)) {
    await expect(members.getByRole('row', { name: person.name, exact: true })).toContainText(
      formatPhone(person.phone, 'US'),
    );
  }
}

test('Google, Outlook and iPhone contacts land on the list named and numbered as in the address book', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const detail = await newList(page, 'Customers');
  const phones = new Set<string>();
  const total = () => phones.size;

  // 1. A Google Contacts export, picked with the file button.
  const google = expectedOf('google-current.csv');
  await detail.getByRole('button', { name: 'Import contacts' }).click();
  await page
    .getByRole('dialog')
    .getByLabel(/Contacts file/u)
    .setInputFiles(join(FIXTURES, 'google-current.csv'));
  const googleFresh = google.people.filter((person) => !phones.has(person.phone)).length;
  await importPreviewed(page, google, /^Google Contacts export/u, googleFresh);
  for (const person of google.people) phones.add(person.phone);
  await seesEveryone(detail, google.people);
  await expect(detail.getByTestId('member-count')).toHaveText(`${String(total())} contacts`);
  const nav = page.getByRole('navigation', { name: 'Lists' });
  await expect(nav.getByRole('button', { name: /^Customers/u })).toContainText(String(total()));

  // 2. An Outlook export in Windows-1252, dropped onto the list.
  const outlook = expectedOf('outlook-desktop.csv');
  await dropFile(page, detail, 'outlook-desktop.csv');
  const dialog = page.getByRole('dialog', { name: 'Import into “Customers”' });
  await expect(dialog.getByRole('combobox', { name: 'Text encoding' })).toHaveValue('windows-1252');
  const outlookFresh = outlook.people.filter((person) => !phones.has(person.phone)).length;
  await importPreviewed(page, outlook, /^Outlook export/u, outlookFresh);
  for (const person of outlook.people) phones.add(person.phone);
  await seesEveryone(detail, outlook.people);
  await expect(detail.getByTestId('member-count')).toHaveText(`${String(total())} contacts`);

  // 3. An iPhone's vCard file.
  const iphone = expectedOf('iphone.vcf');
  await detail.getByRole('button', { name: 'Import contacts' }).click();
  await dialog.getByLabel(/Contacts file/u).setInputFiles(join(FIXTURES, 'iphone.vcf'));
  const iphoneFresh = iphone.people.filter((person) => !phones.has(person.phone)).length;
  await importPreviewed(page, iphone, /^vCard file/u, iphoneFresh);
  for (const person of iphone.people) phones.add(person.phone);
  await seesEveryone(detail, iphone.people);
  await expect(detail.getByTestId('member-count')).toHaveText(`${String(total())} contacts`);
  await expect(nav.getByRole('button', { name: /^Customers/u })).toContainText(String(total()));
  await page.screenshot({ path: `${SCREENSHOTS}/import-list.png` });
});
