import { z } from 'zod';
import type { Result } from '../result';
import type { IpcMethod } from './channels';

/**
 * The renderer ↔ main contract: for each method, the schema its input is
 * parsed with in main (never trusted) and the shape of its answer.
 */
export const ipcContract = {
  'app.info': {
    input: z.undefined(),
    output: z.object({
      name: z.string(),
      version: z.string(),
      platform: z.string(),
      versions: z.object({ electron: z.string(), chrome: z.string(), node: z.string() }),
    }),
  },
  'consent.explain': {
    input: z.object({ text: z.string().max(1600, 'A text can be at most 1600 characters.') }),
    output: z.object({
      kind: z.enum(['opt-out', 'opt-in', 'trigger', 'message']),
      possibleOptOut: z.boolean(),
      summary: z.string(),
    }),
  },
} as const satisfies Record<IpcMethod, { input: z.ZodType; output: z.ZodType }>;

export type IpcInput<M extends IpcMethod> = z.input<(typeof ipcContract)[M]['input']>;
export type IpcOutput<M extends IpcMethod> = z.output<(typeof ipcContract)[M]['output']>;
export type IpcResult<M extends IpcMethod> = Result<IpcOutput<M>>;

/** What main implements: one handler per method, given parsed input. */
export type IpcHandlers = {
  [M in IpcMethod]: (input: z.output<(typeof ipcContract)[M]['input']>) => Promise<IpcOutput<M>>;
};

type Namespace<M> = M extends `${infer N}.${string}` ? N : never;
type MethodName<M, N extends string> = M extends `${N}.${infer Name}` ? Name : never;

/** One call as the renderer sees it: no argument when the input is empty. */
type Call<M extends IpcMethod> =
  IpcInput<M> extends undefined
    ? () => Promise<IpcResult<M>>
    : (input: IpcInput<M>) => Promise<IpcResult<M>>;

/**
 * `window.textdesk`: one object per namespace, one function per method,
 * so "consent.explain" is `window.textdesk.consent.explain({ text })`.
 */
export type TextdeskApi = {
  readonly [N in Namespace<IpcMethod>]: {
    readonly [Name in MethodName<IpcMethod, N>]: Call<`${N}.${Name}` & IpcMethod>;
  };
};
