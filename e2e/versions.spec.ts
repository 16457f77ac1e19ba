/**
 * A desktop too old for its team's server: sync stops at the first change
 * it cannot read, and the window says to update Textdesk instead of
 * quietly showing an inbox that no longer moves.
 */
import { logFutureChange } from '../server/testing/futureChange';
import { expect, test } from './support/renderer';

test('a change this version does not know stops sync with a banner asking to update Textdesk', async ({
  page,
  preview,
  appUrl,
}) => {
  await page.goto(appUrl);
  await expect(page.getByTestId('connection')).toHaveText('Live');
  const solo = preview.core.solo;
  if (solo === null) throw new Error('The preview host runs no solo backend.');
  await expect(page.getByTestId('update-banner')).toHaveCount(0);

  await logFutureChange(solo.server);
  const banner = page.getByTestId('update-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText(
    'This version of Textdesk is too old for your team’s server. Update Textdesk to keep working.',
  );
  await expect(page.getByTestId('connection')).toHaveText('Update Textdesk');
  await expect(banner).toContainText('Nothing is sent or received until then.');
  await page.screenshot({ path: 'e2e/screenshots/update-textdesk.png' });
});
