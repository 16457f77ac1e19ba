export { IPC_EVENTS, IPC_METHODS, type IpcEvent, type IpcMethod } from './channels';
export {
  ipcContract,
  type IpcHandlers,
  type IpcInput,
  type IpcOutput,
  type IpcResult,
  type TextdeskApi,
} from './contract';
export { buildApi, type Invoke } from './api';
