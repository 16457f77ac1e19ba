// @ts-check
/**
 * The layer rule of docs/architecture: which folder may import which.
 * Like VS Code's code-layering rule, it resolves each import to the folder it
 * lands in, so "../../server/x" and "node:fs" are judged the same wherever
 * they are written.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** @typedef {'shared' | 'renderer' | 'electron/main' | 'electron/preload' | 'electron/core' | 'server'} Layer */

/** @type {Layer[]} */
const LAYERS = [
  'electron/main',
  'electron/preload',
  'electron/core',
  'shared',
  'renderer',
  'server',
];

/** Project layers each layer may import. */
/** @type {Record<Layer, Layer[]>} */
const MAY_IMPORT = {
  shared: ['shared'],
  renderer: ['renderer', 'shared'],
  'electron/preload': ['electron/preload', 'shared'],
  'electron/main': ['electron/main', 'electron/core', 'shared'],
  'electron/core': ['electron/core', 'shared', 'server'],
  server: ['server', 'shared'],
};

/** Packages that belong to one runtime; the layers listed may not import them. */
const FORBIDDEN_PACKAGES = [
  {
    test: (/** @type {string} */ name) => name === 'electron' || name.startsWith('electron/'),
    layers: ['shared', 'renderer', 'electron/core', 'server'],
    what: 'Electron',
  },
  {
    test: (/** @type {string} */ name) => /^(react|react-dom|zustand)(\/|$)/u.test(name),
    layers: ['shared', 'electron/main', 'electron/preload', 'electron/core', 'server'],
    what: 'React code',
  },
];

/** The npm packages shared/ may use: pure code that runs in Node, browsers and Electron alike. */
const SHARED_PACKAGES = ['zod', 'libphonenumber-js', 'papaparse', 'ical.js', 'chardet'];
/** What tests anywhere may import besides. */
const TEST_PACKAGES = ['vitest', 'fast-check'];
/** @param {string} file */
const isTest = (file) => /\.test\.tsx?$/u.test(file);

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
/** @param {string} name */
const isBuiltin = (name) =>
  BUILTINS.has(name) || name.startsWith('node:') || BUILTINS.has(name.split('/')[0] ?? '');

/** @param {string} file absolute path @returns {Layer | null} */
export function layerOf(file) {
  const relative = path.relative(ROOT, file).split(path.sep).join('/');
  return LAYERS.find((layer) => relative === layer || relative.startsWith(`${layer}/`)) ?? null;
}

/**
 * Why `from` may not import `specifier`, or null when it may.
 * @param {string} from absolute path of the importing file
 * @param {string} specifier
 * @returns {string | null}
 */
export function layerViolation(from, specifier) {
  const layer = layerOf(from);
  if (layer === null) return null;

  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = layerOf(path.resolve(path.dirname(from), specifier));
    if (target === null)
      return `${layer}/ may only import project code from ${MAY_IMPORT[layer].join(', ')}/`;
    if (!MAY_IMPORT[layer].includes(target)) return `${layer}/ may not import ${target}/`;
    if (
      layer === 'electron/core' &&
      target === 'server' &&
      !/\/server(\/index(\.ts)?)?$/u.test(specifier) &&
      // Tests may also start a real server the way the server's own tests do.
      !(isTest(from) && /\/server\/testing\//u.test(specifier))
    ) {
      return 'electron/core may import server/ only through its entry point, server/index.ts';
    }
    return null;
  }
  if (isBuiltin(specifier)) {
    // Tests run under Node wherever they live (to read their fixtures, say).
    if (isTest(from)) return null;
    if (layer === 'shared' || layer === 'renderer' || layer === 'electron/preload') {
      return `${layer}/ may not import the Node built-in “${specifier}”`;
    }
    return null;
  }
  for (const rule of FORBIDDEN_PACKAGES) {
    if (rule.test(specifier) && rule.layers.includes(layer))
      return `${layer}/ may not import ${rule.what} (“${specifier}”)`;
  }
  if (
    layer === 'shared' &&
    ![...SHARED_PACKAGES, ...(isTest(from) ? TEST_PACKAGES : [])].some(
      (name) => specifier === name || specifier.startsWith(`${name}/`),
    )
  ) {
    return `shared/ may import only pure packages (${SHARED_PACKAGES.join(', ')}), not “${specifier}”`;
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import layers of docs/architecture' },
    schema: [],
    messages: { violation: 'Layer violation: {{reason}}.' },
  },
  create(context) {
    /** @param {import('estree').Node} node @param {unknown} source */
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const reason = layerViolation(context.filename, source);
      if (reason !== null) context.report({ node, messageId: 'violation', data: { reason } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ImportExpression: (node) =>
        check(node, node.source.type === 'Literal' ? node.source.value : undefined),
      CallExpression: (node) => {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments[0]?.type === 'Literal'
        ) {
          check(node, node.arguments[0].value);
        }
      },
      /** @param {any} node TSImportEqualsDeclaration */
      TSExternalModuleReference: (node) => check(node, node.expression?.value),
      /** @param {any} node TSImportType: import('x').T */
      TSImportType: (node) => check(node, node.argument?.literal?.value ?? node.source?.value),
    };
  },
};

export default { rules: { layers: layersRule } };
