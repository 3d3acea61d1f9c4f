/*
 * Seeded faults on the entries API (every kind: 429 and 503 with Retry-After, 500, connection reset, a stalled
 * response, truncated JSON) during an export of 200 sessions: the export must end exactly as a fault-free one does.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ExportResult } from '../../src/usecases/export.js';
import { ALL_FAULTS } from '../emulator/faults.js';
import type { Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, SESSIONS } from '../emulator/seed.js';
import type { CliExit } from '../helpers/cli.js';
import type { SfHome } from '../helpers/sfHome.js';
import { afterCheckingSecrets, conversationOf, differences, EXPORT, isEntries, Rig, show, snapshot } from './support.js';

const FAULT_SEED = 20_251_110;
const FAULT_RATE = 0.1;

describe('reliability: an export under seeded faults ends as a fault-free one', function () {
  this.timeout(300_000);
  let rig: Rig | undefined;
  let emu: Emulator;
  let home: SfHome;

  before(async () => {
    rig = await Rig.create('faults');
    emu = await rig.emulator();
    home = await rig.home(emu, { alias: 'faults' });
  });
  afterCheckingSecrets(() => rig);

  it(`200 sessions, ${FAULT_RATE * 100}% mixed faults (seed ${FAULT_SEED}): exit 0, byte-identical files, same manifest apart from timing`, async () => {
    const r = rig as Rig;
    // 196 three-entry conversations, the 2,500-entry one (3 pages), two short ones, and a session without one.
    const ids = [...BULK_SESSIONS.slice(300, 496), SESSIONS.long, SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation];
    expect(new Set(ids).size).to.equal(200);
    const idFile = join(r.root, 'ids.txt');
    await writeFile(idFile, `${ids.join('\n')}\n`);
    const conversations = ids.map(conversationOf).filter((c): c is string => c !== null);
    // A short HTTP timeout, so a stalled response costs 2 seconds, not 30 (short, with room for a loaded machine).
    const env = { SF_CONVERSATION_HTTP_TIMEOUT: '2000' };
    const exportTo = (dir: string): Promise<CliExit> =>
      r.run(home, [...EXPORT, '-o', 'faults', '-d', dir, '--session-file', idFile, '--concurrency', '8', '--rate-limit', '0', '--json'], { env });

    const cleanDir = r.newPath('clean');
    const clean = await exportTo(cleanDir);
    expect(clean.code, show(clean)).to.equal(0);
    expect(clean.json?.result).to.include({ selected: 200, exported: 199, noConversation: 1, failed: 0 });
    expect(emu.requests.filter((q) => q.fault)).to.deep.equal([]);

    // Retry-After: 1 (the emulator's header is whole seconds); stalls are cut by the client's timeout.
    emu.set({ faultRate: FAULT_RATE, faultKinds: [...ALL_FAULTS], seed: FAULT_SEED, retryAfterSeconds: 1, stallMs: 5000 });
    emu.clearLog();
    const faultyDir = r.newPath('faulty');
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
