/**
 * Pictures and files against the real server on loopback: a text with an
 * attachment queued offline keeps its file across a restart and reaches the
 * server with it once the connection is back; its files are then served to
 * the renderer from /media, and the thread and the list say what it carries.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ConversationPage, MessagePage, SessionView } from '../../shared/ipc';
import type { StagedMedia } from '../../shared/ipc/media';
import type { Change } from '../../shared/protocol/entities';
import { ADMIN, startTestApp } from '../../server/testing/app';
import { cleanupsPerTest } from './testing/cleanups';
import { customerTexts, isLive, startCore, type CoreHarness } from './testing/coreHarness';
import { cuttableLink } from './testing/cuttableLink';

const CUSTOMER = '+12015550142';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const { later } = cleanupsPerTest();

const hasMessage =
  (match: (change: Change & { type: 'message.created' }) => boolean) =>
  (changes: readonly Change[]) =>
    changes.some((change) => change.type === 'message.created' && match(change));

async function body(response: { body: unknown }): Promise<Buffer> {
  if (typeof response.body === 'string') return Buffer.from(response.body);
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const stagedFiles = async (desk: CoreHarness) =>
  (await readdir(join(desk.dataDir, 'media', 'staged')).catch(() => [])).filter(
    (name) => !name.endsWith('.json'),
  );

describe('a text with a picture', () => {
  test('queued offline keeps its file across a restart, and reaches the server with it once back', async () => {
    const app = await startTestApp('sqlite');
    later(() => app.close());
    const link = await cuttableLink(app.server.url);
    later(() => link.close());
    let desk = await startCore({ team: true });
    const dataDir = desk.dataDir;
    later(() => desk.stop());
    await desk.value<SessionView>('session.signIn', { serverUrl: link.url, ...ADMIN });
    await desk.until('sync.status', isLive);
    await customerTexts(app.server.url, CUSTOMER, 'Can you send the map?');
    await desk.until(
      'data.changed',
      hasMessage((change) => change.data.body === 'Can you send the map?'),
    );
    const conversationId =
      (await desk.value<ConversationPage>('inbox.conversations', {})).rows[0]?.id ?? '';

    link.cut();
    await desk.until('sync.status', (status) => status.state === 'offline');
    const staged = await desk.value<StagedMedia>('media.stage', {
      filename: 'map.png',
      type: 'image/png',
      data: PNG,
    });
    expect(staged).toMatchObject({ filename: 'map.png', type: 'image/png', kind: 'image' });
    const queued = await desk.value<{ state: string }>('commands.run', {
      command: { type: 'message.send', conversationId, body: 'Here it is', mediaIds: [staged.id] },
    });
    expect(queued.state).toBe('queued');
    const waiting = await desk.value<MessagePage>('inbox.messages', { conversationId });
    expect(waiting.messages.at(-1)).toMatchObject({
      body: 'Here it is',
      local: 'outbox',
      media: [
        { id: staged.id, type: 'image/png', kind: 'image', filename: 'map.png', hasPreview: true },
      ],
    });
    const shown = await desk.core.serveMedia(`/media/staged/${staged.id}`);
    expect(shown.status).toBe(200);
    expect(await body(shown)).toEqual(Buffer.from(PNG, 'base64'));

    // Quit and start again, still offline: the file is still there, the text still waiting.
    await desk.stop();
    desk = await startCore({ dataDir });
    await desk.until('sync.status', (status) => status.state === 'offline' && status.queued === 1);
    expect(await stagedFiles(desk)).toEqual([staged.id]);

    link.restore();
    const sent = await desk.until(
      'data.changed',
      hasMessage((change) => change.data.body === 'Here it is'),
    );
    await desk.until('sync.status', (status) => status.state === 'live' && status.queued === 0);
    const message = sent.find(
      (change): change is Change & { type: 'message.created' } =>
        change.type === 'message.created' && change.data.body === 'Here it is',
    );
    expect(message?.data.media).toMatchObject([
      { type: 'image/png', kind: 'image', filename: 'map.png', size: 68, hasPreview: true },
    ]);
    expect(app.server.simulator?.received(CUSTOMER)).toMatchObject([
      { body: 'Here it is', media: [{ filename: 'map.png' }] },
    ]);
    // Answered: the staged file is gone; its bytes are the original in the media cache.
    expect(await stagedFiles(desk)).toEqual([]);
    const mediaId = message?.data.media[0]?.id ?? '';
    const original = await desk.core.serveMedia(`/media/${mediaId}/original`);
    expect(await body(original)).toEqual(Buffer.from(PNG, 'base64'));

    // The thumbnail is the server's re-encoded picture, fetched through its signed address.
    const thumbnail = await desk.core.serveMedia(`/media/${mediaId}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['Content-Type']).toMatch(/^image\/(jpeg|png)$/u);
    expect((await body(thumbnail)).length).toBeGreaterThan(0);

    const thread = await desk.value<MessagePage>('inbox.messages', { conversationId });
    expect(thread.messages.at(-1)).toMatchObject({
      body: 'Here it is',
      local: null,
      media: [{ id: mediaId, filename: 'map.png' }],
    });
    expect(
      (await desk.value<ConversationPage>('inbox.conversations', {})).rows[0]?.lastMessage,
    ).toMatchObject({ body: 'Here it is', mediaLabel: '📷 Photo' });
  });

  test('queued offline, a file the server then refuses fails the text in its thread, with the server’s reason', async () => {
    const app = await startTestApp('sqlite');
    later(() => app.close());
    const link = await cuttableLink(app.server.url);
    later(() => link.close());
    const desk = await startCore({ team: true });
    later(() => desk.stop());
    await desk.value<SessionView>('session.signIn', { serverUrl: link.url, ...ADMIN });
    await desk.until('sync.status', isLive);
    await customerTexts(app.server.url, CUSTOMER, 'The form?');
    await desk.until(
      'data.changed',
      hasMessage((change) => change.data.body === 'The form?'),
    );
    const conversationId =
      (await desk.value<ConversationPage>('inbox.conversations', {})).rows[0]?.id ?? '';

    link.cut();
    await desk.until('sync.status', (status) => status.state === 'offline');
    const staged = await desk.value<StagedMedia>('media.stage', {
      filename: 'form.pdf',
      type: 'application/pdf',
      data: Buffer.from('%PDF-1.4\n').toString('base64'),
    });
    await desk.value('commands.run', {
      command: { type: 'message.send', conversationId, body: 'Attached', mediaIds: [staged.id] },
    });
    // Emptied on disk meanwhile: the server refuses an empty upload.
    await writeFile(join(desk.dataDir, 'media', 'staged', staged.id), '');
    link.restore();
    const cancelled = await desk.until('outbox.cancelled', () => true);
    expect(cancelled).toMatchObject({ conversationId });
    expect(cancelled.reason).not.toBe('');
    await desk.until('sync.status', (status) => status.state === 'live' && status.queued === 0);
    const thread = await desk.value<MessagePage>('inbox.messages', { conversationId });
    expect(thread.messages.at(-1)).toMatchObject({
      body: 'Attached',
      local: 'cancelled',
      status: 'failed',
      errorMessage: cancelled.reason,
      media: [{ id: staged.id, filename: 'form.pdf' }],
    });
    expect(app.server.simulator?.received(CUSTOMER)).toEqual([]);
  });
});
