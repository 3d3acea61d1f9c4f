/*
 * NUT: cli-plugins-testkit's execCmd runs bin/run.js against the local org emulator, as the sf team's NUTs do
 * against a real org. The emulator lives in this process, so execCmd must run async (a sync child would block it).
 */
import { execCmd } from '@salesforce/cli-plugins-testkit';
import { expect } from 'chai';
import type { ConversationEntriesGetResult } from '../../src/commands/conversation/entries/get.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../emulator/seed.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';

describe('conversation entries get (NUT, testkit execCmd)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let home: SfHome;

  before(async () => {
    emu = await startEmulator();
    home = await createSfHome(emu, { alias: 'nut', refreshable: true });
  });
  after(async () => {
    await home?.cleanup();
    await emu?.stop();
  });

  it('returns the whole long conversation as JSON', async () => {
    const result = await execCmd<ConversationEntriesGetResult>(`conversation entries get -s ${SESSIONS.long} -o nut --json`, {
      async: true,
      env: home.env,
      ensureExitCode: 0,
    });
    const document = result.jsonOutput?.result;
    const entries = document && 'entries' in document ? document.entries : [];
    expect(entries).to.have.length(LONG_ENTRY_COUNT);
    expect(entries).to.deep.equal(entriesOf(CONVERSATIONS.long));
  });

  it('prints the short transcript for people', async () => {
    const result = await execCmd(`conversation entries get -s ${SESSIONS.short.slice(0, 15)} -o nut`, {
      async: true,
      env: home.env,
      ensureExitCode: 0,
    });
    expect(result.shellOutput.stdout.trimEnd().split('\n')).to.have.length(entriesOf(CONVERSATIONS.short).length);
    expect(result.shellOutput.stdout + result.shellOutput.stderr).not.to.include(emu.accessToken);
  });

  it('exits 4 for a session without a conversation', async () => {
    const result = await execCmd(`conversation entries get -s ${SESSIONS.noConversation} -o nut --json`, {
      async: true,
      env: home.env,
      ensureExitCode: 4,
    });
    expect(result.jsonOutput).to.deep.include({ name: 'NoConversationError', exitCode: 4 });
  });

  it('exits 2 for a wrong checksum and makes no request', async () => {
    emu.clearLog();
    const wrong = SESSIONS.short.slice(0, 17) + (SESSIONS.short.endsWith('A') ? 'B' : 'A');
    await execCmd(`conversation entries get -s ${wrong} -o nut --json`, { async: true, env: home.env, ensureExitCode: 2 });
    expect(emu.requests).to.have.length(0);
  });
});
