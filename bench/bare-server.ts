/**
 * The anchor of bench/http.ts: the least an HTTP webhook receiver in Node
 * can do. It reads the JSON body and answers 200 with a small JSON, storing
 * nothing, so the ingest figures can be read against what this machine's
 * Node does with no work at all. Prints `listening on http://HOST:PORT`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const host = process.env.HOST ?? '127.0.0.1';
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let status = 200;
    let answer: unknown;
    try {
      const text = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown };
      answer = { ok: true, id: text.id ?? null };
    } catch {
      status = 400;
      answer = { error: 'The body is not valid JSON.' };
    }
    const body = JSON.stringify(answer);
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.listen(Number(process.env.PORT ?? '0'), host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://${host}:${port}`);
});
