import { app, session, shell, type WebContents } from 'electron';
import { externalLinkTarget, mayNavigate, saveDialogFor, type AppOrigins } from '../core/security';

/**
 * Electron's security checklist, applied to every web contents the app ever
 * creates: no navigation away from the app, no new windows (https links a
 * person clicks open in their browser), no <webview>, and every permission
 * request (camera, notifications from the page, geolocation…) denied.
 * Every download asks where to save it, and is never opened.
 */
export function hardenApp(origins: AppOrigins): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenContents(contents, origins);
  });
  app.on('session-created', hardenSession);
  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
  });
}

function hardenSession(target: Electron.Session): void {
  denyPermissions(target);
  // No save path is set, so Electron shows the save dialog; it never opens what it saved.
  target.on('will-download', (_event, item) => {
    item.setSaveDialogOptions(saveDialogFor(item.getFilename()));
  });
}

function denyPermissions(target: Electron.Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  target.setPermissionCheckHandler(() => false);
}

function hardenContents(contents: WebContents, origins: AppOrigins): void {
  const guard = (event: { preventDefault: () => void; url: string }): void => {
    if (!mayNavigate(event.url, origins)) event.preventDefault();
  };
  // A clicked https link opens in the person's browser; the window stays on the app.
  contents.on('will-navigate', (event) => {
    guard(event);
    const external = mayNavigate(event.url, origins) ? null : externalLinkTarget(event.url);
    if (external !== null) void shell.openExternal(external);
  });
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkTarget(url);
    if (external !== null) void shell.openExternal(external);
    return { action: 'deny' };
  });
}
