/**
 * The layer rules are lint rules, so a wrong import fails `npm test`. These
 * tests lint deliberately wrong files with the project's real ESLint config.
 */
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  // The project's own config, with type information off: the wrong files
  // exist only in memory, so no tsconfig lists them, and the layer rules need
  // no types. `npm run lint` applies the same rules, typed, to the real tree.
  eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
});

/** The layer and global messages ESLint gives for `code` as if it lived at `file`. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? [])
    .filter(
      (message) =>
        message.ruleId === 'textdesk/layers' || message.ruleId === 'no-restricted-globals',
    )
    .map((message) => message.message);
}

describe('wrong imports fail the lint', () => {
  test.each([
    [
      'shared/consent/wrong.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'shared/ may not import the Node built-in “node:fs”',
    ],
    [
      'shared/consent/wrong.ts',
      "import path from 'path';\nexport const x = path.sep;\n",
      'shared/ may not import the Node built-in “path”',
    ],
    [
      'shared/consent/wrong.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
      'shared/ may not import Electron (“electron”)',
    ],
    [
      'shared/consent/wrong.ts',
      "import Database from 'better-sqlite3';\nexport const x = Database;\n",
      'shared/ may import only pure packages (zod, libphonenumber-js, papaparse, ical.js, chardet), not “better-sqlite3”',
    ],
    [
      'shared/consent/wrong.ts',
      "import { useState } from 'react';\nexport const x = useState;\n",
      'shared/ may not import React code (“react”)',
    ],
    [
      'shared/consent/wrong.ts',
      "import { useStore } from '../../renderer/src/store';\nexport const x = useStore;\n",
      'shared/ may not import renderer/',
    ],
    [
      'renderer/src/wrong.ts',
      "import { createCoreHandlers } from '../../electron/core';\nexport const x = createCoreHandlers;\n",
      'renderer/ may not import electron/core/',
    ],
    [
      'electron/core/wrong.ts',
      "import { startTestApp } from '../../server/testing/app';\nexport const x = startTestApp;\n",
      'electron/core may import server/ only through its entry point, server/index.ts',
    ],
    [
      'renderer/src/wrong.ts',
      "export const x = import('../../server/index');\n",
      'renderer/ may not import server/',
    ],
    [
      'renderer/src/wrong.ts',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      'renderer/ may not import Electron (“electron”)',
    ],
    [
      'server/wrong.ts',
      "import { createCoreHandlers } from '../electron/core';\nexport const x = createCoreHandlers;\n",
      'server/ may not import electron/core/',
    ],
    [
      'server/wrong.ts',
      "export { App } from '../renderer/src/App';\n",
      'server/ may not import renderer/',
    ],
    [
      'electron/core/wrong.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
      'electron/core/ may not import Electron (“electron”)',
    ],
    [
      'electron/core/wrong.ts',
      "import { registerIpc } from '../main/ipc';\nexport const x = registerIpc;\n",
      'electron/core/ may not import electron/main/',
    ],
    [
      'electron/preload/wrong.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'electron/preload/ may not import the Node built-in “node:fs”',
    ],
  ])('%s: %j', async (file, code, reason) => {
    expect(await layerErrors(file, code)).toContain(`Layer violation: ${reason}.`);
  });

  test('shared/ may not use browser-only or Node-only globals', async () => {
    const errors = await layerErrors(
      'shared/consent/wrong.ts',
      'export const a = window.location.href;\nexport const b = process.env.HOME;\n',
    );
    expect(errors).toEqual([
      expect.stringContaining("Unexpected use of 'window'. A browser-only global"),
      expect.stringContaining("Unexpected use of 'process'. A Node-only global"),
    ]);
  });
});

describe('allowed imports pass', () => {
  test.each([
    ['shared/consent/fine.ts', "import { ok } from '../result';\nexport const x = ok;\n"],
    [
      'renderer/src/fine.ts',
      "import { classifyInbound } from '../../shared/consent';\nexport const x = classifyInbound;\n",
    ],
    [
      'electron/main/fine.ts',
      "import { app } from 'electron';\nimport { isAppUrl } from '../core';\nexport const x = [app, isAppUrl];\n",
    ],
    [
      'electron/core/fine.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    ],
    [
      // Tests run under Node, and may read their fixtures from disk.
      'shared/contacts/fine.test.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    ],
    [
      'electron/core/fine.test.ts',
      "import { startTestApp } from '../../server/testing/app';\nexport const x = startTestApp;\n",
    ],
    [
      'server/fine.ts',
      "import { sendGate } from '../shared/consent';\nimport { createServer } from 'node:http';\nexport const x = [sendGate, createServer];\n",
    ],
  ])('%s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
