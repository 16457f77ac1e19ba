import { app, BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import { createCoreHandlers, createIpcDispatch } from '../core';
import { registerIpc } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { hardenApp } from './security';
import { createMainWindow } from './window';

// electron-vite sets this in `npm run dev` only; packaged and preview builds load app://.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const origins = { devServerUrl };
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));

app.enableSandbox();
registerAppScheme();
hardenApp(origins);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  const open = (): void => {
    window = createMainWindow({ preload, devServerUrl });
    window.on('closed', () => {
      window = null;
    });
  };

  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(() => {
    serveRenderer(rendererRoot);
    const dispatch = createIpcDispatch(
      createCoreHandlers({
        appInfo: {
          name: app.getName(),
          version: app.getVersion(),
          platform: process.platform,
          versions: {
            electron: process.versions.electron,
            chrome: process.versions.chrome,
            node: process.versions.node,
          },
        },
      }),
      (method, error) => {
        console.error(`IPC ${method} failed`, error);
      },
    );
    registerIpc(dispatch, origins);
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
