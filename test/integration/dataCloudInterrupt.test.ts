/*
 * Ctrl-C while a Data Cloud query runs: a real SIGINT to the built CLI (the process boundary is the point: the
 * interrupt handler cleans up and exits). The running query is cancelled (the emulator records the DELETE) before the
 * process exits with 130. Build first: npm run build.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, SESSIONS } from '../emulator/seed.js';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('--api data-cloud: Ctrl-C cancels the running query (spawned CLI)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let home: SfHome;
  let root: string;

  before(async () => {
    // A query that never finishes on its own.
    emu = await startEmulator({ dataCloud: { queryMs: 3_600_000 } });
    home = await createSfHome(emu, { alias: 'dcint' });
    root = await mkdtemp(join(realpathSync(tmpdir()), 'dc-interrupt-'));
  });
  after(async () => {
    await home?.cleanup();
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Waits until the CLI is long-polling the status of a running query; returns the query's id. */
  async function runningQuery(run: CliProcess): Promise<string> {
    for (;;) {
      const poll = emu.requests.find((r) => r.method === 'GET' && r.query.waitTimeMs !== undefined);
      if (poll) return poll.path.split('/').pop() as string;
      if (run.child.exitCode !== null) throw new Error(`the CLI ended before its query ran: ${(await run.done).stderr}`);
      // eslint-disable-next-line no-await-in-loop
      await sleep(20);
    }
  }

  for (const command of ['export', 'get'] as const) {
    it(`${command}: SIGINT while the query runs → DELETE of that query, then exit 130 with one line; nothing left behind`, async () => {
      emu.clearLog();
      const dir = join(root, command);
      const args =
        command === 'export'
          ? ['conversation', 'entries', 'export', '-o', 'dcint', '--api', 'data-cloud', '-s', SESSIONS.short, '-s', BULK_SESSIONS[0], '-d', dir]
          : ['conversation', 'entries', 'get', '-o', 'dcint', '--api', 'data-cloud', '-s', SESSIONS.short];
      const run = startCli(args, home.env);
      const queryId = await runningQuery(run);
      const signalledAt = Date.now();
      run.child.kill('SIGINT');
      const done = await run.done;
      expect(done.code, done.stderr).to.equal(130);
      expect(done.stderr, done.stderr).to.include('Interrupted: stopped before finishing (exit 130).');
      const deletes = emu.requests.filter((r) => r.method === 'DELETE');
      expect(deletes.map((r) => r.path)).to.deep.equal([`/services/data/v66.0/ssot/query-sql/${queryId}`]);
      expect(deletes[0].at).to.be.at.least(signalledAt);
      expect(deletes[0].status).to.equal(200);
      if (command === 'export') {
        // The lock and any temp file are gone; the directory holds at most the manifest journal.
        expect((await readdir(dir)).filter((f) => f !== 'manifest.jsonl')).to.deep.equal([]);
      }
    });
  }
});
