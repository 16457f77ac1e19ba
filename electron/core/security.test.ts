import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  developmentContentSecurityPolicy,
  externalLinkTarget,
  isAppUrl,
  mayNavigate,
  META_CONTENT_SECURITY_POLICY,
  resolveAppAsset,
  saveDialogFor,
} from './security';

const root = mkdtempSync(join(tmpdir(), 'textdesk-renderer-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('which pages are the app', () => {
  test('app://textdesk pages are; other schemes, hosts and garbage are not', () => {
    expect(isAppUrl('app://textdesk/index.html')).toBe(true);
    expect(isAppUrl('app://textdesk/')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://textdesk.example/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  test('the dev server counts only in development, and only its own origin', () => {
    const origins = { devServerUrl: 'http://localhost:5173' };
    expect(isAppUrl('http://localhost:5173/index.html', origins)).toBe(true);
    expect(isAppUrl('http://localhost:5173/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5174/', origins)).toBe(false);
  });
});

describe('navigation and links', () => {
  test('the window never leaves the app', () => {
    expect(mayNavigate('app://textdesk/index.html#/inbox')).toBe(true);
    expect(mayNavigate('https://example.com/')).toBe(false);
    expect(mayNavigate('file:///home/me/Downloads/invoice.html')).toBe(false);
    expect(mayNavigate('javascript:alert(1)')).toBe(false);
  });

  test('only plain https links open in the browser', () => {
    expect(externalLinkTarget('https://example.com/help?q=1')).toBe('https://example.com/help?q=1');
    expect(externalLinkTarget('http://example.com/')).toBeNull();
    expect(externalLinkTarget('file:///etc/passwd')).toBeNull();
    expect(externalLinkTarget('javascript:alert(1)')).toBeNull();
    expect(externalLinkTarget('smb://server/share')).toBeNull();
    expect(externalLinkTarget('https://user:secret@example.com/')).toBeNull();
  });
});

describe('serving the renderer from app://', () => {
  test('maps paths under the renderer folder', () => {
    expect(resolveAppAsset(root, 'app://textdesk/')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://textdesk/assets/index.js')).toBe(
      join(root, 'assets/index.js'),
    );
    expect(resolveAppAsset(root, 'app://textdesk/assets/a%20b.css')).toBe(
      join(root, 'assets/a b.css'),
    );
  });

  test('nothing resolves outside the renderer folder, whatever the escapes', () => {
    for (const url of [
      'app://textdesk/../secret.txt',
      'app://textdesk/%2e%2e/secret.txt',
      'app://textdesk/assets/..%2f..%2f..%2fsecret.txt',
      'app://textdesk/..%5c..%5csecret.txt',
    ]) {
      const file = resolveAppAsset(root, url);
      expect(file === null || file.startsWith(`${root}/`), `${url} → ${String(file)}`).toBe(true);
    }
    expect(resolveAppAsset(root, 'app://textdesk/assets/..%2f..%2f..%2fsecret.txt')).toBeNull();
  });

  test('refuses other hosts, other schemes, NUL bytes and broken escapes', () => {
    for (const url of [
      'app://other/index.html',
      'file:///etc/passwd',
      'app://textdesk/%00index.html',
      'app://textdesk/%E0%A4%A',
    ]) {
      expect(resolveAppAsset(root, url), url).toBeNull();
    }
  });
});

describe('content security policy', () => {
  test('allows only the app itself: no inline script, no remote content, no plugins', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
        const [name = '', ...values] = directive.split(' ');
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/u);
  });

  test('message pictures, audio, video and a vCard’s text come from the app’s own origin only', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
        const [name = '', ...values] = directive.split(' ');
        return [name, values] as const;
      }),
    );
    expect(directives.get('img-src')).toEqual(["'self'"]);
    expect(directives.get('media-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/data:|blob:/u);
  });

  test('the <meta> version drops only what a meta tag may not carry', () => {
    expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
    expect(META_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
  });

  test('the development policy opens only the dev server', () => {
    const policy = developmentContentSecurityPolicy('http://localhost:5173/');
    expect(policy).toContain("script-src 'self' 'unsafe-inline' http://localhost:5173");
    expect(policy).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
    expect(policy).toContain("object-src 'none'");
  });
});

describe('downloads', () => {
  test('always ask where to save, suggesting the file’s own name and nothing more', () => {
    expect(saveDialogFor('invoice march.pdf')).toEqual({
      title: 'Save file',
      defaultPath: 'invoice march.pdf',
    });
    expect(saveDialogFor('../../.bashrc').defaultPath).toBe('bashrc');
    expect(saveDialogFor('C:\\Windows\\evil.exe').defaultPath).toBe('evil.exe');
    expect(saveDialogFor('a\u0000b\u202Ec.txt').defaultPath).toBe('abc.txt');
    expect(saveDialogFor('').defaultPath).toBe('file');
  });
});
