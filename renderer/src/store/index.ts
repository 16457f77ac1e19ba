import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './appSlice';
import { createExplainSlice, type ExplainSlice } from './explainSlice';

/** One store of typed slices; components read it through narrow selectors. */
export type Store = AppSlice & ExplainSlice;

export const useStore = create<Store>()((...args) => ({
  ...createAppSlice(...args),
  ...createExplainSlice(...args),
}));
