import path from 'node:path';

/**
 * Security decisions of the desktop shell, kept free of Electron so they are
 * tested under plain Node. electron/main only wires them to Electron's hooks.
 */

/** The renderer is served from this privileged scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'textdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The renderer's Content Security Policy: only the app's own scripts, styles
 * and fonts, no inline script, no remote anything, no plugins or frames.
 * Message files come from the same origin (`/media/…`, served by main), so
 * no server's or storage bucket's address is ever allowed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // The contacts import reads files in a worker of the app's own.
  "worker-src 'self'",
  "style-src 'self'",
  // Message pictures are the app's own /media/… paths (staged files too), never data: or blob:.
  "img-src 'self'",
  "font-src 'self'",
  // 'self' takes in /media/<id>/original, which the renderer reads a vCard's text from.
  "connect-src 'self'",
  // Audio and video of messages, from /media/… as well.
  "media-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The same policy for a <meta> tag, which may not carry frame-ancestors. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');

/**
 * The relaxed policy of `npm run dev` only: Vite's hot reload needs an
 * inline preamble and a WebSocket back to the dev server.
 */
export function developmentContentSecurityPolicy(devServerUrl: string): string {
  const origin = new URL(devServerUrl).origin;
  const socket = origin.replace(/^http/u, 'ws');
  return CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'",
    `script-src 'self' 'unsafe-inline' ${origin}`,
  )
    .replace("style-src 'self'", `style-src 'self' 'unsafe-inline' ${origin}`)
    .replace("connect-src 'self'", `connect-src 'self' ${origin} ${socket}`);
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Where the app's own pages live: the app scheme, or the dev server in `npm run dev`. */
export interface AppOrigins {
  readonly devServerUrl?: string | undefined;
}

/** True for a page of the app itself; the only pages allowed to call IPC. */
export function isAppUrl(url: string, origins: AppOrigins = {}): boolean {
  const parsed = parse(url);
  if (parsed === null) return false;
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  const dev = origins.devServerUrl === undefined ? null : parse(origins.devServerUrl);
  return parsed.origin === dev?.origin;
}

/**
 * Whether the window may navigate to `url`. The app is a single page: any
 * navigation away from it (a dragged-in file, a link, a redirect) is denied.
 */
export function mayNavigate(url: string, origins: AppOrigins = {}): boolean {
  return isAppUrl(url, origins);
}

/**
 * The address to open in the person's browser for a link they clicked, or
 * null. Only https links open; nothing opens a new Electron window.
 */
export function externalLinkTarget(url: string): string | null {
  const parsed = parse(url);
  if (parsed?.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '')
    return null;
  return parsed.toString();
}

/**
 * The file under `root` that an app:// request asks for, or null when the
 * request is for another host or climbs out of `root`.
 */
export function resolveAppAsset(root: string, requestUrl: string): string | null {
  const parsed = parse(requestUrl);
  if (parsed?.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative =
    pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/u, '');
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  return file.startsWith(base + path.sep) ? file : null;
}

/**
 * The save dialog every download gets (a file saved from a message, the
 * renderer's `<a download href="/media/<id>/original">`): the person always
 * chooses where it goes, and nothing downloaded is ever opened by the app.
 * The suggested name is the file's own, without folders or control characters.
 */
export function saveDialogFor(filename: string): { title: string; defaultPath: string } {
  const name = path
    .basename(filename.replaceAll('\\', '/'))
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/^\.+/u, '')
    .trim();
  return { title: 'Save file', defaultPath: name === '' ? 'file' : name };
}
