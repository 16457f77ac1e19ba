import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { Change } from '../shared/protocol/entities';
import { bootstrap } from './accounts/accounts';
import { PhoneSimulator } from './carriers/simulator';
import { TwilioCarrier } from './carriers/twilio';
import type { Carrier } from './carriers/types';
import type { ServerConfig } from './config';
import { openStorage, type Storage, type StorageOptions } from './db/connect';
import { migrate } from './db/migrate';
import type { ServerContext } from './domain/context';
import { forgetOldKeys } from './domain/commands';
import { applyDeliveryStatus, recoverOutbound } from './domain/outbound';
import { CampaignSender } from './domain/campaigns/sender';
import { ScheduledSender } from './domain/scheduler';
import { WebhookSender } from './domain/webhooks';
import { buildHttpServer } from './http/server';
import type { TwilioWebhookOptions } from './http/twilio';
import { createLogger } from './logging';
import { openMedia } from './media/setup';
import { createMetrics } from './metrics';
import { attachSync } from './sync/socket';

/** The carrier the configuration names, and what its routes need. */
function chooseCarrier(config: ServerConfig): {
  carrier: Carrier;
  simulator: PhoneSimulator | null;
  twilio: TwilioWebhookOptions | null;
} {
  if (config.CARRIER === 'simulator') {
    const simulator = new PhoneSimulator();
    return { carrier: simulator, simulator, twilio: null };
  }
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, PUBLIC_URL } = config;
  if (accountSid === undefined || authToken === undefined || PUBLIC_URL === undefined) {
    // loadConfig refuses this already; a hand-made configuration may not have been through it.
    throw new Error(
      'CARRIER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PUBLIC_URL (see --help).',
    );
  }
  const carrier = new TwilioCarrier({
    accountSid,
    authToken,
    from: config.TWILIO_FROM,
    messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
    apiBase: config.TWILIO_API_BASE,
    publicUrl: PUBLIC_URL,
  });
  return {
    carrier,
    simulator: null,
    twilio: { accountSid, authToken, apiBase: config.TWILIO_API_BASE, publicUrl: PUBLIC_URL },
  };
}

export interface RunningServer {
  /** http://HOST:PORT with the real port. */
  readonly url: string;
  readonly port: number;
  readonly context: ServerContext;
  readonly storage: Storage;
  /** The phone network, when CARRIER=simulator. */
  readonly simulator: PhoneSimulator | null;
  /** Delivers the opt-out webhook; tests wait on `idle()`. */
  readonly webhooks: WebhookSender;
  /** Sends scheduled texts when due, outside quiet hours. */
  readonly scheduler: ScheduledSender;
  /** Sends campaigns in the background, in batches; tests wait on `idle()`. */
  readonly campaigns: CampaignSender;
  /** Listeners see every committed change, after commit, per account. */
  onChanges(listener: (accountId: string, changes: readonly Change[]) => void): () => void;
  close(): Promise<void>;
}

export interface ServerOptions extends StorageOptions {
  /** Where log lines go instead of stdout (at LOG_LEVEL): tests read them from here. */
  readonly logDestination?: DestinationStream;
}

/**
 * Opens the database, migrates it, creates the first admin if configured,
 * and listens. Resolves once the server accepts connections.
 */
export async function startServer(
  config: ServerConfig,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const logger = createLogger({ level: config.LOG_LEVEL, destination: options.logDestination });
  const storage = openStorage(config.DATABASE_URL, options);
  await migrate(storage);
  await forgetOldKeys(storage.db, new Date());
  const defaultCountry = config.TEXTDESK_DEFAULT_COUNTRY;
  await bootstrap(
    storage.db,
    {
      adminEmail: config.TEXTDESK_ADMIN_EMAIL,
      adminPassword: config.TEXTDESK_ADMIN_PASSWORD,
      businessName: config.TEXTDESK_BUSINESS_NAME,
      businessNumber: config.TEXTDESK_BUSINESS_NUMBER,
      defaultCountry,
    },
    new Date(),
  );

  let chosen: ReturnType<typeof chooseCarrier>;
  try {
    chosen = chooseCarrier(config);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { simulator, twilio } = chosen;
  const sockets: Pick<ReturnType<typeof attachSync>, 'connected' | 'cut'> = {
    connected: () => 0,
    cut: () => undefined,
  };
  const metrics = createMetrics({
    db: storage.db,
    carrier: chosen.carrier.name,
    connectedDesktops: () => sockets.connected(),
    ...(storage.pool !== undefined && { pool: storage.pool }),
  });
  // Every send's answer and delivery receipt counted, whoever sends.
  const carrier = metrics.meter(chosen.carrier);
  const listeners = new Set<(accountId: string, changes: readonly Change[]) => void>();
  // Without PUBLIC_URL, links point at the address the server listens on (known once listening).
  const listening: { url?: string } = {};
  const publicUrl = (): string => config.PUBLIC_URL ?? listening.url ?? '';
  const media = openMedia(config, storage.db, publicUrl);
  const context: ServerContext = {
    db: storage.db,
    carrier,
    defaultCountry,
    get publicUrl() {
      return config.PUBLIC_URL ?? listening.url;
    },
    now: () => new Date(),
    publish: (accountId, changes) => {
      if (changes.length === 0) return;
      for (const listener of listeners) listener(accountId, changes);
    },
    cutSessions: (cut) => {
      sockets.cut(cut);
    },
    media,
  };
  const logError = (error: unknown): void => {
    logger.error({ err: error }, 'background work failed');
  };
  const webhookPolicy = { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK };
  const webhooks = new WebhookSender({
    db: storage.db,
    now: context.now,
    policy: webhookPolicy,
    onError: logError,
  });
  const scheduler = new ScheduledSender(context, logError);
  const campaigns = new CampaignSender(context, logError);
  // A newly scheduled text may be due before the one the timer waits for.
  listeners.add((_accountId, changes) => {
    if (
      changes.some(
        (change) => change.type === 'message.created' && change.data.status === 'scheduled',
      )
    ) {
      scheduler.kick();
    }
  });
  // A campaign created, or its recipients moving (its progress is logged within the second).
  listeners.add((_accountId, changes) => {
    if (
      changes.some(
        (change) =>
          (change.type === 'campaign.updated' && change.data.status !== 'done') ||
          change.type === 'campaign.recipient',
      )
    ) {
      campaigns.kick();
    }
  });
  // An opt-out committed anywhere (a STOP, a block, the carrier) is sent on at once.
  listeners.add((_accountId, changes) => {
    if (
      changes.some(
        (change) => change.type === 'consent.recorded' && change.data.change === 'opted-out',
      )
    ) {
      webhooks.kick();
    }
  });
  listeners.add((_accountId, changes) => {
    metrics.observeChanges(changes);
  });
  carrier.onStatus((update) => {
    applyDeliveryStatus(context, update).catch(logError);
  });

  const http = await buildHttpServer({
    context,
    storage,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    webhookPolicy,
    logger,
    trustProxy: config.TRUST_PROXY,
    corsOrigins: config.CORS_ORIGINS,
    webhookRateLimit: config.WEBHOOK_RATE_LIMIT,
    simulator,
    twilio,
  });
  const server = http.server;
  // socket.io takes the requests under /socket.io/ (and the upgrades) before Fastify sees them.
  const sync = attachSync(server, context, logError, { databaseUrl: config.DATABASE_URL });
  listeners.add(sync.publish);
  sockets.connected = sync.connected;
  sockets.cut = sync.cut;
  await http.ready();
  // Node's own listen, not Fastify's: "localhost" stays one address, the one socket.io is on.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${String(port)}`;
  listening.url = url;
  // Opt-outs still to be announced, and texts not finished, when the server last stopped.
  webhooks.kick();
  scheduler.kick();
  campaigns.kick();
  recoverOutbound(context).catch(logError);
  const recovery = setInterval(() => {
    recoverOutbound(context).catch(logError);
    // After a failed run (a database hiccup), campaigns carry on from here.
    campaigns.kick();
  }, 60_000);
  recovery.unref();
  // Retention and clean-up of pictures and files: at start, then every hour.
  const sweepMedia = (): void => {
    media
      .sweep(context.now())
      .then((swept) => {
        for (const { accountId, changes } of swept.changes) context.publish(accountId, changes);
      })
      .catch(logError);
  };
  sweepMedia();
  const mediaSweep = setInterval(sweepMedia, 60 * 60_000);
  mediaSweep.unref();
  return {
    url,
    port,
    context,
    storage,
    simulator,
    onChanges: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    webhooks,
    scheduler,
    campaigns,
    close: async () => {
      clearInterval(recovery);
      clearInterval(mediaSweep);
      await campaigns.close();
      await scheduler.close();
      await webhooks.close();
      server.closeAllConnections();
      // Closes the HTTP server too; Fastify then runs its own onClose hooks.
      await sync.close();
      await http.close();
      await storage.close();
    },
  };
}
