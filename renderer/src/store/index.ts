import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './appSlice';
import { createAttachmentSlice, type AttachmentSlice } from './attachmentSlice';
import { createExplainSlice, type ExplainSlice } from './explainSlice';
import { createInboxSlice, type InboxSlice } from './inboxSlice';
import { createSessionSlice, type SessionSlice } from './sessionSlice';
import { createThreadSlice, type ThreadSlice } from './threadSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

/** One store of typed slices; components read it through narrow selectors. */
export type Store = AppSlice &
  AttachmentSlice &
  ExplainSlice &
  SessionSlice &
  InboxSlice &
  ThreadSlice &
  UiSlice;

export const useStore = create<Store>()((...args) => ({
  ...createAppSlice(...args),
  ...createAttachmentSlice(...args),
  ...createExplainSlice(...args),
  ...createSessionSlice(...args),
  ...createInboxSlice(...args),
  ...createThreadSlice(...args),
  ...createUiSlice(...args),
}));
