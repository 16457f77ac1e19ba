import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP relay between a desktop and its server that a test can cut
 * and restore, like a laptop losing its Wi-Fi: while cut, open connections
 * are dropped and new ones refused. `onUpstream` sees each chunk the desktop
 * sends, so a test can cut right after a command left.
 */
export interface CuttableLink {
  /** http://127.0.0.1:<port>, to give the desktop instead of the server's URL. */
  readonly url: string;
  cut(): void;
  restore(): void;
  /** Called with each chunk the desktop sends, after it was passed on. */
  onUpstream: ((chunk: Buffer) => void) | null;
  close(): Promise<void>;
}

export async function cuttableLink(target: string): Promise<CuttableLink> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      link.onUpstream?.(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
    });
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const link: CuttableLink = {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    onUpstream: null,
    cut: () => {
      up = false;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore: () => {
      up = true;
    },
    close: async () => {
      link.cut();
      await new Promise<void>((closed) =>
        server.close(() => {
          closed();
        }),
      );
    },
  };
  return link;
}
