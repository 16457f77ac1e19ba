import { IPC_METHODS, type IpcMethod } from './channels';
import type { TextdeskApi } from './contract';

/** Sends one call across the boundary and resolves with main's result. */
export type Invoke = (method: IpcMethod, input: unknown) => Promise<unknown>;

/**
 * Builds the named `window.textdesk` object from the method list. The preload
 * passes an `invoke` bound to one ipcRenderer channel per method; tests and
 * the browser preview pass their own transport.
 */
export function buildApi(invoke: Invoke): TextdeskApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const method of IPC_METHODS) {
    const [namespace = '', name = ''] = method.split('.');
    const target = (api[namespace] ??= {});
    target[name] = (input?: unknown) => invoke(method, input);
  }
  // The shape is fixed by IPC_METHODS, which contract.ts ties to TextdeskApi.
  return api as unknown as TextdeskApi;
}
