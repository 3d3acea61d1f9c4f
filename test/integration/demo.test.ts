/*
 * npm run demo leaves the user's home as it found it: the README promises it never touches ~/.sf or ~/.sfdx. The whole
 * script runs with HOME at an empty directory, which must still be empty afterwards. The script builds first when the
 * build is stale (scripts/build-if-stale.mjs); the step of the build that once wrote into HOME, `oclif manifest`
 * (scripts/manifest.mjs), runs here too, on a copy of the plugin's root so the repo's own build is left alone while
 * other tests use it.
 */
import { readdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runProcess } from '../helpers/process.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Everything under `dir`, directories included, relative to it. */
async function everything(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    found.push(path);
    // eslint-disable-next-line no-await-in-loop
    if (entry.isDirectory()) found.push(...(await everything(dir, path)));
  }
  return found;
}

describe('npm run demo (integration)', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  after(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('prints a transcript from the emulator and writes nothing into HOME (no ~/.sf log, no oclif cache)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'demo-home-'));
    // npm's own cache and logs are npm's business, not the demo's: they go elsewhere.
    const npmCache = await mkdtemp(join(tmpdir(), 'demo-npm-cache-'));
    dirs.push(home, npmCache);
    // eslint-disable-next-line camelcase -- npm's configuration variables
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home, npm_config_cache: npmCache, npm_config_update_notifier: 'false' };
    // Nothing may move sf's or oclif's files out of HOME, or the check below would look in the wrong place.
    for (const name of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME', 'SF_DISABLE_LOG_FILE', 'SFDX_DISABLE_LOG_FILE']) delete env[name];
    const run = await runProcess('npm', ['run', 'demo'], { env, cwd: REPO, timeoutMs: 280_000 });
    expect(run.code, `${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`).to.equal(0);
    expect(run.stdout).to.include('LOCAL ORG EMULATOR');
    // `Conversation … (MessagingSession …): 10 entries, from the Conversation Data API.`
    expect(run.stderr, 'the summary line').to.match(/: \d+ entries, from /);
    expect(await everything(home)).to.deep.equal([]);

    // The build's manifest step, as `npm run build` runs it, for a plugin root that links to the repo's files.
    const plugin = await mkdtemp(join(tmpdir(), 'demo-plugin-'));
    dirs.push(plugin);
    for (const name of ['package.json', 'lib', 'messages', 'node_modules']) await symlink(join(REPO, name), join(plugin, name));
    const manifest = await runProcess(process.execPath, [join(REPO, 'scripts', 'manifest.mjs')], { env, cwd: plugin, timeoutMs: 120_000 });
    expect(manifest.code, manifest.stderr).to.equal(0);
    expect(await readdir(plugin)).to.include('oclif.manifest.json');
    expect(await everything(home), 'HOME after oclif manifest').to.deep.equal([]);
  });
});
