/*
 * The built command (bin/run.js) in a child process, only where the process is the point: the exit code of a case
 * with a conversation that can't be read (7), what a standard-channel session prints, and doctor --report's file and
 * exit code. The rest is in conversations.test.ts and doctorSources.test.ts, in-process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CASES, CASE_NUMBERS, EXPECTED_TRANSCRIPTS, OBJECT_SESSIONS } from '../emulator/seedObjects.js';
import { runCli } from '../helpers/cli.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';

describe('every conversation an admin has, through the process (integration)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let home: SfHome;
  let dir: string;

  before(async () => {
    emu = await startEmulator({ seedObjects: true });
    home = await createSfHome(emu, { alias: 'convs', refreshable: true });
    dir = await mkdtemp(join(realpathSync(tmpdir()), 'conversations-cli-'));
  });
  beforeEach(() => {
    emu.set({ conversationEntryAccess: 'granted' });
    emu.clearLog();
  });
  after(async () => {
    await home?.cleanup();
    await emu?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a standard SMS session: the whole transcript by SOQL, exit 0, no request to the entries APIs, the source on stderr', async () => {
    const result = await runCli(['conversation', 'entries', 'get', '-o', 'convs', '-s', OBJECT_SESSIONS.sms, '--utc'], home.env);
    expect(result.code, result.stderr).to.equal(0);
    for (const line of EXPECTED_TRANSCRIPTS.sms) if (line.text) expect(result.stdout).to.include(line.text.split('\n')[0]);
    expect(result.stderr).to.include(`MessagingSession ${OBJECT_SESSIONS.sms}: ${EXPECTED_TRANSCRIPTS.sms.length} entries, from the ConversationEntry records.`);
    expect(emu.requests.filter((r) => r.path === ENTRIES_PATH || r.path.includes('/connect/conversation/'))).to.have.length(0);
  });

  it('get --case: each conversation under its own header, exit 0; a conversation that can\'t be read makes it exit 7, listed with its error', async () => {
    const ok = await runCli(['conversation', 'entries', 'get', '-o', 'convs', '--case', CASE_NUMBERS.full], home.env);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout.split('\n').filter((l) => l.startsWith('=== '))).to.have.length(3);
    expect(ok.stderr).to.match(/Case 00012345: 3 conversations, \d+ entries/);

    emu.set({ conversationEntryAccess: 'INVALID_TYPE' });
    const partial = await runCli(['conversation', 'entries', 'get', '-o', 'convs', '--case', CASES.full, '--json'], home.env);
    expect(partial.code, partial.stdout).to.equal(7);
    const result = partial.json?.result as { complete: boolean; conversations: Array<{ error: { name: string } | null }> };
    expect(result.complete).to.equal(false);
    expect(result.conversations[0].error?.name).to.equal('ConversationEntryNotReadableError');
    expect(partial.json?.warnings?.join(' ')).to.include('Access Conversation Entries');
  });

  it('doctor --report writes the report, says to attach it to an issue, and exits 0', async () => {
    const file = join(dir, 'report.json');
    const result = await runCli(['conversation', 'doctor', '-o', 'convs', '--case', CASES.full, '--report', file], home.env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stderr).to.include(file).and.include('attach it to an issue');
    const report = JSON.parse(await readFile(file, 'utf8')) as { plugin: { version: string }; sources: Record<string, unknown[]> };
    expect(report.plugin.version).to.match(/^\d+\.\d+\.\d+/);
    expect(Object.keys(report.sources).sort()).to.deep.equal(['connect', 'conversation-data', 'conversation-entry']);
    const text = JSON.stringify(report);
    for (const line of [...EXPECTED_TRANSCRIPTS.sms, ...EXPECTED_TRANSCRIPTS.voiceMonitored]) if (line.text) expect(text).not.to.include(line.text);
    for (const id of [OBJECT_SESSIONS.sms, OBJECT_SESSIONS.enhancedNone, CASES.full, emu.orgId]) expect(text).not.to.include(id);
  });
});
