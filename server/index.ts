/**
 * The messaging backend's single entry point. electron/core may import the
 * backend only through this file (solo mode); the lint rule enforces it.
 *
 * The backend itself — storage, accounts, carrier webhooks, sync over
 * socket.io — is being built; until then this module only names the
 * defaults the desktop app and the server will share.
 */
export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
