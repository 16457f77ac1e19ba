/**
 * The desktop's media against the real server on loopback: a picture a
 * customer sends with no words, another account's file, a staged file
 * uploaded once however often the send is prepared, and an upload the
 * server refuses failing the text with its sentence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ConversationPage } from '../../shared/ipc';
import type { StagedMedia } from '../../shared/ipc/media';
import type { Command } from '../../shared/protocol/commands';
import type { Change } from '../../shared/protocol/entities';
import { ADMIN, startTestApp } from '../../server/testing/app';
import { message } from './cache/testChanges';
import { DesktopMedia } from './mediaHandlers';
import { cleanupsPerTest } from './testing/cleanups';
import { customerTexts } from './testing/coreHarness';

const CUSTOMER = '+12015550142';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const { later, desktop } = cleanupsPerTest();

async function team() {
  const app = await startTestApp('sqlite');
  later(() => app.close());
  const desk = await desktop(app.server.url, ADMIN);
  return { app, desk };
}

async function conversationOf(desk: Awaited<ReturnType<typeof desktop>>, body: string) {
  await desk.until('data.changed', (changes: readonly Change[]) =>
    changes.some((change) => change.type === 'message.created' && change.data.body === body),
  );
  return (await desk.value<ConversationPage>('inbox.conversations', {})).rows[0]?.id ?? '';
}

describe('media from the server', () => {
  test('a picture with no words is named in the list and the notification, and shown by its thumbnail', async () => {
    const { app, desk } = await team();
    const response = await fetch(`${app.server.url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        from: CUSTOMER,
        body: '',
        media: [{ filename: 'dent.png', type: 'image/png', data: PNG }],
      }),
    });
    expect(response.status).toBe(200);
    const note = await desk.untilNotified(() => true);
    expect(note.body).toBe('📷 Photo');
    const [row] = (await desk.value<ConversationPage>('inbox.conversations', {})).rows;
    expect(row?.lastMessage).toMatchObject({ body: '📷 Photo', mediaLabel: '📷 Photo' });

    const found = (
      await desk.value<{ messageId: string | null }[]>('inbox.search', { query: 'dent' })
    ).map((hit) => hit.messageId);
    expect(found).toHaveLength(1);

    const page = await desk.value<{ messages: { media: { id: string }[] }[] }>('inbox.messages', {
      conversationId: row?.id,
    });
    const mediaId = page.messages.at(-1)?.media[0]?.id ?? '';
    const thumbnail = await desk.core.serveMedia(`/media/${mediaId}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['X-Content-Type-Options']).toBe('nosniff');
    if (typeof thumbnail.body !== 'string') thumbnail.body.destroy();
    const original = await desk.core.serveMedia(`/media/${mediaId}/original`);
    expect(original.headers).toMatchObject({ 'Content-Type': 'image/png' });
    expect(original.headers['Content-Disposition']).toMatch(/^attachment; filename="dent\.png"/u);
    if (typeof original.body !== 'string') original.body.destroy();
  });

  test('another account’s file is not found, even by its id', async () => {
    const { app, desk } = await team();
    const other = { email: 'other@beta.test', password: 'another long password' };
    await app.addAccount({ name: 'Beta', businessNumber: '+14155550999', ...other });
    const token = await app.signIn(other);
    const upload = await fetch(`${app.server.url}/api/v1/media?filename=secret.png`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
      body: Buffer.from(PNG, 'base64'),
    });
    expect(upload.status).toBe(201);
    const { media } = (await upload.json()) as { media: { id: string } };
    const answer = await desk.core.serveMedia(`/media/${media.id}/original`);
    expect(answer.status).toBe(404);
  });
});

describe('sending staged files', () => {
  test('a staged file is uploaded once, however often its text is prepared (a restart midway)', async () => {
    const { app, desk } = await team();
    const media = new DesktopMedia({
      dataDir: desk.dataDir,
      connection: () => ({
        serverUrl: app.server.url,
        token: app.adminToken,
        user: { accountId: 'a' },
      }),
    });
    const staged = await media.staged.stage({ filename: 'map.png', type: 'image/png', data: PNG });
    const command: Command = {
      type: 'message.send',
      conversationId: 'conversation-1',
      body: '',
      mediaIds: [staged.id],
    };
    const saved: Command[] = [];
    const save = (changed: Command) => {
      saved.push(changed);
      return Promise.resolve();
    };
    const first = await media.prepare(command, save);
    // The replacement was not written down (the app quit): the same command is prepared again.
    const second = await media.prepare(command, save);
    expect(first).toEqual(second);
    const ready = typeof first === 'object' && 'command' in first ? first.command : null;
    const serverId = ready?.type === 'message.send' ? ready.mediaIds?.[0] : undefined;
    expect(serverId).toMatch(/^[A-Za-z0-9_-]+$/u);
    expect(serverId).not.toBe(staged.id);
    expect(saved).toEqual([ready, ready]);
    // Still staged until the text is answered.
    expect(await media.staged.find(staged.id)).toMatchObject({ uploaded: { id: serverId } });
  });

  test('an upload the server refuses fails the text with the server’s sentence', async () => {
    const { app, desk } = await team();
    await customerTexts(app.server.url, CUSTOMER, 'Send me the form');
    const conversationId = await conversationOf(desk, 'Send me the form');
    const staged = await desk.value<StagedMedia>('media.stage', {
      filename: 'form.pdf',
      type: 'application/pdf',
      data: Buffer.from('%PDF-1.4\n').toString('base64'),
    });
    // The bytes went missing on disk since (emptied): the server refuses an empty file.
    await writeFile(join(desk.dataDir, 'media', 'staged', staged.id), '');
    const result = await desk.call('commands.run', {
      command: { type: 'message.send', conversationId, body: 'Here', mediaIds: [staged.id] },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(result.ok ? '' : result.error.message).not.toBe('');
    expect(app.server.simulator?.received(CUSTOMER)).toEqual([]);
  });

  test('a staged file that is gone fails its text, saying to attach it again', async () => {
    const { app, desk } = await team();
    await customerTexts(app.server.url, CUSTOMER, 'Photo please');
    const conversationId = await conversationOf(desk, 'Photo please');
    const staged = await desk.value<StagedMedia>('media.stage', {
      filename: 'a.png',
      type: 'image/png',
      data: PNG,
    });
    await desk.value('media.unstage', { id: staged.id });
    const result = await desk.call('commands.run', {
      command: { type: 'message.send', conversationId, body: '', mediaIds: [staged.id] },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { message: 'An attached file is no longer on this computer. Attach it again.' },
    });
  });
});

test('a file whose retention ended on the server is removed from this computer too', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'textdesk-retention-'));
  later(() => {
    rmSync(dataDir, { recursive: true, force: true });
    return Promise.resolve();
  });
  const media = new DesktopMedia({
    dataDir,
    connection: () => ({ serverUrl: 'http://127.0.0.1:9', token: 't', user: { accountId: 'a' } }),
  });
  const cache = media.cache();
  const record = {
    id: 'media-1',
    sha256: 'd'.repeat(64),
    type: 'image/png',
    kind: 'image' as const,
    size: 68,
    filename: 'a.png',
    claimedType: null,
    width: 1,
    height: 1,
    hasPreview: true,
    expired: false,
    createdAt: '2026-12-07T10:00:00.000Z',
  };
  await cache?.adopt(record, Buffer.from(PNG, 'base64'));
  expect((await media.serve('/media/media-1/original')).status).toBe(200);
  await media.forgetExpired([
    {
      seq: 1,
      at: '2026-12-08T00:00:00.000Z',
      type: 'message.updated',
      data: message({
        id: 'm1',
        conversationId: 'c1',
        body: '',
        media: [{ ...record, expired: true }],
        createdAt: '2026-12-07T10:00:00.000Z',
        updatedAt: '2026-12-08T00:00:00.000Z',
      }),
    },
  ]);
  expect(await cache?.originals()).toEqual({ ids: [], bytes: 0 });
  await expect(stat(join(dataDir, 'media', 'accounts'))).resolves.toBeTruthy();
  // Not on disk any more, and the server (unreachable here) is not asked.
  expect((await media.serve('/media/media-1/original')).status).toBe(503);
});
