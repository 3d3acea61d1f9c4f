/*
 * Failures the user must fix on their side, as named errors with their own exit codes, through the commands run
 * in-process (helpers/command.ts): an org that can't be reached (a closed port, a dead proxy, a host name that doesn't
 * resolve) is Unreachable (9); output that can't be written (a full disk) is WriteFailed (11). Neither is a bare
 * "fetch failed" or a stack. And what a killed get leaves behind is tidied by the next one.
 *
 * Spawned (helpers/cli.ts), where a process is the point: a closed port (sf's connection retries a refused connection
 * with 15 s of backoff, so the three commands run side by side), a proxy (sf's connection reads HTTPS_PROXY when the
 * process loads it), and a real /dev/full as the process's stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CONVERSATIONS, SESSIONS } from '../emulator/seed.js';
import { RUN_JS, runCli, type CliResult } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';

const GET = ['conversation', 'entries', 'get'];

/** A loopback port nothing listens on (bound, then closed). */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const show = (r: CliResult): string => `exit ${String(r.code)}\nstdout: ${r.stdout.slice(0, 1200)}\nstderr: ${r.stderr.slice(0, 1200)}`;

describe('named failures: unreachable org (9), output that can’t be written (11) (integration)', function () {
  this.timeout(180_000);
  const cleanups: Array<() => Promise<void>> = [];
  const outputs: CliResult[] = [];
  const tokens = new Set<string>();
  /** A command in-process, with `api` as the entries API host (as a spawned run's isolated env sets it). */
  const run = async (api: Emulator, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCommand(args, { env: { SF_CONVERSATION_API_URL: api.url, ...env } });
    outputs.push(result);
    return result;
  };
  /** The built CLI in a child process, in an isolated sf home. */
  const spawned = async (home: SfHome, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCli(args, { ...home.env, ...env });
    outputs.push(result);
    return result;
  };
  const expectUnreachable = (r: CliResult, host: string): void => {
    expect(r.code, show(r)).to.equal(9);
    expect(r.json?.name, show(r)).to.equal('UnreachableError');
    expect(r.json?.message).to.include(host);
    expect((r.json?.actions ?? []).join('\n')).to.include('HTTPS_PROXY').and.include('NO_PROXY');
  };

  /** The org: authorised in this process (alias failures) and in an isolated home for spawned runs (alias emu). */
  let emu: Emulator;
  let home: SfHome;
  before(async () => {
    emu = await startEmulator({ username: 'failures@conversation-emulator.example' });
    await authorizeInProcess(emu, 'failures');
    home = await createSfHome(emu, { alias: 'emu' });
    cleanups.push(async () => {
      await home.cleanup();
      await emu.stop();
    });
    tokens.add(emu.accessToken);
  });
  after(async () => {
    for (const r of outputs) for (const token of tokens) expect(r.stdout + r.stderr, 'a token in the output').not.to.include(token);
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  describe('the org can’t be reached', () => {
    let gone: { host: string; dir: string; runs: Promise<CliResult[]> };
    let proxied: { port: number; runs: Promise<CliResult[]> };
    before(async () => {
      // Both sets of spawned runs wait out sf's retries of a refused connection: they are started together here.
      const dead = await startEmulator();
      const goneHome = await createSfHome(dead, { alias: 'gone' });
      cleanups.push(() => goneHome.cleanup());
      tokens.add(dead.accessToken);
      const host = new URL(dead.url).host;
      // Nothing listens there any more: every connection is refused.
      await dead.stop();
      const dir = join(await mkdtemp(join(tmpdir(), 'failures-')), 'out');
      cleanups.push(() => rm(join(dir, '..'), { recursive: true, force: true }));
      const proxyPort = await closedPort();
      emu.clearLog();
      gone = {
        host,
        dir,
        runs: Promise.all([
          spawned(goneHome, [...GET, '-s', SESSIONS.short, '-o', 'gone', '--json']),
          spawned(goneHome, [...GET, '-c', CONVERSATIONS.short, '-o', 'gone', '--json']),
          spawned(goneHome, ['conversation', 'entries', 'export', '--since', '7d', '-d', dir, '-o', 'gone', '--json']),
        ]),
      };
      proxied = {
        port: proxyPort,
        runs: Promise.all([
          spawned(home, [...GET, '-s', SESSIONS.short, '-o', 'emu', '--json'], { HTTPS_PROXY: `http://user:proxysecret@127.0.0.1:${proxyPort}` }),
          spawned(home, [...GET, '-s', SESSIONS.short, '-o', 'emu', '--json'], { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '127.0.0.1,localhost' }),
        ]),
      };
    });

    it('a closed port: the session query, the token check and the export selection all end in Unreachable (9) naming the host', async () => {
      for (const r of await gone.runs) {
        expectUnreachable(r, gone.host);
        expect(r.json?.message).to.include('ECONNREFUSED').and.not.include('fetch failed');
      }
      expect(existsSync(gone.dir), 'the export directory was not created').to.equal(false);
    });

    it('HTTPS_PROXY at a dead port: Unreachable (9) naming the org and the proxy; NO_PROXY does not help sf’s connection; no request reached the org', async () => {
      for (const r of await proxied.runs) {
        expectUnreachable(r, new URL(emu.url).host);
        expect(r.json?.message).to.include(`through the proxy http://127.0.0.1:${proxied.port}`);
        expect(r.stdout + r.stderr).not.to.include('proxysecret');
      }
      expect(emu.requests, 'requests that reached the org').to.deep.equal([]);
    });

    it('a host name that doesn’t resolve: Unreachable (9) naming it, from Org.create’s own DNS check', async () => {
      // An org of its own (sf keys auth files by username), authorised to this emulator, then moved to a host that
      // doesn't exist (.invalid never resolves).
      const moved = await startEmulator({ username: 'failures-nxdomain@conversation-emulator.example' });
      cleanups.push(() => moved.stop());
      await authorizeInProcess(moved, 'nxdomain');
      const authFile = join(homedir(), '.sfdx', `${moved.username}.json`);
      const auth = JSON.parse(await readFile(authFile, 'utf8')) as Record<string, unknown>;
      await writeFile(authFile, JSON.stringify({ ...auth, instanceUrl: 'https://conversation-test.invalid' }));
      emu.clearLog();
      moved.clearLog();
      const r = await run(emu, [...GET, '-s', SESSIONS.short, '-o', 'nxdomain', '--json'], { SFDX_IGNORE_API_VERSION_CACHE: 'true' });
      expectUnreachable(r, 'conversation-test.invalid');
      expect(r.json?.message).to.include("doesn't resolve");
      expect(emu.requests).to.deep.equal([]);
      expect(moved.requests).to.deep.equal([]);
    });
  });

  describe('the output can’t be written', () => {
    it('get --output-file removes the temp file a killed get left for that file (its writer is gone), and nothing else', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'failures-stale-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      // The pid of a process that has exited, as a get killed mid-write leaves behind.
      const dead = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => dead.once('close', resolve));
      // A live writer: the process that started the tests (the get runs in this one).
      const left = [`.t.md.${String(dead.pid)}.0a1b2c3d.tmp`, `.t.md.${process.ppid}.0a1b2c3d.tmp`, `.other.md.${String(dead.pid)}.0a1b2c3d.tmp`];
      for (const name of left) await writeFile(join(dir, name), 'partial');
      const r = await run(emu, [...GET, '-s', SESSIONS.short, '-o', 'failures', '-r', 'markdown', '--output-file', join(dir, 't.md')]);
      expect(r.code, show(r)).to.equal(0);
      // The dead writer's temp file of t.md is gone; a live writer's, and another file's, are not ours to remove.
      expect((await readdir(dir)).sort()).to.deep.equal([left[1], left[2], 't.md'].sort());
    });

    it('standard output on a full disk (/dev/full, a real ENOSPC): WriteFailed (11) naming it, no stack', async function () {
      if (!existsSync('/dev/full')) this.skip();
      // A real process whose stdout is /dev/full.
      const full = await open('/dev/full', 'w');
      try {
        const child = spawn(process.execPath, [RUN_JS, ...GET, '-s', SESSIONS.long, '-o', 'emu'], { env: home.env, stdio: ['ignore', full.fd, 'pipe'] });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
        outputs.push({ code, stdout: '', stderr });
        expect(code, stderr).to.equal(11);
        expect(stderr).to.include('WriteFailedError').and.include('standard output').and.include('ENOSPC');
        expect(stderr, 'no stack trace').not.to.match(/\n\s+at /);
      } finally {
        await full.close();
      }
    });
  });
});
