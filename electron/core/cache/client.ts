import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  MethodArgs,
  MethodName,
  MethodResult,
  WorkerInit,
  WorkerReply,
  WorkerRequest,
  WorkerStarted,
} from './workerProtocol';

/** The cache as the main thread sees it: every method of CacheMethods, answered later. */
export type CacheClient = {
  readonly [K in MethodName]: (...args: MethodArgs<K>) => Promise<MethodResult<K>>;
};

export interface OpenCacheOptions {
  /** better-sqlite3's native module built for Electron's ABI (Node's build does not load there). */
  readonly nativeBinding?: string | undefined;
}

/**
 * Starts the cache worker. From source (vitest, tsx) this file's URL ends
 * in .ts and the worker runs worker.ts through tsx's require hook: Node 20
 * ignores `--import` in a worker's execArgv, so `execArgv: ['--import',
 * 'tsx']` would leave the worker unable to load TypeScript. From the
 * electron-vite main bundle it is the built `cacheWorker.js` next to it;
 * electron.vite.config.ts must list `cacheWorker` (this folder's worker.ts)
 * as an entry of the main build for that file to exist.
 */
function spawn(init: WorkerInit): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
    const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
    return new Worker(boot, { eval: true, workerData: init });
  }
  return new Worker(new URL('./cacheWorker.js', import.meta.url), { workerData: init });
}

/** Opens the cache file in a worker thread; rejects if it cannot be opened (e.g. a newer app's file). */
export async function openCache(
  file: string,
  options: OpenCacheOptions = {},
): Promise<CacheClient> {
  const worker = spawn({ file, nativeBinding: options.nativeBinding });
  const waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  let ended: Error | null = null;
  let nextId = 1;

  const end = (error: Error) => {
    ended ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };

  await new Promise<void>((resolve, reject) => {
    const started = (message: WorkerStarted) => {
      worker.off('error', failed);
      if (message.ready) {
        resolve();
      } else {
        reject(new Error(message.error));
      }
    };
    const failed = (error: Error) => {
      worker.off('message', started);
      reject(error);
    };
    worker.once('message', started);
    worker.once('error', failed);
  });

  worker.on('message', (reply: WorkerReply) => {
    const call = waiting.get(reply.id);
    if (call === undefined) return;
    waiting.delete(reply.id);
    if (reply.ok) {
      call.resolve(reply.value);
    } else {
      call.reject(new Error(reply.error));
    }
  });
  worker.on('error', (error) => {
    end(new Error(`The local cache stopped: ${error.message}`));
  });
  worker.on('exit', () => {
    end(new Error('The local cache is closed.'));
  });

  const call = <K extends MethodName>(method: K, args: MethodArgs<K>): Promise<MethodResult<K>> => {
    if (ended !== null) return Promise.reject(ended);
    const id = nextId;
    nextId += 1;
    return new Promise<MethodResult<K>>((resolve, reject) => {
      // The worker answers each method with that method's result.
      waiting.set(id, {
        resolve: (value) => {
          resolve(value as MethodResult<K>);
        },
        reject,
      });
      worker.postMessage({ id, method, args } satisfies WorkerRequest<K>);
    });
  };
  const method =
    <K extends MethodName>(name: K) =>
    (...args: MethodArgs<K>): Promise<MethodResult<K>> =>
      call(name, args);

  return {
    identity: method('identity'),
    claim: method('claim'),
    cursor: method('cursor'),
    applyChanges: method('applyChanges'),
    conversations: method('conversations'),
    conversationRow: method('conversationRow'),
    counts: method('counts'),
    messages: method('messages'),
    contact: method('contact'),
    gateContact: method('gateContact'),
    account: method('account'),
    search: method('search'),
    outboxAdd: method('outboxAdd'),
    outboxPending: method('outboxPending'),
    outboxAttempted: method('outboxAttempted'),
    outboxSettle: method('outboxSettle'),
    outboxEntry: method('outboxEntry'),
    outboxReplace: method('outboxReplace'),
    campaigns: method('campaigns'),
    campaignRecipients: method('campaignRecipients'),
    campaignPreview: method('campaignPreview'),
    members: method('members'),
    exportMembers: method('exportMembers'),
    knownContacts: method('knownContacts'),
    listSizes: method('listSizes'),
    optOutReport: method('optOutReport'),
    close: async () => {
      if (ended !== null) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      await call('close', []);
      await exited;
    },
  };
}
