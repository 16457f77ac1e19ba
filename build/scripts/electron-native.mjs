// @ts-check
/**
 * Builds a copy of better-sqlite3's native binary for the installed Electron
 * (Electron has its own Node ABI), leaving node_modules/better-sqlite3 built
 * for Node, as the tests under plain Node need it.
 *
 *   node build/scripts/electron-native.mjs
 *
 * Runs before `npm start`, `npm run dev` and in `npm run dist`; never in
 * `npm test` or on install.
 *
 * Where the binary is:
 *   - in development (`npm start`, `npm run dev`): out/native/better_sqlite3.node
 *   - in packaged builds: path.join(process.resourcesPath, 'native', 'better_sqlite3.node')
 *     (electron-builder's extraResources copies it there, outside app.asar)
 * The main process passes that path to better-sqlite3 when it runs inside
 * Electron: `new Database(file, { nativeBinding })`.
 *
 * How: the better-sqlite3 package is copied to out/native/work/, and in that
 * copy `prebuild-install --runtime electron --target <Electron version>` fetches
 * the prebuilt binary from better-sqlite3's GitHub release; failing that,
 * `node-gyp rebuild --runtime=electron` compiles it against Electron's headers
 * (downloaded from electronjs.org; needs Python and a C++ compiler). Both need
 * internet access. out/native/better_sqlite3.json records what the binary was
 * built for; while it matches, the work is skipped.
 */
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(ROOT, 'out', 'native');
const OUTPUT = path.join(OUT_DIR, 'better_sqlite3.node');
const STAMP = path.join(OUT_DIR, 'better_sqlite3.json');
const WORK = path.join(OUT_DIR, 'work');
const HEADERS_URL = 'https://electronjs.org/headers';

const require = createRequire(path.join(ROOT, 'package.json'));

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`\nelectron-native: ${message}\n`);
  process.exit(1);
}

/** @param {string} file @returns {unknown} */
function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The version in a package.json. @param {string} file */
function versionOf(file) {
  const manifest = readJson(file);
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
    if (typeof manifest.version === 'string') return manifest.version;
  }
  return fail(`${file} has no version.`);
}

/** @param {string} name */
function packageJsonOf(name) {
  try {
    return require.resolve(`${name}/package.json`);
  } catch {
    return fail(`${name} is not installed: run \`npm ci\` first.`);
  }
}

const electronVersion = versionOf(packageJsonOf('electron'));
const sqliteManifest = packageJsonOf('better-sqlite3');
const sqliteDir = path.dirname(sqliteManifest);
const sqliteVersion = versionOf(sqliteManifest);

const target = {
  betterSqlite3: sqliteVersion,
  electron: electronVersion,
  platform: process.platform,
  arch: process.arch,
};
const describe = `better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})`;

/** @returns {boolean} */
function upToDate() {
  if (!existsSync(OUTPUT) || !existsSync(STAMP)) return false;
  try {
    const stamp = readJson(STAMP);
    if (typeof stamp !== 'object' || stamp === null) return false;
    const recorded = new Map(Object.entries(stamp));
    return Object.entries(target).every(([key, value]) => recorded.get(key) === value);
  } catch {
    return false;
  }
}

/**
 * The environment for the build tools, less npm settings that would point
 * them at another runtime: `nodedir` in particular makes node-gyp compile
 * against that Node's headers, which would give a binary Electron refuses.
 * Proxy settings stay.
 */
function buildEnvironment() {
  const skip =
    /^npm_config_(nodedir|runtime|target|target_arch|arch|platform|disturl|dist_url|build_from_source)$/iu;
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !skip.test(key) && !/^npm_package_/iu.test(key)),
  );
}

/**
 * Runs `node <script> ...args` in the work copy; true when it exits with 0.
 * @param {string} script
 * @param {string[]} args
 */
function runNode(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: path.join(WORK, 'better-sqlite3'),
    env: buildEnvironment(),
    stdio: 'inherit',
  });
  if (result.error !== undefined) console.error(result.error.message);
  return result.status === 0;
}

/** npm's own node-gyp: npm names it to scripts it runs; else beside this Node. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ),
    path.join(
      path.dirname(process.execPath),
      'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ),
  ];
  return candidates.find((file) => file !== undefined && file !== '' && existsSync(file));
}

/** A native library for this platform, judged by its first bytes. */
function looksNative(/** @type {string} */ file) {
  const head = readFileSync(file).subarray(0, 4);
  if (process.platform === 'win32') return head[0] === 0x4d && head[1] === 0x5a; // MZ
  if (process.platform === 'darwin') {
    const magic = head.readUInt32BE(0);
    return [0xcffaedfe, 0xcefaedfe, 0xfeedfacf, 0xfeedface, 0xcafebabe].includes(magic);
  }
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])); // ELF
}

if (upToDate()) {
  console.log(`electron-native: ${describe} is up to date (${path.relative(ROOT, OUTPUT)}).`);
  process.exit(0);
}

console.log(`electron-native: getting ${describe}…`);
// A binary for another Electron must not outlive a failed attempt.
rmSync(OUTPUT, { force: true });
rmSync(STAMP, { force: true });
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
// The package without its build/ (node_modules' binary is Node's) or node_modules.
cpSync(sqliteDir, path.join(WORK, 'better-sqlite3'), {
  recursive: true,
  filter: (source) => {
    const relative = path.relative(sqliteDir, source).split(path.sep)[0];
    return relative !== 'build' && relative !== 'node_modules';
  },
});
const built = path.join(WORK, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

const prebuildInstall = createRequire(sqliteManifest).resolve('prebuild-install/bin.js');
const attempts = [];
let ok = runNode(prebuildInstall, [
  '--runtime',
  'electron',
  '--target',
  electronVersion,
  '--arch',
  process.arch,
  '--verbose',
]);
ok &&= existsSync(built);
if (!ok) {
  attempts.push('prebuild-install found no prebuilt binary, or could not download it from GitHub.');
  console.log('electron-native: no prebuilt binary; compiling with node-gyp…');
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) {
    attempts.push('node-gyp was not found (it comes with npm; run this script through npm).');
  } else {
    ok =
      runNode(nodeGyp, [
        'rebuild',
        '--release',
        '--runtime=electron',
        `--target=${electronVersion}`,
        `--arch=${process.arch}`,
        `--dist-url=${HEADERS_URL}`,
      ]) && existsSync(built);
    if (!ok) {
      attempts.push(
        `node-gyp could not compile it (it downloads Electron's headers from ${HEADERS_URL}).`,
      );
    }
  }
}

if (!ok) {
  rmSync(WORK, { recursive: true, force: true });
  fail(
    [
      `could not get ${describe}.`,
      ...attempts.map((line) => `  - ${line}`),
      'Both ways need internet access (npm proxy settings are honoured). Compiling also',
      'needs Python 3 and a C++ toolchain: build-essential on Debian/Ubuntu, the Xcode',
      'Command Line Tools on macOS, Visual Studio Build Tools ("Desktop development',
      'with C++") on Windows. Then run `node build/scripts/electron-native.mjs` again.',
    ].join('\n'),
  );
}
if (!looksNative(built)) fail(`${built} is not a native library for ${process.platform}.`);

// Copy, then rename: the output is either whole or absent.
copyFileSync(built, `${OUTPUT}.tmp`);
renameSync(`${OUTPUT}.tmp`, OUTPUT);
writeFileSync(STAMP, `${JSON.stringify(target, null, 2)}\n`);
rmSync(WORK, { recursive: true, force: true });
console.log(`electron-native: wrote ${path.relative(ROOT, OUTPUT)} (${describe}).`);
