/**
 * The Electron wiring, checked under Node with a stand-in for the `electron`
 * module (its binary is not needed): the window's web preferences, and that
 * the security hooks and IPC registration apply the decisions of core/.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { IPC_METHODS } from '../../shared/ipc';

const electron = vi.hoisted(() => {
  const appEvents = new Map<string, ((...args: unknown[]) => void)[]>();
  return {
    appEvents,
    windows: [] as { options: Record<string, unknown>; loadURL: ReturnType<typeof vi.fn> }[],
    handlers: new Map<string, (event: unknown, input: unknown) => unknown>(),
    protocols: new Map<string, (request: Request) => Promise<Response>>(),
    privileged: vi.fn(),
    netFetch: vi.fn(() => Promise.resolve(new Response('asset'))),
    openExternal: vi.fn(() => Promise.resolve()),
    defaultSession: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
    },
  };
});

vi.mock('electron', () => {
  class BrowserWindow {
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly once = vi.fn();
    readonly webContents = { on: vi.fn() };
    readonly isDestroyed = () => false;
    readonly isVisible = () => false;
    constructor(readonly options: Record<string, unknown>) {
      electron.windows.push(this);
    }
  }
  return {
    app: {
      on: (name: string, listener: (...args: unknown[]) => void) => {
        electron.appEvents.set(name, [...(electron.appEvents.get(name) ?? []), listener]);
      },
      whenReady: () => new Promise(() => undefined),
    },
    BrowserWindow,
    Menu: {
      setApplicationMenu: vi.fn(),
      buildFromTemplate: vi.fn((template: unknown) => template),
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, input: unknown) => unknown) => {
        electron.handlers.set(channel, handler);
      },
    },
    nativeTheme: { shouldUseDarkColors: false },
    protocol: {
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        electron.protocols.set(scheme, handler);
      },
      registerSchemesAsPrivileged: electron.privileged,
    },
    net: { fetch: electron.netFetch },
    session: { defaultSession: electron.defaultSession },
    shell: { openExternal: electron.openExternal },
  };
});

const { createMainWindow } = await import('./window');
const { menuTemplate } = await import('./menu');
const { hardenApp } = await import('./security');
const { registerIpc } = await import('./ipc');
const { registerAppScheme, serveMediaInDevelopment, serveRenderer } = await import('./protocol');

beforeEach(() => {
  electron.appEvents.clear();
  electron.windows.length = 0;
  electron.handlers.clear();
  electron.openExternal.mockClear();
});

test('the window is created with every web preference on its safe setting', () => {
  createMainWindow({ preload: '/app/out/preload/index.cjs' });
  const [window] = electron.windows;
  expect(window?.options.webPreferences).toMatchObject({
    preload: '/app/out/preload/index.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
  });
  expect(window?.loadURL).toHaveBeenCalledWith('app://textdesk/index.html');
});

describe('every web contents is hardened', () => {
  function createContents() {
    const contents = new EventEmitter() as EventEmitter & {
      openHandler?: (details: { url: string }) => { action: string };
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => void;
    };
    contents.setWindowOpenHandler = (handler) => {
      contents.openHandler = handler;
    };
    hardenApp({});
    for (const listener of electron.appEvents.get('web-contents-created') ?? [])
      listener({}, contents);
    return contents;
  }

  function navigate(contents: EventEmitter, name: string, url: string): boolean {
    const event = { url, preventDefault: vi.fn() };
    contents.emit(name, event);
    return event.preventDefault.mock.calls.length === 0;
  }

  test('navigation away from the app is prevented; a clicked https link opens in the browser', () => {
    const contents = createContents();
    expect(navigate(contents, 'will-navigate', 'https://example.com/help')).toBe(false);
    expect(electron.openExternal.mock.calls).toEqual([['https://example.com/help']]);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(false);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(false);
    expect(navigate(contents, 'will-navigate', 'app://textdesk/index.html')).toBe(true);
    expect(navigate(contents, 'will-attach-webview', 'app://textdesk/index.html')).toBe(false);
  });

  test('new windows are denied; an https link opens in the browser, nothing else does', () => {
    const contents = createContents();
    expect(contents.openHandler?.({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electron.openExternal.mock.calls).toEqual([['https://example.com/help']]);
  });

  test('permission requests of new sessions are denied', () => {
    hardenApp({});
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      on: vi.fn(),
    };
    for (const listener of electron.appEvents.get('session-created') ?? []) listener(session);
    const [requestHandler] = session.setPermissionRequestHandler.mock.calls[0] as [
      (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
    ];
    const callback = vi.fn();
    requestHandler({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    const [checkHandler] = session.setPermissionCheckHandler.mock.calls[0] as [() => boolean];
    expect(checkHandler()).toBe(false);
  });

  test('every download asks where to save it (a save dialog), and none is saved or opened on its own', () => {
    hardenApp({});
    const session = new EventEmitter() as EventEmitter & Record<string, unknown>;
    session.setPermissionRequestHandler = vi.fn();
    session.setPermissionCheckHandler = vi.fn();
    for (const listener of electron.appEvents.get('session-created') ?? []) listener(session);
    const item = {
      getFilename: () => '../invoice.pdf',
      setSaveDialogOptions: vi.fn(),
      setSavePath: vi.fn(),
    };
    session.emit('will-download', { preventDefault: vi.fn() }, item, {});
    expect(item.setSaveDialogOptions).toHaveBeenCalledWith({
      title: 'Save file',
      defaultPath: 'invoice.pdf',
    });
    expect(item.setSavePath).not.toHaveBeenCalled();
    expect(electron.openExternal).not.toHaveBeenCalled();
  });
});

describe('IPC registration', () => {
  const dispatch = vi.fn(() => Promise.resolve({ ok: true as const, value: 'answered' }));

  function call(channel: string, frame: { url: string } | null, isMain = true) {
    const mainFrame = { url: 'app://textdesk/index.html' };
    const senderFrame = frame === null ? null : isMain ? Object.assign(mainFrame, frame) : frame;
    return electron.handlers.get(channel)?.(
      { senderFrame, sender: { mainFrame } },
      { text: 'STOP' },
    );
  }

  test('answers the app’s own top-level page, and nobody else', async () => {
    registerIpc(dispatch, {});
    expect([...electron.handlers.keys()].sort()).toEqual([...IPC_METHODS].sort());
    expect(await call('consent.explain', { url: 'app://textdesk/index.html' })).toEqual({
      ok: true,
      value: 'answered',
    });
    expect(dispatch).toHaveBeenCalledWith('consent.explain', { text: 'STOP' });

    const forbidden = {
      ok: false,
      error: { code: 'forbidden', message: 'This page may not talk to Textdesk.' },
    };
    expect(await call('consent.explain', { url: 'https://evil.example/' })).toEqual(forbidden);
    expect(await call('consent.explain', { url: 'app://textdesk/frame.html' }, false)).toEqual(
      forbidden,
    );
    expect(await call('consent.explain', null)).toEqual(forbidden);
  });
});

describe('the application menu', () => {
  test('has the usual roles, the app menu on macOS, and the simulator in solo mode only', () => {
    const roles = (template: ReturnType<typeof menuTemplate>) =>
      template.map((item) => item.role ?? item.label);
    expect(roles(menuTemplate('linux', {}))).toEqual([
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
    ]);
    const open = vi.fn();
    const mac = menuTemplate('darwin', { openSimulator: open });
    expect(roles(mac)).toEqual([
      'appMenu',
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
      'Tools',
    ]);
    const tools = mac.at(-1)?.submenu as { label: string; click: () => void }[];
    expect(tools[0]?.label).toBe('Phone simulator');
    tools[0]?.click();
    expect(open).toHaveBeenCalledOnce();
  });
});

describe('the app:// protocol', () => {
  const media = vi.fn((pathname: string, request: { range: string | null }) =>
    Promise.resolve({
      status: request.range === null ? 200 : 206,
      headers: { 'Content-Type': 'image/jpeg', 'X-Content-Type-Options': 'nosniff' },
      body: `bytes of ${pathname}`,
    }),
  );

  test('is privileged as a secure standard scheme that streams, for audio and video', () => {
    registerAppScheme();
    expect(electron.privileged).toHaveBeenCalledWith([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
      },
    ]);
  });

  test('answers /media/… from core, with the request’s range, and the rest from the renderer folder', async () => {
    serveRenderer('/app/out/renderer', media);
    const handler = electron.protocols.get('app');
    const picture = await handler?.(
      new Request('app://textdesk/media/m1/thumbnail', { headers: { Range: 'bytes=0-3' } }),
    );
    expect(media).toHaveBeenCalledWith('/media/m1/thumbnail', { range: 'bytes=0-3' });
    expect(picture?.status).toBe(206);
    expect(picture?.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await picture?.text()).toBe('bytes of /media/m1/thumbnail');

    const page = await handler?.(new Request('app://textdesk/index.html'));
    expect(page?.headers.get('content-security-policy')).toContain("img-src 'self'");
    expect(electron.netFetch).toHaveBeenCalledWith('file:///app/out/renderer/index.html');
  });

  test('in development, /media/… of the dev server is answered by core and the rest passes through', async () => {
    media.mockClear();
    serveMediaInDevelopment('http://localhost:5173/', media);
    const handler = electron.protocols.get('http');
    await handler?.(new Request('http://localhost:5173/media/staged/staged_1'));
    expect(media).toHaveBeenCalledWith('/media/staged/staged_1', { range: null });
    const other = new Request('http://localhost:5173/src/main.tsx');
    await handler?.(other);
    expect(electron.netFetch).toHaveBeenLastCalledWith(other, {
      bypassCustomProtocolHandlers: true,
    });
    expect(media).toHaveBeenCalledTimes(1);
  });
});
