import Fastify from 'fastify';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { trustProxyHops } from './server';

/** The address the sign-in limits count for a request: Fastify's request.ip under TRUST_PROXY. */
async function clientAddress(
  request: { remoteAddress: string; forwarded?: string | string[] },
  trustProxy: boolean,
): Promise<string> {
  const app = Fastify({ trustProxy: trustProxyHops(trustProxy) });
  app.get('/', (incoming) => Promise.resolve(incoming.ip));
  const response = await app.inject({
    url: '/',
    remoteAddress: request.remoteAddress,
    headers: request.forwarded === undefined ? {} : { 'x-forwarded-for': request.forwarded },
  });
  await app.close();
  return response.body;
}

const request = (remoteAddress: string, forwarded?: string | string[]) => ({
  remoteAddress,
  ...(forwarded !== undefined && { forwarded }),
});

describe('the address sign-in limits count', () => {
  test('without TRUST_PROXY, X-Forwarded-For is ignored: anyone can write it', async () => {
    expect(await clientAddress(request('10.0.0.5', '203.0.113.9'), false)).toBe('10.0.0.5');
  });

  test('behind a trusted proxy, the address the proxy appended, never one the client claimed', async () => {
    expect(await clientAddress(request('10.0.0.5', '203.0.113.9'), true)).toBe('203.0.113.9');
    expect(await clientAddress(request('10.0.0.5', '1.2.3.4, 203.0.113.9'), true)).toBe(
      '203.0.113.9',
    );
    expect(await clientAddress(request('10.0.0.5', ['1.2.3.4', '198.51.100.7']), true)).toBe(
      '198.51.100.7',
    );
    expect(await clientAddress(request('10.0.0.5'), true)).toBe('10.0.0.5');
  });

  test('TRUST_PROXY is off unless set, and only true or false is accepted', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(
      'TRUST_PROXY must be true or false.',
    );
  });
});
