import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Change } from '../shared/protocol/entities';
import type { Carrier } from './carriers/types';
import type { Database } from './db/schema';

/*
 * Counts arrive as numbers on both databases (connect.ts parses PostgreSQL's
 * int8), so they are used as they are.
 */

/**
 * What an operator watches, in Prometheus's text format at /metrics: texts
 * in and out by carrier and status, opt-outs by source, the opt-out
 * webhook's deliveries, ingest latency, connected desktops, texts waiting
 * to go out, and the database pool. Counters count what this process saw;
 * the gauges read from the database count the whole account set, whichever
 * server node did the work.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Counts what committed changes say: texts received, opt-outs. */
  observeChanges(changes: readonly Change[]): void;
  /** One inbound webhook answered, `seconds` from its arrival to its acknowledgement. */
  observeIngest(carrier: string, seconds: number): void;
  /** The carrier, counting each send's answer and each delivery receipt. */
  meter(carrier: Carrier): Carrier;
}

export interface MetricsSources {
  readonly db: Kysely<Database>;
  readonly carrier: string;
  /** Desktops connected over socket.io to this process. */
  readonly connectedDesktops: () => number;
  /** The database pool's use, where there is a pool (PostgreSQL). */
  readonly pool?: () => { total: number; idle: number; waiting: number };
}

/** Outbound texts not yet handed to the carrier, or not yet answered by it. */
const WAITING: readonly Database['messages']['status'][] = ['scheduled', 'queued', 'sending'];

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'textdesk_' });
  const texts = new Counter({
    name: 'textdesk_texts_total',
    help: 'Texts by direction (in, out), carrier and status: received or quarantined in; accepted or refused by the carrier, then its delivery receipts, out.',
    labelNames: ['direction', 'carrier', 'status'] as const,
    registers: [registry],
  });
  const optOuts = new Counter({
    name: 'textdesk_opt_outs_total',
    help: 'Opt-outs by source: keyword, link, carrier, manual, blocked, import.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const ingest = new Histogram({
    name: 'textdesk_ingest_seconds',
    help: 'From an inbound webhook arriving to its acknowledgement (stored durably).',
    labelNames: ['carrier'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'textdesk_connected_desktops',
    help: 'Desktops connected to this server process.',
    registers: [registry],
    collect() {
      this.set(sources.connectedDesktops());
    },
  });
  new Gauge({
    name: 'textdesk_outbound_waiting',
    help: 'Outbound texts waiting: scheduled, queued, or sent to the carrier with no answer yet.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await sources.db
        .selectFrom('messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .where('direction', '=', 'outbound')
        .where('status', 'in', WAITING)
        .groupBy('status')
        .execute();
      this.reset();
      for (const status of WAITING) this.set({ status }, 0);
      for (const row of rows) this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'textdesk_webhook_deliveries',
    help: 'Opt-out webhook deliveries by state: delivered, retrying, failed (retries gave up).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const row = await sources.db
        .selectFrom('webhook_deliveries')
        .select((eb) => [
          eb.fn.count<number>('delivered_at').as('delivered'),
          eb.fn.count<number>('gave_up_at').as('failed'),
          eb.fn.countAll<number>().as('all'),
        ])
        .executeTakeFirst();
      const delivered = row?.delivered ?? 0;
      const failed = row?.failed ?? 0;
      this.set({ state: 'delivered' }, delivered);
      this.set({ state: 'failed' }, failed);
      this.set({ state: 'retrying' }, (row?.all ?? 0) - delivered - failed);
    },
  });
  const { pool } = sources;
  if (pool !== undefined) {
    new Gauge({
      name: 'textdesk_db_pool_connections',
      help: 'PostgreSQL pool connections: total open, idle, and queries waiting for one.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const use = pool();
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
  }

  return {
    registry,
    observeChanges: (changes) => {
      for (const change of changes) {
        if (change.type === 'message.created' && change.data.direction === 'inbound') {
          texts.inc({ direction: 'in', carrier: sources.carrier, status: change.data.status });
        } else if (change.type === 'consent.recorded' && change.data.change === 'opted-out') {
          optOuts.inc({ source: change.data.source ?? 'unknown' });
        }
      }
    },
    observeIngest: (carrier, seconds) => {
      ingest.observe({ carrier }, seconds);
    },
    meter: (carrier) => ({
      name: carrier.name,
      mediaLimits: carrier.mediaLimits,
      mediaRefusal: (to) => carrier.mediaRefusal(to),
      send: async (text) => {
        const result = await carrier.send(text);
        texts.inc({
          direction: 'out',
          carrier: carrier.name,
          status: result.ok ? 'accepted' : 'refused',
        });
        return result;
      },
      onStatus: (listener) => {
        carrier.onStatus((update) => {
          texts.inc({ direction: 'out', carrier: carrier.name, status: update.status });
          listener(update);
        });
      },
    }),
  };
}
