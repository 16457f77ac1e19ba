import type { CacheMethods } from './types';

/**
 * What crosses between the main thread (client.ts) and the cache worker
 * (worker.ts). Values are structured clones; errors cross as their message.
 */

export type MethodName = keyof CacheMethods;
export type MethodArgs<K extends MethodName> = Parameters<CacheMethods[K]>;
export type MethodResult<K extends MethodName> = ReturnType<CacheMethods[K]>;

export interface WorkerInit {
  readonly file: string;
  readonly nativeBinding?: string | undefined;
}

export interface WorkerRequest<K extends MethodName = MethodName> {
  readonly id: number;
  readonly method: K;
  readonly args: MethodArgs<K>;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The worker's first message: the cache opened, or why it could not. */
export type WorkerStarted =
  { readonly ready: true } | { readonly ready: false; readonly error: string };

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
