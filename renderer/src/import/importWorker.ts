import { openContactsFile, peopleOf, type OpenedFile } from '../../../shared/contacts/contactsFile';
import { planImport } from '../../../shared/contacts/importPlan';
import type { OpenedSummary, PlanSummary, WorkerReply, WorkerRequest } from './protocol';

/**
 * The import's worker: reads a contacts file and plans its import, so a
 * large file never freezes the window. One file at a time; opening another
 * replaces it.
 */

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

const SAMPLE_RECORDS = 9;
let opened: OpenedFile | null = null;

async function answer(request: WorkerRequest): Promise<OpenedSummary | PlanSummary> {
  if (request.type === 'open') {
    const bytes = new Uint8Array(await request.file.arrayBuffer());
    opened = openContactsFile(bytes, request.name, request.encoding);
    const file = opened;
    return file.format === 'vcard'
      ? {
          format: 'vcard',
          encoding: file.encoding,
          source: 'vcard',
          sample: [],
          width: 0,
          key: 'vcard',
          guess: null,
          records: file.people.length + file.problems.length,
        }
      : {
          format: 'csv',
          encoding: file.encoding,
          source: file.source,
          sample: file.csv.records.slice(0, SAMPLE_RECORDS),
          width: file.width,
          key: file.key,
          guess: file.guess,
          records: file.csv.records.length,
        };
  }
  if (opened === null) throw new Error('Choose a file first.');
  const { people, problems } = peopleOf(opened, request.mapping);
  return planImport(people, problems, request.country);
}

scope.onmessage = (event) => {
  const request = event.data;
  answer(request).then(
    (value) => {
      scope.postMessage({ id: request.id, ok: true, value });
    },
    (error: unknown) => {
      scope.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  );
};
