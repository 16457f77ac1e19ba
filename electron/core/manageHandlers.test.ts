/**
 * The managing screens' calls on desktops signed in to a real server on
 * loopback: list members a page at a time, cleaning up a list, CSV exports,
 * the opt-out report, the opt-out webhook's settings and delivery log
 * through the REST API, and a list deleted on one desktop leaving another.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import type { AccountView, MemberPage, OptOutReport, WebhookView } from '../../shared/ipc';
import type { Change } from '../../shared/protocol/entities';
import { openContactsFile, peopleOf } from '../../shared/contacts/contactsFile';
import { planImport } from '../../shared/contacts/importPlan';
import { ADMIN, startTestApp, type TestApp } from '../../server/testing/app';
import { cleanupsPerTest } from './testing/cleanups';
import { customerTexts, type CoreHarness } from './testing/coreHarness';

const { later, desktop: signedIn } = cleanupsPerTest();

/** A desktop signed in to the app's server as someone. */
const desktop = (app: TestApp, credentials: { email: string; password: string }) =>
  signedIn(app.server.url, credentials);

async function run<T>(desk: CoreHarness, command: Record<string, unknown>): Promise<T> {
  const outcome = await desk.value<{ state: string; value: T }>('commands.run', { command });
  expect(outcome.state).toBe('done');
  return outcome.value;
}

/** Resolves once the desktop has stored a change `match` accepts. */
const stored = (desk: CoreHarness, match: (change: Change) => boolean) =>
  desk.until('data.changed', (changes) => changes.some(match));

/** A team server, an admin's desktop, and a list with customers who texted in, named. */
async function team(customers: readonly (readonly [phone: string, name: string])[]) {
  // The tests' webhook receiver is this machine, over http.
  const app = await startTestApp('sqlite', { WEBHOOK_ALLOW_LOOPBACK: 'true' });
  later(() => app.close());
  const admin = await desktop(app, ADMIN);
  const { list } = await run<{ list: { id: string } }>(admin, {
    type: 'list.create',
    name: 'Patients',
  });
  const ids = new Map<string, string>();
  for (const [phone, name] of customers) {
    const arrived = stored(admin, (c) => c.type === 'contact.updated' && c.data.phone === phone);
    await customerTexts(app.server.url, phone, 'Hello');
    const change = (await arrived).find(
      (c) => c.type === 'contact.updated' && c.data.phone === phone,
    );
    const contactId = change?.type === 'contact.updated' ? change.data.id : '';
    ids.set(phone, contactId);
    await run(admin, { type: 'contact.update', contactId, name });
    const member = stored(
      admin,
      (c) =>
        c.type === 'contact.updated' && c.data.id === contactId && c.data.lists.includes(list.id),
    );
    await run(admin, { type: 'contact.lists', contactId, listId: list.id, member: true });
    await member;
  }
  return { app, admin, listId: list.id, ids };
}

/** Someone new on the team, added from the admin's desktop, on a desktop of their own. */
async function colleague(
  app: TestApp,
  admin: CoreHarness,
  role: 'agent' | 'supervisor',
): Promise<CoreHarness> {
  const person = { email: `${role}@acme.test`, password: `${role} password 123` };
  await run(admin, { type: 'user.create', role, name: role, ...person });
  return desktop(app, person);
}

describe('lists on the desktop', () => {
  test('members come a page at a time in name order, and agents never see blocked contacts', async () => {
    const { app, admin, listId, ids } = await team([
      ['+12015550101', 'Carla'],
      ['+12015550102', 'ann'],
      ['+12015550103', ''],
      ['+12015550104', 'Bert'],
      ['+12015550105', 'Dee'],
    ]);
    const first = await admin.value<MemberPage>('lists.members', { listId, limit: 2 });
    expect(first.rows.map((row) => row.name)).toEqual(['ann', 'Bert']);
    expect(first).toMatchObject({ total: 5, next: { name: 'Bert' } });
    const second = await admin.value<MemberPage>('lists.members', {
      listId,
      limit: 2,
      after: first.next,
    });
    expect(second.rows.map((row) => row.name)).toEqual(['Carla', 'Dee']);
    const last = await admin.value<MemberPage>('lists.members', {
      listId,
      limit: 2,
      after: second.next,
    });
    expect(last).toMatchObject({ rows: [{ name: '', phone: '+12015550103' }], next: null });
    expect(await admin.call('lists.members', { listId, limit: 501 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });

    const agent = await colleague(app, admin, 'agent');
    const dee = ids.get('+12015550105') ?? '';
    await run(admin, { type: 'contact.block', contactId: dee });
    await stored(agent, (c) => c.type === 'contact.updated' && c.data.id === dee && c.data.blocked);
    const seen = await agent.value<MemberPage>('lists.members', { listId });
    expect(seen.total).toBe(4);
    expect(seen.rows.map((row) => row.name)).toEqual(['ann', 'Bert', 'Carla', '']);
    const all = await admin.value<MemberPage>('lists.members', { listId });
    expect(all.rows.find((row) => row.name === 'Dee')).toMatchObject({
      blocked: true,
      optedIn: false,
      optOut: { source: 'blocked' },
    });
    // The Opt-Out List: Dee is opted out (blocked), which only the admin sees.
    expect((await admin.value<MemberPage>('lists.optedOut', {})).total).toBe(1);
    expect((await agent.value<MemberPage>('lists.optedOut', {})).total).toBe(0);
  });

  test('Remove opted-out says how many it took off; exports are Google CSV and vCard, formulas neutralised, and read back as the same people', async () => {
    const { app, admin, listId } = await team([
      ['+12015550111', '=HYPERLINK("http://evil.example","Click")'],
      ['+12015550112', 'Lee, Ann'],
      ['+12015550113', 'Stopped'],
    ]);
    const stopped = stored(admin, (c) => c.type === 'contact.updated' && !c.data.optedIn);
    await customerTexts(app.server.url, '+12015550113', 'STOP');
    await stopped;

    const exported = await admin.value<{ filename: string; csv: string }>('lists.exportCsv', {
      listId,
    });
    expect(exported.filename).toMatch(/^textdesk-patients-\d{4}-\d{2}-\d{2}\.csv$/u);
    const lines = exported.csv.split('\r\n');
    // Google Contacts' own titles, the consent beside them.
    expect(lines[0]).toBe(
      'First Name,Last Name,Phone 1 - Label,Phone 1 - Value,Labels,Notes,Opted In,Blocked,Opted Out At,Opt-Out Source',
    );
    expect(lines).toContain(
      `"'=HYPERLINK(""http://evil.example"",""Click"")",,Mobile,+12015550111,Patients,Textdesk: opted in.,yes,no,,`,
    );
    expect(lines).toContain(`"Lee,",Ann,Mobile,+12015550112,Patients,Textdesk: opted in.,yes,no,,`);
    expect(lines.find((line) => line.includes('Stopped'))).toMatch(
      /^Stopped,,Mobile,\+12015550113,Patients,Textdesk: opted out on \d{4}-\d{2}-\d{2} \(keyword\); do not text\.,no,no,\d{4}-[^,]+Z,keyword$/u,
    );
    // Read back by Textdesk's own import: the same people, named and numbered as before.
    const file = openContactsFile(new TextEncoder().encode(exported.csv), exported.filename);
    const { people, problems } = peopleOf(file);
    expect(
      planImport(people, problems, 'US').rows.map((row) => [row.name, row.phone, row.optedIn]),
    ).toEqual([
      ['=HYPERLINK("http://evil.example","Click")', '+12015550111', true],
      ['Lee, Ann', '+12015550112', true],
      ['Stopped', '+12015550113', false],
    ]);

    const cards = await admin.value<{ filename: string; vcard: string }>('lists.exportVcard', {
      listId,
    });
    expect(cards.filename).toMatch(/^textdesk-patients-\d{4}-\d{2}-\d{2}\.vcf$/u);
    expect(cards.vcard.match(/BEGIN:VCARD\r\nVERSION:3\.0\r\n/gu)).toHaveLength(3);
    expect(cards.vcard).toContain(
      'FN:Lee\\, Ann\r\nN:Ann;Lee\\,;;;\r\nTEL;TYPE=CELL,VOICE:+12015550112\r\n',
    );
    expect(cards.vcard).toContain('CATEGORIES:Patients\r\n');
    const read = peopleOf(openContactsFile(new TextEncoder().encode(cards.vcard), cards.filename));
    expect(read.people.map((person) => [person.name, person.phones[0]?.value])).toEqual([
      ['=HYPERLINK("http://evil.example","Click")', '+12015550111'],
      ['Lee, Ann', '+12015550112'],
      ['Stopped', '+12015550113'],
    ]);
    const optOuts = await admin.value<{ filename: string; csv: string }>('lists.exportCsv', {
      optOut: true,
    });
    expect(optOuts.filename).toMatch(/^textdesk-opt-out-list-/u);
    expect(optOuts.csv.split('\r\n').filter((line) => line !== '')).toHaveLength(2);

    const cleaned = stored(
      admin,
      (c) => c.type === 'consent.recorded' && c.data.change === 'list-removed',
    );
    expect(await run(admin, { type: 'list.cleanup', listId })).toEqual({ removed: 1 });
    await cleaned;
    const left = await admin.value<MemberPage>('lists.members', { listId });
    expect(left.total).toBe(2);
    expect(left.rows.every((row) => row.optedIn)).toBe(true);
    expect(await admin.call('lists.exportCsv', { listId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  test('an import on one desktop fills the list, its count and the preview’s lookups on another at once', async () => {
    const { app, admin, listId } = await team([['+12015550131', 'Ann']]);
    const agent = await colleague(app, admin, 'agent');
    const dee = stored(
      agent,
      (c) => c.type === 'contact.updated' && c.data.phone === '+12015550133',
    );
    const report = await run<{ created: number; updated: number }>(admin, {
      type: 'contacts.import',
      listId,
      rows: [
        { line: 2, phone: '+12015550131', name: 'Ann' },
        { line: 3, phone: '+12015550132', name: 'Bea' },
        { line: 4, phone: '+12015550133', name: 'Dee' },
      ],
    });
    expect(report).toMatchObject({ created: 2, updated: 1 });
    await dee;
    for (const desk of [admin, agent]) {
      expect((await desk.value<MemberPage>('lists.members', { listId })).total).toBe(3);
      expect(await desk.value<Record<string, number>>('lists.sizes')).toMatchObject({
        [listId]: 3,
      });
    }
    // The preview asks which numbers are known: an agent sees a blocked contact as opted out.
    const blocked = stored(agent, (c) => c.type === 'contact.updated' && c.data.blocked);
    const known = await admin.value('contacts.lookup', {
      phones: ['+12015550132', '+12015550199'],
    });
    expect(known).toEqual([
      { phone: '+12015550132', name: 'Bea', optedIn: true, blocked: false, optOut: null },
    ]);
    const page = await admin.value<MemberPage>('lists.members', { listId });
    const bea = page.rows.find((row) => row.name === 'Bea')?.contactId ?? '';
    await run(admin, { type: 'contact.block', contactId: bea });
    await blocked;
    expect(await admin.value('contacts.lookup', { phones: ['+12015550132'] })).toMatchObject([
      { blocked: true, optedIn: false, optOut: { source: 'blocked' } },
    ]);
    expect(await agent.value('contacts.lookup', { phones: ['+12015550132'] })).toEqual([
      { phone: '+12015550132', name: 'Bea', optedIn: false, blocked: false, optOut: null },
    ]);
    expect(await agent.value<Record<string, number>>('lists.sizes')).toMatchObject({
      [listId]: 2,
    });
    expect(
      await admin.call('contacts.lookup', { phones: Array.from({ length: 20_001 }, () => '+1') }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  test('a list deleted on one desktop is gone from another', async () => {
    const { app, admin, listId } = await team([['+12015550121', 'Ann']]);
    const supervisor = await colleague(app, admin, 'supervisor');
    expect((await supervisor.value<MemberPage>('lists.members', { listId })).total).toBe(1);
    const agent = await colleague(app, admin, 'agent');
    expect(await agent.call('commands.run', { command: { type: 'list.delete', listId } })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only supervisors and admins can delete lists.' },
    });

    const gone = stored(admin, (c) => c.type === 'list.deleted' && c.data.id === listId);
    expect(await run(supervisor, { type: 'list.delete', listId })).toEqual({ listId });
    await gone;
    const account = await admin.value<AccountView>('inbox.account');
    expect(account.lists.map((list) => list.name)).toEqual(['Marketing', 'Marketing Opt-Out']);
    expect(await admin.call('lists.members', { listId })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'That list is not in this account.' },
    });
  });
});

describe('people', () => {
  test('a person promoted while signed in may do what the new role allows at once; removed, they are signed out', async () => {
    const { app, admin, listId } = await team([]);
    const agent = await colleague(app, admin, 'agent');
    expect(
      await agent.call('commands.run', { command: { type: 'list.delete', listId } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-allowed' },
    });
    const [person] = (await admin.value<AccountView>('inbox.account')).users.filter(
      (user) => user.role === 'agent',
    );
    await run(admin, { type: 'user.update', userId: person?.id, role: 'supervisor' });
    const session = await agent.until(
      'session.changed',
      (view) => view.user?.role === 'supervisor',
    );
    expect(session.user).toMatchObject({ name: 'agent', role: 'supervisor' });
    expect(await run(agent, { type: 'list.delete', listId })).toEqual({ listId });

    // Access removed: their desktop is disconnected and signed out.
    await run(admin, { type: 'user.update', userId: person?.id, disabled: true });
    const out = await agent.until('session.changed', (view) => view.user === null);
    expect(out.mode).toBe('none');
    expect(
      await admin.call('commands.run', {
        command: { type: 'user.update', userId: person?.id, disabled: false },
      }),
    ).toMatchObject({ ok: true });
  });
});

describe('the opt-out report', () => {
  test('today’s opt-outs are counted by source and listed, and export as CSV', async () => {
    const { app, admin, ids } = await team([
      ['+12015550131', 'Ann'],
      ['+12015550132', 'Bo'],
    ]);
    for (const phone of ['+12015550131', '+12015550132']) {
      const stopped = stored(
        admin,
        (c) => c.type === 'contact.updated' && c.data.phone === phone && !c.data.optedIn,
      );
      if (phone.endsWith('1')) await customerTexts(app.server.url, phone, 'STOP');
      else
        await run(admin, {
          type: 'contact.optOut',
          contactId: ids.get(phone),
          note: 'asked by phone',
        });
      await stopped;
    }
    const report = await admin.value<OptOutReport>('reports.optOuts', { days: 7 });
    expect(report.days).toHaveLength(7);
    expect(report.days.at(-1)?.bySource).toEqual({
      keyword: 1,
      link: 0,
      carrier: 0,
      manual: 1,
      blocked: 0,
      import: 0,
    });
    expect(report.rows).toMatchObject([
      { name: 'Bo', source: 'manual', text: 'asked by phone', by: 'Admin' },
      { name: 'Ann', source: 'keyword', word: 'STOP', by: null },
    ]);
    const csv = await admin.value<{ filename: string; csv: string }>('reports.exportOptOutsCsv', {
      days: 7,
    });
    expect(csv.filename).toMatch(/^textdesk-opt-outs-7-days-\d{4}-\d{2}-\d{2}\.csv$/u);
    const lines = csv.csv.split('\r\n');
    expect(lines[0]).toBe('opted_out_at,phone,name,source,word,text,by');
    expect(lines[1]).toMatch(/^[^,]+Z,'\+12015550132,Bo,manual,,asked by phone,Admin$/u);
    expect(await admin.call('reports.optOuts', { days: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });
});

/** The account's own system, receiving opt-outs. */
async function receiver(): Promise<{ url: string; server: Server; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString());
      response.statusCode = 204;
      response.end();
      server.emit('received');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  later(
    () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}/optouts`, server, bodies };
}

describe('the opt-out webhook', () => {
  test('admins set it, see the secret once and its hint after; deliveries come from the server', async () => {
    const { app, admin } = await team([]);
    const crm = await receiver();
    const set = await admin.value<WebhookView & { secret: string | null }>('admin.setWebhook', {
      url: crm.url,
    });
    expect(set.url).toBe(crm.url);
    expect(set.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/u);
    const secret = set.secret ?? '';
    expect(set.secretHint).toBe(`…${secret.slice(-4)}`);

    const arrived = once(crm.server, 'received');
    await customerTexts(app.server.url, '+12015550141', 'STOP');
    await arrived;
    await app.server.webhooks.idle();
    const read = await admin.value<WebhookView>('admin.webhook');
    expect(read).toEqual({
      url: crm.url,
      secretHint: `…${secret.slice(-4)}`,
      deliveries: [
        {
          at: expect.stringMatching(/Z$/u) as unknown,
          status: 'delivered',
          attempts: 1,
          httpStatus: 204,
          number: '+12015550141',
          source: 'keyword',
          error: null,
        },
      ],
    });
    expect(JSON.stringify(read)).not.toContain(secret);

    // A new address keeps the secret; rotating makes a new one, shown once.
    const moved = await admin.value<WebhookView & { secret: string | null }>('admin.setWebhook', {
      url: `${crm.url}?v=2`,
    });
    expect(moved).toMatchObject({
      url: `${crm.url}?v=2`,
      secret: null,
      secretHint: set.secretHint,
    });
    const rotated = await admin.value<WebhookView & { secret: string | null }>('admin.setWebhook', {
      url: `${crm.url}?v=2`,
      rotateSecret: true,
    });
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.secretHint).toBe(`…${(rotated.secret ?? '').slice(-4)}`);
    const off = await admin.value<WebhookView & { secret: string | null }>('admin.setWebhook', {
      url: null,
    });
    expect(off).toMatchObject({ url: null, secretHint: null, secret: null });

    const supervisor = await colleague(app, admin, 'supervisor');
    expect((await supervisor.value<WebhookView>('admin.webhook')).deliveries).toHaveLength(1);
    expect(await supervisor.call('admin.setWebhook', { url: crm.url })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can set the opt-out webhook.' },
    });
    const agent = await colleague(app, admin, 'agent');
    expect(await agent.call('admin.webhook')).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message: 'Only supervisors and admins can see the opt-out webhook.',
      },
    });
    expect(await admin.call('admin.setWebhook', { url: 'ftp://crm.example' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });
});
