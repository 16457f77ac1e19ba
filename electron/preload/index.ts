import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../../shared/ipc/api';

// Named functions only: the page never sees ipcRenderer itself, and every
// method maps to exactly one channel of the contract.
contextBridge.exposeInMainWorld(
  'textdesk',
  buildApi((method, input) => ipcRenderer.invoke(method, input)),
);
