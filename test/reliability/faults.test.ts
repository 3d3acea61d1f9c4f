/*
 * Seeded faults on the entries API (every kind: 429 and 503 with Retry-After, 500, connection reset, a stalled
 * response, truncated JSON) during an export of 200 sessions: the export must end exactly as a fault-free one does.
 * The command runs in-process (helpers/command.ts) with a retry backoff of a few ms and Retry-After: 0: what is
 * retried is the product's, the waits are not what this tests.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ExportResult } from '../../src/usecases/export.js';
import { ALL_FAULTS } from '../emulator/faults.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, SESSIONS } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { QUICK_RETRY, runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { conversationOf, differences, EXPORT, isEntries, leaksLeft, show, snapshot } from './support.js';

const FAULT_SEED = 20_251_110;
const FAULT_RATE = 0.1;

describe('reliability: an export under seeded faults ends as a fault-free one', function () {
  this.timeout(300_000);
  let emu: Emulator;
  let root: string;
  const outputs: CliResult[] = [];

  before(async () => {
    emu = await startEmulator({ username: 'faults@conversation-emulator.example' });
    await authorizeInProcess(emu, 'faults', { refreshable: true });
    root = await mkdtemp(join(realpathSync(tmpdir()), 'reliability-faults-'));
  });
  after(async () => {
    // No token anywhere a run could have left one: its output, or a file it wrote.
    const leaks = await leaksLeft(outputs, root, [emu.accessToken, emu.refreshToken]);
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
    expect(leaks, 'secrets found in outputs or files').to.deep.equal([]);
  });

  it(`200 sessions, ${FAULT_RATE * 100}% mixed faults (seed ${FAULT_SEED}): exit 0, byte-identical files, same manifest apart from timing`, async () => {
    // 196 three-entry conversations, the 2,500-entry one (3 pages), two short ones, and a session without one.
    const ids = [...BULK_SESSIONS.slice(300, 496), SESSIONS.long, SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation];
    expect(new Set(ids).size).to.equal(200);
    const idFile = join(root, 'ids.txt');
    await writeFile(idFile, `${ids.join('\n')}\n`);
    const conversations = ids.map(conversationOf).filter((c): c is string => c !== null);
    // A short HTTP timeout, so a stalled response costs 2 seconds, not 30 (short, with room for a loaded machine).
    const env = { SF_CONVERSATION_HTTP_TIMEOUT: '2000' };
    const exportTo = async (dir: string): Promise<CliResult> => {
      const argv = [...EXPORT, '-o', 'faults', '-d', dir, '--session-file', idFile, '--concurrency', '8', '--rate-limit', '0', '--json'];
      const result = await runCommand(argv, { env: { SF_CONVERSATION_API_URL: emu.url, ...env }, retry: QUICK_RETRY });
      outputs.push(result);
      return result;
    };

    const cleanDir = join(root, 'clean');
    const clean = await exportTo(cleanDir);
    expect(clean.code, show(clean)).to.equal(0);
    expect(clean.json?.result).to.include({ selected: 200, exported: 199, noConversation: 1, failed: 0 });
    expect(emu.requests.filter((q) => q.fault)).to.deep.equal([]);

    // Retry-After: 0 (the emulator's header is whole seconds; honoured as sent); stalls are cut by the client's timeout.
    emu.set({ faultRate: FAULT_RATE, faultKinds: [...ALL_FAULTS], seed: FAULT_SEED, retryAfterSeconds: 0, stallMs: 5000 });
    emu.clearLog();
    const faultyDir = join(root, 'faulty');
    const faulty = await exportTo(faultyDir);
    emu.set({ faultRate: 0 });
    expect(faulty.code, show(faulty)).to.equal(0);
    const result = faulty.json?.result as ExportResult;
    expect(result).to.include({ selected: 200, exported: 199, noConversation: 1, failed: 0 });

    const entries = emu.requests.filter(isEntries);
    const faulted = entries.filter((q) => q.fault);
    // The seed draws every kind, and about the configured rate.
    expect([...new Set(faulted.map((q) => q.fault))].sort(), 'fault kinds drawn').to.deep.equal([...ALL_FAULTS].sort());
    expect(faulted.length, 'faulted requests').to.be.within(10, 60);
    // Each faulted request was retried (at least one retry per fault: on a loaded machine a slow answer may also be),
    // and every conversation ended with all its pages answered.
    expect(result.retries, 'retries reported').to.be.at.least(faulted.length);
    const answered = entries.filter((q) => q.status === 200 && !q.fault);
    expect(answered.length, 'answered pages').to.be.at.least(conversations.length + 2);
    expect(new Set(answered.map((q) => q.query.conversationIdentifier))).to.deep.equal(new Set(conversations));

    const diffs = differences(await snapshot(faultyDir), await snapshot(cleanDir));
    expect(diffs, 'the faulty export against the clean one').to.deep.equal([]);
  });
});
