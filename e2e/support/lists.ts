import { expect, type Locator, type Page } from '@playwright/test';

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
