import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MISSING_OPT_OUT_WORDING, optOutWording } from '../../shared/campaigns';
import { sendGate } from '../../shared/consent';
import { formatPhone } from '../../shared/phone';
import type {
  IpcEvent,
  IpcEventPayload,
  IpcHandlers,
  IpcOutput,
  SessionView,
} from '../../shared/ipc';
import { refusalFor, type Command } from '../../shared/protocol/commands';
import type { Change, UserSnapshot } from '../../shared/protocol/entities';
import { describeMedia } from '../../shared/protocol/media';
import type { Failure } from '../../shared/result';
import { startSoloServer, type SoloServer } from '../../server';
import { openCache, type CacheClient } from './cache/client';
import { createCampaignHandlers } from './campaignHandlers';
import { createCoreHandlers } from './handlers';
import { createManageHandlers, sendWithoutOutbox } from './manageHandlers';
import type { MediaResponse } from './media/serve';
import { DesktopMedia } from './mediaHandlers';
import { PresenceRoster } from './presence';
import { Refusal } from './refusal';
import {
  PLAIN_SECRETS,
  readSettings,
  signIn,
  signOutOnServer,
  writeSettings,
  type DesktopSettings,
  type SecretStore,
  type SignedInUser,
} from './session';
import { Outbox } from './sync/outbox';
import { SyncClient } from './sync/syncClient';
import { TokenRefresher } from './tokenRefresh';

/** A desktop notification for a new text. */
export interface TextNotification {
  readonly conversationId: string;
  readonly title: string;
  readonly body: string;
}

export interface DesktopCoreOptions {
  /** The app's data folder: settings, the local cache, the solo backend. */
  readonly dataDir: string;
  readonly appInfo: IpcOutput<'app.info'>;
  /** better-sqlite3 built for Electron's ABI, inside Electron. */
  readonly nativeBinding?: string | undefined;
  readonly secrets?: SecretStore;
  /** Pushes an event to the renderer. */
  readonly emit: <E extends IpcEvent>(event: E, payload: IpcEventPayload<E>) => void;
  /** A new text in a conversation that is unassigned or the person's own. */
  readonly notify?: (notification: TextNotification) => void;
  /** The unread count for the dock or taskbar badge. */
  readonly badge?: (unread: number) => void;
  /** Opens the phone simulator (solo mode); main opens a window. */
  readonly openSimulator?: (url: string) => void;
  /** How long someone else's "typing" holds without a refresh (6 s); tests shorten it. */
  readonly typingExpiresMs?: number;
  readonly onError?: (error: unknown) => void;
  /** The session's token was replaced by a fresh one (kept in the settings). */
  readonly onTokenRefreshed?: () => void;
  /** Bytes of message files' originals kept on this computer (500 MB by default). */
  readonly mediaOriginalsCap?: number;
}

interface Connection {
  readonly serverUrl: string;
  /** The session's bearer token, for the REST calls that are not sync (the webhook settings). */
  readonly token: string;
  readonly user: SignedInUser;
  readonly cache: CacheClient;
  readonly sync: SyncClient;
  readonly outbox: Outbox;
  readonly presence: PresenceRoster;
  readonly refresher: TokenRefresher;
}

/** The person with the name, email and role of their latest snapshot; the same object when nothing differs. */
function withProfile(user: SignedInUser, snapshot: UserSnapshot | undefined): SignedInUser {
  if (
    snapshot === undefined ||
    (snapshot.name === user.name && snapshot.email === user.email && snapshot.role === user.role)
  ) {
    return user;
  }
  return { ...user, name: snapshot.name, email: snapshot.email, role: snapshot.role };
}

const NOT_SIGNED_IN = 'Sign in to a Textdesk server, or use Textdesk on this computer only.';

/**
 * The main process's logic behind `window.textdesk`: the session (solo or
 * team), the local cache, sync and the outbox, with the send gate on
 * everything that leaves. No Electron here: main passes what it needs
 * (notifications, the badge, the simulator window) as functions.
 */
export class DesktopCore {
  readonly #options: DesktopCoreOptions;
  readonly #secrets: SecretStore;
  #settings: DesktopSettings = { mode: 'solo', serverUrl: null, session: null };
  #solo: SoloServer | null = null;
  #connection: Connection | null = null;
  #cache: CacheClient | null = null;
  #badgeTimer: NodeJS.Timeout | undefined;
  /** One session change at a time (sign-in, sign-out, switching to solo). */
  #switching: Promise<unknown> = Promise.resolve();
  readonly #media: DesktopMedia;
  readonly handlers: IpcHandlers;

  private constructor(options: DesktopCoreOptions) {
    this.#options = options;
    this.#secrets = options.secrets ?? PLAIN_SECRETS;
    this.#media = new DesktopMedia({
      dataDir: options.dataDir,
      connection: () => this.#connection,
      originalsCap: options.mediaOriginalsCap,
      onError: options.onError,
    });
    this.handlers = this.#buildHandlers();
  }

  /** The renderer's `/media/…` paths (app:// in Electron, the preview host's origin). */
  serveMedia(
    pathname: string,
    request: { readonly range?: string | null; readonly download?: boolean } = {},
  ): Promise<MediaResponse> {
    return this.#media.serve(pathname, request);
  }

  /** Reads the settings and connects: the solo backend by default, else the team server. */
  static async start(options: DesktopCoreOptions): Promise<DesktopCore> {
    const core = new DesktopCore(options);
    await mkdir(options.dataDir, { recursive: true });
    core.#settings = await readSettings(options.dataDir);
    if (core.#settings.mode === 'solo') {
      await core.#startSolo();
    } else if (core.#settings.session !== null && core.#settings.serverUrl !== null) {
      const { token, user, refreshAfter } = core.#settings.session;
      await core.#connect(
        core.#settings.serverUrl,
        await core.#secrets.decrypt(token),
        user,
        refreshAfter ?? null,
      );
    }
    return core;
  }

  /** Who is signed in where, and the connection's state. */
  session(): SessionView {
    const connection = this.#connection;
    return {
      mode: connection === null ? 'none' : this.#settings.mode,
      serverUrl: connection?.serverUrl ?? this.#settings.serverUrl,
      user:
        connection === null
          ? null
          : {
              id: connection.user.id,
              email: connection.user.email,
              name: connection.user.name,
              role: connection.user.role,
              disabled: false,
            },
      simulatorUrl: this.#solo?.simulatorUrl ?? null,
      sync: connection?.sync.status ?? { state: 'signed-out' },
    };
  }

  /** The solo backend, when running (the preview host prints its simulator page). */
  get solo(): SoloServer | null {
    return this.#solo;
  }

  async stop(): Promise<void> {
    clearTimeout(this.#badgeTimer);
    await this.#disconnect();
    await this.#cache?.close();
    this.#cache = null;
    await this.#solo?.close();
    this.#solo = null;
  }

  async #openCache(): Promise<CacheClient> {
    this.#cache ??= await openCache(join(this.#options.dataDir, 'cache.sqlite'), {
      nativeBinding: this.#options.nativeBinding,
    });
    return this.#cache;
  }

  async #startSolo(): Promise<void> {
    this.#solo ??= await startSoloServer({
      dataDir: join(this.#options.dataDir, 'solo'),
      nativeBinding: this.#options.nativeBinding,
    });
    const { token, user, refreshAfter } = await signIn(this.#solo.url, this.#solo.owner);
    this.#settings = { mode: 'solo', serverUrl: null, session: null };
    await writeSettings(this.#options.dataDir, this.#settings);
    await this.#connect(this.#solo.url, token, user, refreshAfter ?? null);
  }

  async #connect(
    serverUrl: string,
    token: string,
    signedIn: SignedInUser,
    refreshAfter: string | null,
  ): Promise<void> {
    const cache = await this.#openCache();
    await cache.claim({ serverUrl, accountId: signedIn.accountId, userId: signedIn.id });
    // As the cache last heard of them: a role or name changed since they signed in holds.
    const user = withProfile(
      signedIn,
      (await cache.account()).users.find((person) => person.id === signedIn.id),
    );
    const { emit } = this.#options;
    // The sync client and the outbox refer to each other; both exist before either runs.
    const holder: { sync?: SyncClient } = {};
    const outbox = new Outbox({
      store: cache,
      send: (request) => {
        if (holder.sync === undefined) return Promise.reject(new Error('not started'));
        return holder.sync.command(request);
      },
      live: () => holder.sync?.live ?? false,
      recheck: (command) => this.#gate(cache, command),
      onCancelled: (entry, reason) => {
        emit('outbox.cancelled', {
          key: entry.key,
          conversationId:
            entry.command.type === 'message.send' ? (entry.command.conversationId ?? null) : null,
          reason: reason.message,
        });
      },
      onCount: () => holder.sync?.refreshStatus(),
      // A text's staged files are uploaded just before it leaves, and dropped once answered.
      prepare: this.#media.prepare,
      onSettled: (command, state) => this.#media.settled(command, state),
    });
    await outbox.load();
    this.#media.sweepStaged(cache);
    const presence = new PresenceRoster({
      me: user.id,
      typingExpiresMs: this.#options.typingExpiresMs,
      onChange: (conversationId, people) => {
        emit('presence.changed', { conversationId, people });
      },
    });
    const sync = new SyncClient({
      serverUrl,
      token,
      store: cache,
      queued: () => outbox.pending,
      onApplied: (changes, live) => {
        emit('data.changed', [...changes]);
        void this.#media.forgetExpired(changes);
        this.#heardAboutMe(sync, changes);
        // A catch-up replays history: no notification for each old text.
        if (live) this.#notify(cache, user, changes);
        this.#scheduleBadge(cache);
      },
      onStatus: (status) => {
        emit('sync.status', status);
      },
      onLive: () => {
        outbox.flush().catch((error: unknown) => this.#options.onError?.(error));
        this.#scheduleBadge(cache);
      },
      onSignedOut: () => {
        void this.#serially(() => this.#forgetSession());
      },
      onPresence: (heard) => {
        presence.hear(heard);
      },
      // Who was there is unknown until the server tells again, after reconnecting.
      onDisconnected: () => {
        presence.clear();
      },
      onError: this.#options.onError,
    });
    holder.sync = sync;
    const refresher = new TokenRefresher({
      serverUrl,
      token,
      refreshAfter,
      onFresh: (fresh) => this.#serially(() => this.#freshToken(sync, fresh)),
      onError: this.#options.onError,
    });
    this.#connection = { serverUrl, token, user, cache, sync, outbox, presence, refresher };
    sync.start();
    refresher.start();
    emit('session.changed', this.session());
  }

  async #disconnect(): Promise<void> {
    const connection = this.#connection;
    this.#connection = null;
    connection?.refresher.stop();
    await connection?.sync.stop();
    connection?.presence.clear();
  }

  /** The server ended the session: keep the cache (and outbox) for when they sign in again. */
  async #forgetSession(): Promise<void> {
    await this.#disconnect();
    this.#settings = { ...this.#settings, session: null };
    await writeSettings(this.#options.dataDir, this.#settings);
    this.#options.emit('session.changed', this.session());
  }

  /** A fresh token for the session: used from now on, and kept for the next start. */
  async #freshToken(sync: SyncClient, fresh: { token: string; refreshAfter: string }) {
    const connection = this.#connection;
    if (connection?.sync !== sync) return;
    this.#connection = { ...connection, token: fresh.token };
    sync.setToken(fresh.token);
    const { session } = this.#settings;
    if (this.#settings.mode === 'team' && session !== null) {
      const token = await this.#secrets.encrypt(fresh.token);
      this.#settings = {
        ...this.#settings,
        session: { ...session, token, refreshAfter: fresh.refreshAfter },
      };
      await writeSettings(this.#options.dataDir, this.#settings);
    }
    this.#options.onTokenRefreshed?.();
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#switching.then(work);
    this.#switching = run.catch(() => undefined);
    return run;
  }

  /** Notifications for new inbound texts in conversations that are unassigned or the person's. */
  #notify(cache: CacheClient, user: SignedInUser, changes: readonly Change[]): void {
    const notify = this.#options.notify;
    if (notify !== undefined) {
      for (const change of changes) {
        if (
          change.type !== 'message.created' ||
          change.data.direction !== 'inbound' ||
          change.data.status === 'quarantined'
        ) {
          continue;
        }
        const message = change.data;
        void cache
          .conversationRow(message.conversationId)
          .then((row) => {
            if (row === null || row.blocked) return;
            if (row.assigneeId !== null && row.assigneeId !== user.id) return;
            notify({
              conversationId: row.id,
              title: row.name === '' ? formatPhone(row.phone) : row.name,
              // A picture with no words still says what came: "📷 Photo".
              body: message.body.trim() === '' ? describeMedia(message.media) : message.body,
            });
          })
          .catch((error: unknown) => this.#options.onError?.(error));
      }
    }
  }

  /**
   * The signed-in person's own name or role changed (an admin promoted them,
   * say): the desktop allows and hides what the new role does from now on.
   */
  #heardAboutMe(sync: SyncClient, changes: readonly Change[]): void {
    const connection = this.#connection;
    if (connection?.sync !== sync) return;
    let latest: UserSnapshot | undefined;
    for (const change of changes) {
      if (change.type === 'user.updated' && change.data.id === connection.user.id) {
        latest = change.data;
      }
    }
    const user = withProfile(connection.user, latest);
    if (user === connection.user) return;
    this.#connection = { ...connection, user };
    this.#options.emit('session.changed', this.session());
  }

  /** At most a few badge updates a second, however fast texts arrive. */
  #scheduleBadge(cache: CacheClient): void {
    const badge = this.#options.badge;
    if (badge === undefined || this.#badgeTimer !== undefined) return;
    this.#badgeTimer = setTimeout(() => {
      this.#badgeTimer = undefined;
      cache.counts().then(
        (counts) => {
          badge(counts.unread);
        },
        (error: unknown) => this.#options.onError?.(error),
      );
    }, 250);
  }

  /** The send gate and the other rules a command must pass on this desktop, before it leaves. */
  async #gate(
    cache: CacheClient,
    command: Command,
  ): Promise<(Failure & { problems?: { path: string; message: string }[] }) | null> {
    if (command.type === 'message.send') {
      const contact =
        command.conversationId === undefined
          ? null
          : await cache.gateContact({ conversationId: command.conversationId });
      if (contact === null) return null;
      const decision = sendGate(contact, {
        kind: command.sendAt === undefined ? 'reply' : 'scheduled',
      });
      return decision.allowed ? null : { code: decision.code, message: decision.reason };
    }
    if (command.type === 'contact.optIn') {
      const contact = await cache.gateContact({ contactId: command.contactId });
      if (contact?.blocked === true) return { code: 'unblock-first', message: 'Unblock first' };
    }
    // The server's refusal, word for word, before the campaign waits in an outbox (R7).
    if (
      command.type === 'campaign.send' &&
      command.purpose === 'marketing' &&
      !optOutWording(command.body)
    ) {
      return {
        code: 'invalid-input',
        message: MISSING_OPT_OUT_WORDING,
        problems: [{ path: 'body', message: MISSING_OPT_OUT_WORDING }],
      };
    }
    return null;
  }

  #connected(): Connection {
    if (this.#connection === null) throw new Refusal('signed-out', NOT_SIGNED_IN);
    return this.#connection;
  }

  #buildHandlers(): IpcHandlers {
    const base = createCoreHandlers({ appInfo: this.#options.appInfo });
    return {
      ...base,
      ...createCampaignHandlers(() => this.#connected().cache),
      ...createManageHandlers({ connected: () => this.#connected() }),
      ...this.#media.handlers(),
      'consent.explain': async (input) => {
        // How the account's own triggers read the text, once they are known.
        const triggers = (await this.#connection?.cache.account())?.triggers ?? [];
        const handlers =
          triggers.length === 0
            ? base
            : createCoreHandlers({ appInfo: this.#options.appInfo, triggers });
        return handlers['consent.explain'](input);
      },
      'session.get': () => Promise.resolve(this.session()),
      'session.signIn': (input) =>
        this.#serially(async () => {
          const serverUrl = new URL(input.serverUrl).origin;
          const { token, user, refreshAfter } = await signIn(serverUrl, input);
          await this.#disconnect();
          await this.#solo?.close();
          this.#solo = null;
          this.#settings = {
            mode: 'team',
            serverUrl,
            session: {
              token: await this.#secrets.encrypt(token),
              user,
              ...(refreshAfter !== undefined && { refreshAfter }),
            },
          };
          await writeSettings(this.#options.dataDir, this.#settings);
          await this.#connect(serverUrl, token, user, refreshAfter ?? null);
          return this.session();
        }),
      'session.signOut': () =>
        this.#serially(async () => {
          // Ended on the server too, so the token is no use to anyone; offline, signed out all the same.
          const connection = this.#connection;
          if (connection !== null) await signOutOnServer(connection.serverUrl, connection.token);
          await this.#disconnect();
          await this.#solo?.close();
          this.#solo = null;
          this.#settings = { mode: 'team', serverUrl: this.#settings.serverUrl, session: null };
          await writeSettings(this.#options.dataDir, this.#settings);
          const view = this.session();
          this.#options.emit('session.changed', view);
          return view;
        }),
      'session.useSolo': () =>
        this.#serially(async () => {
          await this.#disconnect();
          await this.#startSolo();
          return this.session();
        }),
      'inbox.conversations': async (input) =>
        this.#connected().cache.conversations({
          filter: input.listId !== undefined ? { listId: input.listId } : (input.filter ?? 'open'),
          limit: input.limit ?? 100,
          after: input.after,
        }),
      'inbox.conversation': async ({ conversationId }) => {
        const { cache, user } = this.#connected();
        const row = await cache.conversationRow(conversationId);
        // Agents never see a blocked contact's conversation (R3), as in the lists.
        return row?.blocked === true && user.role === 'agent' ? null : row;
      },
      'inbox.counts': async () => this.#connected().cache.counts(),
      'inbox.messages': async (input) =>
        this.#media.describe(
          await this.#connected().cache.messages({
            conversationId: input.conversationId,
            limit: input.limit ?? 100,
            before: input.before,
          }),
        ),
      'inbox.contact': async ({ contactId }) => {
        const view = await this.#connected().cache.contact(contactId);
        if (view === null) throw new Refusal('not-found', 'That contact is not in this account.');
        return view;
      },
      'inbox.account': async () => this.#connected().cache.account(),
      'inbox.search': async ({ query, limit }) => [
        ...(await this.#connected().cache.search(query, limit ?? 50)),
      ],
      'commands.run': async ({ command }) => {
        const { cache, outbox, sync, user } = this.#connected();
        const notAllowed = refusalFor(user.role, command.type);
        if (notAllowed !== null) throw new Refusal('not-allowed', notAllowed);
        const refusal = await this.#gate(cache, command);
        if (refusal !== null) throw new Refusal(refusal.code, refusal.message, refusal.problems);
        // A new person's password is never written to this computer's disk, nor an import queued.
        // Nor a new API key's secret.
        if (
          command.type === 'user.create' ||
          command.type === 'contacts.import' ||
          command.type === 'apiKey.create'
        ) {
          return sendWithoutOutbox(sync, command);
        }
        const outcome = await outbox.submit(command);
        if (outcome.state === 'refused') {
          const error = outcome.error as Failure & {
            problems?: { path: string; message: string }[];
          };
          throw new Refusal(error.code, error.message, error.problems);
        }
        return outcome;
      },
      'presence.set': (input) => {
        const connection = this.#connection;
        // Best effort: signed out, there is nobody to tell.
        if (connection === null) return Promise.resolve(null);
        const { conversationId } = input;
        const opened =
          conversationId !== null && conversationId !== connection.sync.presence.conversationId;
        connection.sync.setPresence(input);
        if (opened) {
          // Who is already there, for the screen just opened (even if nobody: []).
          this.#options.emit('presence.changed', {
            conversationId,
            people: connection.presence.peopleIn(conversationId),
          });
        }
        return Promise.resolve(null);
      },
      'simulator.open': () => {
        const url = this.#solo?.simulatorUrl;
        if (url === undefined) {
          return Promise.reject(
            new Refusal('not-solo', 'The phone simulator is part of solo mode.'),
          );
        }
        this.#options.openSimulator?.(url);
        return Promise.resolve({ url });
      },
    };
  }
}
