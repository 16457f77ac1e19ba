import type { StateCreator } from 'zustand';
import type { IpcOutput } from '../../../shared/ipc';
import { textdesk } from '../api';
import type { Store } from './index';

export interface ExplainSlice {
  readonly explainText: string;
  readonly explanation: IpcOutput<'consent.explain'> | null;
  readonly explainError: string | null;
  /** Reads a text as an inbound message would be read, and says what follows. */
  explain: (text: string) => Promise<void>;
}

export const createExplainSlice: StateCreator<Store, [], [], ExplainSlice> = (set, get) => ({
  explainText: '',
  explanation: null,
  explainError: null,
  explain: async (text) => {
    set({ explainText: text });
    if (text.trim() === '') {
      set({ explanation: null, explainError: null });
      return;
    }
    const result = await textdesk().consent.explain({ text });
    // Answers can overtake each other while someone types: keep the latest.
    if (get().explainText !== text) return;
    set(
      result.ok
        ? { explanation: result.value, explainError: null }
        : { explanation: null, explainError: result.error.message },
    );
  },
});
