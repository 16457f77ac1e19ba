import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../testing/context';
import { DIALECTS } from '../testing/storage';
import { ingestInbound } from './ingest';
import { TEXT_ONLY, type Carrier } from '../carriers/types';
import { applyDeliveryStatus, recoverOutbound, sendQueued } from './outbound';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(DIALECTS)('outbound after a restart on %s', (dialect) => {
  test('queued texts are sent; a text cut off mid-send is marked failed, not sent twice, and one another server is sending is left alone', async () => {
    server = await startTestServer(dialect);
    const { db } = server.storage;
    const inbound = await ingestInbound(
      db,
      { from: '+12015550123', to: '+12015550100', body: 'hello', carrierId: 'SMrestart1' },
      { defaultCountry: 'US', now: new Date() },
    );
    if (!inbound.ok) throw new Error(inbound.error.message);
    const at = new Date().toISOString();
    const row = (body: string, status: 'queued' | 'sending') => ({
      id: randomUUID(),
      account_id: server?.accountId ?? '',
      conversation_id: inbound.value.conversationId,
      direction: 'outbound' as const,
      body,
      author_id: null,
      carrier_id: null,
      status,
      error_code: null,
      error_message: null,
      possible_opt_out: 0 as const,
      trigger_id: null,
      in_reply_to: null,
      created_at: at,
      updated_at: at,
    });
    const queued = row('Waiting to go', 'queued');
    const longAgo = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    const cutOff = { ...row('Was on its way', 'sending'), updated_at: longAgo };
    // Seconds old: another server may be handing it to the carrier right now.
    const inFlight = row('Another server has this one', 'sending');
    await db.insertInto('messages').values([queued, cutOff, inFlight]).execute();

    await recoverOutbound(server.context);
    await server.settled();

    const statuses = await db
      .selectFrom('messages')
      .select(['id', 'status', 'error_code', 'error_message'])
      .where('id', 'in', [queued.id, cutOff.id])
      .execute();
    expect(statuses.find((message) => message.id === queued.id)?.status).toBe('delivered');
    expect(statuses.find((message) => message.id === cutOff.id)).toMatchObject({
      status: 'failed',
      error_code: 'interrupted',
    });
    expect(server.simulator.thread('+12015550123').map((text) => text.body)).toEqual([
      'Waiting to go',
    ]);
    const untouched = await db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', inFlight.id)
      .executeTakeFirstOrThrow();
    expect(untouched.status).toBe('sending');
  });

  test('a delivery receipt that arrives before the carrier’s answer to the send is kept', async () => {
    server = await startTestServer(dialect);
    const base = server.context;
    // A carrier whose receipt reaches us while its answer to the send is still on the way.
    const hasty: Carrier = {
      name: 'hasty',
      ...TEXT_ONLY,
      onStatus: () => undefined,
      send: async (text) => {
        await applyDeliveryStatus(base, {
          carrierId: 'SMhasty1',
          messageId: text.messageId,
          status: 'delivered',
        });
        return { ok: true, carrierId: 'SMhasty1' };
      },
    };
    const inbound = await ingestInbound(
      base.db,
      { from: '+12015550124', to: '+12015550100', body: 'HELP', carrierId: 'SMhelp1' },
      { defaultCountry: 'US', now: new Date() },
    );
    if (!inbound.ok) throw new Error(inbound.error.message);
    await sendQueued({ ...base, carrier: hasty }, inbound.value.queued);
    const reply = await base.db
      .selectFrom('messages')
      .select(['status', 'carrier_id'])
      .where('id', '=', inbound.value.queued[0] ?? '')
      .executeTakeFirstOrThrow();
    expect(reply).toEqual({ status: 'delivered', carrier_id: 'SMhasty1' });
  });
});
