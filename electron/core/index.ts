export { createCoreHandlers, type CoreOptions } from './handlers';
export { createIpcDispatch, type IpcDispatch } from './ipcDispatch';
export * from './security';
