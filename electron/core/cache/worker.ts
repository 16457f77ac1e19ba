import { parentPort, workerData } from 'node:worker_threads';
import { LocalCache } from './localCache';
import {
  type MethodArgs,
  type MethodName,
  type MethodResult,
  type WorkerInit,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStarted,
  errorMessage,
} from './workerProtocol';

/**
 * The cache worker: owns the SQLite connection, so the main thread never
 * waits on the disk. One request at a time, in the order they arrive.
 */

const port = parentPort;
if (port === null) throw new Error('The cache worker must run as a worker thread.');
const init = workerData as WorkerInit;

function open(): LocalCache | null {
  try {
    const cache = new LocalCache(init.file, { nativeBinding: init.nativeBinding });
    port?.postMessage({ ready: true } satisfies WorkerStarted);
    return cache;
  } catch (error) {
    port?.postMessage({ ready: false, error: errorMessage(error) } satisfies WorkerStarted);
    return null;
  }
}

const cache = open();
if (cache === null) {
  port.close();
} else {
  const handlers: { [K in MethodName]: (args: MethodArgs<K>) => MethodResult<K> } = {
    identity: () => cache.identity(),
    claim: ([identity]) => {
      cache.claim(identity);
    },
    cursor: () => cache.cursor(),
    applyChanges: ([changes]) => cache.applyChanges(changes),
    conversations: ([query]) => cache.conversations(query),
    conversationRow: ([id]) => cache.conversationRow(id),
    counts: () => cache.counts(),
    messages: ([query]) => cache.messages(query),
    contact: ([id]) => cache.contact(id),
    gateContact: ([target]) => cache.gateContact(target),
    account: () => cache.account(),
    search: ([query, limit]) => cache.search(query, limit),
    outboxAdd: ([entry]) => {
      cache.outboxAdd(entry);
    },
    outboxPending: () => cache.outboxPending(),
    outboxAttempted: ([key]) => {
      cache.outboxAttempted(key);
    },
    outboxSettle: ([key, settled]) => {
      cache.outboxSettle(key, settled);
    },
    outboxEntry: ([key]) => cache.outboxEntry(key),
    outboxReplace: ([key, command]) => {
      cache.outboxReplace(key, command);
    },
    campaigns: () => cache.campaigns(),
    campaignRecipients: ([query]) => cache.campaignRecipients(query),
    campaignPreview: ([query]) => cache.campaignPreview(query),
    members: ([query]) => cache.members(query),
    exportMembers: ([target]) => cache.exportMembers(target),
    knownContacts: ([phones]) => cache.knownContacts(phones),
    listSizes: () => cache.listSizes(),
    optOutReport: ([query]) => cache.optOutReport(query),
    close: () => {
      cache.close();
    },
  };
  const run = <K extends MethodName>(request: WorkerRequest<K>): MethodResult<K> =>
    handlers[request.method](request.args);

  port.on('message', (request: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = { id: request.id, ok: true, value: run(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: errorMessage(error) };
    }
    port.postMessage(reply);
    // Closing the port lets the thread end once the reply is on its way.
    if (request.method === 'close') port.close();
  });
}
