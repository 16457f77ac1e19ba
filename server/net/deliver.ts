/**
 * One POST to a webhook receiver, safely: the address is checked again
 * right before (DNS may now say something else) and the connection is made
 * to exactly the addresses that were checked, so an answer that changes
 * between the check and the connect cannot slip through. Redirects are
 * not followed, the whole exchange (the name's lookup included) has a
 * short deadline, and only the status is read of the answer.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, type CheckedTarget, type UrlPolicy } from './webhookUrl';

export const DELIVERY_TIMEOUT_MS = 5_000;

export type DeliveryOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number | null; readonly error: string };

/** A lookup that answers only with addresses already checked. */
function pinnedLookup(addresses: readonly { address: string; family: number }[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) {
      callback(
        null,
        addresses.map(({ address, family }) => ({ address, family })),
      );
      return;
    }
    const first = addresses[0];
    if (first === undefined) callback(new Error('no address'), '', 0);
    else callback(null, first.address, first.family);
  };
}

export function deliverWebhook(
  target: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  policy: UrlPolicy,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let outgoing: ClientRequest | undefined;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    // One deadline for the whole attempt, the name's lookup included: a DNS server that never answers is a failed attempt too.
    const deadline = setTimeout(() => {
      outgoing?.destroy();
      finish({
        ok: false,
        status: null,
        error: `No answer within ${String(timeoutMs / 1000)} seconds.`,
      });
    }, timeoutMs);
    const post = ({ url, addresses }: CheckedTarget) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      outgoing = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
          lookup: pinnedLookup(addresses),
          // A fresh connection each time: a pooled one may lead to an address checked long ago.
          agent: false,
        },
        (response: IncomingMessage) => {
          const status = response.statusCode ?? 0;
          // Only the status matters: the rest of the answer is not read.
          response.destroy();
          if (status >= 300 && status < 400) {
            finish({
              ok: false,
              status,
              error: `The receiver answered ${String(status)}, a redirect; webhooks do not follow redirects, so set the address it points to.`,
            });
          } else if (status >= 200 && status < 300) {
            finish({ ok: true, status });
          } else {
            finish({ ok: false, status, error: `The receiver answered ${String(status)}.` });
          }
        },
      );
      outgoing.on('error', (error) => {
        finish({
          ok: false,
          status: null,
          error: `Could not reach the receiver: ${error.message}`,
        });
      });
      outgoing.end(body);
    };
    checkWebhookUrl(target, policy).then(
      (checked) => {
        if (settled) return;
        if (checked.ok) post(checked.value);
        else finish({ ok: false, status: null, error: checked.error });
      },
      (error: unknown) => {
        finish({
          ok: false,
          status: null,
          error: `Could not check the webhook address: ${error instanceof Error ? error.message : String(error)}`,
        });
      },
    );
  });
}
