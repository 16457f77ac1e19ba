import type { TextdeskApi } from '../../shared/ipc';

declare global {
  interface Window {
    /** Built by the preload from shared/ipc; the renderer's only way out. */
    readonly textdesk: TextdeskApi;
  }
}

export const textdesk = (): TextdeskApi => window.textdesk;
