import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi } from '../../shared/ipc/api';
import { IPC_EVENT_CHANNEL } from '../../shared/ipc/channels';

// Named functions only: the page never sees ipcRenderer itself, every
// method maps to exactly one channel of the contract, and event listeners
// get the payload alone, never Electron's event object.
contextBridge.exposeInMainWorld(
  'textdesk',
  buildApi(
    (method, input) => ipcRenderer.invoke(method, input),
    (listener) => {
      const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
        if (typeof name === 'string') listener(name, payload);
      };
      ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
      };
    },
  ),
);
