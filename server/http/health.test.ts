import { afterEach, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app';

const opened: TestApp[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

async function appWith(settings: Readonly<Record<string, string>> = {}): Promise<TestApp> {
  const app = await startTestApp('sqlite', settings);
  opened.push(app);
  return app;
}

/** One sample's value in Prometheus's text format; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const IN = 'textdesk_texts_total{direction="in",carrier="simulator",status="received"}';
const OUT_DELIVERED =
  'textdesk_texts_total{direction="out",carrier="simulator",status="delivered"}';

describe('health, readiness and metrics', () => {
  test('/healthz answers while the process runs; /readyz once the database answers, fully migrated', async () => {
    const app = await appWith();
    const health = await fetch(`${app.server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
    const ready = await fetch(`${app.server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { ready: true, database: 'ok', pendingMigrations: [] },
    ]);
    // The database gone: still alive, no longer ready.
    await app.server.storage.close();
    const gone = await fetch(`${app.server.url}/readyz`);
    expect(gone.status).toBe(503);
    expect(await gone.json()).toMatchObject({ ready: false, database: 'unreachable' });
    expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
  });

  test('the counters move after a text in, an opt-out and a reply delivered', async () => {
    const app = await appWith();
    const read = async () => {
      const response = await fetch(`${app.server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/u);
      return response.text();
    };
    const before = await read();
    expect(sample(before, IN)).toBeUndefined();

    const delivered = new Promise<void>((resolve) => {
      app.server.simulator?.on('text', () => {
        resolve();
      });
    });
    for (const body of ['HELP', 'STOP']) {
      const response = await fetch(`${app.server.url}/simulator/inbound`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ from: '+12015550161', body }),
      });
      expect(response.status).toBe(200);
    }
    // HELP's automatic answer reaches the phone.
    await delivered;

    const after = await read();
    expect(sample(after, IN)).toBe(2);
    expect(sample(after, 'textdesk_opt_outs_total{source="keyword"}')).toBe(1);
    expect(sample(after, 'textdesk_ingest_seconds_count{carrier="simulator"}')).toBe(2);
    expect(sample(after, OUT_DELIVERED)).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'textdesk_connected_desktops')).toBe(0);
    expect(after).toContain('textdesk_outbound_waiting{status="queued"}');
    expect(after).toContain('textdesk_webhook_deliveries{state="failed"} 0');
  });

  test('/metrics is for this machine only, unless METRICS_TOKEN is set: then for its bearer only', async () => {
    // Behind a proxy the client is who the proxy says: someone elsewhere.
    const proxied = await appWith({ TRUST_PROXY: 'true' });
    const outside = await fetch(`${proxied.server.url}/metrics`, {
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    });
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as { error: { message: string } }).error.message).toBe(
      'Metrics are served only to this machine unless METRICS_TOKEN is set.',
    );

    const token = 'scrape-me-please-0123456789';
    const guarded = await appWith({ METRICS_TOKEN: token });
    const anonymous = await fetch(`${guarded.server.url}/metrics`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${guarded.server.url}/metrics`, {
      headers: { Authorization: 'Bearer scrape-me-please-0123456780' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.server.url}/metrics`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('textdesk_texts_total');
  });
});
