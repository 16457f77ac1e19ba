import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcEvent, IpcEventPayload } from '../../../shared/ipc';
import type { Result } from '../../../shared/result';
import { DesktopCore, type TextNotification } from '../desktopCore';
import { createIpcDispatch } from '../ipcDispatch';
import { writeSettings } from '../session';

interface Heard {
  readonly event: IpcEvent;
  readonly payload: unknown;
}

/**
 * A DesktopCore as main runs it, with every event it pushes recorded, and
 * calls made through the same dispatcher (schemas and all) as IPC.
 */
export interface CoreHarness {
  readonly core: DesktopCore;
  readonly dataDir: string;
  readonly heard: Heard[];
  readonly notifications: TextNotification[];
  readonly badges: number[];
  call(method: string, input?: unknown): Promise<Result<unknown>>;
  /** Calls and returns the value; throws with the refusal's message. */
  value<T = unknown>(method: string, input?: unknown): Promise<T>;
  /** Resolves with the first event of `event` (already heard or to come) that `match` accepts. */
  until<E extends IpcEvent>(
    event: E,
    match: (payload: IpcEventPayload<E>) => boolean,
  ): Promise<IpcEventPayload<E>>;
  /** Resolves with the first notification (already shown or to come) that `match` accepts. */
  untilNotified(match: (notification: TextNotification) => boolean): Promise<TextNotification>;
  stop(): Promise<void>;
}

export async function startCore(
  options: {
    readonly dataDir?: string;
    readonly team?: boolean;
    /** How long others' typing holds without a refresh (6 s in the app). */
    readonly typingExpiresMs?: number;
    /** Told when the session's token was replaced by a fresh one. */
    readonly onTokenRefreshed?: () => void;
  } = {},
): Promise<CoreHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'textdesk-core-'));
  // A team desktop starts signed out, instead of starting the solo backend.
  if (options.team === true && options.dataDir === undefined) {
    await writeSettings(dataDir, { mode: 'team', serverUrl: null, session: null });
  }
  const heard: Heard[] = [];
  const waiters = new Set<(entry: Heard) => boolean>();
  const notifications: TextNotification[] = [];
  const notificationWaiters = new Set<(notification: TextNotification) => boolean>();
  const badges: number[] = [];
  const core = await DesktopCore.start({
    dataDir,
    appInfo: {
      name: 'Textdesk',
      version: 'test',
      platform: 'node',
      versions: { electron: 'none', chrome: 'none', node: process.versions.node },
    },
    emit: (event, payload) => {
      const entry = { event, payload };
      heard.push(entry);
      for (const waiter of [...waiters]) if (waiter(entry)) waiters.delete(waiter);
    },
    notify: (notification) => {
      notifications.push(notification);
      for (const waiter of [...notificationWaiters]) {
        if (waiter(notification)) notificationWaiters.delete(waiter);
      }
    },
    badge: (unread) => badges.push(unread),
    ...(options.typingExpiresMs !== undefined && { typingExpiresMs: options.typingExpiresMs }),
    ...(options.onTokenRefreshed !== undefined && { onTokenRefreshed: options.onTokenRefreshed }),
    onError: (error) => {
      console.error(error);
    },
  });
  const dispatch = createIpcDispatch(core.handlers, (_method, error) => {
    console.error(error);
  });
  const harness: CoreHarness = {
    core,
    dataDir,
    heard,
    notifications,
    badges,
    call: (method, input) => dispatch(method, input),
    value: async <T>(method: string, input?: unknown): Promise<T> => {
      const result = await dispatch(method, input);
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
      return result.value as T;
    },
    until: <E extends IpcEvent>(event: E, match: (payload: IpcEventPayload<E>) => boolean) =>
      new Promise<IpcEventPayload<E>>((resolve) => {
        const accept = (entry: Heard): boolean => {
          if (entry.event !== event || !match(entry.payload as IpcEventPayload<E>)) return false;
          resolve(entry.payload as IpcEventPayload<E>);
          return true;
        };
        if (heard.some(accept)) return;
        waiters.add(accept);
      }),
    untilNotified: (match) =>
      new Promise<TextNotification>((resolve) => {
        const accept = (notification: TextNotification): boolean => {
          if (!match(notification)) return false;
          resolve(notification);
          return true;
        };
        if (notifications.some(accept)) return;
        notificationWaiters.add(accept);
      }),
    stop: () => core.stop(),
  };
  return harness;
}

export const isLive = (status: { readonly state: string }): boolean => status.state === 'live';

/**
 * A team-mode desktop signed in to `serverUrl` as `who`, caught up and
 * live. The caller stops it.
 */
export async function startSignedIn(
  serverUrl: string,
  who: { readonly email: string; readonly password: string },
  options: { readonly typingExpiresMs?: number } = {},
): Promise<CoreHarness> {
  const desk = await startCore({ ...options, team: true });
  try {
    await desk.value('session.signIn', { serverUrl, ...who });
    await desk.until('sync.status', isLive);
    return desk;
  } catch (error) {
    await desk.stop();
    throw error;
  }
}

/** A customer texts the business (its first number, or `to`) through the server's phone simulator. */
export async function customerTexts(
  serverUrl: string,
  from: string,
  body: string,
  fields: { readonly id?: string; readonly to?: string } = {},
): Promise<void> {
  const response = await fetch(`${serverUrl}/simulator/inbound`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from, body, ...fields }),
  });
  if (!response.ok) {
    throw new Error(
      `The simulator refused the text (${String(response.status)}): ${await response.text()}`,
    );
  }
}
