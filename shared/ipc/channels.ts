/**
 * The names of the renderer ↔ main calls and events, with no schema code, so
 * the sandboxed preload can build `window.textdesk` without bundling zod.
 * `contract.ts` checks that every name here has a schema and a type.
 */
export const IPC_METHODS = [
  'app.info',
  'consent.explain',
  'session.get',
  'session.signIn',
  'session.signOut',
  'session.useSolo',
  'inbox.conversations',
  'inbox.conversation',
  'inbox.counts',
  'inbox.messages',
  'inbox.contact',
  'inbox.account',
  'inbox.search',
  'commands.run',
  'simulator.open',
  'presence.set',
  'campaigns.list',
  'campaigns.recipients',
  'campaigns.preview',
  'lists.members',
  'lists.optedOut',
  'lists.sizes',
  'lists.exportCsv',
  'lists.exportVcard',
  'contacts.lookup',
  'reports.optOuts',
  'reports.exportOptOutsCsv',
  'admin.webhook',
  'admin.setWebhook',
  'admin.apiKeys',
  'admin.createApiKey',
  'admin.revokeApiKey',
  'admin.sessions',
  'admin.endSessions',
  'media.stage',
  'media.unstage',
] as const;

export type IpcMethod = (typeof IPC_METHODS)[number];

/** Events main pushes to the renderer. */
export const IPC_EVENTS = [
  'sync.status',
  'data.changed',
  'outbox.cancelled',
  'session.changed',
  'app.openConversation',
  'presence.changed',
] as const;

export type IpcEvent = (typeof IPC_EVENTS)[number];

/** The one channel events travel on, as `[event, payload]`; the preload filters by name. */
export const IPC_EVENT_CHANNEL = 'textdesk:event';
