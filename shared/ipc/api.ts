import { IPC_EVENTS, IPC_METHODS, type IpcEvent, type IpcMethod } from './channels';
import type { TextdeskApi } from './contract';

/** Sends one call across the boundary and resolves with main's result. */
export type Invoke = (method: IpcMethod, input: unknown) => Promise<unknown>;

/** Listens for every event main pushes; returns the function that stops listening. */
export type Listen = (listener: (event: string, payload: unknown) => void) => () => void;

const isEvent = (event: string): event is IpcEvent =>
  (IPC_EVENTS as readonly string[]).includes(event);

/**
 * Builds the named `window.textdesk` object from the method list. The preload
 * passes an `invoke` bound to one ipcRenderer channel per method and a
 * `listen` on the event channel; tests and the browser preview pass their
 * own transport.
 */
export function buildApi(invoke: Invoke, listen: Listen): TextdeskApi {
  const api: Record<string, unknown> = {};
  for (const method of IPC_METHODS) {
    const [namespace = '', name = ''] = method.split('.');
    const target = (api[namespace] ??= {}) as Record<string, (input?: unknown) => Promise<unknown>>;
    target[name] = (input?: unknown) => invoke(method, input);
  }
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!isEvent(event)) throw new Error(`Unknown event “${event}”.`);
    return listen((name, payload) => {
      if (name === event) listener(payload);
    });
  };
  // The shape is fixed by IPC_METHODS and IPC_EVENTS, which contract.ts ties to TextdeskApi.
  return api as unknown as TextdeskApi;
}
