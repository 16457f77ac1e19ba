import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { kindOf } from './addresses';
import { deliverWebhook } from './deliver';
import { checkWebhookUrl, type UrlPolicy } from './webhookUrl';

const strict: UrlPolicy = { allowLoopback: false };
const resolvesTo =
  (...addresses: string[]): UrlPolicy['resolve'] =>
  () =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('webhook addresses', () => {
  test('only public unicast addresses count as public, IPv4 written as IPv6 included', () => {
    expect(kindOf('8.8.8.8')).toBe('public');
    expect(kindOf('2001:4860:4860::8888')).toBe('public');
    for (const internal of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      'fd00:ec2::254',
      'fe80::1',
      '0.0.0.0',
      '224.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
    ]) {
      expect([internal, kindOf(internal)]).toEqual([internal, 'internal']);
    }
    expect(kindOf('::ffff:127.0.0.1')).toBe('loopback');
    expect(kindOf('not an address')).toBe('internal');
  });

  test('saving refuses http, internal addresses and names that resolve to them, with a sentence', async () => {
    const refused = async (url: string, policy: UrlPolicy = strict) => {
      const result = await checkWebhookUrl(url, policy, { unresolvedIs: 'accepted' });
      return result.ok ? null : result.error;
    };
    expect(await refused('http://crm.example.com/hook')).toMatch(/must start with https:\/\//u);
    expect(await refused('http://10.0.0.1/hook')).toMatch(/must start with https:\/\//u);
    // Even where loopback is allowed, http to a private network is not.
    expect(await refused('http://10.0.0.1/hook', { allowLoopback: true })).toMatch(
      /a private network \(10\.0\.0\.1\)/u,
    );
    expect(await refused('https://10.0.0.1/hook')).toMatch(/a private network \(10\.0\.0\.1\)/u);
    expect(await refused('https://169.254.169.254/latest/meta-data')).toMatch(/link-local/u);
    expect(await refused('https://[::ffff:127.0.0.1]/hook')).toMatch(/this machine \(loopback\)/u);
    expect(await refused('https://[fd00:ec2::254]/hook')).toMatch(/private network/u);
    expect(
      await refused('https://sneaky.example.com/hook', {
        ...strict,
        resolve: resolvesTo('127.0.0.1'),
      }),
    ).toMatch(/this machine \(loopback\) \(127\.0\.0\.1\)/u);
    // One bad address among good ones is enough to refuse.
    expect(
      await refused('https://mixed.example.com/hook', {
        ...strict,
        resolve: resolvesTo('93.184.216.34', '192.168.0.10'),
      }),
    ).toMatch(/private network/u);
    expect(await refused('https://user:pass@crm.example.com/hook')).toMatch(
      /user name or password/u,
    );
    // Loopback over http only with WEBHOOK_ALLOW_LOOPBACK, and never elsewhere over http.
    expect(await refused('http://127.0.0.1:9000/hook')).not.toBeNull();
    expect(await refused('http://127.0.0.1:9000/hook', { allowLoopback: true })).toBeNull();
    expect(await refused('http://8.8.8.8/hook', { allowLoopback: true })).toMatch(
      /only this machine/u,
    );
    // Public and resolving: fine. Not resolving (yet): saved, and checked at each delivery.
    expect(
      await refused('https://crm.example.com/hook', {
        ...strict,
        resolve: resolvesTo('93.184.216.34'),
      }),
    ).toBeNull();
    expect(
      await refused('https://not-yet.example.com/hook', {
        ...strict,
        resolve: () => Promise.reject(new Error('ENOTFOUND')),
      }),
    ).toBeNull();
  });

  test('a name that resolved to a public address when saved but to a private one now is not sent to', async () => {
    let hits = 0;
    const inside = createServer((_request, response) => {
      hits += 1;
      response.end();
    });
    inside.listen(0, '127.0.0.1');
    await once(inside, 'listening');
    const port = (inside.address() as AddressInfo).port;
    try {
      const url = `https://rebind.example.com:${String(port)}/hook`;
      const saved = await checkWebhookUrl(url, { ...strict, resolve: resolvesTo('93.184.216.34') });
      expect(saved.ok).toBe(true);
      // DNS now answers with this machine: the delivery is refused before any connection.
      const outcome = await deliverWebhook(url, {}, '{}', {
        ...strict,
        resolve: resolvesTo('127.0.0.1'),
      });
      expect(outcome).toEqual({
        ok: false,
        status: null,
        error: expect.stringMatching(/loopback/u) as unknown,
      });
      const gone = await deliverWebhook(url, {}, '{}', {
        ...strict,
        resolve: () => Promise.reject(new Error('ENOTFOUND')),
      });
      expect(gone).toMatchObject({
        ok: false,
        error: 'The webhook address’s host rebind.example.com could not be found.',
      });
      expect(hits).toBe(0);
    } finally {
      inside.close();
    }
  });

  test('a redirect is not followed: the delivery fails and says so', async () => {
    let redirected = 0;
    const receiver = createServer((request, response) => {
      if (request.url === '/elsewhere') redirected += 1;
      response.writeHead(307, { Location: '/elsewhere' }).end();
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    try {
      const url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hook`;
      const outcome = await deliverWebhook(url, {}, '{}', { allowLoopback: true });
      expect(outcome).toMatchObject({
        ok: false,
        status: 307,
        error: expect.stringMatching(/do not follow redirects/u) as unknown,
      });
      expect(redirected).toBe(0);
    } finally {
      receiver.close();
    }
  });

  test('a receiver that does not answer in time is a failed attempt, not a stuck one', async () => {
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const url = `http://127.0.0.1:${String((silent.address() as AddressInfo).port)}/hook`;
      const outcome = await deliverWebhook(url, {}, '{}', { allowLoopback: true }, 200);
      expect(outcome).toEqual({ ok: false, status: null, error: 'No answer within 0.2 seconds.' });
      // A DNS server that never answers is held to the same deadline.
      const lookingUp = await deliverWebhook(
        'https://crm.example.com/hook',
        {},
        '{}',
        { ...strict, resolve: () => new Promise(() => undefined) },
        200,
      );
      expect(lookingUp).toEqual({
        ok: false,
        status: null,
        error: 'No answer within 0.2 seconds.',
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
