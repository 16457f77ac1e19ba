import type { StateCreator } from 'zustand';
import type { AccountView, IpcInput, SessionView, SyncStatus } from '../../../shared/ipc';
import type { UserSnapshot } from '../../../shared/protocol/entities';
import { textdesk } from '../api';
import type { Store } from './index';

export interface SessionSlice {
  /** Null until main has answered. */
  readonly session: SessionView | null;
  readonly sync: SyncStatus;
  /** Lists, people and triggers of the account, from the cache. */
  readonly account: AccountView | null;
  readonly signInError: string | null;
  readonly signingIn: boolean;
  loadSession: () => Promise<void>;
  sessionChanged: (session: SessionView) => void;
  syncChanged: (status: SyncStatus) => void;
  loadAccount: () => Promise<void>;
  signIn: (input: IpcInput<'session.signIn'>) => Promise<void>;
  signOut: () => Promise<void>;
  switchToSolo: () => Promise<void>;
}

export const createSessionSlice: StateCreator<Store, [], [], SessionSlice> = (set, get) => ({
  session: null,
  sync: { state: 'signed-out' },
  account: null,
  signInError: null,
  signingIn: false,
  loadSession: async () => {
    const result = await textdesk().session.get();
    if (result.ok) get().sessionChanged(result.value);
    else get().notify('error', result.error.message);
  },
  sessionChanged: (session) => {
    const before = get().session;
    set({ session, sync: session.sync });
    const who = (view: SessionView | null) =>
      view === null ? '' : `${view.mode}|${view.serverUrl ?? ''}|${view.user?.id ?? ''}`;
    // Another person or server: nothing on screen is theirs.
    if (who(before) !== who(session)) {
      get().resetInbox();
      if (session.user !== null) {
        void get().loadAccount();
        void get().reloadInbox();
      }
    }
  },
  syncChanged: (status) => {
    set({ sync: status });
  },
  loadAccount: async () => {
    const result = await textdesk().inbox.account();
    if (result.ok) set({ account: result.value });
  },
  signIn: async (input) => {
    set({ signingIn: true, signInError: null });
    const result = await textdesk().session.signIn(input);
    set({ signingIn: false });
    if (result.ok) get().sessionChanged(result.value);
    else set({ signInError: result.error.message });
  },
  signOut: async () => {
    const result = await textdesk().session.signOut();
    if (result.ok) get().sessionChanged(result.value);
    else get().notify('error', result.error.message);
  },
  switchToSolo: async () => {
    const result = await textdesk().session.useSolo();
    if (result.ok) get().sessionChanged(result.value);
    else get().notify('error', result.error.message);
  },
});

/** The signed-in person. */
export const selectMe = (state: Store): UserSnapshot | null => state.session?.user ?? null;

/** Supervisors and admins may block, see blocked contacts and edit triggers. */
export const selectIsSupervisor = (state: Store): boolean => {
  const role = state.session?.user?.role;
  return role === 'supervisor' || role === 'admin';
};

/** The account's country, for showing numbers in its national style; null until known. */
export const selectCountry = (state: Store): string | null =>
  state.account?.profile?.defaultCountry ?? null;
