import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { PUBLIC_URL, startTestServer, type TestServer } from '../testing/context';
import { DIALECTS } from '../testing/storage';
import { runCommand } from './commands';
import { ingestInbound } from './ingest';
import { readOptOutLink, useOptOutLink } from './optOutLinks';

const CUSTOMER = '+12015550123';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(DIALECTS)('opt-out links on %s', (dialect) => {
  async function send(body: string, to = CUSTOMER) {
    if (server === undefined) throw new Error('no server');
    const agent = await server.user('agent');
    const run = await runCommand(
      server.context,
      agent,
      randomUUID(),
      { type: 'message.send', to, body },
      'desktop',
    );
    await run.sending;
    await server.settled();
    if (!run.result.ok) throw new Error(run.result.error.message);
    const received = server.simulator.thread(to).at(-1)?.body ?? '';
    const token = /\/u\/([\w-]+)/u.exec(received)?.[1] ?? '';
    return { received, token };
  }

  test('each recipient gets a link of their own; opening it changes nothing; the button opts out once', async () => {
    server = await startTestServer(dialect);
    const first = await send('Sale this week! Stop these: {{optout_link}}');
    const second = await send('Sale this week! Stop these: {{optout_link}}', '+12015550124');
    expect(first.received).toMatch(
      new RegExp(`^Sale this week! Stop these: ${PUBLIC_URL}/u/[\\w-]{43}$`, 'u'),
    );
    expect(first.token).not.toBe(second.token);
    // Only a hash is kept.
    const stored = await server.storage.db
      .selectFrom('opt_out_tokens')
      .select('token_hash')
      .execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(first.token);

    expect(await readOptOutLink(server.context, first.token)).toEqual({
      businessName: 'Acme Dental',
      optedOut: false,
    });
    const contact = () =>
      server?.storage.db
        .selectFrom('contacts')
        .select(['id', 'opted_in', 'opt_out'])
        .where('phone', '=', CUSTOMER)
        .executeTakeFirstOrThrow();
    expect((await contact())?.opted_in).toBe(1);

    expect(await useOptOutLink(server.context, first.token)).toEqual({
      businessName: 'Acme Dental',
      optedOut: true,
    });
    const after = await contact();
    expect(after?.opted_in).toBe(0);
    expect(JSON.parse(after?.opt_out ?? '{}')).toMatchObject({ source: 'link' });
    await useOptOutLink(server.context, first.token);
    const history = await server.storage.db
      .selectFrom('consent_history')
      .select(['change', 'source'])
      .where('contact_id', '=', after?.id ?? '')
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { change: 'created', source: 'send' },
      { change: 'opted-out', source: 'link' },
    ]);
    expect(await useOptOutLink(server.context, 'x'.repeat(43))).toBeNull();
    expect(await readOptOutLink(server.context, '../etc')).toBeNull();
  });

  test('a link in a text to someone who opted out is never made: the text is refused first', async () => {
    server = await startTestServer(dialect);
    const inbound = await ingestInbound(
      server.storage.db,
      { from: CUSTOMER, to: '+12015550100', body: 'STOP', carrierId: 'SMlink1' },
      { defaultCountry: 'US', now: new Date() },
    );
    expect(inbound.ok).toBe(true);
    await expect(send('Deals! {{optout_link}}')).rejects.toThrow(/^Opted out/u);
    expect(await server.storage.db.selectFrom('opt_out_tokens').selectAll().execute()).toEqual([]);
  });
});
