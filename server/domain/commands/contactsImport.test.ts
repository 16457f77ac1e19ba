import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  MAX_IMPORT_ROWS,
  type Command,
  type CommandOf,
  type CommandValue,
  type ImportRow,
} from '../../../shared/protocol/commands';
import type { Change } from '../../../shared/protocol/entities';
import type { SessionUser } from '../../auth/sessions';
import { serverPerTest, textFrom } from '../../testing/context';
import { DIALECTS } from '../../testing/storage';
import { runCommand } from './index';

const { start, current } = serverPerTest();

const inbound = async (from: string, body: string) =>
  (await textFrom(current(), from, body)).contactId;

async function ok<C extends Command>(
  user: SessionUser,
  command: C,
): Promise<CommandValue<C['type']>> {
  const { result } = await runCommand(current().context, user, randomUUID(), command, 'desktop');
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const importRows = (
  user: SessionUser,
  rows: ImportRow[],
  options: Omit<CommandOf<'contacts.import'>, 'type' | 'rows'> = {},
) => ok(user, { type: 'contacts.import', rows, ...options });

/** What the log gained while `act` ran. */
async function logged(act: () => Promise<unknown>): Promise<Change[]> {
  const mark = current().published.length;
  await act();
  return current().published.slice(mark);
}

const contactUpdates = (changes: readonly Change[]) =>
  changes.flatMap((change) => (change.type === 'contact.updated' ? [change.data] : []));

const listId = async (name: string) =>
  (
    await current()
      .storage.db.selectFrom('lists')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).id;

const byPhone = (phone: string) =>
  current()
    .storage.db.selectFrom('contacts')
    .selectAll()
    .where('phone', '=', phone)
    .executeTakeFirstOrThrow();

const listsOf = async (contactId: string) =>
  (
    await current()
      .storage.db.selectFrom('list_members')
      .select('list_id')
      .where('contact_id', '=', contactId)
      .orderBy('list_id')
      .execute()
  ).map((row) => row.list_id);

/** A US number per n: (201) 5ab-cdef, all distinct and valid. */
const numberOf = (n: number) =>
  `+1201${String(500 + Math.floor(n / 10_000))}${String(n % 10_000).padStart(4, '0')}`;

describe.each(DIALECTS)('contacts.import on %s', (dialect) => {
  test('5000 rows into a list, then the same 5000 onto another: all imported, then all updated', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const marketing = await listId('Marketing');
    const { list: vip } = await ok(agent, { type: 'list.create', name: 'VIP' });
    const rows = Array.from({ length: MAX_IMPORT_ROWS }, (_, n) => ({
      line: n + 2,
      phone: numberOf(n),
      name: `Person ${String(n)}`,
    }));

    const first = await logged(async () => {
      expect(await importRows(agent, rows, { listId: marketing })).toEqual({
        created: MAX_IMPORT_ROWS,
        updated: 0,
        keptOptedOut: [],
        optedOut: 0,
        namesKept: 0,
        errors: [],
      });
    });
    expect(contactUpdates(first)).toHaveLength(MAX_IMPORT_ROWS);
    const onMarketing = await server.storage.db
      .selectFrom('list_members')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('list_id', '=', marketing)
      .executeTakeFirstOrThrow();
    expect(Number(onMarketing.count)).toBe(MAX_IMPORT_ROWS);

    const second = await logged(async () => {
      expect(await importRows(agent, rows, { listId: vip.id })).toMatchObject({
        created: 0,
        updated: MAX_IMPORT_ROWS,
        errors: [],
      });
    });
    const snapshots = contactUpdates(second);
    expect(snapshots).toHaveLength(MAX_IMPORT_ROWS);
    expect(snapshots.every((contact) => contact.lists.length === 2)).toBe(true);
    const last = await byPhone(numberOf(MAX_IMPORT_ROWS - 1));
    expect(await listsOf(last.id)).toEqual([marketing, vip.id].sort());
    expect(last.name).toBe(`Person ${String(MAX_IMPORT_ROWS - 1)}`);

    // The same file once more changes nothing, so nothing reaches the desktops.
    expect(await logged(() => importRows(agent, rows, { listId: vip.id }))).toEqual([]);
  });

  test('names: a known name is kept (counted), a missing one filled, and overwriteNames lets the file win', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    await importRows(agent, [
      { line: 2, phone: '201-555-0140', name: 'Ann' },
      { line: 3, phone: '201-555-0141' },
      { line: 4, phone: '201-555-0142', name: 'Cy' },
    ]);

    const kept = await importRows(agent, [
      { line: 2, phone: '201-555-0140', name: 'Annie' },
      { line: 3, phone: '201-555-0141', name: '  Bo  ' },
      { line: 4, phone: '201-555-0142', name: '' },
      { line: 5, phone: '201-555-0143', name: 'Di' },
    ]);
    expect(kept).toMatchObject({ created: 1, updated: 3, namesKept: 1 });
    expect((await byPhone('+12015550140')).name).toBe('Ann');
    expect((await byPhone('+12015550141')).name).toBe('Bo');
    expect((await byPhone('+12015550142')).name).toBe('Cy');
    expect((await byPhone('+12015550143')).name).toBe('Di');

    const changes = await logged(async () => {
      const report = await importRows(
        agent,
        [
          { line: 2, phone: '201-555-0140', name: 'Annie' },
          { line: 3, phone: '201-555-0141', name: 'Bo' },
          { line: 4, phone: '201-555-0142', name: '   ' },
          { line: 5, phone: '201-555-0143' },
        ],
        { overwriteNames: true },
      );
      expect(report).toMatchObject({ updated: 4, namesKept: 0 });
    });
    expect((await byPhone('+12015550140')).name).toBe('Annie');
    // An empty name in the file never blanks one, even when overwriting.
    expect((await byPhone('+12015550142')).name).toBe('Cy');
    expect((await byPhone('+12015550143')).name).toBe('Di');
    expect(contactUpdates(changes).map((contact) => [contact.phone, contact.name])).toEqual([
      ['+12015550140', 'Annie'],
    ]);
  });

  test('the same number twice is one contact, created once, on the lists of both rows', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const marketing = await listId('Marketing');
    const { list: vip } = await ok(agent, { type: 'list.create', name: 'VIP' });
    const changes = await logged(async () => {
      const report = await importRows(agent, [
        { line: 2, phone: '(201) 555-0140', lists: ['marketing'] },
        { line: 3, phone: '+1 201 555 0140', name: 'Ann', lists: ['vip'] },
      ]);
      expect(report).toMatchObject({ created: 1, updated: 1, namesKept: 0, errors: [] });
    });
    const rows = await server.storage.db
      .selectFrom('contacts')
      .selectAll()
      .where('phone', '=', '+12015550140')
      .execute();
    expect(rows).toHaveLength(1);
    const [ann] = rows as [(typeof rows)[number]];
    expect(ann.name).toBe('Ann');
    expect(await listsOf(ann.id)).toEqual([marketing, vip.id].sort());
    expect(contactUpdates(changes)).toEqual([
      expect.objectContaining({ id: ann.id, name: 'Ann', lists: [marketing, vip.id].sort() }),
    ]);
    expect(
      changes.flatMap((change) => (change.type === 'consent.recorded' ? [change.data.change] : [])),
    ).toEqual(['created', 'list-added', 'list-added']);
  });

  test('a contact the import brings in starts its history with the import and who ran it; a known one gets no such entry (R12)', async () => {
    const server = await start(dialect);
    const dana = await server.user('agent', 'Dana');
    await inbound('+12015550150', 'hello');
    const report = await importRows(
      dana,
      [
        { line: 2, phone: '201-555-0150' },
        { line: 3, phone: '201-555-0151', name: 'Bea' },
        { line: 4, phone: '201-555-0152' },
      ],
      { optOutList: true },
    );
    // Being created is not an opt-out: the three opt-outs are the import's own.
    expect(report).toMatchObject({ created: 2, updated: 1, optedOut: 3 });
    const historyOf = async (phone: string) =>
      server.storage.db
        .selectFrom('consent_history')
        .select(['change', 'source', 'actor'])
        .where('contact_id', '=', (await byPhone(phone)).id)
        .orderBy('id')
        .execute();
    const byDana = JSON.stringify({ kind: 'user', id: dana.id, name: 'Dana', role: 'agent' });
    for (const phone of ['+12015550151', '+12015550152']) {
      expect(await historyOf(phone)).toEqual([
        { change: 'created', source: 'import', actor: byDana },
        { change: 'opted-out', source: 'import', actor: byDana },
      ]);
    }
    expect((await historyOf('+12015550150')).map((entry) => entry.change)).toEqual([
      'created',
      'opted-out',
    ]);
    expect((await historyOf('+12015550150'))[0]).toMatchObject({ source: 'inbound' });
    // The same file again creates nobody: no second created entry.
    await importRows(dana, [{ line: 2, phone: '201-555-0151' }], { optOutList: true });
    expect(
      (await historyOf('+12015550151')).filter((entry) => entry.change === 'created'),
    ).toHaveLength(1);
  });

  test('a text from a number being imported at that moment: one contact, with the name and the text', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const phones = Array.from({ length: 50 }, (_, n) => numberOf(n));
    const [report] = await Promise.all([
      importRows(
        agent,
        phones.map((phone, n) => ({ line: n + 2, phone, name: `Person ${String(n)}` })),
      ),
      ...phones.slice(0, 10).map((phone) => inbound(phone, 'hello')),
    ]);
    expect(report.created + report.updated).toBe(50);
    const contacts = await server.storage.db
      .selectFrom('contacts')
      .select(['phone', 'name'])
      .where('phone', 'in', phones)
      .execute();
    expect(contacts).toHaveLength(50);
    expect(contacts.every((contact) => contact.name.startsWith('Person '))).toBe(true);
  });

  test('a contact who texted STOP, or was blocked, stays out whatever the file says, and its line is reported', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const stopped = await inbound('+12015550150', 'STOP');
    const blocked = await inbound('+12015550151', 'you again');
    await ok(supervisor, { type: 'contact.block', contactId: blocked });

    const report = await importRows(agent, [
      { line: 2, phone: '201-555-0150', optedIn: true, lists: ['Marketing'] },
      { line: 3, phone: '201-555-0151', optedIn: true },
      { line: 4, phone: '201-555-0152', optedIn: true },
      { line: 5, phone: '201-555-0150' },
    ]);
    expect(report).toMatchObject({ created: 1, updated: 3, keptOptedOut: [2, 3, 5], optedOut: 0 });
    expect(await byPhone('+12015550150')).toMatchObject({ opted_in: 0, blocked: 0 });
    expect(await byPhone('+12015550151')).toMatchObject({ opted_in: 0, blocked: 1 });
    expect(await byPhone('+12015550152')).toMatchObject({ opted_in: 1 });
    // The list still counts, and the history says only that.
    const history = await server.storage.db
      .selectFrom('consent_history')
      .select(['change', 'source'])
      .where('contact_id', '=', stopped)
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { change: 'created', source: 'inbound' },
      { change: 'opted-out', source: 'keyword' },
      { change: 'list-added', source: 'import' },
    ]);
  });

  test('into the Opt-Out List: those it opts out are counted, those already out are reported by line', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    await inbound('+12015550150', 'STOP');
    await inbound('+12015550160', 'hello');
    const report = await importRows(
      agent,
      [
        { line: 2, phone: '201-555-0150' },
        { line: 3, phone: '201-555-0160', optedIn: true },
        { line: 4, phone: '201-555-0170' },
        { line: 5, phone: '201-555-0160' },
      ],
      { optOutList: true },
    );
    expect(report).toEqual({
      created: 1,
      updated: 3,
      keptOptedOut: [2],
      optedOut: 2,
      namesKept: 0,
      errors: [],
    });
    for (const phone of ['+12015550150', '+12015550160', '+12015550170']) {
      expect((await byPhone(phone)).opted_in).toBe(0);
    }
    const optOuts = await server.storage.db
      .selectFrom('consent_history')
      .select('contact_id')
      .where('change', '=', 'opted-out')
      .where('source', '=', 'import')
      .execute();
    expect(optOuts).toHaveLength(2);
  });

  test('"no" in the opted-in column opts a known contact out and counts it', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    await inbound('+12015550160', 'hello');
    const report = await importRows(agent, [
      { line: 2, phone: '201-555-0160', optedIn: false },
      { line: 3, phone: '201-555-0161', optedIn: false },
      { line: 4, phone: '201-555-0162', optedIn: true },
    ]);
    expect(report).toMatchObject({ created: 2, updated: 1, optedOut: 2, keptOptedOut: [] });
    expect((await byPhone('+12015550160')).opted_in).toBe(0);
    expect((await byPhone('+12015550161')).opted_in).toBe(0);
    expect((await byPhone('+12015550162')).opted_in).toBe(1);
  });

  test('bad rows are reported by line, in order, and the rest imported', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const report = await importRows(
      agent,
      [
        { line: 2, phone: '+1 (201) 555-0140', name: 'Ann' },
        { line: 3, phone: '12345' },
        { line: 4, phone: '7911 123456', name: 'Bea' },
        { line: 5, phone: '+1 201 555 0160', lists: ['Marketing', ' No such list '] },
        { line: 6, phone: 'call me' },
      ],
      { defaultCountry: 'GB' },
    );
    expect(report.created).toBe(2);
    expect(report.errors.map((error) => error.line)).toEqual([3, 5, 6]);
    expect(report.errors[0]?.message).toMatch(/^“12345”: /u);
    expect(report.errors[1]?.message).toBe('There is no list called “No such list”.');
    expect((await byPhone('+447911123456')).name).toBe('Bea');
    expect((await byPhone('+12015550140')).name).toBe('Ann');
  });

  test('the log: one contact.updated per contact created or changed, none for a row that changed nothing', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const marketing = await listId('Marketing');
    await importRows(agent, [
      { line: 2, phone: '201-555-0140', name: 'Ann', lists: ['Marketing'] },
      { line: 3, phone: '201-555-0141', name: 'Bo' },
    ]);
    const changes = await logged(() =>
      importRows(agent, [
        // Already so: nothing to say.
        { line: 2, phone: '201-555-0140', name: 'Ann', lists: ['Marketing'], optedIn: true },
        { line: 3, phone: '201-555-0141', lists: ['Marketing'] },
        { line: 4, phone: '201-555-0142' },
        { line: 5, phone: '201-555-0141', name: 'Someone else' },
      ]),
    );
    const bo = await byPhone('+12015550141');
    const dee = await byPhone('+12015550142');
    expect(contactUpdates(changes)).toEqual([
      expect.objectContaining({ id: bo.id, name: 'Bo', lists: [marketing] }),
      expect.objectContaining({ phone: '+12015550142', lists: [] }),
    ]);
    expect(
      changes.flatMap((change) => (change.type === 'consent.recorded' ? [change.data] : [])),
    ).toEqual([
      expect.objectContaining({ contactId: bo.id, change: 'list-added' }),
      expect.objectContaining({ contactId: dee.id, change: 'created', source: 'import' }),
    ]);
  });
});
