/**
 * A "no" meant for the person: thrown by a handler, it crosses IPC as
 * `{ ok: false, error: { code, message } }` with this exact sentence, where
 * any other error becomes a generic "Something went wrong".
 */
export class Refusal extends Error {
  readonly code: string;
  readonly problems: readonly { readonly path: string; readonly message: string }[] | undefined;

  constructor(
    code: string,
    message: string,
    problems?: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(message);
    this.name = 'Refusal';
    this.code = code;
    this.problems = problems;
  }
}
