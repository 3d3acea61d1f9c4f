/*
 * One writer per output directory, and nothing written outside it. An export in this process (the command,
 * helpers/command.ts) and a real second process against one directory (the process boundary is the point of a lock),
 * and the use case in-process for the rest: stale and foreign locks, a symlinked manifest, a directory others can
 * write to, and Ids from the org that can't be file names.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { LOCK_FILE } from '../../src/files/lock.js';
import type { ManifestLine } from '../../src/files/manifest.js';
import { runExport, type ExportInput, type ExportResult } from '../../src/usecases/export.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, CONVERSATIONS, SESSIONS } from '../emulator/seed.js';
import { startCli, type CliExit, type CliResult } from '../helpers/cli.js';
import { runCommand, SPAWNED } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';
import { exportInput } from '../helpers/exportInput.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function manifest(dir: string): Promise<ManifestLine[]> {
  return (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ManifestLine);
}

/** A pid that no process on this machine has any more: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

describe('export: one writer per output directory', function () {
  this.timeout(120_000);
  let emu: Emulator;
  /** The second process's home, authorised through another client app, so the emulator's log tells its requests apart. */
  let otherHome: SfHome;
  let root: string;
  let n = 0;
  const newDir = (): string => join(root, `out-${++n}`);
  const ids = BULK_SESSIONS.slice(2000, 2012);
  const warnings: string[] = [];
  const exportIn = (dir: string, extra: Partial<ExportInput> = {}): Promise<ExportResult> =>
    runExport(exportInput('lock', dir, { sessionIds: ids.slice(0, 3), env: { SF_CONVERSATION_API_URL: emu.url }, ...extra }), { warn: (message) => warnings.push(message) });
  const refusal = async (work: Promise<unknown>): Promise<SfError> => {
    const error = await work.then(
      () => undefined,
      (e: SfError) => e
    );
    expect(error, 'the export was refused').to.not.equal(undefined);
    return error as SfError;
  };
  const entriesRequests = (): number => emu.requests.filter((r) => r.path === ENTRIES_PATH).length;

  before(async () => {
    emu = await startEmulator({ username: 'lock@conversation-emulator.example' });
    await authorizeInProcess(emu, 'lock');
    otherHome = await createSfHome(emu, { alias: 'lock', app: 'jwtNoSfap' });
    root = await mkdtemp(join(realpathSync(tmpdir()), 'export-lock-'));
  });
  beforeEach(() => {
    warnings.length = 0;
    emu.resume();
    emu.set({ extraSessions: [] });
    emu.clearLog();
  });
  afterEach(() => {
    // A use case that recorded failures set it for the command; the test process must not exit with it.
    process.exitCode = undefined;
  });
  after(async () => {
    emu?.resume();
    await otherHome?.cleanup();
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('a second export into a directory another one is writing to is refused at once: exit 2, the holder named, nothing written', async () => {
    const dir = newDir();
    const args = (sessions: string[]): string[] => ['conversation', 'entries', 'export', '-o', 'lock', '-d', dir, '--rate-limit', '0', '--json', ...sessions.flatMap((s) => ['-s', s])];
    emu.pause(); // the first run can't finish until the second has been refused
    const first = runCommand(args(ids.slice(0, 6)), { env: { SF_CONVERSATION_API_URL: emu.url } });
    const lockPath = join(dir, LOCK_FILE);
    for (let i = 0; i < 600 && !existsSync(lockPath); i++) await new Promise((r) => setTimeout(r, 50)); // eslint-disable-line no-await-in-loop
    expect(existsSync(lockPath), 'the first run holds the lock').to.equal(true);
    const before = (await readdir(dir)).sort();
    const second: CliExit = await startCli(args(ids.slice(6, 12)), otherHome.env).done;
    expect(second.code, second.stdout + second.stderr).to.equal(2);
    expect(second.json?.name).to.equal('OutputDirLockedError');
    // The holder named is the one in the lock file: this process, where the first export runs in-process (or its
    // child, when test:release spawns every command).
    const holder = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number; host: string };
    if (!SPAWNED) expect(holder.pid).to.equal(process.pid);
    expect(second.json?.message).to.include(`process ${holder.pid}`).and.include(hostname());
    expect(emu.requests.filter((r) => r.tokenApp === 'jwtNoSfap' || r.auth === 'none'), 'the refused run made no request').to.have.length(0);
    expect((await readdir(dir)).sort()).to.deep.equal(before);
    emu.resume();
    const done = await first;
    expect(done.code, done.stdout + done.stderr).to.equal(0);
    const lines = await manifest(dir);
    expect(lines.map((l) => l.sessionId).sort()).to.deep.equal(ids.slice(0, 6).sort());
    expect(existsSync(lockPath), 'the lock is released').to.equal(false);
  });

  it('two exports started at once into one directory lose nothing either reports as exported', async () => {
    const dir = newDir();
    const args = (sessions: string[]): string[] => ['conversation', 'entries', 'export', '-o', 'lock', '-d', dir, '--rate-limit', '0', '--json', ...sessions.flatMap((s) => ['-s', s])];
    // One in this process, one in another (whose app's tokens the entries API then takes too: the lock is the point).
    emu.set({ latencyMs: 50, tokenPolicy: 'any' });
    // "At once" for sure, however busy the machine: the run that takes the lock is held at its first request until the
    // other has ended (refused, with a working lock; a minute at most, else a broken lock let both in). Without the
    // hold, on a loaded machine the second could start after the first had finished: not the race this is about.
    emu.pause();
    try {
      const started: Array<Promise<CliResult>> = [
        runCommand(args(ids.slice(0, 6)), { env: { SF_CONVERSATION_API_URL: emu.url } }),
        startCli(args(ids.slice(6, 12)), otherHome.env).done,
      ];
      let held: NodeJS.Timeout | undefined;
      await Promise.race([...started, new Promise((resolve) => (held = setTimeout(resolve, 60_000)))]);
      clearTimeout(held);
      emu.resume();
      const runs = await Promise.all(started);
      const lines = await manifest(dir);
      for (const r of runs) {
        expect([0, 2], r.stdout + r.stderr).to.include(r.code);
        if (r.code !== 0) continue;
        const result = r.json?.result as ExportResult;
        for (const s of result.sessions.filter((x) => x.status === 'exported')) {
          const line = lines.find((l) => l.sessionId === s.sessionId);
          expect(line?.status, `${s.sessionId} in the manifest`).to.equal('exported');
          expect(sha256(await readFile(join(dir, line?.file as string)))).to.equal(line?.sha256); // eslint-disable-line no-await-in-loop
        }
      }
      expect(runs.some((r) => r.code === 0)).to.equal(true);
    } finally {
      emu.resume();
      emu.set({ latencyMs: 0, tokenPolicy: 'sfap-jwt' });
    }
  });

  it('one run after another into one directory, each with its own selection: the manifest and index.html keep every session either exported', async () => {
    const dir = newDir();
    const first = await exportIn(dir, { sessionIds: ids.slice(0, 3), format: 'html' });
    const second = await exportIn(dir, { sessionIds: ids.slice(3, 6), format: 'html' });
    expect([first.exported, second.exported]).to.deep.equal([3, 3]);
    expect(second.sessions.map((s) => s.sessionId).sort(), "the result is this run's").to.deep.equal(ids.slice(3, 6).sort());
    const check = async (expected: string[]): Promise<void> => {
      const lines = await manifest(dir);
      expect(lines.map((l) => l.sessionId), 'one line per session, sorted by Id').to.deep.equal([...expected].sort());
      for (const line of lines) {
        expect(line.status).to.equal('exported');
        expect(sha256(await readFile(join(dir, line.file as string)))).to.equal(line.sha256); // eslint-disable-line no-await-in-loop
      }
    };
    await check(ids.slice(0, 6));
    const index = await readFile(join(dir, 'index.html'), 'utf8');
    for (const id of ids.slice(0, 6)) expect(index, `index.html links ${id}`).to.include(`href="${id}.html"`);
    // --force fetches its own selection again, and still keeps the other sessions' lines.
    emu.clearLog();
    const forced = await exportIn(dir, { sessionIds: ids.slice(0, 1), format: 'html', force: true });
    expect([forced.exported, forced.skipped, entriesRequests() > 0]).to.deep.equal([1, 0, true]);
    await check(ids.slice(0, 6));
  });

  it('a lock left by a process that is gone (same host) is taken over, with a warning, and released at the end', async () => {
    const dir = newDir();
    await mkdir(dir, { mode: 0o700 });
    const pid = await deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', nonce: 'gone' }));
    const result = await exportIn(dir);
    expect(result.exported).to.equal(3);
    expect(warnings.join('\n')).to.include(`process ${pid}`).and.include('no longer running');
    expect(existsSync(join(dir, LOCK_FILE))).to.equal(false);
  });

  it('a lock held on another host, or one that can not be read, is refused (exit 2) before any request; the lock is left alone', async () => {
    for (const content of [JSON.stringify({ pid: 1, host: 'build-agent-7', startedAt: '2026-01-01T00:00:00.000Z', nonce: 'x' }), '', '{"pid":'] as const) {
      const dir = newDir();
      await mkdir(dir, { mode: 0o700 }); // eslint-disable-line no-await-in-loop
      await writeFile(join(dir, LOCK_FILE), content); // eslint-disable-line no-await-in-loop
      emu.clearLog();
      const error = await refusal(exportIn(dir)); // eslint-disable-line no-await-in-loop
      expect(error.exitCode, error.message).to.equal(2);
      expect(error.name).to.match(/^OutputDirLocked(Unknown)?Error$/);
      if (content.includes('build-agent-7')) expect(error.message).to.include('build-agent-7');
      expect(emu.requests, 'no request at all').to.have.length(0);
      expect(await readdir(dir)).to.deep.equal([LOCK_FILE]); // eslint-disable-line no-await-in-loop
      expect(await readFile(join(dir, LOCK_FILE), 'utf8')).to.equal(content); // eslint-disable-line no-await-in-loop
    }
  });

  it('a manifest that is a symlink is refused before any request, and what it points to is untouched', async () => {
    const dir = newDir();
    await mkdir(dir, { mode: 0o700 });
    const target = join(root, `target-${n}.txt`);
    await writeFile(target, 'precious\n');
    await symlink(target, join(dir, 'manifest.jsonl'));
    const error = await refusal(exportIn(dir));
    expect([error.name, error.exitCode]).to.deep.equal(['ManifestNotAFileError', 2]);
    expect(emu.requests).to.have.length(0);
    expect(await readFile(target, 'utf8')).to.equal('precious\n');
    expect(existsSync(join(dir, LOCK_FILE))).to.equal(false);
  });

  it('an existing output directory other users can write to gets a warning (and the export goes on)', async () => {
    const dir = newDir();
    await mkdir(dir);
    await chmod(dir, 0o777);
    const result = await exportIn(dir);
    expect(result.exported).to.equal(3);
    expect(warnings.join('\n')).to.include(dir).and.include('777');
    warnings.length = 0;
    await chmod(dir, 0o700);
    await exportIn(newDir());
    expect(warnings.join('\n')).not.to.include('can be written by other users');
  });

  it('Ids from the org that are not record Ids never become file names: each is a failed line, nothing is written outside the directory', async () => {
    const dir = newDir();
    const hostile = ['../../escaped', '..', `${SESSIONS.short.slice(0, 15)}/x`, '0Mw5g00000AbCdE\u0000', 'C:\\evil'];
    emu.set({
      extraSessions: hostile.map((id) => ({ id18: id, conversationRecordId: '0dw5g00000ZzZzZAAA', conversationIdentifier: CONVERSATIONS.short, startTime: '2030-01-01T00:00:00.000+0000', channelType: 'Line', status: 'Ended' })),
    });
    const result = await exportIn(dir, { sessionIds: [], channels: ['Line'], since: '2029-12-31T00:00:00Z' });
    expect(result.failed).to.equal(hostile.length);
    expect(result.exported).to.equal(0);
    expect(entriesRequests(), 'nothing fetched for them').to.equal(0);
    expect((await readdir(dir)).sort()).to.deep.equal(['manifest.jsonl']);
    expect((await readdir(root)).every((name) => name.startsWith('out-') || name.startsWith('target-') || name === 'export-lock-')).to.equal(true);
    expect(existsSync(join(root, '..', 'escaped'))).to.equal(false);
    expect((await manifest(dir)).map((l) => l.status)).to.deep.equal(hostile.map(() => 'failed'));
  });
});
