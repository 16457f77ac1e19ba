/**
 * What can be checked of packaging without an Electron binary: the
 * electron-builder config as electron-builder itself loads and validates it,
 * the settings the app's security depends on, and the icons.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import type { Configuration, FileSet } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONFIG_FILE = 'build/electron-builder.yml';

interface ConfigModule {
  getConfig: (projectDir: string, configPath: string, fromOptions: null) => Promise<Configuration>;
  validateConfiguration: (
    config: Configuration,
    debugLogger: { isEnabled: boolean; add: (key: string, value: unknown) => void },
  ) => Promise<void>;
}

/**
 * electron-builder's own config loader and schema check, from the
 * app-builder-lib that electron-builder pins (resolved from electron-builder,
 * so it is the very code `npm run dist` runs).
 */
function configModule(): ConfigModule {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
  return fromBuilder('app-builder-lib/out/util/config/config') as ConfigModule;
}

let config: Configuration;

beforeAll(async () => {
  config = await configModule().getConfig(ROOT, CONFIG_FILE, null);
});

/** Every file pattern of a `files` or `extraResources` setting, and each FileSet's `from`. */
function patterns(setting: Configuration['files']): { from: string[]; filters: string[] } {
  const entries = setting === undefined || setting === null ? [] : [setting].flat();
  const from: string[] = [];
  const filters: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      filters.push(entry);
      continue;
    }
    const set: FileSet = entry;
    if (set.from !== undefined) from.push(set.from);
    filters.push(...[set.filter ?? []].flat());
  }
  return { from, filters };
}

const underOut = (file: string): boolean =>
  path.normalize(file).startsWith(`out${path.sep}`) &&
  path.resolve(ROOT, file).startsWith(path.join(ROOT, 'out') + path.sep);

describe('electron-builder config', () => {
  it("passes electron-builder's schema check", async () => {
    await expect(
      configModule().validateConfiguration(config, { isEnabled: false, add: () => undefined }),
    ).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('com.textdesk.app');
    expect(config.productName).toBe('Textdesk');
  });

  it('flips every fuse the security guide recommends', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
      // Unsigned builds: an app whose fuses changed needs a fresh ad-hoc signature to start on Apple silicon.
      resetAdHocDarwinSignature: true,
    });
  });

  it('packs the app into an asar, native modules beside it, and rebuilds nothing', () => {
    expect(config.asar).toBe(true);
    expect([config.asarUnpack].flat()).toContain('**/*.node');
    expect(config.npmRebuild).toBe(false);
  });

  it('builds an AppImage and a deb, a dmg, and an NSIS installer', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('packs only out/ and package.json of the project (node_modules are added by electron-builder)', () => {
    const { from, filters } = patterns(config.files);
    expect(from).toEqual([]);
    const included = filters.filter((pattern) => !pattern.startsWith('!'));
    expect(included.length).toBeGreaterThan(0);
    for (const pattern of included) {
      expect(pattern === 'package.json' || underOut(pattern), pattern).toBe(true);
    }
    // The Electron binary of better-sqlite3 and its work folder go in as an extra resource instead.
    expect(filters).toContain('!out/native/**');
  });

  it('ships the Electron build of better-sqlite3 from out/native/ as resources/native/', () => {
    const resources = [config.extraResources ?? []].flat();
    expect(resources).toContainEqual({
      from: 'out/native/better_sqlite3.node',
      to: 'native/better_sqlite3.node',
    });
    const { from, filters } = patterns(config.extraResources);
    for (const file of [...from, ...filters.filter((pattern) => !pattern.startsWith('!'))]) {
      expect(underOut(file), file).toBe(true);
    }
  });
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Png {
  width: number;
  height: number;
  /** Straight RGBA, row by row. */
  alphaAt: (x: number, y: number) => number;
}

/** Reads an 8-bit RGBA, non-interlaced PNG, checking every chunk's CRC and the scanlines. */
function readPng(file: string): Png {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file}: PNG signature`).toBe(true);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    expect(crc32(typeAndData), `${file}: chunk CRC at ${at}`).toBe(
      bytes.readUInt32BE(at + 8 + length),
    );
    chunks.push({
      type: typeAndData.subarray(0, 4).toString('latin1'),
      data: typeAndData.subarray(4),
    });
    at += 12 + length;
  }
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');
  const header = chunks[0]?.data ?? Buffer.alloc(13);
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  // 8 bits per channel, RGBA, deflate, adaptive filtering, not interlaced.
  expect([...header.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
  const data = inflateSync(
    Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)),
  );
  const stride = 1 + width * 4;
  expect(data.length).toBe(height * stride);
  // Filter type 0 (none) on every row, as make-icons.mjs writes it, so pixels read directly.
  for (let y = 0; y < height; y++) expect(data[y * stride]).toBe(0);
  return { width, height, alphaAt: (x, y) => data[y * stride + 1 + x * 4 + 3] ?? -1 };
}

describe('icons', () => {
  const icons = path.join(ROOT, 'build/icons');

  it('are set for every platform and exist', () => {
    expect(config.icon).toBe('build/icons/512x512.png');
    expect(config.linux?.icon).toBe('build/icons');
    expect(statSync(path.join(ROOT, 'build/icons/512x512.png')).isFile()).toBe(true);
    expect(readdirSync(icons).sort()).toEqual(['256x256.png', '512x512.png', 'icon.svg']);
  });

  it.each([512, 256])(
    '%ipx is a valid PNG of that size: a solid shape on a transparent background',
    (size) => {
      const png = readPng(path.join(icons, `${size}x${size}.png`));
      expect([png.width, png.height]).toEqual([size, size]);
      expect(png.alphaAt(0, 0)).toBe(0);
      expect(png.alphaAt(size - 1, size - 1)).toBe(0);
      expect(png.alphaAt(size / 2, size / 4)).toBe(255);
    },
  );

  describe('are what build/scripts/make-icons.mjs draws', () => {
    let fresh: string;
    beforeAll(() => {
      fresh = mkdtempSync(path.join(tmpdir(), 'textdesk-icons-'));
      execFileSync(process.execPath, [path.join(ROOT, 'build/scripts/make-icons.mjs'), fresh]);
    });
    afterAll(() => {
      rmSync(fresh, { recursive: true, force: true });
    });

    it.each(['icon.svg', '512x512.png', '256x256.png'])('%s', (name) => {
      expect(
        readFileSync(path.join(fresh, name)).equals(readFileSync(path.join(icons, name))),
      ).toBe(true);
    });
  });
});

describe('package.json scripts', () => {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string | undefined>;
  };
  const native = 'node build/scripts/electron-native.mjs';

  it('build better-sqlite3 for Electron before the app starts, and when packaging', () => {
    expect(scripts.prestart).toBe(native);
    expect(scripts.predev).toBe(native);
    expect(scripts.dist).toBe(
      `electron-vite build && ${native} && electron-builder --config ${CONFIG_FILE}`,
    );
  });

  it('never need Electron’s build of it for the tests or on install', () => {
    for (const name of ['test', 'test:unit', 'test:e2e', 'pretest', 'postinstall', 'install']) {
      expect(scripts[name] ?? '', name).not.toContain('electron-native');
    }
  });

  it('run electronegativity on the build before the browser tests', () => {
    expect(scripts['test:e2e']).toBe(
      'electron-vite build && node build/scripts/electronegativity.mjs && playwright test',
    );
  });
});
