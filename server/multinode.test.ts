/**
 * Several servers on one PostgreSQL database: two real server processes,
 * a desktop on each. A text that reaches one server is pushed live to the
 * desktop on the other, and a command replayed against the other server
 * (a desktop reconnecting through the load balancer elsewhere) is done once.
 */
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, test } from 'vitest';
import type { Change } from '../shared/protocol/entities';
import type { ClientToServer, Presence, ServerToClient } from '../shared/protocol/sync';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootstrap } from './accounts/accounts';
import { createSession } from './auth/sessions';
import { PhoneSimulator } from './carriers/simulator';
import { openStorage } from './db/connect';
import { migrate } from './db/migrate';
import type { ServerContext } from './domain/context';
import { attachSync } from './sync/socket';
import { startServerProcess, stopAllProcesses, type ServerProcess } from './testing/process';
import { freshDatabase, freshStorage, type FreshDatabase } from './testing/storage';

const ADMIN = { email: 'owner@acme.test', password: 'correct horse battery' };
const BOOTSTRAP = {
  businessName: 'Acme Dental',
  businessNumber: '+12015550100',
  defaultCountry: 'US',
} as const;
type Client = Socket<ServerToClient, ClientToServer>;

describe('two servers on one PostgreSQL database', () => {
  let database: FreshDatabase | undefined;
  const clients: Client[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    // Servers first: the database can only be dropped once nothing has it open.
    await stopAllProcesses();
    await database?.drop();
    database = undefined;
  });

  async function startTwo(): Promise<[ServerProcess, ServerProcess]> {
    database = await freshDatabase('postgres');
    const a = await startServerProcess({
      DATABASE_URL: database.url,
      TEXTDESK_ADMIN_EMAIL: ADMIN.email,
      TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
    });
    // Started once the first has migrated and created the admin.
    const b = await startServerProcess({ DATABASE_URL: database.url });
    return [a, b];
  }

  async function post(server: ServerProcess, path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (response.status !== 200) {
      throw new Error(`${path}: ${response.status.toString()} ${JSON.stringify(answer)}`);
    }
    return answer;
  }

  async function desktop(server: ServerProcess, token: string): Promise<Client> {
    const socket: Client = connect(server.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** Resolves with the first `changes` packet that holds a change `wanted` accepts. */
  function changeSeen(socket: Client, wanted: (change: Change) => boolean): Promise<Change> {
    return new Promise((resolve) => {
      const listener = (changes: readonly Change[]): void => {
        const found = changes.find(wanted);
        if (found === undefined) return;
        socket.off('changes', listener);
        resolve(found);
      };
      socket.on('changes', listener);
    });
  }

  test('a text received by one server reaches a desktop on the other; a replayed command runs once', async () => {
    const [a, b] = await startTwo();
    const { token } = (await post(a, '/api/v1/login', ADMIN)) as { token: string };

    // Signed in on A, connected to B: sessions live in the shared database.
    const onB = await desktop(b, token);
    const body = `Are you open Saturday? ${randomUUID()}`;
    const arrived = changeSeen(
      onB,
      (change) => change.type === 'message.created' && change.data.body === body,
    );
    await post(a, '/simulator/inbound', { from: '+12015550123', body });
    expect((await arrived).data).toMatchObject({ body, direction: 'inbound' });

    // The same command, same key, sent to both servers at once and then again.
    const onA = await desktop(a, token);
    const isVip = (change: Change): boolean =>
      change.type === 'list.updated' && change.data.name === 'VIP';
    const seenOnA = changeSeen(onA, isVip);
    const seenOnB = changeSeen(onB, isVip);
    const request = { key: randomUUID(), command: { type: 'list.create', name: 'VIP' } } as const;
    const [ackA, ackB] = await Promise.all([
      onA.emitWithAck('command', request),
      onB.emitWithAck('command', request),
    ]);
    expect(ackA).toMatchObject({ ok: true, value: { list: { name: 'VIP' } } });
    expect(ackB).toEqual(ackA);
    expect(await onB.emitWithAck('command', request)).toEqual(ackA);
    expect(await onA.emitWithAck('command', request)).toEqual(ackA);
    // Whichever server ran it, both desktops hear of the list.
    const [changeOnA, changeOnB] = await Promise.all([seenOnA, seenOnB]);
    expect(changeOnB).toEqual(changeOnA);

    const storage = openStorage(database?.url ?? '');
    try {
      const lists = await storage.db
        .selectFrom('lists')
        .select(['id', 'name'])
        .where('name', '=', 'VIP')
        .execute();
      expect(lists).toHaveLength(1);
      expect(ackA.ok && ackA.value).toMatchObject({ list: { id: lists[0]?.id } });
      const announced = await storage.db
        .selectFrom('change_log')
        .select('seq')
        .where('type', '=', 'list.updated')
        .where('entity_id', '=', lists[0]?.id ?? '')
        .execute();
      expect(announced).toHaveLength(1);
    } finally {
      await storage.close();
    }
    // Both stop cleanly, the adapter's connections with them, and neither
    // complained: the fan-out found the storage's own database.
    for (const server of [a, b]) {
      expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(server.output()).not.toMatch(/error/iu);
    }
  });

  test('a packet too large for a NOTIFY reaches the other server through the attachments table', async () => {
    const [a, b] = await startTwo();
    const { token } = (await post(a, '/api/v1/login', ADMIN)) as { token: string };
    const onB = await desktop(b, token);
    const onA = await desktop(a, token);
    // Sixty contacts with long names: one packet of changes well over 8000 bytes.
    const rows = Array.from({ length: 60 }, (_, index) => ({
      line: index + 2,
      phone: `+1201555${(3000 + index).toString()}`,
      name: `Customer ${index.toString()} ${'x'.repeat(150)}`,
    }));
    const arrived = new Promise<readonly Change[]>((resolve) => {
      onB.on('changes', (changes) => {
        if (changes.some((change) => change.type === 'contact.updated')) resolve(changes);
      });
    });
    const result = await onA.emitWithAck('command', {
      key: randomUUID(),
      command: { type: 'contacts.import', rows },
    });
    expect(result.ok).toBe(true);
    const changes = await arrived;
    expect(JSON.stringify(changes).length).toBeGreaterThan(8000);
    const names = changes.flatMap((change) =>
      change.type === 'contact.updated' ? [change.data.name] : [],
    );
    expect(names.sort()).toEqual(rows.map((row) => row.name).sort());

    const storage = openStorage(database?.url ?? '');
    try {
      const attachments = await sql<{ count: number }>`
        select count(*)::int as count from socket_io_attachments`.execute(storage.db);
      expect(attachments.rows[0]?.count).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
    for (const server of [a, b]) expect(server.output()).not.toMatch(/error/iu);
  });

  test('attachSync given the database URL fans out between two servers in one process', async () => {
    const storage = await freshStorage('postgres');
    const servers: { http: Server; close: () => Promise<void> }[] = [];
    const errors: unknown[] = [];
    try {
      await migrate(storage);
      await bootstrap(
        storage.db,
        { ...BOOTSTRAP, adminEmail: ADMIN.email, adminPassword: ADMIN.password },
        new Date(),
      );
      const user = await storage.db
        .selectFrom('users')
        .select(['id', 'account_id'])
        .executeTakeFirstOrThrow();
      const token = await createSession(storage.db, user.id, new Date());
      const context: ServerContext = {
        db: storage.db,
        carrier: new PhoneSimulator(),
        defaultCountry: 'US',
        now: () => new Date(),
        publish: () => undefined,
      };
      const urls: string[] = [];
      const syncs = [];
      for (let index = 0; index < 2; index += 1) {
        const http = createServer();
        const sync = attachSync(http, context, (error) => errors.push(error), {
          databaseUrl: storage.url,
        });
        servers.push({ http, close: sync.close });
        syncs.push(sync);
        await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
        urls.push(`http://127.0.0.1:${(http.address() as AddressInfo).port.toString()}`);
      }
      const onSecond: Client = connect(urls[1] ?? '', {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
      });
      clients.push(onSecond);
      await new Promise<void>((resolve, reject) => {
        onSecond.once('connect', resolve);
        onSecond.once('connect_error', reject);
      });
      const change: Change = {
        seq: 1,
        at: new Date().toISOString(),
        type: 'list.updated',
        data: { id: 'l1', name: 'From the first server', kind: 'other' },
      };
      const arrived = new Promise<readonly Change[]>((resolve) =>
        onSecond.once('changes', resolve),
      );
      // The first server has no desktop of the account; the second has.
      syncs[0]?.publish(user.account_id, [change]);
      expect(await arrived).toEqual([change]);
    } finally {
      for (const client of clients.splice(0)) client.disconnect();
      for (const server of servers) await server.close();
      await storage.close();
    }
    expect(errors).toEqual([]);
  });

  test('presence crosses servers: a desktop on one hears, and is told on connecting, what a desktop on the other shows', async () => {
    const [a, b] = await startTwo();
    const { token } = (await post(a, '/api/v1/login', ADMIN)) as { token: string };
    const onA = await desktop(a, token);
    onA.emit('presence', { conversationId: 'conversation-1', typing: false });
    // Answered in order: the presence before it has been handled.
    await onA.emitWithAck('sync.pull', { since: 0, limit: 1 });

    const heard: Presence[] = [];
    const until = (wanted: (presence: Presence) => boolean) =>
      new Promise<Presence>((resolve) => {
        const found = heard.find(wanted);
        if (found !== undefined) {
          resolve(found);
          return;
        }
        const listener = (presence: Presence): void => {
          if (!wanted(presence)) return;
          onB.off('presence', listener);
          resolve(presence);
        };
        onB.on('presence', listener);
      });
    const onB: Client = connect(b.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(onB);
    onB.on('presence', (presence) => heard.push(presence));
    await new Promise<void>((resolve, reject) => {
      onB.once('connect', resolve);
      onB.once('connect_error', reject);
    });

    // Told by server A, which holds that connection, when B's desktop arrived.
    const told = await until((presence) => presence.conversationId === 'conversation-1');
    onA.emit('presence', { conversationId: 'conversation-1', typing: true });
    await until((presence) => presence.connectionId === told.connectionId && presence.typing);
    onA.disconnect();
    await until(
      (presence) => presence.connectionId === told.connectionId && presence.conversationId === null,
    );
    for (const server of [a, b]) expect(server.output()).not.toMatch(/error/iu);
  });
});
