import type { StateCreator } from 'zustand';
import type { IpcOutput } from '../../../shared/ipc';
import { textdesk } from '../api';
import type { Store } from './index';

export interface AppSlice {
  readonly info: IpcOutput<'app.info'> | null;
  readonly infoError: string | null;
  loadInfo: () => Promise<void>;
}

export const createAppSlice: StateCreator<Store, [], [], AppSlice> = (set) => ({
  info: null,
  infoError: null,
  loadInfo: async () => {
    const result = await textdesk().app.info();
    set(result.ok ? { info: result.value, infoError: null } : { infoError: result.error.message });
  },
});
