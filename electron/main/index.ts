import { app, BrowserWindow, Notification, safeStorage } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../../shared/ipc';
import { createIpcDispatch, DesktopCore, type SecretStore } from '../core';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { nativeBinding } from './native';
import { registerAppScheme, serveMediaInDevelopment, serveRenderer } from './protocol';
import { hardenApp } from './security';
import { createMainWindow, createSimulatorWindow } from './window';

// electron-vite sets this in `npm run dev` only; packaged and preview builds load app://.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const origins = { devServerUrl };
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));

/** The session token, encrypted with the OS keychain where there is one. */
const secrets: SecretStore = {
  encrypt: async (plain) =>
    (await safeStorage.isAsyncEncryptionAvailable())
      ? `enc:${(await safeStorage.encryptStringAsync(plain)).toString('base64')}`
      : plain,
  decrypt: async (stored) =>
    stored.startsWith('enc:')
      ? (await safeStorage.decryptStringAsync(Buffer.from(stored.slice(4), 'base64'))).result
      : stored,
};

app.enableSandbox();
registerAppScheme();
hardenApp(origins);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let simulator: BrowserWindow | null = null;
  let core: DesktopCore | null = null;

  const open = (): void => {
    window = createMainWindow({ preload, devServerUrl });
    window.on('closed', () => {
      window = null;
    });
  };
  const focus = (): void => {
    if (window === null) {
      open();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.focus();
  };
  const openSimulator = (url: string): void => {
    if (simulator !== null) {
      simulator.focus();
      return;
    }
    simulator = createSimulatorWindow(url);
    simulator.on('closed', () => {
      simulator = null;
    });
  };

  app.on('second-instance', focus);

  void app.whenReady().then(async () => {
    // Media requests that come before the core is up are answered once it is.
    let started: (running: DesktopCore) => void = () => undefined;
    const ready = new Promise<DesktopCore>((resolve) => {
      started = resolve;
    });
    const media = async (pathname: string, request: { readonly range: string | null }) =>
      (await ready).serveMedia(pathname, request);
    serveRenderer(rendererRoot, media);
    if (devServerUrl !== undefined) serveMediaInDevelopment(devServerUrl, media);
    core = await DesktopCore.start({
      dataDir: join(app.getPath('userData'), 'data'),
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
      nativeBinding: nativeBinding(),
      secrets,
      emit: (event, payload) => {
        window?.webContents.send(IPC_EVENT_CHANNEL, event, payload);
        if (event === 'session.changed') installMenu(process.platform, menuActions());
      },
      notify: ({ conversationId, title, body }) => {
        if (!Notification.isSupported()) return;
        // Plain text only: notifications never render markup from a customer.
        const notification = new Notification({ title, body, silent: false });
        notification.on('click', () => {
          focus();
          window?.webContents.send(IPC_EVENT_CHANNEL, 'app.openConversation', { conversationId });
        });
        notification.show();
      },
      badge: (unread) => {
        app.setBadgeCount(unread);
      },
      openSimulator,
      onError: (error) => {
        console.error(error);
      },
    });
    const running = core;
    started(running);
    const menuActions = () => {
      const url = running.session().simulatorUrl;
      return {
        openSimulator:
          url === null
            ? undefined
            : () => {
                openSimulator(url);
              },
      };
    };
    installMenu(process.platform, menuActions());
    registerIpc(
      createIpcDispatch(running.handlers, (method, error) => {
        console.error(`IPC ${method} failed`, error);
      }),
      origins,
    );
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  let stopping = false;
  app.on('before-quit', (event) => {
    if (core === null || stopping) return;
    // Let the outbox and the cache close cleanly before the process ends.
    event.preventDefault();
    stopping = true;
    void core.stop().finally(() => {
      app.quit();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
