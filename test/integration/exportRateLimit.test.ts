/*
 * Export's rate limit end to end, in-process: the export use case against the emulator over loopback HTTP, with the
 * limit's window shortened to 1 s (runExport's rateWindowMs) so the test waits about a second, not a minute. Only
 * lower bounds on time are asserted (the limiter holding requests back); a busy machine can only make them later.
 * The limiter's exact decisions are tested on a fake clock in test/unit/rateLimit.test.ts.
 *
 * The times are the emulator's. Measured from the first entries request's arrival, the bound broke on a busy machine:
 * the first requests (each getting its token and opening a connection) arrived 250 ms after the limiter let them go,
 * while the sixth, on a kept-alive connection, came at once. So the window is measured from the answer to the session
 * query: no entries request can be let go before the client has that answer, so with the limit the sixth and later
 * can't arrive within a window of it, however busy the machine; without one they arrive a few ms after it.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runExport } from '../../src/usecases/export.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS } from '../emulator/seed.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { exportInput } from '../helpers/exportInput.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';

describe('export --rate-limit (in-process, 1 s window)', () => {
  let emu: Emulator;
  let root: string;

  before(async () => {
    emu = await startEmulator({ latencyMs: 5, username: 'rate.limit@conversation-emulator.example' });
    await authorizeInProcess(emu, 'rate');
    root = await mkdtemp(join(realpathSync(tmpdir()), 'export-rate-'));
  });
  after(async () => {
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('limit 5 with 8 sessions and concurrency 8: 5 requests at once, the 6th a full window after the 1st, never 6 in any window', async () => {
    const windowMs = 1000;
    const dir = join(root, 'out');
    const result = await runExport(
      exportInput('rate', dir, { sessionIds: BULK_SESSIONS.slice(1000, 1008), concurrency: 8, rateLimit: 5, rateWindowMs: windowMs, env: { SF_CONVERSATION_API_URL: emu.url } }),
      { warn: () => undefined }
    );
    expect(result).to.include({ exported: 8, failed: 0, requests: 8 });
    const at = emu.requests.filter((r) => r.path === ENTRIES_PATH).map((r) => r.at).sort((x, y) => x - y);
    expect(at).to.have.length(8);
    const selected = emu.requests.filter((r) => (r.query.q ?? '').includes('FROM MessagingSession')).map((r) => r.doneAt ?? Number.NaN);
    expect(selected).to.have.length(1);
    // The first 5 go at once; the 6th, 7th and 8th each wait for a window to pass since the 1st, 2nd and 3rd went.
    for (let i = 5; i < at.length; i++) expect(at[i] - selected[0], `request ${i + 1}`).to.be.at.least(windowMs);
    const manifest = (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { status: string });
    expect(manifest.filter((l) => l.status === 'exported')).to.have.length(8);
  });
});
