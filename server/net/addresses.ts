/**
 * Where the server may send a request a customer of ours configured (the
 * opt-out webhook): public internet addresses only. Loopback, private
 * networks, link-local (where cloud metadata services live), carrier-grade
 * NAT, multicast, reserved and translation ranges — and IPv4 written as
 * IPv6 — are refused, so a webhook address cannot reach into the server's
 * own network.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** What a hostname resolves to; tests pass their own to play DNS changing its answer. */
export type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>;

export const resolveWithDns: Resolve = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, order: 'verbatim' }, (error, addresses) => {
      if (error === null) resolve(addresses);
      else reject(error);
    });
  });

export type AddressKind = 'public' | 'loopback' | 'internal';

/** Public, loopback, or any other (internal) range; a string that is no address is internal. */
export function kindOf(address: string): AddressKind {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process(): an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 it is.
    parsed = ipaddr.process(address);
  } catch {
    return 'internal';
  }
  const range = parsed.range();
  if (range === 'unicast') return 'public';
  return range === 'loopback' ? 'loopback' : 'internal';
}

/** The address's range in words, for the sentence an admin reads. */
export function describeRange(address: string): string {
  try {
    const range = ipaddr.process(address).range();
    const words: Readonly<Record<string, string>> = {
      loopback: 'this machine (loopback)',
      private: 'a private network',
      uniqueLocal: 'a private network',
      linkLocal: 'a link-local address (where cloud metadata services answer)',
      carrierGradeNat: 'a carrier-grade NAT range',
      unspecified: 'the unspecified address',
      multicast: 'a multicast range',
      broadcast: 'the broadcast address',
    };
    return words[range] ?? `a reserved range (${range})`;
  } catch {
    return 'no valid address';
  }
}
