import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { clientAddress } from './auth';

const request = (remoteAddress: string, forwarded?: string | string[]) =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

describe('the address sign-in limits count', () => {
  test('without TRUST_PROXY, X-Forwarded-For is ignored: anyone can write it', () => {
    expect(clientAddress(request('10.0.0.5', '203.0.113.9'), false)).toBe('10.0.0.5');
  });

  test('behind a trusted proxy, the address the proxy appended, never one the client claimed', () => {
    expect(clientAddress(request('10.0.0.5', '203.0.113.9'), true)).toBe('203.0.113.9');
    expect(clientAddress(request('10.0.0.5', '1.2.3.4, 203.0.113.9'), true)).toBe('203.0.113.9');
    expect(clientAddress(request('10.0.0.5', ['1.2.3.4', '198.51.100.7']), true)).toBe(
      '198.51.100.7',
    );
    expect(clientAddress(request('10.0.0.5'), true)).toBe('10.0.0.5');
  });

  test('TRUST_PROXY is off unless set, and only true or false is accepted', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(
      'TRUST_PROXY must be true or false.',
    );
  });
});
