/**
 * The rules for a webhook's address, checked when an admin saves it and
 * again before every delivery (what a name resolves to can change): https
 * to a public address; http only to this machine, and only when the server
 * runs with WEBHOOK_ALLOW_LOOPBACK=1 (development and tests).
 */
import { isIP } from 'node:net';
import { fail, ok, type Result } from '../../shared/result';
import { describeRange, kindOf, resolveWithDns, type Resolve } from './addresses';

export interface UrlPolicy {
  /** WEBHOOK_ALLOW_LOOPBACK: http://localhost and other loopback addresses are allowed. */
  readonly allowLoopback: boolean;
  readonly resolve?: Resolve;
}

export interface CheckOptions {
  /**
   * When saving, a name that does not resolve (yet) is accepted: it can
   * reach nothing, and every delivery checks it again. When sending, it is
   * a failed attempt.
   */
  readonly unresolvedIs: 'accepted' | 'refused';
}

/** The addresses a request may connect to, all of them checked. */
export interface CheckedTarget {
  readonly url: URL;
  readonly addresses: readonly { address: string; family: number }[];
}

/** "[::1]" in a URL is "::1" to DNS and to the checks. */
const bareHost = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

/** Whether this one address may be connected to under the policy, and if not why. */
export function addressProblem(address: string, policy: UrlPolicy): string | null {
  const kind = kindOf(address);
  if (kind === 'public') return null;
  if (kind === 'loopback' && policy.allowLoopback) return null;
  return `it points to ${describeRange(address)} (${address}), which webhooks may not reach`;
}

/** The checked address of a webhook, or the sentence saying what is wrong with it. */
export async function checkWebhookUrl(
  value: string,
  policy: UrlPolicy,
  options: CheckOptions = { unresolvedIs: 'refused' },
): Promise<Result<CheckedTarget, string>> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('The webhook address must be a full https:// address.');
  }
  if (url.username !== '' || url.password !== '') {
    return fail(
      'The webhook address may not carry a user name or password; the signature proves who sent it.',
    );
  }
  const host = bareHost(url.hostname);
  if (url.protocol !== 'https:') {
    if (url.protocol !== 'http:') return fail('The webhook address must start with https://.');
    if (!policy.allowLoopback) {
      return fail(
        'The webhook address must start with https://: opt-outs carry customers’ numbers.',
      );
    }
  }
  let addresses: readonly { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await (policy.resolve ?? resolveWithDns)(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) {
      return options.unresolvedIs === 'accepted'
        ? ok({ url, addresses })
        : fail(`The webhook address’s host ${host} could not be found.`);
    }
  }
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy);
    if (problem !== null) return fail(`The webhook address cannot be used: ${problem}.`);
    // Plain http is for this machine only, even when loopback is allowed.
    if (url.protocol === 'http:' && kindOf(address) !== 'loopback') {
      return fail(
        'The webhook address must start with https://: only this machine may be reached over http.',
      );
    }
  }
  return ok({ url, addresses });
}
