import { BrowserWindow, nativeTheme, session } from 'electron';
import { APP_ENTRY_URL, developmentContentSecurityPolicy } from '../core/security';

export interface WindowOptions {
  readonly preload: string;
  readonly devServerUrl?: string | undefined;
}

/** The one app window, with every web preference on its safe setting. */
export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Textdesk',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#14161a' : '#f7f7f8',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: true,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  // A page that fails to load must not leave an invisible window behind.
  const reveal =
    (what: string) =>
    (...details: unknown[]) => {
      console.error(`Textdesk window: ${what}`, ...details);
      if (!window.isDestroyed() && !window.isVisible()) window.show();
    };
  window.webContents.on('did-fail-load', reveal('the page failed to load'));
  window.webContents.on('render-process-gone', reveal('the page process ended'));

  if (options.devServerUrl !== undefined) {
    const policy = developmentContentSecurityPolicy(options.devServerUrl);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] },
      });
    });
    window.loadURL(options.devServerUrl).catch(reveal('the dev server did not answer'));
  } else {
    window.loadURL(APP_ENTRY_URL).catch(reveal('the app page did not load'));
  }
  return window;
}

/**
 * The phone simulator of solo mode: a page of the local backend, in its own
 * window with no preload (it has no access to Textdesk's API) and the same
 * sandboxed web preferences.
 */
export function createSimulatorWindow(url: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 420,
    height: 720,
    title: 'Phone simulator',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    },
  });
  window.loadURL(url).catch((error: unknown) => {
    console.error('Phone simulator: the page did not load', error);
  });
  return window;
}
