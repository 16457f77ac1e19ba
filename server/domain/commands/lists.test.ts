import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Command, CommandValue } from '../../../shared/protocol/commands';
import type { SessionUser } from '../../auth/sessions';
import { serverPerTest, textFrom } from '../../testing/context';
import { DIALECTS } from '../../testing/storage';
import { runCommand } from './index';

const { start, current } = serverPerTest();

const inbound = async (from: string, body: string) =>
  (await textFrom(current(), from, body)).contactId;

const run = async <C extends Command>(user: SessionUser, command: C) =>
  (await runCommand(current().context, user, randomUUID(), command, 'desktop')).result;

async function ok<C extends Command>(
  user: SessionUser,
  command: C,
): Promise<CommandValue<C['type']>> {
  const result = await run(user, command);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** What the log gained since `mark` (a count of published changes). */
const since = (mark: number) => current().published.slice(mark);

const listId = async (name: string) =>
  (
    await current()
      .storage.db.selectFrom('lists')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).id;

const members = async (list: string) =>
  (
    await current()
      .storage.db.selectFrom('list_members')
      .select('contact_id')
      .where('list_id', '=', list)
      .orderBy('contact_id')
      .execute()
  ).map((row) => row.contact_id);

describe.each(DIALECTS)('list commands on %s', (dialect) => {
  test('anyone renames a list; a name another list has, in any case, is refused', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { list } = await ok(agent, { type: 'list.create', name: 'Walk-ins' });
    const mark = server.published.length;
    const renamed = await ok(agent, {
      type: 'list.rename',
      listId: list.id,
      name: 'Walk-in patients',
    });
    expect(renamed.list).toEqual({ id: list.id, name: 'Walk-in patients', kind: 'other' });
    expect(since(mark).map((change) => [change.type, change.data])).toEqual([
      ['list.updated', renamed.list],
    ]);
    expect(await run(agent, { type: 'list.rename', listId: list.id, name: 'MARKETING' })).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'There is already a list called “Marketing”.' },
    });
    // Its own name in another case is no clash.
    expect(
      (await ok(agent, { type: 'list.rename', listId: list.id, name: 'walk-in patients' })).list
        .name,
    ).toBe('walk-in patients');
    expect(await run(agent, { type: 'list.rename', listId: 'nope', name: 'X' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'There is no such list in this account.' },
    });
  });

  test('deleting: supervisors only; Marketing Opt-Out and lists a trigger uses are refused in words', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const marketing = await listId('Marketing');
    expect(await run(agent, { type: 'list.delete', listId: marketing })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only supervisors and admins can delete lists.' },
    });
    expect(
      await run(supervisor, { type: 'list.delete', listId: await listId('Marketing Opt-Out') }),
    ).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message:
          '“Marketing Opt-Out” cannot be deleted: it keeps people who texted OPTOUT out of marketing.',
      },
    });
    // The default optout trigger takes people off Marketing.
    expect(await run(supervisor, { type: 'list.delete', listId: marketing })).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: 'The trigger “Marketing opt-out” takes people off this list; change it first.',
      },
    });
    const { list } = await ok(supervisor, { type: 'list.create', name: 'VIP' });
    const { triggers } = await ok(supervisor, { type: 'triggers.update', triggers: [] });
    expect(triggers.triggers).toEqual([]);
    await ok(supervisor, {
      type: 'triggers.update',
      triggers: [
        { name: 'vip', keywords: ['VIP'], reply: null, addToLists: [list.id], removeFromLists: [] },
      ],
    });
    expect(await run(supervisor, { type: 'list.delete', listId: list.id })).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'The trigger “vip” adds to this list; change it first.' },
    });
    expect(await members(list.id)).toEqual([]);
  });

  test('a deleted list leaves every member, who is logged again without it, then list.deleted', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const { list } = await ok(agent, { type: 'list.create', name: 'Walk-ins' });
    const marketing = await listId('Marketing');
    const ann = await inbound('+12015550101', 'hi');
    const bob = await inbound('+12015550102', 'hello');
    for (const contactId of [ann, bob]) {
      await ok(agent, { type: 'contact.lists', contactId, listId: list.id, member: true });
    }
    await ok(agent, { type: 'contact.lists', contactId: ann, listId: marketing, member: true });
    const mark = server.published.length;
    expect(await ok(supervisor, { type: 'list.delete', listId: list.id })).toEqual({
      listId: list.id,
    });
    const logged = since(mark);
    expect(logged.map((change) => change.type)).toEqual([
      'contact.updated',
      'contact.updated',
      'list.deleted',
    ]);
    const snapshots = new Map(
      logged.flatMap((change) =>
        change.type === 'contact.updated' ? [[change.data.id, change.data.lists]] : [],
      ),
    );
    expect(snapshots).toEqual(
      new Map([
        [ann, [marketing]],
        [bob, []],
      ]),
    );
    expect(logged.at(-1)?.data).toEqual({ id: list.id });
    expect(await members(list.id)).toEqual([]);
    expect(await members(marketing)).toEqual([ann]);
    const gone = await server.storage.db
      .selectFrom('lists')
      .select('id')
      .where('id', '=', list.id)
      .execute();
    expect(gone).toEqual([]);
  });

  test('Remove opted-out takes opted-out and blocked members off, each in their history, and counts them', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent', 'Dana');
    const supervisor = await server.user('supervisor');
    const { list } = await ok(agent, { type: 'list.create', name: 'Newsletter' });
    const staying = await inbound('+12015550111', 'hi');
    const stopped = await inbound('+12015550112', 'hi');
    const blocked = await inbound('+12015550113', 'hi');
    for (const contactId of [staying, stopped, blocked]) {
      await ok(agent, { type: 'contact.lists', contactId, listId: list.id, member: true });
    }
    await inbound('+12015550112', 'STOP');
    await ok(supervisor, { type: 'contact.block', contactId: blocked });
    const mark = server.published.length;

    expect(await ok(agent, { type: 'list.cleanup', listId: list.id })).toEqual({ removed: 2 });
    expect(await members(list.id)).toEqual([staying]);
    const entries = since(mark).flatMap((change) =>
      change.type === 'consent.recorded' ? [change.data] : [],
    );
    expect(
      entries.map((entry) => [entry.contactId, entry.change, entry.source, entry.listId]).sort(),
    ).toEqual(
      [
        [stopped, 'list-removed', 'manual', list.id],
        [blocked, 'list-removed', 'manual', list.id],
      ].sort(),
    );
    expect(entries[0]?.actor).toMatchObject({ kind: 'user', name: 'Dana' });
    const stored = await server.storage.db
      .selectFrom('consent_history')
      .select(['contact_id', 'change'])
      .where('list_id', '=', list.id)
      .where('change', '=', 'list-removed')
      .execute();
    expect(stored).toHaveLength(2);
    // Nobody left to remove: nothing is logged.
    const again = server.published.length;
    expect(await ok(agent, { type: 'list.cleanup', listId: list.id })).toEqual({ removed: 0 });
    expect(since(again)).toEqual([]);
  });

  test('an import reads numbers without a country code in the country chosen for it', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const report = await ok(agent, {
      type: 'contacts.import',
      defaultCountry: 'GB',
      rows: [
        { line: 2, phone: '020 7946 0018', name: 'Priya' },
        { line: 3, phone: '+1 201 555 0177' },
      ],
    });
    expect(report).toMatchObject({ created: 2, errors: [] });
    const phones = await server.storage.db
      .selectFrom('contacts')
      .select('phone')
      .orderBy('phone')
      .execute();
    expect(phones.map((row) => row.phone)).toEqual(['+12015550177', '+442079460018']);
  });
});
