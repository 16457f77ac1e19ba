import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_METHODS } from '../../shared/ipc';
import { isAppUrl, type AppOrigins, type IpcDispatch } from '../core';

/**
 * One ipcMain handler per contract method. A call is answered only when it
 * comes from the app's own top-level page; the payload is parsed by the
 * dispatcher against the contract's schema before any handler runs.
 */
export function registerIpc(dispatch: IpcDispatch, origins: AppOrigins): void {
  for (const method of IPC_METHODS) {
    ipcMain.handle(method, (event: IpcMainInvokeEvent, input: unknown) => {
      const frame = event.senderFrame;
      if (frame === null || frame !== event.sender.mainFrame || !isAppUrl(frame.url, origins)) {
        return {
          ok: false,
          error: { code: 'forbidden', message: 'This page may not talk to Textdesk.' },
        };
      }
      return dispatch(method, input);
    });
  }
}
