import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import type { Command } from '../../../shared/protocol/commands';
import type { SessionUser } from '../../auth/sessions';
import { serverPerTest, textFrom } from '../../testing/context';
import { runCommand } from './index';

const { start, current } = serverPerTest();

const run = async <C extends Command>(user: SessionUser, command: C) =>
  (await runCommand(current().context, user, randomUUID(), command, 'desktop')).result;

const DAY = 24 * 60 * 60 * 1000;

describe('keeping pictures and files for a while (account.update mediaRetentionDays)', () => {
  test('admins set it, desktops learn it, and the sweep then expires older texts’ files', async () => {
    const server = await start('sqlite');
    const admin = await server.user('admin');
    const agent = await server.user('agent');
    const media = server.context.media;
    if (media === undefined) throw new Error('The test server keeps media.');

    expect(await run(agent, { type: 'account.update', mediaRetentionDays: 30 })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed' },
    });
    expect(await run(admin, { type: 'account.update', mediaRetentionDays: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const set = await run(admin, { type: 'account.update', mediaRetentionDays: 30 });
    expect(set).toMatchObject({ ok: true, value: { profile: { mediaRetentionDays: 30 } } });
    expect(server.published.at(-1)).toMatchObject({
      type: 'account.updated',
      data: { mediaRetentionDays: 30 },
    });

    // An agent sends a picture; a month and a day later the sweep expires it.
    const { conversationId } = await textFrom(server, '+12015550177', 'Send me the map?');
    const picture = await media.ingest({
      accountId: server.accountId,
      source: 'upload',
      body: Readable.from([
        await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123' } })
          .png()
          .toBuffer(),
      ]),
    });
    if (!picture.ok) throw new Error(picture.error.message);
    const sent = await run(agent, {
      type: 'message.send',
      conversationId,
      body: 'Here',
      mediaIds: [picture.value.id],
    });
    expect(sent.ok).toBe(true);
    expect((await media.sweep(new Date())).expired).toBe(0);
    const swept = await media.sweep(new Date(Date.now() + 31 * DAY));
    expect(swept.expired).toBe(1);
    expect(await media.find(server.accountId, picture.value.id)).toMatchObject({ expired: true });

    // Null keeps them for good again.
    expect(await run(admin, { type: 'account.update', mediaRetentionDays: null })).toMatchObject({
      ok: true,
      value: { profile: { mediaRetentionDays: null } },
    });
  });
});
