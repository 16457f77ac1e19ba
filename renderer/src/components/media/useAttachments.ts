import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import type { Attachment } from '../../store/attachmentSlice';

export type { Attachment } from '../../store/attachmentSlice';

const NONE: readonly never[] = [];

/** One conversation's attached files in the composer, and what can be done with them. */
export function useAttachments(conversationId: string | null) {
  const id = conversationId ?? '';
  const items = useStore((state): readonly Attachment[] => state.attachments[id] ?? NONE);
  const errors = useStore((state): readonly string[] => state.attachErrors[id] ?? NONE);
  const { attach, detach, attachmentsSent } = useStore(
    useShallow((state) => ({
      attach: state.attach,
      detach: state.detach,
      attachmentsSent: state.attachmentsSent,
    })),
  );
  return {
    items,
    staged: items.flatMap((item) => (item.state === 'staged' ? [item.staged] : [])),
    staging: items.some((item) => item.state === 'staging'),
    errors,
    add: (files: readonly File[]) => {
      if (conversationId !== null) attach(conversationId, files);
    },
    remove: (key: string) => {
      if (conversationId !== null) detach(conversationId, key);
    },
    sent: () => {
      if (conversationId !== null) attachmentsSent(conversationId);
    },
  };
}
