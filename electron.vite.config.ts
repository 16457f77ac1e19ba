import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './electron/core/security';

const CSP_META = /\s*<meta http-equiv="Content-Security-Policy" content="%TEXTDESK_CSP%" \/>/u;

/**
 * Writes the CSP into the built index.html, so the page is just as locked
 * down when it is served outside Electron (browser tests, the preview host).
 * In `npm run dev` the tag is dropped: main sends the dev server's relaxed
 * policy as a header instead, which hot reload needs.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'textdesk-csp',
    transformIndexHtml: (html, context) =>
      context.server === undefined
        ? html.replace('%TEXTDESK_CSP%', META_CONTENT_SECURITY_POLICY)
        : html.replace(CSP_META, ''),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          // The local cache's SQL runs in this worker thread (electron/core/cache/client.ts).
          cacheWorker: resolve(import.meta.dirname, 'electron/core/cache/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require() from node_modules: bundle it
      // whole, as CommonJS, the only format a sandboxed preload may use.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      minify: true,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
