/**
 * The anchor of bench/fanout.ts: the least a socket.io server can do to fan a
 * webhook out. POST /emit with a JSON body broadcasts it, as is, to every
 * connected client, then answers 200. Prints `listening on http://HOST:PORT`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/emit') {
    response.statusCode = 404;
    response.end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    io.emit('changes', JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
    response.statusCode = 200;
    response.end('{}');
  });
});
const io = new Server(http, { serveClient: false });
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${String(port)}`);
});
