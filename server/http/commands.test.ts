import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CommandSchema } from '../../shared/protocol/commands';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown> & { error?: { code: string; message: string } };
}

describe.each(DIALECTS)('every command over REST, on %s', (dialect) => {
  let app: TestApp;
  let agent: string;

  const command = async (
    type: string,
    body: unknown,
    options: { token?: string; key?: string } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${app.server.url}/api/v1/commands/${type}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${options.token ?? app.adminToken}`,
        ...(options.key !== undefined && { 'Idempotency-Key': options.key }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      json: (await response.json()) as Answer['json'],
    };
  };

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const person = { email: 'agent@acme.test', password: 'agent password 1234' };
    const made = await command('user.create', { ...person, role: 'agent', name: 'Dana' });
    expect(made.status).toBe(200);
    agent = await app.signIn(person);
  });
  afterAll(() => app.close());

  test('a list is made, filled by an import and sent a campaign, all over REST, as in the app', async () => {
    const list = await command('list.create', { name: 'Spring offers' });
    expect(list.status).toBe(200);
    const listId = (list.json.list as { id: string }).id;

    const imported = await command('contacts.import', {
      listId,
      rows: [
        { line: 2, phone: '(201) 555-0141', name: 'Ann' },
        { line: 3, phone: '201-555-0142', name: 'Bo' },
        { line: 4, phone: '12', name: 'Not a number' },
      ],
    });
    expect(imported.status).toBe(200);
    expect(imported.json).toMatchObject({ created: 2, errors: [{ line: 4 }] });

    const campaign = {
      name: 'Spring',
      listId,
      purpose: 'marketing',
      body: 'Spring cleaning: 20% off this week. Reply STOP to opt out.',
    };
    // Agents cannot send campaigns, over REST as in the app.
    const refused = await command('campaign.send', campaign, { token: agent });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toBe('Only supervisors and admins can send campaigns.');

    const sent = await command('campaign.send', campaign, { key: 'spring-campaign-1' });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('idempotent-replayed')).toBe('false');
    expect(sent.json.campaign).toMatchObject({ name: 'Spring', listId, purpose: 'marketing' });
    // The client's retry: the first answer again, and no second campaign.
    const retried = await command('campaign.send', campaign, { key: 'spring-campaign-1' });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.json).toEqual(sent.json);
    const campaigns = await app.server.storage.db
      .selectFrom('campaigns')
      .select('id')
      .where('name', '=', 'Spring')
      .execute();
    expect(campaigns).toHaveLength(1);
    // Sent in the background to both members, as from the app.
    await app.server.campaigns.idle();
    const recipients = await app.server.storage.db
      .selectFrom('campaign_recipients')
      .select('status')
      .where('campaign_id', '=', (sent.json.campaign as { id: string }).id)
      .execute();
    expect(recipients).toHaveLength(2);
  });

  test('the body is the command’s own fields: checked by its schema, and its type cannot be another', async () => {
    const unknownField = await command('list.create', { name: 'VIP', colour: 'red' });
    expect(unknownField.status).toBe(422);
    expect(unknownField.json.error?.message).toMatch(/colour/u);

    const otherType = await command('list.create', { type: 'list.delete', name: 'VIP' });
    expect(otherType.status).toBe(422);

    const sameType = await command('list.create', { type: 'list.create', name: 'VIP' });
    expect(sameType.status).toBe(200);

    const tooShortKey = await command('list.create', { name: 'VIP 2' }, { key: 'x' });
    expect(tooShortKey.status).toBe(422);

    const noToken = await fetch(`${app.server.url}/api/v1/commands/list.create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'VIP 3' }),
    });
    expect(noToken.status).toBe(401);
  });

  test('a send to someone who opted out is refused with the send gate’s sentence', async () => {
    await fetch(`${app.server.url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: '+12015550150', body: 'STOP' }),
    });
    const send = await command('message.send', { to: '+12015550150', body: 'Still there?' });
    expect(send.status).toBe(409);
    expect(send.json.error?.code).toBe('opted-out');
    expect(send.json.error?.message).toMatch(/opted out/iu);
  });

  test('every command the desktop can send has its route', async () => {
    const types = CommandSchema.options.map((option) => option.shape.type.value);
    for (const type of types) {
      const response = await fetch(`${app.server.url}/api/v1/commands/${type}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      // Not a 404: the route is there, and asks who is calling.
      expect([type, response.status]).toEqual([type, 401]);
    }
  });
});
