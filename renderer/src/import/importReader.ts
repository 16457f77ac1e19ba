import type { CsvMapping } from '../../../shared/contacts/contactsFile';
import type { CountryCode } from '../../../shared/phone';
import type { OpenedSummary, PlanSummary, WorkerReply, WorkerRequest } from './protocol';

/** Omit over each member of a union, keeping it a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

/** The import worker, one request at a time, as promises. */
export class ImportReader {
  readonly #worker = new Worker(new URL('./importWorker.ts', import.meta.url), {
    type: 'module',
  });
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  constructor() {
    this.#worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (pending === undefined) return;
      if (reply.ok) pending.resolve(reply.value as never);
      else pending.reject(new Error(reply.error));
    };
    this.#worker.onerror = (event) => {
      const error = new Error(event.message || 'The file could not be read.');
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
  }

  #ask<T>(request: DistributiveOmit<WorkerRequest, 'id'>) {
    this.#next += 1;
    const id = this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  open(file: Blob, name: string, encoding?: string): Promise<OpenedSummary> {
    return this.#ask({ type: 'open', file, name, ...(encoding !== undefined && { encoding }) });
  }

  plan(mapping: CsvMapping | undefined, country: CountryCode): Promise<PlanSummary> {
    return this.#ask({ type: 'plan', country, ...(mapping !== undefined && { mapping }) });
  }

  close(): void {
    this.#worker.terminate();
  }
}
