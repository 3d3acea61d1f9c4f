#!/usr/bin/env node
/*
 * The release build: turns the tsc output in lib/ into an esbuild bundle, so that the installed plugin loads a few
 * dozen module files at start-up instead of ~1,300 (its private copies of @salesforce/core, sf-plugins-core, oclif).
 *
 *   npm run build:release   npm run build (tsc + oclif manifest), then this script: lib/ becomes the bundle and
 *                           oclif.manifest.json is written again from it (oclif loads every command: a first check).
 *   npm pack / npm publish  prepack runs build:release, so the tarball ships the bundle (prepare skips its dev build
 *                           under pack and publish: scripts/prepare.mjs).
 *   npm run build           prebuild (--clean-if-bundled) first removes a release bundle from lib/ and tsc's build
 *                           info, so tsc always writes a complete development build.
 *
 * Entry points come from package.json, never from src/: every .js file under oclif.commands, oclif.helpClass, every
 * oclif.hooks file and exports/main. Each keeps its path in lib/ (the manifest and oclif find them where tsc put
 * them); the code they share goes to lib/chunks/ (code splitting: one copy of core in the package).
 *
 * What a bundle breaks, and how this script keeps it working (each step checks its own assumption and fails the
 * build when a dependency update breaks it):
 *  - Dependencies' message files. sf-plugins-core finds messages/*.md by walking up from its own file to its
 *    package.json; in the bundle that walk ends at this plugin's. Each such call is replaced by the same messages,
 *    parsed at build time by @salesforce/core's own loader and registered under the dependency's name (core does this
 *    to its own messages when it is compiled). The plugin's own messages/ are still read at run time, as before.
 *  - core's log file. core names its log transform to pino as '../../lib/logger/transformStream', resolved from the
 *    calling file (the chunk holding core's logger): that file is written there, CommonJS as core ships it. pino
 *    stays external: it starts the log worker thread from files found through its own __dirname (its worker, its
 *    file destination, thread-stream's worker). pino is a direct dependency, so npm installs it where lib/ finds it.
 *  - A dynamic import() of a CommonJS module gets, with code splitting, a chunk exporting only `default`: such imports
 *    (sf-plugins-core's `import('@salesforce/core')`) become a require with the namespace Node would give.
 *  - Files found next to a module (`new URL('x', import.meta.url)`: the WebAssembly of quickjs-wasi, which PAC proxy
 *    support evaluates PAC files with) are copied into lib/assets/ and the URL points there.
 *  - core's log worker, twice. Each copy of core starts its own pino transport (a worker thread writing sf's log file),
 *    and Node waits for each worker to flush at exit: sf's and the bundle's. The bundled core's root logger shares sf's
 *    instead when sf's core has one (found in require.cache, loaded by sf before any plugin runs): the plugin's log
 *    lines go to the same file through sf's worker, and the bundle starts none (SHARE_HOST_LOGGER below). Without a
 *    host logger (oclif run directly, tests) it starts its own, as core does.
 *  - Class and function names: esbuild renames clashing ones (`Config` → `_Config`), and core names loggers after
 *    classes (the log file said `sf:_Config`): keepNames keeps them.
 *  - @oclif/table (ink, react, yoga) is imported by sf-plugins-core for SfCommand.table(), which no command here calls:
 *    it goes to lib/vendor/oclif-table.cjs, required the first time a table is printed, instead of loading with every
 *    command. ink's two top-level awaits are made synchronous there (yoga from its asm.js build instead of its
 *    WebAssembly, and ink's DEV=true devtools connection as a require).
 *  - Any other code that finds files from its own location (__dirname, __filename, require.resolve, import.meta) must
 *    be listed, with the reason it is safe, in REVIEWED below; new code of that kind fails the build until reviewed.
 *
 * --clean-if-bundled (prebuild): remove lib/, oclif.manifest.json and tsc's build info when lib/ is a release bundle.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(ROOT, 'package.json'));
const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const LIB = join(ROOT, 'lib');
/** Written into lib/ by this script: what is in the bundle; its presence marks lib/ as a release bundle. */
const MARKER = 'bundle.json';
const TSBUILDINFO = join(ROOT, 'tsconfig.tsbuildinfo');
const MANIFEST = join(ROOT, 'oclif.manifest.json');
const NODE_MODULES = `${sep}node_modules${sep}`;

if (process.argv.includes('--clean-if-bundled')) {
  if (existsSync(join(LIB, MARKER))) {
    for (const path of [LIB, MANIFEST, TSBUILDINFO]) rmSync(path, { recursive: true, force: true });
    process.stdout.write("lib/ held the release bundle: removed it and tsc's build info, so tsc writes a complete lib/\n");
  }
  process.exit(0);
}
const esbuild = await import('esbuild');

/** The bundle is built here, then copied over lib/; removed at exit, whatever happened. */
let staging;
process.on('exit', () => staging && rmSync(staging, { recursive: true, force: true }));
function fail(message) {
  process.stderr.write(`bundle: ${message}\n`);
  process.exit(1);
}
if (!existsSync(LIB)) fail('lib/ is missing: run npm run build:release (tsc first, then this script)');
if (existsSync(join(LIB, MARKER))) fail('lib/ is already a release bundle: run npm run build:release (it rebuilds lib/ with tsc first)');

/** The Node the bundle is compiled for: the major of the package's engines.node. */
const TARGET = `node${(pjson.engines?.node ?? '22').match(/\d+/)[0]}`;

/** Left out of the bundle. `optional`: loaded only in a try/catch that copes with its absence (not installed). */
const EXTERNAL = [
  { name: 'pino', why: "starts core's log worker thread from its own files (lib/worker.js, file.js, thread-stream's worker)" },
  { name: 'typescript', optional: true, why: "oclif's tsconfig reader for linked plugins: never used by an installed plugin" },
  { name: 'react-devtools-core', optional: true, why: 'ink connects to React devtools only with DEV=true; not a dependency' },
];
for (const { name, optional } of EXTERNAL) {
  if (!optional && !pjson.dependencies?.[name]) fail(`${name} is left out of the bundle, so it must be in package.json's dependencies`);
}
// `sf plugins install` installs every dependency from the registry: one the bundle already holds only makes users'
// installs slower and larger (all of them: 12.3 s and 107 MB in 12,524 files, against 3.3 s and 16 MB for pino alone).
const bundledDependencies = Object.keys(pjson.dependencies ?? {}).filter((name) => !EXTERNAL.some((e) => e.name === name && !e.optional));
if (bundledDependencies.length) {
  fail(`${bundledDependencies.join(', ')} ${bundledDependencies.length === 1 ? 'is' : 'are'} in package.json's dependencies but inside the bundle: move ${bundledDependencies.length === 1 ? 'it' : 'them'} to devDependencies`);
}

/**
 * Bundled code that finds files from its own location, reviewed: package-relative file → why it still works (or is
 * never reached) in the bundle, where __dirname is the chunk's directory and import.meta.url the chunk's URL.
 */
const REVIEWED = {
  '@salesforce/core/lib/sfError.js': 'a doc comment',
  '@salesforce/core/lib/messages.js': "doc comments, and importMessagesDirectoryFromMetaUrl's parameter",
  'undici/index.js': "compares __filename with fetch errors' stack traces, to add to them",
  'faye/src/adapters/node_adapter.js': "the Faye server's static files; core's StreamingClient is a Faye client",
  'ejs/lib/cjs/ejs.js': 'a variable inside the code of compiled templates',
  'fdir/dist/index.cjs': "probes for picomatch with require.resolve and works without it (oclif's command discovery)",
  '@oclif/core/lib/index.js': "the Node version warning reads oclif's package.json and is skipped when it can't (sf warns itself)",
  '@oclif/core/lib/cache.js': "oclif's version: from the bundled @oclif/core/package.json first",
  '@oclif/core/lib/main.js': "a default for run() without options: sf runs commands with its own config",
  '@oclif/core/lib/command.js': 'a default for Command.run() without a config: sf passes its config',
  '@oclif/core/lib/config/config.js': 'a default for Config.load() without options: sf loads its own config',
  '@oclif/core/lib/config/ts-path.js': "sf's own oclif resolves plugins' TypeScript paths, not this copy",
  '@oclif/core/lib/util/read-tsconfig.js': "sf's own oclif reads plugins' tsconfig, not this copy",
  '@oclif/core/lib/module-loader.js': "sf's own oclif loads plugins' modules, not this copy",
  '@oclif/core/lib/util/find-root.js': "sf's own oclif finds plugins' roots, not this copy",
};
/** A dependency's messages directory, found from its own file (a statement, not a comment): replaced by its messages. */
const MESSAGES_CALL = /^(\s*)([\w$.]+)\.importMessagesDirectoryFromMetaUrl\(import\.meta\.url\)/gm;
/** The plugin's own call: works in the bundle, since the walk up from lib/ ends at this package's package.json. */
const OWN_MESSAGES_CALL = /Messages\.importMessagesDirectoryFromMetaUrl\(import\.meta\.url\)/g;
/**
 * core's Logger.getRoot(), rewritten to share the host CLI's root logger (see the header): the code it starts with,
 * and what goes before it. The host's logger is only used when it has a pino logger with child(): anything else (an
 * older or newer core that keeps it elsewhere) falls back to core's own.
 */
const GET_ROOT = 'const rootLogger = (this.rootLogger = new Logger(Logger.ROOT_NAME));';
const SHARE_HOST_LOGGER = `const hostRoot = (() => {
          try {
            for (const [file, loaded] of Object.entries(require.cache)) {
              if (!/[\\\\/]@salesforce[\\\\/]core[\\\\/]lib[\\\\/]logger[\\\\/]logger\\.js$/.test(file)) continue;
              const root = loaded?.exports?.Logger?.rootLogger;
              if (typeof root?.pinoLogger?.child === 'function') return root;
            }
          } catch {}
          return undefined;
        })();
        if (hostRoot) {
          const shared = Object.create(Logger.prototype);
          // Named as core names its root ('sf'): loggers are named after their parent (sf's is 'sf:oclif').
          shared.pinoLogger = hostRoot.pinoLogger.child({ name: Logger.ROOT_NAME });
          shared.memoryLogger = hostRoot.memoryLogger;
          return (this.rootLogger = shared);
        }
        `;
let sharedHostLogger = false;
const PATH_SENSITIVE = /__dirname|__filename|require\.resolve|import\.meta\.(?:url|dirname|filename)/;

/* ---------------------------------------------------------------------------------------------------------------- */

/** A path under lib/, from a package.json path such as ./lib/help.js; undefined when outside lib/. */
function underLib(path) {
  const full = resolve(ROOT, path);
  return full.startsWith(LIB + sep) ? full : undefined;
}

/** The entry points, from package.json: commands, helpClass, hooks, exports/main. */
function entryPoints() {
  const oclif = pjson.oclif ?? {};
  const entries = new Set();
  const add = (path, what) => {
    if (typeof path !== 'string') return;
    const full = underLib(path);
    if (!full) fail(`${what} (${path}) is not under lib/`);
    const file = existsSync(full) && statSync(full).isDirectory() ? join(full, 'index.js') : full.endsWith('.js') ? full : `${full}.js`;
    if (!existsSync(file)) fail(`${what} (${path}) names ${relative(ROOT, file)}, which tsc did not write`);
    entries.add(file);
  };
  const commands = typeof oclif.commands === 'string' ? { target: oclif.commands } : oclif.commands;
  if (!commands?.target) fail('package.json has no oclif.commands');
  const dir = underLib(commands.target);
  if (dir && existsSync(dir) && statSync(dir).isDirectory()) {
    for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) if (d.isFile() && d.name.endsWith('.js')) entries.add(join(d.parentPath, d.name));
  } else add(commands.target, 'oclif.commands');
  add(oclif.helpClass, 'oclif.helpClass');
  for (const [event, hooks] of Object.entries(oclif.hooks ?? {})) {
    for (const hook of [hooks].flat()) add(typeof hook === 'string' ? hook : hook.target, `oclif.hooks.${event}`);
  }
  const exported = (value) => (typeof value === 'string' ? add(value, 'exports') : value && typeof value === 'object' && Object.values(value).forEach(exported));
  exported(pjson.exports);
  add(pjson.main, 'main');
  return [...entries].sort();
}

/** The package that owns a file: the nearest package.json with a name. */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const json = JSON.parse(readFileSync(path, 'utf8'));
      if (json.name) return { dir, name: json.name, version: json.version, license: json.license };
    }
  }
  return undefined;
}

/** Whether Node would load a file as CommonJS. */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs') || !file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')).type !== 'module';
  }
  return true;
}

/**
 * A dependency's messages, parsed by @salesforce/core's own loader, as an expression registering them with `receiver`
 * (its Messages class) under the package's name, as importMessagesDirectory does: a loader per bundle, unless cached.
 */
const { Messages } = require('@salesforce/core');
function inlineMessages(receiver, pkg) {
  const dir = join(pkg.dir, 'messages');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(md|json|js)$/.test(f)) : [];
  if (files.length === 0) fail(`${pkg.name} imports its messages directory, but ${dir} has no message files`);
  return files
    .map((file) => {
      const bundle = file.replace(/\.(md|json|js)$/, '');
      Messages.importMessageFile(pkg.name, join(dir, file));
      const entries = JSON.stringify([...Messages.loadMessages(pkg.name, bundle).messages]);
      const [p, b] = [JSON.stringify(pkg.name), JSON.stringify(bundle)];
      return `(${receiver}.isCached(${p}, ${b}) || ${receiver}.setLoaderFunction(${p}, ${b}, (locale) => new ${receiver}(${b}, locale, new Map(${entries}))))`;
    })
    .join(', ');
}

/**
 * Paths inside lib/ as seen from the output file that ends up holding the code: a token now, replaced after the
 * build (fixLibPaths) by the path from that file's directory, './'-prefixed, '/'-separated.
 */
const libPaths = new Map();
function libPath(target) {
  const token = `__BUNDLE_LIB_PATH_${libPaths.size}__`;
  libPaths.set(token, target);
  return token;
}
function fixLibPaths(outputFiles) {
  const found = new Set();
  for (const file of outputFiles) {
    let code = readFileSync(file, 'utf8');
    if (!code.includes('__BUNDLE_LIB_PATH_')) continue;
    for (const [token, target] of libPaths) {
      if (!code.includes(token)) continue;
      const path = relative(dirname(file), target).split(sep).join('/');
      code = code.split(token).join(path.startsWith('.') ? path : `./${path}`);
      found.add(token);
    }
    if (code.includes('__BUNDLE_LIB_PATH_')) fail(`${file}: an unknown lib path token`);
    writeFileSync(file, code);
  }
  for (const [token, target] of libPaths) if (!found.has(token)) fail(`no output holds the path to ${target}`);
}

/* ---------------------------------------------------------------------------------------------------------------- */

staging = mkdtempSync(join(tmpdir(), 'plugin-bundle-'));
const OUT = join(staging, 'lib');
const reviewed = new Map();
const inlined = new Map();
const assets = new Map();

/** esbuild plugin: the rewrites and checks of the header, on every module loaded into the bundle. */
const rewrites = {
  name: 'sf-plugin-rewrites',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?js$/ }, async (loadArgs) => {
      const file = loadArgs.path;
      const original = readFileSync(file, 'utf8');
      const own = !file.includes(NODE_MODULES);
      const pkg = own ? { dir: ROOT, name: pjson.name } : packageOf(file);
      const where = own ? relative(ROOT, file) : `${pkg.name}/${relative(pkg.dir, file).split(sep).join('/')}`;
      let source = original;
      if (!own) {
        source = source.replace(MESSAGES_CALL, (_, indent, receiver) => {
          inlined.set(pkg.name, (inlined.get(pkg.name) ?? 0) + 1);
          return `${indent}${inlineMessages(receiver, pkg)}`;
        });
        // Files next to the module: copied to lib/assets/<package>@<version>/, the URL pointing there.
        source = source.replace(/new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g, (match, _, path) => {
          const asset = resolve(dirname(file), path);
          if (!existsSync(asset)) return match;
          const target = join(OUT, 'assets', `${pkg.name}@${pkg.version}`, relative(pkg.dir, asset));
          assets.set(target, asset);
          return `new URL(${JSON.stringify(libPath(target))}, import.meta.url)`;
        });
      }
      if (where === '@salesforce/core/lib/logger/logger.js') {
        if (source.split(GET_ROOT).length !== 2) fail(`${where} no longer has "${GET_ROOT}" once: check how it creates its root logger`);
        const fields = new Set([...source.matchAll(/\bthis\.(\w+) = /g)].map((m) => m[1]));
        if ([...fields].some((field) => !['pinoLogger', 'memoryLogger', 'rootLogger'].includes(field))) {
          fail(`${where} sets an instance field other than pinoLogger and memoryLogger: a shared root logger would lack it`);
        }
        source = source.replace(GET_ROOT, `${SHARE_HOST_LOGGER}${GET_ROOT}`);
        sharedHostLogger = true;
      }
      // import() of a CommonJS module in the bundle: the namespace Node gives (its exports, and them as default).
      for (const [match, , specifier] of [...source.matchAll(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g)]) {
        // eslint-disable-next-line no-await-in-loop
        const resolved = await build.resolve(specifier, { kind: 'dynamic-import', resolveDir: dirname(file) });
        if (resolved.errors.length || resolved.external || !isCommonJs(resolved.path)) continue;
        source = source.split(match).join(`Promise.resolve().then(() => { const m = require(${JSON.stringify(specifier)}); return { ...m, default: m }; })`);
      }
      // Whatever still finds files from its own location must have been reviewed.
      const rest = own ? source.replace(OWN_MESSAGES_CALL, '') : source.replace(MESSAGES_CALL, '');
      if (PATH_SENSITIVE.test(rest.replace(/new URL\("__BUNDLE_LIB_PATH_\d+__", import\.meta\.url\)/g, ''))) {
        if (!REVIEWED[where]) fail(`${where} finds files from its own location (${rest.match(PATH_SENSITIVE)[0]}): check it works bundled, then list it in REVIEWED`);
        reviewed.set(where, REVIEWED[where]);
      }
      return source === original ? undefined : { contents: source, loader: 'js', resolveDir: dirname(file) };
    });
  },
};

/** @oclif/table: a module with the same exports (all functions) that requires lib/vendor/oclif-table.cjs on first use. */
const TABLE_FILE = join(OUT, 'vendor', 'oclif-table.cjs');
const tableExports = Object.entries(await import(require.resolve('@oclif/table')));
for (const [name, value] of tableExports) if (typeof value !== 'function') fail(`@oclif/table exports ${name}, not a function: it can't be loaded lazily`);
const tableCopies = new Set();
const lazyTable = {
  name: 'lazy-oclif-table',
  setup(build) {
    build.onResolve({ filter: /^@oclif\/table$/ }, (resolveArgs) => {
      tableCopies.add(createRequire(join(resolveArgs.resolveDir, 'x.js')).resolve('@oclif/table'));
      return { path: 'lazy', namespace: 'oclif-table' };
    });
    build.onLoad({ filter: /.*/, namespace: 'oclif-table' }, () => ({
      contents: [
        "import { createRequire } from 'node:module';",
        'let table;',
        `const load = () => (table ??= createRequire(import.meta.url)(${JSON.stringify(libPath(TABLE_FILE))}));`,
        ...tableExports.map(([name]) => `export function ${name}(...args) { return load().${name}(...args); }`),
      ].join('\n'),
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

/** For the vendor file: ink's two top-level awaits, made synchronous (see the header). */
const INK_DEVTOOLS = [
  ["await import('./devtools.js');", "require('./devtools.js');"],
  ["error.code === 'ERR_MODULE_NOT_FOUND'", "(error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND')"],
];
const syncInk = {
  name: 'sync-ink',
  setup(build) {
    build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (loadArgs) => {
      let source = readFileSync(loadArgs.path, 'utf8');
      for (const [from, to] of INK_DEVTOOLS) {
        if (source.split(from).length !== 2) fail(`${relative(ROOT, loadArgs.path)} no longer has "${from}" once: check its top-level awaits`);
        source = source.replace(from, to);
      }
      return { contents: source, loader: 'js', resolveDir: dirname(loadArgs.path) };
    });
    build.onResolve({ filter: /^yoga-wasm-web\/auto$/ }, (resolveArgs) => ({ path: 'auto', namespace: 'yoga-asm', pluginData: resolveArgs.resolveDir }));
    build.onLoad({ filter: /.*/, namespace: 'yoga-asm' }, (loadArgs) => ({
      contents: "import asm from 'yoga-wasm-web/asm';\nexport * from 'yoga-wasm-web/asm';\nexport default asm();\n",
      loader: 'js',
      resolveDir: loadArgs.pluginData,
    }));
  },
};

/* ---------------------------------------------------------------------------------------------------------------- */

const started = performance.now();
const entries = entryPoints();
const external = EXTERNAL.flatMap(({ name }) => [name, `${name}/*`]);
// ESM output: CommonJS code in the bundle gets require (for built-ins and externals), __dirname and __filename.
const banner = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { dirname as __bundlePathDirname } from 'node:path';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __bundleFilename = __bundleFileURLToPath(import.meta.url);',
  'const __bundleDirname = __bundlePathDirname(__bundleFilename);',
].join('\n');
const result = await esbuild.build({
  entryPoints: entries,
  outbase: LIB,
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: TARGET,
  chunkNames: 'chunks/[name]-[hash]',
  external,
  banner: { js: banner },
  define: { __dirname: '__bundleDirname', __filename: '__bundleFilename' },
  keepNames: true,
  plugins: [lazyTable, rewrites],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
const outputsOf = (meta) => Object.keys(meta.outputs).map((file) => resolve(ROOT, file));

if (!sharedHostLogger) fail("@salesforce/core's logger was not in the bundle: where does core log from now?");
if (tableCopies.size > 1) fail(`the bundle imports ${tableCopies.size} copies of @oclif/table: ${[...tableCopies].join(', ')}`);
const vendor = tableCopies.size
  ? await esbuild.build({
      entryPoints: [[...tableCopies][0]],
      outfile: TABLE_FILE,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: TARGET,
      external,
      keepNames: true,
      plugins: [syncInk],
      metafile: true,
      logLevel: 'warning',
      legalComments: 'none',
    })
  : undefined;

/* core's log transform, next to the output holding core's logger, as core names it to pino (see the header). */
const coreLogger = join(dirname(require.resolve('@salesforce/core')), 'logger');
if (!readFileSync(join(coreLogger, 'logger.js'), 'utf8').includes("target: path.join('..', '..', 'lib', 'logger', 'transformStream')")) {
  fail("@salesforce/core's logger no longer names its transform '../../lib/logger/transformStream': check where it looks now");
}
const loggerOutputs = Object.entries(result.metafile.outputs).filter(([, meta]) => Object.keys(meta.inputs).some((input) => resolve(ROOT, input) === join(coreLogger, 'logger.js')));
if (loggerOutputs.length !== 1) fail(`expected core's logger in one output file, found it in ${loggerOutputs.length}`);
const transformFile = resolve(dirname(resolve(ROOT, loggerOutputs[0][0])), '..', '..', 'lib', 'logger', 'transformStream.js');
if (!transformFile.startsWith(OUT + sep)) fail(`core's log transform would have to go outside lib/ (${transformFile})`);
// The code goes to a file of its own, loaded by a require from the file pino imports: pino's worker import()s the
// transform, and Node scans an imported CommonJS file's whole source for its export names (~250 KB here).
const transform = await esbuild.build({
  entryPoints: [join(coreLogger, 'transformStream.js')],
  outfile: join(dirname(transformFile), 'transformStream-impl.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: TARGET,
  external,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
writeFileSync(transformFile, "'use strict';\nconst transform = require('./transformStream-impl.cjs');\nmodule.exports = transform;\n");
writeFileSync(join(dirname(transformFile), 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

for (const [target, source] of assets) {
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target);
}
fixLibPaths(outputsOf(result.metafile));

/* Third-party notices: every bundled package with its licence text. */
const builds = [result, vendor, transform].filter(Boolean);
const packages = new Map();
for (const input of builds.flatMap((b) => Object.keys(b.metafile.inputs))) {
  const full = resolve(ROOT, input);
  if (!full.includes(NODE_MODULES)) continue;
  const pkg = packageOf(full);
  if (pkg) packages.set(`${pkg.name}@${pkg.version}`, pkg);
}
const notices = [...packages.values()]
  .sort((a, b) => a.name.localeCompare(b.name))
  .map((pkg) => {
    const file = readdirSync(pkg.dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    return `## ${pkg.name}@${pkg.version}\n\n${file ? readFileSync(join(pkg.dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'not stated'}`}\n`;
  });
writeFileSync(join(OUT, 'THIRD-PARTY-NOTICES.md'), `# Third-party software in this bundle\n\nlib/ holds code of these packages, bundled by esbuild ${esbuild.version}.\n\n${notices.join('\n')}`);

/* The bundle replaces lib/. */
const files = readdirSync(OUT, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => ({ file: relative(OUT, join(d.parentPath, d.name)).split(sep).join('/'), bytes: statSync(join(d.parentPath, d.name)).size }))
  .sort((a, b) => b.bytes - a.bytes);
const summary = {
  esbuild: esbuild.version,
  target: TARGET,
  entryPoints: entries.map((e) => relative(LIB, e).split(sep).join('/')),
  external: EXTERNAL,
  inlinedMessages: Object.fromEntries(inlined),
  assets: [...assets.keys()].map((a) => relative(OUT, a).split(sep).join('/')),
  reviewed: Object.fromEntries([...reviewed].sort()),
  packages: [...packages.keys()].sort(),
  files,
};
writeFileSync(join(OUT, MARKER), `${JSON.stringify(summary, null, 2)}\n`);
rmSync(LIB, { recursive: true, force: true });
cpSync(OUT, LIB, { recursive: true });
// tsc's build info describes the lib/ it wrote, which is gone: without it, the next tsc writes every file again.
rmSync(TSBUILDINFO, { force: true });

/* oclif.manifest.json again, from the bundle: oclif loads every command, a first check that they load. */
execFileSync(process.execPath, [join(ROOT, 'scripts', 'manifest.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

const total = files.filter((f) => f.file.endsWith('.js') || f.file.endsWith('.cjs')).reduce((sum, f) => sum + f.bytes, 0);
process.stdout.write(
  `bundle: lib/ is the release bundle: ${entries.length} entry points, ${files.length} files, ${(total / 1e6).toFixed(1)} MB of JavaScript, ` +
    `${packages.size} packages inside; external: ${EXTERNAL.map((e) => e.name).join(', ')} (${Math.round(performance.now() - started)} ms)\n`
);
