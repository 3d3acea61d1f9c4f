/*
 * export selects calls and cases too, reads sessions without a Conversation from their ConversationEntry records
 * (no longer skipped), and records the source of each in the manifest: in-process, against the emulator over
 * loopback (seedObjects).
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import type { ManifestLine } from '../../src/files/manifest.js';
import { runExport, type ExportInput, type ExportResult } from '../../src/usecases/export.js';
import { to18 } from '../emulator/ids.js';
import { startEmulator, type Emulator, type SessionRecord } from '../emulator/server.js';
import { CASE_LINKS, CASE_NUMBERS, CASES, EXPECTED_TRANSCRIPTS, OBJECT_SESSIONS, sfDateTime, VOICE_CALLS } from '../emulator/seedObjects.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { exportInput } from '../helpers/exportInput.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';

async function manifest(dir: string): Promise<ManifestLine[]> {
  return (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ManifestLine);
}

describe('export: calls, cases and standard channels, each with its source (in-process)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let root: string;
  let n = 0;
  const warnings: string[] = [];
  const exportTo = (extra: Partial<ExportInput>): Promise<ExportResult & { dir: string }> => {
    const dir = join(root, `out-${++n}`);
    return runExport(exportInput('export-convs', dir, { env: { SF_CONVERSATION_API_URL: emu.url }, ...extra }), { warn: (message) => warnings.push(message) }).then((result) => ({
      ...result,
      dir,
    }));
  };
  const queries = (from: string): string[] => emu.requests.filter((r) => /\/query\/?$/.test(r.path) && new RegExp(`FROM ${from}\\b`).test(r.query.q ?? '')).map((r) => r.query.q);

  before(async () => {
    emu = await startEmulator({ seedObjects: true, username: 'export-convs@conversation-emulator.example' });
    await authorizeInProcess(emu, 'export-convs');
    root = await mkdtemp(join(realpathSync(tmpdir()), 'export-convs-'));
  });
  beforeEach(() => {
    emu.clearLog();
    warnings.length = 0;
  });
  after(async () => {
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('standard-channel sessions are exported from their ConversationEntry records, not skipped; the manifest says the source', async () => {
    const result = await exportTo({ sessionIds: [OBJECT_SESSIONS.sms, OBJECT_SESSIONS.whatsapp, OBJECT_SESSIONS.enhancedNone] });
    expect(result).to.include({ exported: 3, noConversation: 0, failed: 0 });
    expect(result.source).to.equal('ConversationEntry records, Conversation Data API');
    const lines = await manifest(result.dir);
    expect(Object.fromEntries(lines.map((l) => [l.sessionId, l.source]))).to.deep.equal({
      [OBJECT_SESSIONS.sms]: 'conversation-entry',
      [OBJECT_SESSIONS.whatsapp]: 'conversation-entry',
      [OBJECT_SESSIONS.enhancedNone]: 'conversation-data',
    });
    const file = JSON.parse(await readFile(join(result.dir, `${OBJECT_SESSIONS.sms}.json`), 'utf8')) as { source: string; entries: Array<{ Message: string | null }> };
    expect(file.source).to.equal('conversation-entry');
    expect(file.entries.map((e) => e.Message)).to.deep.equal(EXPECTED_TRANSCRIPTS.sms.map((l) => l.text));
    expect(emu.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(1);
  });

  it('--api conversation-data still skips a session without a Conversation (no-conversation), as before', async () => {
    const result = await exportTo({ sessionIds: [OBJECT_SESSIONS.sms], api: 'conversation-data' });
    expect(result).to.include({ exported: 0, noConversation: 1 });
    expect(queries('ConversationEntry')).to.have.length(0);
  });

  it('--case and --voice-call-id select the cases\' sessions and calls, one query per kind; each file named after its record', async () => {
    const result = await exportTo({ cases: [CASE_NUMBERS.full, CASES.mixed], voiceCallIds: [VOICE_CALLS.bare, VOICE_CALLS.unknown], format: 'markdown' });
    const all = [...CASE_LINKS.full.sessions, ...CASE_LINKS.full.calls, ...CASE_LINKS.mixed.sessions, ...CASE_LINKS.mixed.calls];
    const lines = await manifest(result.dir);
    const status = Object.fromEntries(lines.map((l) => [l.sessionId, l.status]));
    for (const id of all) expect(status[id], id).to.equal('exported');
    expect(status[VOICE_CALLS.bare]).to.equal('no-conversation');
    expect(status[VOICE_CALLS.unknown]).to.equal('failed');
    expect(lines.find((l) => l.sessionId === VOICE_CALLS.unknown)?.reason).to.match(/VoiceCall not found/);
    expect(result).to.include({ exported: all.length, noConversation: 1, failed: 1 });
    const files = await readdir(result.dir);
    expect(files).to.include(`${VOICE_CALLS.monitored}.md`).and.include(`${OBJECT_SESSIONS.sms}.md`);
    // One Case query (the CaseNumber), one VoiceCall query by Id, one by the cases, one MessagingSession query by the cases.
    expect(queries('Case')).to.have.length(1);
    expect(queries('VoiceCall')).to.have.length(2);
    expect(queries('MessagingSession')).to.have.length(1);
    const markdown = await readFile(join(result.dir, `${VOICE_CALLS.monitored}.md`), 'utf8');
    expect(markdown).to.include('| VoiceCall |').and.include('| Channel | `Voice` |');
  });

  it('a dry run says which source each conversation would be read by, and reads none', async () => {
    const result = await exportTo({ cases: [CASES.full], dryRun: true });
    // The case's conversations, oldest first.
    expect(result.sessions.map((s) => [s.sessionId, s.status, s.source])).to.deep.equal([
      [OBJECT_SESSIONS.sms, 'would-export', 'conversation-entry'],
      [OBJECT_SESSIONS.enhancedNone, 'would-export', 'conversation-data'],
      [VOICE_CALLS.monitored, 'would-export', 'conversation-data'],
    ]);
    expect(queries('ConversationEntry')).to.have.length(0);
    expect(emu.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(0);
  });

  it('a case that does not exist is named, and the run is partial; filters with cases are refused before any request', async () => {
    const result = await exportTo({ cases: [CASE_NUMBERS.unknown, CASES.unknown, CASES.empty] });
    expect(result.casesNotFound).to.deep.equal([CASE_NUMBERS.unknown, CASES.unknown]);
    expect(result.selected).to.equal(0);
    emu.clearLog();
    const error = await exportTo({ cases: [CASES.full], since: '7d' }).then(
      () => undefined,
      (e: SfError) => e
    );
    expect([error?.name, error?.exitCode]).to.deep.equal(['FiltersWithRecordsError', 2]);
    expect(emu.requests).to.have.length(0);
  });

  it('a case with more than 2,000 sessions: every one is selected (the query followed to its last page), each once', async () => {
    const many: SessionRecord[] = Array.from({ length: 2050 }, (_, i) => ({
      id18: to18(`0Mw5g0000C${String(i).padStart(5, '0')}`),
      conversationRecordId: null,
      conversationIdentifier: null,
      startTime: sfDateTime(Date.UTC(2025, 2, 1, 0, 0, i)),
      channelType: 'Text',
      status: 'Ended',
      caseId: CASES.callOnly,
    }));
    emu.set({ extraSessions: many });
    try {
      const result = await exportTo({ cases: [CASES.callOnly], dryRun: true, maxConversations: 5000 });
      const ids = result.sessions.map((s) => s.sessionId);
      expect(ids).to.have.length(2051);
      expect(new Set(ids)).to.deep.equal(new Set([...many.map((s) => s.id18), ...CASE_LINKS.callOnly.calls]));
      // One query, and one queryMore for its second page.
      expect(queries('MessagingSession')).to.have.length(1);
      expect(emu.requests.filter((r) => /\/query\/\w+-2000$/.test(r.path))).to.have.length(1);
    } finally {
      emu.set({ extraSessions: [] });
    }
  });

  it('an org without Messaging (MessagingSession INVALID_TYPE): a case\'s calls are still exported, with a warning that says why no sessions are', async () => {
    emu.setSoqlFault('INVALID_TYPE');
    try {
      const result = await exportTo({ cases: [CASES.full] });
      expect(result).to.include({ exported: CASE_LINKS.full.calls.length, failed: 0 });
      expect(result.sessions.map((s) => s.sessionId)).to.deep.equal([...CASE_LINKS.full.calls]);
      expect(warnings.join('\n')).to.match(/no MessagingSession object/);
    } finally {
      emu.setSoqlFault(undefined);
    }
  });
});
