export { DesktopCore, type DesktopCoreOptions, type TextNotification } from './desktopCore';
export { createCoreHandlers, type CoreOptions } from './handlers';
export { createIpcDispatch, type IpcDispatch } from './ipcDispatch';
export { Refusal } from './refusal';
export { PLAIN_SECRETS, type SecretStore } from './session';
export * from './security';
