import { describe, expect, test } from 'vitest';
import { TEXT_ONLY, type Carrier, type StatusUpdate } from './carriers/types';
import { createMetrics } from './metrics';
import { serverPerTest, textFrom } from './testing/context';

const { start } = serverPerTest();

/** One sample's value from the text format, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  test('texts in and out, opt-outs by source, desktops, waiting texts and webhook deliveries', async () => {
    const server = await start('sqlite');
    let desktops = 2;
    const metrics = createMetrics({
      db: server.storage.db,
      carrier: 'simulator',
      connectedDesktops: () => desktops,
    });
    for (const [from, body] of [
      ['+12015550171', 'Hello'],
      ['+12015550172', 'STOP'],
    ] as const) {
      metrics.observeChanges((await textFrom(server, from, body)).changes);
    }

    const statuses: ((update: StatusUpdate) => void)[] = [];
    const carrier: Carrier = {
      name: 'twilio',
      ...TEXT_ONLY,
      send: (text) =>
        Promise.resolve(
          text.to.endsWith('1')
            ? { ok: true, carrierId: 'SM1' }
            : { ok: false, code: '21610', message: 'opted out', optedOut: true },
        ),
      onStatus: (listener) => statuses.push(listener),
    };
    const metered = metrics.meter(carrier);
    const heard: string[] = [];
    metered.onStatus((update) => heard.push(update.status));
    const text = { messageId: 'm', from: '+12015550100', body: 'Hi' };
    await metered.send({ ...text, to: '+12015550171' });
    await metered.send({ ...text, to: '+12015550172' });
    for (const listener of statuses) listener({ carrierId: 'SM1', status: 'delivered' });
    metrics.observeIngest('twilio', 0.012);
    desktops = 3;

    const text1 = await metrics.registry.metrics();
    expect(
      sample(text1, 'textdesk_texts_total{direction="in",carrier="simulator",status="received"}'),
    ).toBe(2);
    expect(sample(text1, 'textdesk_opt_outs_total{source="keyword"}')).toBe(1);
    expect(
      sample(text1, 'textdesk_texts_total{direction="out",carrier="twilio",status="accepted"}'),
    ).toBe(1);
    expect(
      sample(text1, 'textdesk_texts_total{direction="out",carrier="twilio",status="refused"}'),
    ).toBe(1);
    expect(
      sample(text1, 'textdesk_texts_total{direction="out",carrier="twilio",status="delivered"}'),
    ).toBe(1);
    expect(heard).toEqual(['delivered']);
    expect(sample(text1, 'textdesk_ingest_seconds_count{carrier="twilio"}')).toBe(1);
    expect(sample(text1, 'textdesk_connected_desktops')).toBe(3);
    expect(sample(text1, 'textdesk_outbound_waiting{status="queued"}')).toBe(0);
    expect(sample(text1, 'textdesk_webhook_deliveries{state="delivered"}')).toBe(0);
    expect(text1).toContain('textdesk_process_resident_memory_bytes');
  });
});
