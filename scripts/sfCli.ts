/*
 * The real sf CLI, shared by npm run test:sf (scripts/test-sf.ts) and npm run bench (scripts/bench.ts):
 * installs @salesforce/cli and Node 22 from npm into a cache folder outside the repo (once, reused when present),
 * makes an isolated home, links this plugin into sf there (or registers it as an installed plugin, or installs the
 * packed tarball as users do: see SfCliOptions.plugin) and authorises the local org emulator with
 * `sf org login access-token`.
 *
 * Everything is spawned asynchronously: the emulator runs in the calling process, so a spawnSync would block its
 * event loop and deadlock any sf command that talks to it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessRun, type RunOptions } from '../test/helpers/process.js';
import { isolatedEnv } from '../test/helpers/sfHome.js';

export const SF_VERSION = '2.150.6';
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SF_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plugin-conversation', `sf-cli-${SF_VERSION}`);
/** sf and the node@22 it runs on. */
export const SF_BIN = join(SF_CACHE, 'node_modules', '.bin');
const HOME_PREFIX = 'sf-cli-home-';

/** Installs @salesforce/cli@SF_VERSION and node@22 into SF_CACHE unless already there. */
export async function ensureSfCli(): Promise<void> {
  if (existsSync(join(SF_BIN, 'sf'))) return;
  mkdirSync(SF_CACHE, { recursive: true });
  process.stdout.write(`Installing @salesforce/cli@${SF_VERSION} and node@22 into ${SF_CACHE} (once)...\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['install', '--prefix', SF_CACHE, '--no-audit', '--no-fund', '--no-save', `@salesforce/cli@${SF_VERSION}`, 'node@22'], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !existsSync(join(SF_BIN, 'sf'))) throw new Error(`installing the sf CLI failed (npm exited ${String(code)})`);
}

/** One set-up step (sf version, plugins link, org login), as a check. */
export type SetupStep = { name: string; ok: boolean; run: ProcessRun };

export type SfCli = {
  home: string;
  alias: string;
  /** The isolated env every sf command runs with (sf and its Node 22 first on PATH; no SF_ACCESS_TOKEN). */
  env: NodeJS.ProcessEnv;
  /** The access token the org was logged in with (to check outputs don't leak it). */
  token: string;
  /** The set-up steps in order; all ok means sf runs, the plugin is linked and the org is logged in as `alias`. */
  setup: SetupStep[];
  ok: boolean;
  /** Runs sf with the home's env; `env` adds variables (e.g. SF_LOG_LEVEL) for this run only. */
  sf(args: string[], options?: Pick<RunOptions, 'input' | 'timeoutMs'> & { env?: NodeJS.ProcessEnv }): Promise<ProcessRun>;
  cleanup(): Promise<void>;
};

/** What createSfCli needs of the emulator (an Emulator fits). */
export type SfCliEmulator = { url: string; tokenFor(app: 'jwt'): string };

export type SfCliOptions = {
  /** The org alias to log in as (default 'emu'). */
  alias?: string;
  /**
   * How sf gets the plugin. 'link' (default): `sf plugins link <repo> --no-install`, what a developer does. sf then
   * treats it as a linked ESM plugin with tsx in its devDependencies, so oclif loads typescript (to read tsconfig.json)
   * and registers tsx before loading the command: a cost users never pay. 'installed': registered the way
   * `sf plugins install` leaves a plugin (a `user` plugin in sf's data dir, node_modules/<name> here a symlink to the
   * repo), so the command loads the compiled lib/ with no tsx, as from npm; its dependencies are the repo's
   * node_modules (sf never shares its own dependencies with user plugins). Neither is what users get. 'tarball': what
   * users get: `npm pack` (prepack makes the release bundle; or the tarball option) and
   * `sf plugins install file:<tarball>`, which installs the package's dependencies from the registry as for any user
   * plugin (for the bundle, only pino: everything else is inside it).
   */
  plugin?: 'link' | 'installed' | 'tarball';
  /**
   * With plugin 'tarball': the tarball to install (from packPlugin). Without it, createSfCli packs the repo first with
   * `npm pack` (its prepack makes the release bundle).
   */
  tarball?: string;
};

/** A packed plugin: the tarball and what is in it. */
export type PackedPlugin = {
  file: string;
  name: string;
  version: string;
  /** Whether lib/ is the release bundle (lib/bundle.json in the tarball). */
  bundled: boolean;
  /** Files in the tarball, its size and unpacked size in bytes. */
  entryCount: number;
  size: number;
  unpackedSize: number;
};

/**
 * A copy of the working tree to pack from, so that prepack's release build never replaces the repo's own lib/ (tests
 * running side by side, as in .ci/run, use it): the files git tracks or would track (uncommitted changes included),
 * and node_modules as a symlink to the repo's. Removed by the caller.
 */
async function workingCopy(): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'plugin-pack-src-'));
  const listed = await runProcess('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, env: process.env });
  if (listed.code !== 0) throw new Error(`git ls-files failed in ${ROOT}: ${listed.stderr.slice(0, 400)}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted, not yet committed
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(join(copy, file)), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await copyFile(join(ROOT, file), join(copy, file));
  }
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'junction');
  return copy;
}

/** The packages the JavaScript under `dir` imports or requires (bare specifiers), by package name. */
function importedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"./][^'"]*)['"]/gm;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    for (const [, spec] of readFileSync(join(entry.parentPath, entry.name), 'utf8').matchAll(specifier)) {
      if (spec.startsWith('node:')) continue;
      const parts = spec.split('/');
      names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return names;
}

/**
 * A working copy with the repo's lib/ (the tsc build) and oclif manifest, whose package.json lists every installed
 * package lib/ imports as a dependency: what `sf plugins install` must fetch for an unbundled build to run.
 */
async function unbundledCopy(): Promise<string> {
  if (existsSync(join(ROOT, 'lib', 'bundle.json'))) throw new Error('lib/ is the release bundle: run npm run build for the tsc build first');
  const copy = await workingCopy();
  await cp(join(ROOT, 'lib'), join(copy, 'lib'), { recursive: true });
  if (existsSync(join(ROOT, 'oclif.manifest.json'))) await copyFile(join(ROOT, 'oclif.manifest.json'), join(copy, 'oclif.manifest.json'));
  const pjson = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const imported = importedPackages(join(copy, 'lib'));
  const fromDev = Object.entries(pjson.devDependencies ?? {}).filter(([name]) => imported.has(name));
  pjson.dependencies = { ...pjson.dependencies, ...Object.fromEntries(fromDev) };
  await writeFile(join(copy, 'package.json'), `${JSON.stringify(pjson, null, 2)}\n`);
  return copy;
}

/**
 * `npm pack` of the repo into `destination`. With `scripts` (default) npm runs prepack, which makes lib/ the release
 * bundle (npm run build:release), as npm publish would; that happens in a copy of the working tree (workingCopy), so
 * the repo's lib/ stays as it is. `scripts: false` packs the repo's lib/ as it is (--ignore-scripts), e.g. the plain
 * tsc build of `npm run build`, which is what the package shipped before it was bundled: with the packages that lib/
 * imports as its dependencies, as it had them then (the bundle's package.json lists only what the bundle leaves out).
 */
export async function packPlugin(destination: string, options: { scripts?: boolean } = {}): Promise<PackedPlugin> {
  await mkdir(destination, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', destination, ...(options.scripts === false ? ['--ignore-scripts'] : [])];
  const cwd = options.scripts === false ? await unbundledCopy() : await workingCopy();
  // npm prints the lifecycle scripts' output before the JSON: the JSON is the last top-level array.
  let run: ProcessRun;
  try {
    run = await runProcess('npm', args, { cwd, env: process.env, timeoutMs: 600_000 });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  const start = run.stdout.lastIndexOf('\n[\n');
  const json = run.stdout.slice(start < 0 ? run.stdout.indexOf('[') : start + 1);
  let packed: Array<{ name: string; version: string; filename: string; size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string }> }>;
  try {
    packed = JSON.parse(json) as typeof packed;
  } catch {
    throw new Error(`npm ${args.join(' ')} failed (exit ${String(run.code)}):\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`);
  }
  if (run.code !== 0 || packed.length !== 1) throw new Error(`npm ${args.join(' ')} exited ${String(run.code)}:\n${run.stderr.slice(-2000)}`);
  const [p] = packed;
  return {
    file: join(destination, p.filename),
    name: p.name,
    version: p.version,
    bundled: p.files.some((f) => f.path === 'lib/bundle.json'),
    entryCount: p.entryCount,
    size: p.size,
    unpackedSize: p.unpackedSize,
  };
}

/** Variables that would move sf's config, data or cache dirs out of the isolated home. */
const XDG = ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'];

/** Registers the repo as an installed (`user`) plugin in the home's sf data dir, as `sf plugins install` would. */
async function registerInstalled(home: string): Promise<string> {
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const dataDir = join(home, '.local', 'share', 'sf');
  await mkdir(join(dataDir, 'node_modules'), { recursive: true });
  await symlink(ROOT, join(dataDir, 'node_modules', name), 'junction');
  const pjson = { name: '@salesforce/cli', private: true, dependencies: { [name]: version }, oclif: { schema: 1, plugins: [{ name, type: 'user', tag: 'latest' }] } };
  await writeFile(join(dataDir, 'package.json'), `${JSON.stringify(pjson, null, 2)}\n`);
  return name;
}

/** The name of the user plugin `sf plugins install` recorded in the home's sf data dir, if exactly one. */
function installedName(home: string): string | undefined {
  try {
    const pjson = JSON.parse(readFileSync(join(home, '.local', 'share', 'sf', 'package.json'), 'utf8')) as { oclif?: { plugins?: Array<{ name: string; type: string }> } };
    const user = (pjson.oclif?.plugins ?? []).filter((p) => p.type === 'user');
    return user.length === 1 ? user[0].name : undefined;
  } catch {
    return undefined;
  }
}

/** Where sf installed a user plugin (its package directory), in a home made by createSfCli. */
export function installedPluginRoot(home: string): string | undefined {
  const name = installedName(home);
  return name === undefined ? undefined : join(home, '.local', 'share', 'sf', 'node_modules', name);
}

/**
 * Installs sf when needed, then in a new isolated home: `sf version`, `sf plugins link <repo> --no-install` (or the
 * installed registration, or the tarball install, see SfCliOptions.plugin), `sf org login access-token
 * --instance-url <emulator> --alias <alias> --no-prompt` with the emulator's JWT (sfap_api) token in SF_ACCESS_TOKEN
 * (for that command only).
 * Doesn't throw when a step fails: see `setup` / `ok`.
 */
export async function createSfCli(emulator: SfCliEmulator, options: SfCliOptions = {}): Promise<SfCli> {
  await ensureSfCli();
  const alias = options.alias ?? 'emu';
  const home = await mkdtemp(join(realpathSync(tmpdir()), HOME_PREFIX));
  const base = isolatedEnv(home, emulator.url);
  for (const name of XDG) delete base[name];
  const env: NodeJS.ProcessEnv = { ...base, PATH: [SF_BIN, base.PATH].join(delimiter) };
  const token = emulator.tokenFor('jwt');
  const sf = (args: string[], runOptions: Pick<RunOptions, 'input' | 'timeoutMs'> = {}, extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessRun> =>
    runProcess(join(SF_BIN, 'sf'), args, { env: { ...env, ...extraEnv }, cwd: ROOT, ...runOptions });
  const cleanup = async (): Promise<void> => {
    // Only ever delete a directory this module created.
    if (dirname(home) === realpathSync(tmpdir()) && home.split(sep).at(-1)?.startsWith(HOME_PREFIX)) await rm(home, { recursive: true, force: true });
  };

  const setup: SetupStep[] = [];
  try {
    const version = await sf(['version']);
    setup.push({ name: `sf ${SF_VERSION} runs`, ok: version.code === 0 && version.stdout.includes(SF_VERSION), run: version });
    if (options.plugin === 'tarball') {
      // What a user does: `sf plugins install`, from a tarball here instead of the registry. The plugin is unsigned, so
      // sf would ask "…isn't signed by Salesforce…"; the allow list (plugin-trust) skips the question, keyed by what is
      // installed. stdin stays closed, so an unexpected prompt fails the step instead of hanging.
      const tarball = options.tarball ?? (await packPlugin(join(home, 'pack'))).file;
      const spec = `file:${tarball}`;
      const allow = await sf(['plugins', 'trust', 'allowlist', 'add', '--name', spec]);
      setup.push({ name: 'sf plugins trust allowlist add', ok: allow.code === 0, run: allow });
      const install = await sf(['plugins', 'install', spec], { timeoutMs: 600_000 });
      const name = installedName(home);
      const ok = install.code === 0 && !(install.stdout + install.stderr).includes("isn't signed") && name !== undefined;
      setup.push({ name: `sf plugins install ${spec}`, ok, run: install });
    } else if (options.plugin === 'installed') {
      const name = await registerInstalled(home);
      const plugins = await sf(['plugins', '--json']);
      let listed: Array<{ name?: string; type?: string }> = [];
      try {
        const parsed = JSON.parse(plugins.stdout) as { result?: typeof listed } | typeof listed;
        listed = (Array.isArray(parsed) ? parsed : parsed.result) ?? [];
      } catch {
        // not JSON: the check below fails and shows the output
      }
      const ok = plugins.code === 0 && listed.some((p) => p.name === name && p.type === 'user');
      setup.push({ name: 'plugin registered as installed (user) plugin', ok, run: plugins });
    } else {
      const link = await sf(['plugins', 'link', ROOT, '--no-install']);
      setup.push({ name: 'sf plugins link .', ok: link.code === 0, run: link });
    }
    const login = await sf(['org', 'login', 'access-token', '--instance-url', emulator.url, '--alias', alias, '--no-prompt'], {}, { SF_ACCESS_TOKEN: token });
    setup.push({ name: 'sf org login access-token', ok: login.code === 0, run: login });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    home,
    alias,
    env,
    token,
    setup,
    ok: setup.every((s) => s.ok),
    sf: (args, { env: extraEnv, ...runOptions } = {}) => sf(args, runOptions, extraEnv),
    cleanup,
  };
}
