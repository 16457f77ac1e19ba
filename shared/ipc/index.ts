export {
  IPC_EVENT_CHANNEL,
  IPC_EVENTS,
  IPC_METHODS,
  type IpcEvent,
  type IpcMethod,
} from './channels';
export {
  ipcContract,
  ipcEventContract,
  SessionViewSchema,
  type IpcEventPayload,
  type IpcHandlers,
  type IpcInput,
  type IpcOutput,
  type IpcResult,
  type SessionView,
  type Subscribe,
  type TextdeskApi,
} from './contract';
export { buildApi, type Invoke, type Listen } from './api';
export * from './views';
export * from './campaignViews';
export * from './manage';
export * from './media';
