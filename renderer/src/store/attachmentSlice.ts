import type { StateCreator } from 'zustand';
import type { StagedMedia } from '../../../shared/ipc/media';
import { textdesk } from '../api';
import { attachName, bytesToBase64 } from '../media/base64';
import { checkAttach } from '../media/limits';
import type { Store } from './index';

/** A file in a composer's strip: being read and staged, or staged in main. */
export type Attachment =
  | {
      readonly key: string;
      readonly state: 'staging';
      readonly filename: string;
      readonly size: number;
    }
  | { readonly key: string; readonly state: 'staged'; readonly staged: StagedMedia };

export interface AttachmentSlice {
  /** Each conversation's attached files, kept like its draft while the agent looks elsewhere. */
  readonly attachments: Readonly<Record<string, readonly Attachment[]>>;
  /** Why files were not attached, per conversation, until the next attach or removal. */
  readonly attachErrors: Readonly<Record<string, readonly string[]>>;
  /** Checks (25 MB, 10 a text), reads and stages files picked, pasted or dropped. */
  attach: (conversationId: string, files: readonly File[]) => void;
  /** The strip's ×: unstages the file. */
  detach: (conversationId: string, key: string) => void;
  /** After a send: main took the staged files with the text, so nothing is unstaged. */
  attachmentsSent: (conversationId: string) => void;
}

let counter = 0;

async function stage(
  file: File,
  filename: string,
): Promise<{ staged: StagedMedia } | { error: string }> {
  let data: string;
  try {
    data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
  } catch {
    return { error: `“${filename}” could not be read.` };
  }
  const result = await textdesk().media.stage({ filename, type: file.type.slice(0, 200), data });
  return result.ok
    ? { staged: result.value }
    : { error: `“${filename}” was not attached: ${result.error.message}` };
}

export const createAttachmentSlice: StateCreator<Store, [], [], AttachmentSlice> = (set, get) => {
  const listOf = (conversationId: string) => get().attachments[conversationId] ?? [];
  const put = (conversationId: string, items: readonly Attachment[]) => {
    set({ attachments: { ...get().attachments, [conversationId]: items } });
  };
  const sayErrors = (conversationId: string, errors: readonly string[]) => {
    set({ attachErrors: { ...get().attachErrors, [conversationId]: errors } });
  };
  return {
    attachments: {},
    attachErrors: {},
    attach: (conversationId, files) => {
      const { accepted, refused } = checkAttach(
        listOf(conversationId).length,
        files.map((file) => ({ name: attachName(file.name, file.type), size: file.size, file })),
      );
      sayErrors(conversationId, refused);
      const picked = accepted.map((entry) => {
        counter += 1;
        return { key: `attachment-${String(counter)}`, entry };
      });
      put(conversationId, [
        ...listOf(conversationId),
        ...picked.map(({ key, entry }): Attachment => ({
          key,
          state: 'staging',
          filename: entry.name,
          size: entry.size,
        })),
      ]);
      for (const { key, entry } of picked) {
        void stage(entry.file, entry.name).then((outcome) => {
          const still = listOf(conversationId).some((item) => item.key === key);
          if ('error' in outcome) {
            sayErrors(conversationId, [
              ...(get().attachErrors[conversationId] ?? []),
              outcome.error,
            ]);
          } else if (!still) {
            // Removed (or sent without it) while it was being staged.
            void textdesk().media.unstage({ id: outcome.staged.id });
            return;
          }
          put(
            conversationId,
            listOf(conversationId).flatMap((item): Attachment[] => {
              if (item.key !== key) return [item];
              return 'staged' in outcome ? [{ key, state: 'staged', staged: outcome.staged }] : [];
            }),
          );
        });
      }
    },
    detach: (conversationId, key) => {
      const item = listOf(conversationId).find((candidate) => candidate.key === key);
      if (item?.state === 'staged') void textdesk().media.unstage({ id: item.staged.id });
      put(
        conversationId,
        listOf(conversationId).filter((candidate) => candidate.key !== key),
      );
      sayErrors(conversationId, []);
    },
    attachmentsSent: (conversationId) => {
      put(conversationId, []);
      sayErrors(conversationId, []);
    },
  };
};
