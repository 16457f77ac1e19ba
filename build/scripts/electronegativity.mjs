// @ts-check
/**
 * Electronegativity (Doyensec's checker for Electron security
 * misconfigurations) over the built app in out/: main, preload and renderer.
 *
 *   node build/scripts/electronegativity.mjs [folder, default out]
 *
 * Run after `electron-vite build`; `npm run test:e2e` does. Exits 1 for any
 * finding of MEDIUM severity or above with FIRM or CERTAIN confidence, and
 * for any file it could not parse (a file it cannot read is a file it did not
 * check). Every other finding is printed and passes.
 *
 * Why TENTATIVE findings only print: the tool gives TENTATIVE when it sees a
 * risky API but cannot follow the data into it. Here that is
 * shell.openExternal, whose argument has been through externalLinkTarget()
 * (https only) — which it cannot see. Failing on them would mean excluding the
 * check, and then a new openExternal call would not even be printed.
 *
 * The tool pins an old TypeScript parser that must not sit beside ours in
 * node_modules, so it runs from npx's own cache (a pinned version, fetched
 * once per machine, then reused offline: --prefer-offline). This script
 * starts itself again under `npm exec`, and that second run calls the tool's
 * documented programmatic API rather than its CLI: the CLI's CSV report is
 * written by two unsynchronised writes, and the header can overwrite the
 * first finding (seen with 1.10.3), and its SARIF report carries no severity
 * or confidence. It also gets Babel to describe #private class members in a
 * shape the tool can walk (see readClassFields).
 */
import console from 'node:console';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const TOOL = '@doyensec/electronegativity';
const VERSION = '1.10.3';
const ROOT = path.resolve(import.meta.dirname, '../..');
const SELF = path.relative(ROOT, import.meta.filename);

/**
 * Checks left out, by the class names the tool's `--exclude-checks` takes,
 * each a false positive for this app or a check that needs the internet.
 */
const EXCLUDED_CHECKS = {
  // Flags every BrowserWindow without `disableBlinkFeatures: 'Auxclick'`: a
  // middle-click on a link could open it in a new window. Here a new window
  // is always refused: electron/main/security.ts sets a window-open handler
  // on every web contents the app creates that denies it (an https link goes
  // to the person's browser). The check cannot see that handler.
  AuxclickJSCheck: 'middle-click new windows are denied by the window-open handler',
  // Flags every preload script as "review the use of preload scripts": a
  // reminder, not a defect. Ours runs sandboxed with context isolation and
  // only exposes the typed IPC contract (electron/preload, shared/ipc).
  PreloadJSCheck:
    'a review reminder for any preload; ours is sandboxed and exposes only the IPC contract',
  // Downloads Electron's release list from GitHub on every run, with no
  // timeout (CI has no internet), to say whether the installed Electron has
  // known fixes: that is keeping dependencies current, not our code.
  AvailableSecurityFixesGlobalCheck: 'needs GitHub; Electron updates are dependency upkeep',
};

const FAILING_SEVERITIES = new Set(['MEDIUM', 'HIGH']);
const FAILING_CONFIDENCES = new Set(['FIRM', 'CERTAIN']);

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`\nelectronegativity: ${message}\n`);
  process.exit(1);
}

/** @param {string} file @returns {unknown} */
function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** @param {unknown} value @param {string} key @returns {unknown} */
function field(value, key) {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null)
    return undefined;
  /** @type {unknown} */
  const found = Reflect.get(value, key);
  return found;
}

/** @param {unknown} value */
function text(value) {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** First run: check the build is there, then start the scan under `npm exec`. */
function launch(/** @type {string} */ input) {
  if (input === path.join(ROOT, 'out')) {
    const expected = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
    const missing = expected.filter((file) => !existsSync(path.join(ROOT, file)));
    if (missing.length > 0) {
      fail(`${missing.join(', ')} missing: run \`electron-vite build\` (npm run build) first.`);
    }
  }
  const exec = [
    'exec',
    '--yes',
    '--prefer-offline',
    `--package=${TOOL}@${VERSION}`,
    '--',
    'node',
    SELF,
    '--scan',
    input,
  ];
  // npm sets npm_execpath to its CLI for the scripts it runs; else npm on the PATH.
  const npmCli = process.env.npm_execpath;
  const result =
    npmCli !== undefined && /npm-cli\.c?js$/u.test(npmCli)
      ? spawnSync(process.execPath, [npmCli, ...exec], { cwd: ROOT, stdio: 'inherit' })
      : spawnSync('npm', exec, {
          cwd: ROOT,
          stdio: 'inherit',
          shell: process.platform === 'win32',
        });
  if (result.error !== undefined) fail(`could not run npm: ${result.error.message}`);
  process.exit(result.status ?? 1);
}

/** The tool's folder: `npm exec` put its node_modules/.bin on the PATH. */
function findTool() {
  for (const bin of (process.env.PATH ?? '').split(path.delimiter)) {
    const manifest = path.join(bin, '..', ...TOOL.split('/'), 'package.json');
    if (existsSync(manifest) && field(readJson(manifest), 'version') === VERSION) {
      return path.dirname(manifest);
    }
  }
  return fail(`${TOOL}@${VERSION} is not on the PATH: run this script without --scan.`);
}

/**
 * @typedef {object} Finding
 * @property {string} id
 * @property {string} severity
 * @property {string} confidence
 * @property {string} where
 * @property {string} sample
 * @property {string} description
 */

/** @param {unknown} issue @returns {Finding} */
function toFinding(issue) {
  const location = field(issue, 'location');
  return {
    id: text(field(issue, 'id')),
    severity: text(field(field(issue, 'severity'), 'name')),
    confidence: text(field(field(issue, 'confidence'), 'name')),
    where: `${text(field(issue, 'file'))}:${text(field(location, 'line'))}:${text(field(location, 'column'))}`,
    sample: text(field(issue, 'sample')),
    description: text(field(issue, 'description')),
  };
}

/** @param {Finding} finding */
function show(finding) {
  const sample = finding.sample.length > 100 ? `${finding.sample.slice(0, 100)}…` : finding.sample;
  return [
    `  ${finding.id} [${finding.severity}, ${finding.confidence}] ${finding.where}`,
    `      ${finding.description}`,
    ...(sample === '' || sample === 'N/A' ? [] : [`      ${sample}`]),
    `      https://github.com/doyensec/electronegativity/wiki/${finding.id}`,
  ].join('\n');
}

/**
 * The tool parses JavaScript with Babel's `estree` plugin but without its
 * `classFeatures` option, so a class with #private members comes out as
 * Babel's own ClassPrivateProperty nodes, which the tool's traverser
 * (estraverse) does not know: the whole file then fails to parse ("Unknown
 * node type ClassPrivateProperty") and goes unchecked. Asking Babel for the
 * standard ESTree shape (PropertyDefinition, PrivateIdentifier), which
 * estraverse knows, lets it read our main bundle. Only the pinned version's
 * parser is patched, in this process.
 * @param {NodeRequire} toolRequire
 */
function readClassFields(toolRequire) {
  /** @type {unknown} */
  const parserModule = toolRequire('./dist/parser/parser.js');
  const parser = field(parserModule, 'Parser');
  const prototype = field(parser, 'prototype');
  const parseBabel = field(prototype, 'parseBabel');
  if (typeof prototype !== 'object' || prototype === null || typeof parseBabel !== 'function') {
    fail(
      `${TOOL}@${VERSION} has no Parser.parseBabel to give Babel's estree plugin its classFeatures option.`,
    );
  }
  const original = /** @type {(this: unknown, ...args: unknown[]) => unknown} */ (parseBabel);
  /** @this {{ babelPlugins?: unknown }} @param {...unknown} args */
  const parseWithClassFeatures = function (...args) {
    if (Array.isArray(this.babelPlugins)) {
      this.babelPlugins = this.babelPlugins.map((plugin) =>
        plugin === 'estree' ? ['estree', { classFeatures: true }] : /** @type {unknown} */ (plugin),
      );
    }
    return original.apply(this, args);
  };
  Object.assign(prototype, { parseBabel: parseWithClassFeatures });
}

/** Second run, inside `npm exec`: the scan itself. */
async function scan(/** @type {string} */ input) {
  const electronManifest = createRequire(path.join(ROOT, 'package.json')).resolve(
    'electron/package.json',
  );
  const electronVersion = text(field(readJson(electronManifest), 'version'));
  const toolRequire = createRequire(path.join(findTool(), 'package.json'));
  readClassFields(toolRequire);
  /** @type {unknown} */
  const tool = toolRequire('./');
  if (typeof tool !== 'function') fail(`${TOOL}@${VERSION} does not export its run function.`);
  const run = /** @type {(options: object) => Promise<unknown>} */ (tool);
  console.log(
    `electronegativity ${VERSION}: scanning ${path.relative(ROOT, input) || '.'} as Electron ${electronVersion}`,
  );
  console.log(`Checks left out (see ${SELF}):`);
  for (const [check, why] of Object.entries(EXCLUDED_CHECKS)) console.log(`  ${check}: ${why}`);
  const result = await run({
    input,
    isRelative: true,
    // The built files carry no package.json to read Electron's version from.
    electronVersionOverride: electronVersion,
    excludeFromScan: Object.keys(EXCLUDED_CHECKS).map((check) => check.toLowerCase()),
  });

  const errors = field(result, 'errors');
  const unreadable = (Array.isArray(errors) ? errors : [])
    .filter((error) => field(error, 'tolerable') !== true)
    .map((error) => `  ${text(field(error, 'file'))}: ${text(field(error, 'message'))}`);
  const issues = field(result, 'issues');
  const findings = (Array.isArray(issues) ? issues : []).map(toFinding);
  const failing = findings.filter(
    (finding) =>
      FAILING_SEVERITIES.has(finding.severity) && FAILING_CONFIDENCES.has(finding.confidence),
  );
  const other = findings.filter((finding) => !failing.includes(finding));

  if (other.length > 0) {
    console.log(
      `\n${other.length} finding(s) below MEDIUM severity or of TENTATIVE confidence (reported, not failing):`,
    );
    console.log(other.map(show).join('\n'));
  }
  if (failing.length > 0) {
    console.error(`\n${failing.length} finding(s) of MEDIUM severity or above, FIRM or CERTAIN:`);
    console.error(failing.map(show).join('\n'));
  }
  if (unreadable.length > 0) {
    console.error(`\nFiles the tool could not parse, so did not check:\n${unreadable.join('\n')}`);
  }
  if (failing.length > 0 || unreadable.length > 0) fail('the security check failed.');
  console.log(`\nelectronegativity: no finding of MEDIUM severity or above (FIRM or CERTAIN).`);
}

const args = process.argv.slice(2);
if (args[0] === '--scan') {
  await scan(path.resolve(args[1] ?? path.join(ROOT, 'out')));
} else {
  launch(path.resolve(args[0] ?? path.join(ROOT, 'out')));
}
