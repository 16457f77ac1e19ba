/**
 * Protocol versions at the handshake, over real socket.io on loopback: who
 * is let in, what they are told they speak, and who is told to update.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, test } from 'vitest';
import type { ClientToServer, ServerToClient } from '../../shared/protocol/sync';
import {
  SERVER_PROTOCOL,
  UPDATE_MESSAGES,
  type ProtocolHello,
  type ProtocolRange,
} from '../../shared/protocol/versions';
import { startTestServer, type TestServer } from '../testing/context';
import { DIALECTS } from '../testing/storage';
import { startSyncServer } from '../testing/syncServer';

type Client = Socket<ServerToClient, ClientToServer>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(DIALECTS)('protocol versions on %s', (dialect) => {
  let database: TestServer | undefined;

  /** A sync server speaking `range` on a free port, on the test's database (one per test). */
  async function sync(range?: ProtocolRange): Promise<{ url: string; token: string }> {
    if (database === undefined) {
      const started = await startTestServer(dialect);
      database = started;
      // Closed last, after the servers on it.
      cleanups.push(async () => {
        database = undefined;
        await started.close();
      });
    }
    const server = await startSyncServer(database, range);
    cleanups.push(async () => {
      await server.close();
      expect(server.errors).toEqual([]);
    });
    return server;
  }

  /** Connects with `auth`: what the server said, let in or refused. */
  function handshake(
    url: string,
    auth: Record<string, unknown>,
  ): Promise<
    | { readonly in: true; readonly hello: ProtocolHello }
    | { readonly in: false; readonly message: string; readonly data: unknown }
  > {
    const socket: Client = connect(url, { auth, transports: ['websocket'], reconnection: false });
    cleanups.push(() => {
      socket.disconnect();
    });
    return new Promise((resolve) => {
      socket.once('protocol', (hello) => {
        resolve({ in: true, hello });
      });
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        resolve({ in: false, message: error.message, data: error.data });
      });
    });
  }

  test('a desktop older than the server’s minimum is told to update Textdesk, with the server’s range, before its session is looked at', async () => {
    const { url, token } = await sync({ min: 3, max: 4 });
    const refused = {
      in: false,
      message:
        'This version of Textdesk is too old for your team’s server. Update Textdesk to keep working.',
      data: { code: 'update-desktop', server: { min: 3, max: 4 } },
    };
    expect(await handshake(url, { token, protocol: 2 })).toEqual(refused);
    // An ended session would only be told to sign in again once updated.
    expect(await handshake(url, { token: 'x'.repeat(43), protocol: 2 })).toEqual(refused);
    expect(await handshake(url, { token, protocol: 3 })).toEqual({
      in: true,
      hello: { min: 3, max: 4, version: 3 },
    });
  });

  test('a desktop that announces no version speaks 1: today’s server lets it in and says so, a server whose minimum is 2 tells it to update', async () => {
    const today = await sync();
    expect(await handshake(today.url, { token: today.token })).toEqual({
      in: true,
      hello: { ...SERVER_PROTOCOL, version: 1 },
    });
    const newer = await sync({ min: 2, max: 2 });
    expect(await handshake(newer.url, { token: newer.token })).toEqual({
      in: false,
      message: UPDATE_MESSAGES.desktop,
      data: { code: 'update-desktop', server: { min: 2, max: 2 } },
    });
  });

  test('a desktop newer than the server speaks down to the server’s newest, or is told the server needs updating', async () => {
    const { url, token } = await sync({ min: 1, max: 2 });
    expect(await handshake(url, { token, protocol: 5, protocolMin: 2 })).toEqual({
      in: true,
      hello: { min: 1, max: 2, version: 2 },
    });
    expect(await handshake(url, { token, protocol: 5, protocolMin: 3 })).toEqual({
      in: false,
      message:
        'This version of Textdesk is newer than your team’s server. Ask whoever runs the server to update it.',
      data: { code: 'update-server', server: { min: 1, max: 2 } },
    });
  });

  test('a version that is not a whole number is refused in words', async () => {
    const { url, token } = await sync();
    expect(await handshake(url, { token, protocol: '2' })).toEqual({
      in: false,
      message: 'The desktop’s protocol version must be a whole number, from 1.',
      data: { code: 'invalid-input' },
    });
  });
});
