import { app } from 'electron';
import { join } from 'node:path';

/**
 * better-sqlite3 built for Electron's ABI. node_modules keeps the build for
 * Node (the tests run there), so the app loads this copy instead:
 * `build/scripts/electron-native.mjs` makes it before `npm start`, and
 * packaging ships it in the resources folder.
 */
export function nativeBinding(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'native', 'better_sqlite3.node')
    : join(app.getAppPath(), 'out', 'native', 'better_sqlite3.node');
}
