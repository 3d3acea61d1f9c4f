/*
 * Export's rate limit end to end, in-process: the export use case against the emulator over loopback HTTP, with the
 * limit's window shortened to 1 s (runExport's rateWindowMs) so the test waits about a second, not a minute. Only
 * lower bounds on time are asserted (the limiter holding requests back); a busy machine can only make them later.
 * The limiter's exact decisions are tested on a fake clock in test/unit/rateLimit.test.ts.
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
      {
        targetOrg: 'rate',
        sessionIds: BULK_SESSIONS.slice(1000, 1008),
        channels: [],
        outputDir: dir,
        format: 'json',
        concurrency: 8,
        rateLimit: 5,
        rateWindowMs: windowMs,
        maxConversations: 200,
        dryRun: false,
        force: false,
        env: { SF_CONVERSATION_API_URL: emu.url },
      },
      { warn: () => undefined }
    );
    expect(result).to.include({ exported: 8, failed: 0, requests: 8 });
    const at = emu.requests.filter((r) => r.path === ENTRIES_PATH).map((r) => r.at).sort((x, y) => x - y);
    expect(at).to.have.length(8);
    // Times are taken on arrival at the emulator, not when the limiter let a request go: the first five each open a
    // connection (the sixth reuses one), so on a busy machine they can arrive late by more than a few ms (CI saw 150).
    // A quarter of the window still tells a limit from none (without one, all 8 arrive within a few ms).
    const JITTER = windowMs / 4;
    for (let i = 5; i < at.length; i++) expect(at[i] - at[i - 5], `request ${i + 1}`).to.be.at.least(windowMs - JITTER);
    const manifest = (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { status: string });
    expect(manifest.filter((l) => l.status === 'exported')).to.have.length(8);
  });
});
