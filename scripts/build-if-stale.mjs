#!/usr/bin/env node
/*
 * `npm run build`, only when the build is missing or older than what it is built from: the scripts that run the built
 * plugin (npm test, test:reliability, test:sf, demo) start with this instead of a build of their own. In CI, `npm ci`
 * has just built (prepare), so nothing is built again; after an edit to src/, the next `npm test` builds first.
 *
 * The build is stale when oclif.manifest.json (written last by `npm run build` and by build:release) or lib/ is
 * missing, or any file under src/, package.json or tsconfig.json is newer than the manifest. A release bundle that is
 * up to date counts as a build (test:release runs the suite on it; `npm run build` replaces it when src/ changed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = join(ROOT, 'oclif.manifest.json');

/** The newest modification time under `path` (a file or a directory tree), in ms. */
function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function staleBecause() {
  if (!existsSync(MANIFEST) || !existsSync(join(ROOT, 'lib', 'index.js'))) return 'there is no build yet';
  const built = statSync(MANIFEST).mtimeMs;
  const changed = ['src', 'package.json', 'tsconfig.json'].find((source) => newest(join(ROOT, source)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

const reason = staleBecause();
if (reason) {
  process.stderr.write(`Building (${reason}).\n`);
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const run = spawnSync(npm[0], [...npm[1], 'run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', shell: !process.env.npm_execpath && process.platform === 'win32' });
  process.exit(run.status ?? 1);
}
