import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProtocolRange } from '../../shared/protocol/versions';
import { createSession } from '../auth/sessions';
import { attachSync } from '../sync/socket';
import type { TestServer } from './context';

export interface TestSyncServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** A session token of an agent of the account. */
  readonly token: string;
  /** What the server reported as failed (a test expects none). */
  readonly errors: readonly unknown[];
  close(): Promise<void>;
}

/**
 * Desktop sync alone (attachSync, as the server runs it) on a free port of
 * loopback, over `server`'s database, speaking the protocol versions of
 * `range` (SERVER_PROTOCOL unless given): for tests of what desktops of
 * other versions are told.
 */
export async function startSyncServer(
  server: TestServer,
  range?: ProtocolRange,
): Promise<TestSyncServer> {
  const agent = await server.user('agent');
  const errors: unknown[] = [];
  const http = createServer();
  const sync = attachSync(
    http,
    server.context,
    (error) => errors.push(error),
    range === undefined ? {} : { protocol: range },
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((http.address() as AddressInfo).port)}`,
    token: await createSession(server.context.db, agent.id, new Date()),
    errors,
    close: () => sync.close(),
  };
}
