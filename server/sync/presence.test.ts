/**
 * Presence over real socket.io on the real server: relayed to the
 * account's other desktops only, told to a desktop that connects later,
 * announced gone on disconnect, and limited per connection.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  PRESENCE_PER_SECOND,
  type ClientToServer,
  type Presence,
  type ServerToClient,
} from '../../shared/protocol/sync';
import { createUser } from '../accounts/accounts';
import { createSession } from '../auth/sessions';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

type Client = Socket<ServerToClient, ClientToServer>;

/** A desktop connection with every presence it heard. */
interface Desk {
  readonly socket: Client;
  readonly heard: Presence[];
  /** The first presence (heard already or to come) that `match` accepts. */
  until(match: (presence: Presence) => boolean): Promise<Presence>;
}

describe.each(DIALECTS)('presence on %s', (dialect) => {
  let app: TestApp;
  /** Dana, an agent of the same account as the admin. */
  let dana: string;
  /** Someone of another account on the same server. */
  let outsider: string;
  const sockets: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const { db } = app.server.storage;
    const [admin] = await db.selectFrom('users').select(['id', 'account_id']).execute();
    if (admin === undefined) throw new Error('no admin');
    const now = new Date();
    const agent = await createUser(
      db,
      {
        accountId: admin.account_id,
        email: 'dana@acme.test',
        name: 'Dana',
        password: 'a long agent password',
        role: 'agent',
      },
      now,
    );
    dana = await createSession(db, agent.id, now);
    const outsiderLogin = { email: 'x@other.test', password: 'another long password' };
    await app.addAccount({ name: 'Other Shop', businessNumber: '+12015550999', ...outsiderLogin });
    outsider = await app.signIn(outsiderLogin);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await app.close();
  });

  async function desk(token: string): Promise<Desk> {
    const socket: Client = connect(app.server.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    const heard: Presence[] = [];
    const waiters = new Set<(presence: Presence) => boolean>();
    socket.on('presence', (presence) => {
      heard.push(presence);
      for (const waiter of [...waiters]) if (waiter(presence)) waiters.delete(waiter);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return {
      socket,
      heard,
      until: (match) =>
        new Promise((resolve) => {
          const accept = (presence: Presence): boolean => {
            if (!match(presence)) return false;
            resolve(presence);
            return true;
          };
          if (heard.some(accept)) return;
          waiters.add(accept);
        }),
    };
  }

  /** Resolves once the server has handled everything `socket` sent before (a pull is answered in order). */
  const roundTrip = async (socket: Client): Promise<void> => {
    await socket.emitWithAck('sync.pull', { since: 0, limit: 1 });
  };

  test('a desktop’s viewing and typing reach the account’s other desktops, never another account’s', async () => {
    const admin = await desk(app.adminToken);
    const agent = await desk(dana);
    const stranger = await desk(outsider);

    agent.socket.emit('presence', { conversationId: 'conversation-1', typing: false });
    const viewing = await admin.until((presence) => presence.conversationId === 'conversation-1');
    expect(viewing).toMatchObject({ name: 'Dana', typing: false });
    expect(Date.parse(viewing.at)).not.toBeNaN();

    agent.socket.emit('presence', { conversationId: 'conversation-1', typing: true });
    await admin.until((presence) => presence.typing);

    // Typing with no conversation open means nothing: it is relayed as not typing.
    agent.socket.emit('presence', { conversationId: null, typing: true });
    expect(
      await admin.until(
        (presence) => presence.userId === viewing.userId && !presence.conversationId,
      ),
    ).toMatchObject({ typing: false });

    await roundTrip(stranger.socket);
    await roundTrip(agent.socket);
    expect(stranger.heard).toEqual([]);
    // Nobody hears themselves.
    expect(agent.heard.filter((presence) => presence.userId === viewing.userId)).toEqual([]);
  });

  test('a desktop that connects later is told what the others show; one that leaves is announced gone', async () => {
    const agent = await desk(dana);
    agent.socket.emit('presence', { conversationId: 'conversation-2', typing: true });
    await roundTrip(agent.socket);

    const late = await desk(app.adminToken);
    const told = await late.until((presence) => presence.conversationId === 'conversation-2');
    expect(told).toMatchObject({ name: 'Dana', typing: true });

    agent.socket.disconnect();
    const gone = await late.until(
      (presence) => presence.connectionId === told.connectionId && presence.conversationId === null,
    );
    expect(gone.typing).toBe(false);
  });

  test('a flood is cut to the limit per second, and its newest word still arrives', async () => {
    const admin = await desk(app.adminToken);
    const agent = await desk(dana);
    for (let i = 0; i < 50; i++) {
      agent.socket.emit('presence', { conversationId: `flood-${String(i)}`, typing: false });
    }
    await admin.until((presence) => presence.conversationId === 'flood-49');
    const flood = admin.heard.filter((presence) => presence.conversationId?.startsWith('flood-'));
    // At most two windows' worth (the burst may straddle a second), then the newest.
    expect(flood.length).toBeLessThanOrEqual(2 * PRESENCE_PER_SECOND + 1);
    expect(flood.at(-1)?.conversationId).toBe('flood-49');
  });

  test('a malformed presence is ignored, and the connection keeps working', async () => {
    const admin = await desk(app.adminToken);
    const agent = await desk(dana);
    agent.socket.emit('presence', { conversationId: 42, typing: 'yes' } as never);
    agent.socket.emit('presence', { conversationId: 'x'.repeat(201), typing: false });
    agent.socket.emit('presence', { conversationId: 'fine', typing: false });
    const fine = await admin.until((presence) => presence.conversationId === 'fine');
    expect(
      admin.heard
        .filter((presence) => presence.connectionId === fine.connectionId)
        .map((presence) => presence.conversationId),
    ).toEqual(['fine']);
  });
});
