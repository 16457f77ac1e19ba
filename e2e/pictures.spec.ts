/**
 * Pictures and files (MMS) in the inbox, in a real browser against the real
 * desktop core and its solo backend: a customer's photo comes in from the
 * phone simulator, the agent looks at it and answers with a picture of
 * their own, and every check is what is on screen or what reached the
 * customer's phone.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import type { PreviewHost } from '../electron/core/preview/previewHost';
import { expect, test } from './support/renderer';
import { customerTexts, soloUrl } from './support/simulator';

const SCREENSHOTS = 'e2e/screenshots';
const CUSTOMER = '+12015550142';
const CUSTOMER_SHOWN = /201.*555.*0142/u;
/** Pictures are decoded and re-encoded on the way in and out: more than a text's few milliseconds. */
const MEDIA_WAIT = { timeout: 20_000 };

test.beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

const conversation = (page: Page, name: RegExp | string) =>
  page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name });

/** A picture of one colour, as a phone's camera would send it. */
const picture = (width: number, height: number, background: string, format: 'jpeg' | 'png') =>
  sharp({ create: { width, height, channels: 3, background } })
    [format]()
    .toBuffer();

/** The customer's phone sends an MMS through the simulator. */
async function customerSends(
  preview: PreviewHost,
  body: string,
  files: readonly { filename: string; type: string; data: Buffer }[],
): Promise<void> {
  const response = await fetch(`${soloUrl(preview)}/simulator/inbound`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      from: CUSTOMER,
      body,
      media: files.map((file) => ({ ...file, data: file.data.toString('base64') })),
    }),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

/** What the customer's phone has received: each text's words and how many files. */
const phoneGot = (preview: PreviewHost) =>
  (preview.core.solo?.server.simulator?.received(CUSTOMER) ?? []).map((text) => ({
    body: text.body,
    files: text.media.map((file) => file.type),
  }));

/** Pastes a picture into the composer, as Ctrl+V of a screenshot does. */
async function pastePicture(page: Page, data: Buffer, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.evaluate(
    ({ base64, filename }) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], filename, { type: 'image/png' }));
      document
        .querySelector('#composer-message')
        ?.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
        );
    },
    { base64: data.toString('base64'), filename: name },
  );
}

/** True once an <img> has decoded its picture (its bytes came from /media and are a picture). */
const loaded = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0);

test('a customer sends a photo: the agent sees it, opens the viewer, and replies with a pasted picture the phone receives', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await expect(page.getByTestId('connection')).toHaveText('Live');
  const photo = await picture(1600, 1200, '#2f8f5b', 'jpeg');
  await customerSends(preview, '', [{ filename: 'IMG_0042.jpg', type: 'image/jpeg', data: photo }]);

  // A photo with no words is named in the list, and the thread shows no empty text.
  const row = conversation(page, CUSTOMER_SHOWN);
  await expect(row).toContainText('📷 Photo', MEDIA_WAIT);
  await row.click();
  const thread = page.getByRole('region', { name: 'Conversation' });
  const thumbnail = thread.getByRole('button', { name: /^Open Picture from the customer/u });
  await expect(thumbnail).toBeVisible(MEDIA_WAIT);
  await expect(thread.locator('.message-inbound .message-body')).toHaveCount(0);
  const thumb = thumbnail.getByRole('img');
  await expect(thumb).toHaveAttribute('src', /^\/media\/[^/]+\/thumbnail$/u);
  await expect(thumb).toHaveAttribute('width', '240');
  await expect(thumb).toHaveAttribute('height', '180');
  await expect.poll(() => loaded(page, '.media-thumb img'), MEDIA_WAIT).toBe(true);
  await page.screenshot({ path: `${SCREENSHOTS}/pictures-thread.png` });

  // The viewer shows the re-encoded preview; zoom, fit, Save as… and Esc.
  await thumbnail.click();
  const viewer = page.getByRole('dialog', { name: /IMG_0042\.jpg/u });
  await expect(viewer).toBeVisible();
  const large = viewer.getByRole('img');
  await expect(large).toHaveAttribute('src', /^\/media\/[^/]+\/preview$/u);
  await expect.poll(() => loaded(page, '.viewer-stage img'), MEDIA_WAIT).toBe(true);
  await expect(viewer.getByTestId('viewer-zoom')).toHaveText(/^Fit \(\d+%\)$/u);
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expect(viewer.getByTestId('viewer-zoom')).toHaveText(/^\d+%$/u);
  await page.keyboard.press('0');
  await expect(viewer.getByTestId('viewer-zoom')).toHaveText(/^Fit/u);
  await expect(viewer.getByRole('link', { name: 'Save as…' })).toHaveAttribute(
    'href',
    /^\/media\/[^/]+\/original$/u,
  );
  await expect(viewer.getByRole('link', { name: 'Save as…' })).toHaveAttribute(
    'download',
    'IMG_0042.jpg',
  );
  await page.screenshot({ path: `${SCREENSHOTS}/pictures-viewer.png` });
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // The agent pastes a picture and sends it with no words: one MMS.
  await pastePicture(page, await picture(640, 480, '#c0392b', 'png'), 'screenshot.png');
  const strip = page.getByRole('list', { name: 'Attached files' });
  await expect(strip.getByRole('img', { name: 'screenshot.png' })).toBeVisible(MEDIA_WAIT);
  await expect(page.getByTestId('segments')).toHaveText('1 MMS');
  const send = page.getByRole('button', { name: 'Send' });
  await expect(send).toBeEnabled();
  await page.screenshot({ path: `${SCREENSHOTS}/pictures-composer.png` });
  await send.click();
  await expect(strip).toBeHidden(MEDIA_WAIT);
  const sent = thread.locator('.message-outbound').last();
  await expect(sent.getByRole('button', { name: /^Open Picture sent/u })).toBeVisible(MEDIA_WAIT);
  await expect(sent).toContainText('Delivered', MEDIA_WAIT);
  await expect(sent).toContainText('1 MMS');
  await expect
    .poll(() => phoneGot(preview), MEDIA_WAIT)
    .toEqual([{ body: '', files: ['image/png'] }]);

  // Both pictures are in the viewer, ← and → between them.
  await thread.getByRole('button', { name: /^Open Picture from the customer/u }).click();
  await expect(viewer).toContainText('1 of 2');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('dialog')).toContainText('2 of 2');
  await page.keyboard.press('Escape');
});

/** Drops files onto the composer, as dragging them from the desktop does. */
async function dropFiles(
  page: Page,
  files: readonly { name: string; type: string; data: Buffer }[],
) {
  await page.evaluate(
    (list) => {
      const transfer = new DataTransfer();
      for (const file of list) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.type }));
      }
      const composer = document.querySelector('form[aria-label="Composer"]');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        composer?.dispatchEvent(
          new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      }
    },
    files.map((file) => ({
      name: file.name,
      type: file.type,
      base64: file.data.toString('base64'),
    })),
  );
}

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

test('files: the paperclip and a drop attach a picture and a PDF, sent with words as one MMS; a file phones cannot show blocks Send', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'Can you send me the menu and a photo of the cake?');
  await conversation(page, CUSTOMER_SHOWN).click();

  await page.getByRole('textbox', { name: 'Message' }).fill('Here you go!');
  await expect(page.getByTestId('segments')).toHaveText('148 · 1 message');
  await page.getByTestId('attach-input').setInputFiles({
    name: 'cake.jpg',
    mimeType: 'image/jpeg',
    buffer: await picture(800, 600, '#f3c1d9', 'jpeg'),
  });
  await dropFiles(page, [{ name: 'menu.pdf', type: 'application/pdf', data: PDF }]);
  const strip = page.getByRole('list', { name: 'Attached files' });
  await expect(strip.getByRole('listitem')).toHaveCount(2);
  await expect(strip.getByRole('img', { name: 'cake.jpg' })).toBeVisible(MEDIA_WAIT);
  await expect(strip).toContainText('menu.pdf');
  await expect(page.getByTestId('segments')).toHaveText('1 MMS');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(strip).toBeHidden(MEDIA_WAIT);
  await expect
    .poll(() => phoneGot(preview), MEDIA_WAIT)
    .toEqual([{ body: 'Here you go!', files: ['image/jpeg', 'application/pdf'] }]);
  const sent = page.locator('.message-outbound').last();
  await expect(sent).toContainText('Here you go!');
  await expect(sent.getByRole('button', { name: /^Open Picture sent: cake\.jpg/u })).toBeVisible(
    MEDIA_WAIT,
  );
  await expect(sent.getByRole('group', { name: 'PDF' })).toContainText('menu.pdf');

  // A file phones would not show blocks Send, naming it, until it is removed.
  await page.getByTestId('attach-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('just some words'),
  });
  await expect(page.getByTestId('attachments-blocked')).toContainText('“notes.txt”');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await strip.getByRole('button', { name: 'Remove notes.txt' }).click();
  await expect(strip).toBeHidden();
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
});

test('a picture over 5 MB is shrunk to fit and the agent is told', async ({ page, preview }) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'Send the big photo please');
  await conversation(page, CUSTOMER_SHOWN).click();
  // Noise does not compress: a JPEG of about 6 MB.
  const noise = Buffer.alloc(2200 * 2200 * 3);
  for (let index = 0; index < noise.length; index += 1) {
    noise[index] = Math.imul(index, 2654435761) >>> 24;
  }
  const big = await sharp(noise, { raw: { width: 2200, height: 2200, channels: 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
  await page.getByTestId('attach-input').setInputFiles({
    name: 'cake.jpg',
    mimeType: 'image/jpeg',
    buffer: big,
  });
  await expect(page.getByTestId('attachments-notice')).toContainText(
    'over the 5 MB MMS limit: the picture will be made smaller automatically',
  );
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(
    page.getByText('1 picture was made smaller to fit the 5 MB MMS limit.'),
  ).toBeVisible();
  await expect.poll(() => phoneGot(preview)).toEqual([{ body: '', files: ['image/jpeg'] }]);
});

test('a contact card is read as plain text and added as a contact; a file Textdesk cannot show comes with a warning', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  const card = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'N:Okafor;Ada;;;',
    'FN:Ada <b>Okafor</b>',
    'TEL;TYPE=cell:+1 201 555 0177',
    'EMAIL:ada@example.com',
    'END:VCARD',
    '',
  ].join('\r\n');
  await customerSends(preview, 'My sister’s number, and the form', [
    { filename: 'Ada.vcf', type: 'text/vcard', data: Buffer.from(card) },
    { filename: 'form.bin', type: 'application/octet-stream', data: Buffer.from([0, 1, 2, 3, 4]) },
  ]);
  await conversation(page, CUSTOMER_SHOWN).click();
  const thread = page.getByRole('region', { name: 'Conversation' });
  const contactCard = thread.getByRole('group', { name: 'Contact card' });
  await expect(contactCard).toContainText('Ada <b>Okafor</b>', MEDIA_WAIT);
  await expect(contactCard).toContainText('+1 201 555 0177');
  await expect(contactCard.locator('b')).toHaveCount(0);
  await contactCard.getByRole('button', { name: 'Add as contact' }).click();
  await expect(contactCard.getByRole('status')).toHaveText('Added Ada <b>Okafor</b>.');

  const file = thread.getByRole('group', { name: 'File' });
  await expect(file).toContainText(
    'Textdesk can’t show this kind of file. Only open it if you trust the sender.',
  );
  await expect(file.getByRole('link', { name: 'Save as…' })).toHaveAttribute(
    'href',
    /^\/media\/[^/]+\/original$/u,
  );
  await page.screenshot({ path: `${SCREENSHOTS}/pictures-files.png` });
});

test('an opted-out contact: no attaching, and an MMS send is refused like a text', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await customerTexts(preview, CUSTOMER, 'Do you have the blue one?');
  await conversation(page, CUSTOMER_SHOWN).click();
  await expect(page.getByRole('button', { name: 'Attach files' })).toBeVisible();
  await customerTexts(preview, CUSTOMER, 'STOP');
  await expect(page.getByTestId('composer-refused')).toContainText(/^Opted out/u);
  await expect(page.getByRole('button', { name: 'Attach files' })).toHaveCount(0);

  // Main's send gate refuses a text with files as it does a text.
  const answer = await page.evaluate(async () => {
    const api = window.textdesk;
    const staged = await api.media.stage({
      filename: 'photo.png',
      type: 'image/png',
      data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    });
    if (!staged.ok) return { staged: staged.error.message };
    const rows = await api.inbox.conversations({});
    const conversationId = rows.ok ? (rows.value.rows[0]?.id ?? '') : '';
    const sent = await api.commands.run({
      command: { type: 'message.send', conversationId, body: '', mediaIds: [staged.value.id] },
    });
    return sent.ok ? { sent: sent.value.state } : { refused: sent.error.message };
  });
  expect(answer).toEqual({ refused: expect.stringMatching(/^Opted out/u) as unknown });
  expect(phoneGot(preview)).toEqual([]);
});

test('an admin chooses how long pictures and files are kept, and the server holds it', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('button', { name: 'Settings' })
    .click();
  const form = page
    .getByRole('main', { name: 'Settings' })
    .getByRole('form', { name: 'Pictures and files' });
  await expect(form.getByTestId('media-retention-meaning')).toHaveText(
    'Pictures and files stay with their texts until the texts are deleted.',
  );
  await form.getByLabel('Keep pictures and files').selectOption({ label: '90 days' });
  await expect(form.getByTestId('media-retention-meaning')).toContainText('older than 90 days');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'How long pictures and files are kept was saved.' }),
  ).toBeVisible();
  const db = preview.core.solo?.server.storage.db;
  await expect
    .poll(
      async () =>
        (await db?.selectFrom('accounts').select('media_retention_days').executeTakeFirst())
          ?.media_retention_days,
    )
    .toBe(90);
  await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
});
