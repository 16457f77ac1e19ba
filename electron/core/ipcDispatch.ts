import { IPC_METHODS, ipcContract, type IpcHandlers, type IpcMethod } from '../../shared/ipc';
import type { Result } from '../../shared/result';
import { Refusal } from './refusal';

export type IpcDispatch = (method: string, rawInput: unknown) => Promise<Result<unknown>>;

const isMethod = (method: string): method is IpcMethod =>
  (IPC_METHODS as readonly string[]).includes(method);

/**
 * Turns the handler map into one entry point that parses every payload with
 * the contract's schema before a handler sees it, and never throws across the
 * boundary: failures come back as `{ ok: false, error }` a person can read.
 */
export function createIpcDispatch(
  handlers: Partial<IpcHandlers>,
  onUnexpected: (method: string, error: unknown) => void = () => undefined,
): IpcDispatch {
  return async (method, rawInput) => {
    if (!isMethod(method)) {
      return {
        ok: false,
        error: { code: 'unknown-method', message: `Unknown request “${method}”.` },
      };
    }
    const parsed = ipcContract[method].input.safeParse(rawInput);
    if (!parsed.success) {
      const message = parsed.error.issues.map((issue) => issue.message).join(' ');
      return {
        ok: false,
        error: { code: 'invalid-input', message: `Invalid request: ${message}` },
      };
    }
    // Each handler receives exactly its own method's parsed input.
    const handler = handlers[method] as ((input: unknown) => Promise<unknown>) | undefined;
    if (handler === undefined) {
      return {
        ok: false,
        error: { code: 'unavailable', message: `“${method}” is not available here.` },
      };
    }
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof Refusal) {
        return {
          ok: false,
          error: {
            code: error.code,
            message: error.message,
            ...(error.problems !== undefined && { problems: error.problems }),
          },
        };
      }
      onUnexpected(method, error);
      return {
        ok: false,
        error: { code: 'internal', message: 'Something went wrong. Please try again.' },
      };
    }
  };
}
