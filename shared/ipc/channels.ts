/**
 * The names of the renderer ↔ main calls, with no schema code, so the
 * sandboxed preload can build `window.textdesk` without bundling zod.
 * `contract.ts` checks that every name here has a schema and a type.
 */
export const IPC_METHODS = ['app.info', 'consent.explain'] as const;

export type IpcMethod = (typeof IPC_METHODS)[number];

/** Events main pushes to the renderer. */
export const IPC_EVENTS = [] as const;

export type IpcEvent = (typeof IPC_EVENTS)[number];
