/*
 * Every conversation an admin has, in-process against the emulator over loopback (seedObjects): standard-channel
 * sessions read from their ConversationEntry records by SOQL, voice calls, cases with several conversations, the
 * source `--api auto` picks for each (and says it picked), and the requests each costs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { getCaseTranscripts, getTranscript, type CaseOutcome, type GetInput, type GetOutcome } from '../../src/usecases/get.js';
import type { CaseDocument, ConversationDocument } from '../../src/transcript/formats/index.js';
import { to18 } from '../../src/input/ids.js';
import { startEmulator, type Emulator, type SessionRecord } from '../emulator/server.js';
import {
  CASE_LINKS,
  CASE_NUMBERS,
  CASES,
  CONVERSATION_ENTRY_COUNTS,
  EXPECTED_TRANSCRIPTS,
  HUGE_ENTRY_COUNT,
  OBJECT_CONVERSATIONS,
  OBJECT_SESSIONS,
  VOICE_CALLS,
  sfDateTime,
  type ConversationEntryRecord,
} from '../emulator/seedObjects.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';
const QUICK_RETRY = { limit: 1, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 };

type Warned = { outcome: GetOutcome | CaseOutcome; warnings: string[] };

describe('every conversation an admin has: standard channels, voice calls, cases, --api auto (in-process)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let opaque: Emulator;
  let dir: string;

  /** The fallback case: a session whose Conversation the API doesn't know, with ConversationEntry records. */
  const lost = to18('0Mw5g00003LostA');
  const lostRecords: ConversationEntryRecord[] = [1, 2, 3].map((seq) => ({
    id18: to18(`0XY5g0000LOST0${seq}`),
    conversationId: lost,
    seq,
    serverMs: Date.UTC(2025, 1, 4, 10, 0, seq),
    clientMs: null,
    actorType: seq === 2 ? 'Agent' : 'EndUser',
    actorName: seq === 2 ? 'Alex Agent' : 'Pat',
    actorId: null,
    entryType: 'Text',
    message: `lost message ${seq}`,
    messageStatus: null,
    messageStatusCode: null,
    messageIdentifier: null,
    hasAttachments: false,
    clientDuration: 0,
    createdMs: Date.UTC(2025, 1, 4, 10, 0, seq),
  }));
  const lostSession: SessionRecord = {
    id18: lost,
    conversationRecordId: to18('0dw5g00003LostA'),
    conversationIdentifier: '0f0e0d0c-0b0a-4909-8807-060504030201',
    startTime: sfDateTime(Date.UTC(2025, 1, 4, 10, 0, 0)),
    channelType: 'Text',
    status: 'Ended',
    caseId: null,
  };

  const run = async (input: Partial<GetInput>, target = 'convs', api?: GetInput['api']): Promise<Warned> => {
    const warnings: string[] = [];
    const full: GetInput = { targetOrg: target, retry: QUICK_RETRY, env: { SF_CONVERSATION_API_URL: (target === 'convs' ? emu : opaque).url }, ...(api ? { api } : {}), ...input };
    const events = { warn: (w: string): number => warnings.push(w) };
    const outcome = input.case === undefined ? await getTranscript(full, events) : await getCaseTranscripts(full, events);
    return { outcome, warnings };
  };
  const fails = (input: Partial<GetInput>, target?: string, api?: GetInput['api']): Promise<SfError> =>
    run(input, target, api).then(
      () => expect.fail('expected an error'),
      (e: SfError) => e
    );
  const entriesRequests = (e: Emulator = emu): number => e.requests.filter((r) => r.path === ENTRIES_PATH || r.path.includes('/connect/conversation/')).length;
  const queries = (from: string, e: Emulator = emu): string[] =>
    e.requests.filter((r) => /\/query\/?$/.test(r.path) && new RegExp(`FROM ${from}\\b`).test(r.query.q ?? '')).map((r) => r.query.q);
  const queryMores = (e: Emulator = emu): number => e.requests.filter((r) => /\/query\/[^/]+$/.test(r.path)).length;
  const single = (o: GetOutcome | CaseOutcome): ConversationDocument => o.result as ConversationDocument;

  before(async () => {
    emu = await startEmulator({ seedObjects: true, username: 'convs@conversation-emulator.example', extraSessions: [lostSession], extraEntryRecords: lostRecords });
    await authorizeInProcess(emu, 'convs');
    opaque = await startEmulator({ seedObjects: true, username: 'convs-opaque@conversation-emulator.example', extraSessions: [lostSession], extraEntryRecords: lostRecords });
    await authorizeInProcess(opaque, 'convs-opaque', { app: 'opaque' });
    dir = await mkdtemp(join(realpathSync(tmpdir()), 'conversations-'));
  });
  beforeEach(() => {
    emu.set({ conversationEntryAccess: 'granted', voiceCalls: 'available', conversationEntryMessages: 'raw' });
    emu.clearLog();
    opaque.clearLog();
  });
  after(async () => {
    await emu?.stop();
    await opaque?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('standard channels: ConversationEntry records by SOQL', () => {
    it('a standard SMS session gives its whole transcript by SOQL, in Seq order, with zero requests to the entries APIs', async () => {
      const { outcome, warnings } = await run({ sessionId: OBJECT_SESSIONS.sms });
      const doc = single(outcome);
      expect(doc).to.include({ sessionId: OBJECT_SESSIONS.sms, conversationIdentifier: null, source: 'conversation-entry', complete: true });
      const expected = EXPECTED_TRANSCRIPTS.sms;
      expect(doc.entries.map((e) => e.Seq)).to.deep.equal(expected.map((l) => l.seq));
      expect(doc.entries.map((e) => e.Message)).to.deep.equal(expected.map((l) => l.text));
      // Raw --json entries are the SOQL records, as the org returned them.
      expect(doc.entries[0]).to.have.property('attributes');
      expect(entriesRequests()).to.equal(0);
      expect(queries('MessagingSession')).to.have.length(1);
      expect(queries('ConversationEntry')).to.have.length(1);
      expect(warnings).to.deep.equal([]);
      // Every format renders it: times, labelled senders and events, the text.
      const human = [...outcome.lines()].join('');
      expect(human.trimEnd().split('\n')).to.have.length(expected.length + 1); // one message has two lines
      expect(human).to.include('Customer (+1 415-555-0134): Hi, is my order 4471 shipped yet?');
      expect(human).to.include('[Customer opted in]');
      expect(human).to.include('[Bot escalated to an agent]');
      expect(human).to.include("Bot (Order Helper): I'm checking order 4471 & will reply shortly.");
      expect(human).to.include('[attachment]');
      expect(human).to.match(/^2025-02-03 \d\d:00:00/m);
      for (const format of ['csv', 'jsonl', 'markdown', 'html'] as const) {
        const { outcome: o } = await run({ sessionId: OBJECT_SESSIONS.sms, format });
        const text = [...o.lines()].join('');
        expect(text, format).to.include('Hi, is my order 4471 shipped yet?');
        expect(text, format).to.include(format === 'html' ? 'Customer opted in' : format === 'jsonl' || format === 'csv' ? 'EndUserOptedIn' : 'Customer opted in');
      }
    });

    it('a conversation of 2,345 records is read through queryMore (2,000 a page) in one order', async () => {
      const { outcome } = await run({ sessionId: OBJECT_SESSIONS.huge });
      const doc = single(outcome);
      expect(doc.entryCount).to.equal(HUGE_ENTRY_COUNT);
      expect(doc.entries.map((e) => e.Seq)).to.deep.equal(Array.from({ length: HUGE_ENTRY_COUNT }, (_, i) => i + 1));
      expect(queries('ConversationEntry')).to.have.length(1);
      expect(queryMores()).to.equal(1);
      expect(entriesRequests()).to.equal(0);
    });

    it('--limit keeps the oldest; --start/--end the window, exactly to the millisecond', async () => {
      const first = await run({ sessionId: OBJECT_SESSIONS.sms, limit: 3 });
      expect(single(first.outcome).entries.map((e) => e.Seq)).to.deep.equal([1, 2, 3]);
      const expected = EXPECTED_TRANSCRIPTS.sms;
      const windowed = await run({ sessionId: OBJECT_SESSIONS.sms, start: expected[2].time, end: expected[5].time });
      expect(single(windowed.outcome).entries.map((e) => e.Seq)).to.deep.equal([3, 4, 5, 6]);
    });

    it('without "Access Conversation Entries": ConversationEntryNotReadable (exit 5) naming the permission', async () => {
      for (const access of ['INVALID_TYPE', 'INSUFFICIENT_ACCESS_OR_READONLY'] as const) {
        emu.set({ conversationEntryAccess: access });
        const error = await fails({ sessionId: OBJECT_SESSIONS.whatsapp });
        expect(error.name, access).to.equal('ConversationEntryNotReadableError');
        expect(error.exitCode).to.equal(5);
        expect(error.message).to.include('Access Conversation Entries');
        expect(error.actions?.join(' ')).to.include('Access Conversation Entries');
      }
    });

    it('a session with neither a Conversation nor records is NoConversationError (exit 4), as before', async () => {
      const error = await fails({ sessionId: OBJECT_SESSIONS.enhancedNone }, 'convs', 'conversation-entry');
      expect(error.name).to.equal('NoConversationError');
      expect(error.exitCode).to.equal(4);
    });

    it('--api conversation-entry on an enhanced session: the blank-Message records, and a warning that they carry no text', async () => {
      const { outcome, warnings } = await run({ sessionId: OBJECT_SESSIONS.enhancedBlank }, 'convs', 'conversation-entry');
      expect(single(outcome).entryCount).to.equal(CONVERSATION_ENTRY_COUNTS.enhancedBlank);
      expect(warnings.join(' ')).to.match(/carry no message text/);
      expect(entriesRequests()).to.equal(0);
    });

    it('--api conversation-entry with --conversation-id is refused before any request (exit 2)', async () => {
      const error = await fails({ conversationId: OBJECT_CONVERSATIONS.enhancedNone }, 'convs', 'conversation-entry');
      expect(error.exitCode).to.equal(2);
      expect(emu.requests).to.have.length(0);
    });

    it('Message escaped by the org reads the same (entities decoded)', async () => {
      emu.set({ conversationEntryMessages: 'escaped' });
      const { outcome } = await run({ sessionId: OBJECT_SESSIONS.sms });
      expect([...outcome.lines()].join('')).to.include("I'm checking order 4471 & will reply shortly.");
    });
  });

  describe('--api auto: per conversation, saying which source it used', () => {
    it('an enhanced session with a JWT org: the Conversation Data API, one lookup query, no ConversationEntry query', async () => {
      const { outcome, warnings } = await run({ sessionId: OBJECT_SESSIONS.enhancedNone });
      expect(single(outcome)).to.include({ source: 'conversation-data', conversationIdentifier: OBJECT_CONVERSATIONS.enhancedNone });
      expect(single(outcome).entryCount).to.equal(EXPECTED_TRANSCRIPTS.enhancedNone.length);
      expect(queries('MessagingSession')).to.have.length(1);
      expect(queries('ConversationEntry')).to.have.length(0);
      expect(emu.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(1);
      expect(warnings).to.deep.equal([]);
      // Both spellings of the entry types read as one: labels, not raw names.
      const human = [...outcome.lines()].join('');
      expect(human).to.include('[Channel modality changed]');
      expect(human.match(/\[Participant changed\]/g)).to.have.length(2);
      expect(human).not.to.match(/PARTICIPANT_CHANGED|ParticipantChanged/);
    });

    it('an org logged in with an opaque token gets the transcript through Connect, with one warning naming the full-payload setup', async () => {
      const { outcome, warnings } = await run({ sessionId: OBJECT_SESSIONS.enhancedBlank }, 'convs-opaque');
      expect(single(outcome).source).to.equal('connect');
      expect(single(outcome).entryCount).to.be.greaterThan(0);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/text only/).and.match(/sfap_api/).and.match(/--client-id/);
      expect(opaque.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(0);
      expect(opaque.requests.filter((r) => r.path.includes('/connect/conversation/'))).to.have.length(1);
      // A standard session of the same org needs no API at all, and no warning.
      const standard = await run({ sessionId: OBJECT_SESSIONS.facebook }, 'convs-opaque');
      expect(single(standard.outcome).source).to.equal('conversation-entry');
      expect(standard.warnings).to.deep.equal([]);
    });

    it('when the API answers that the conversation is not found, the session\'s ConversationEntry records are read before failing', async () => {
      const { outcome, warnings } = await run({ sessionId: lost });
      expect(single(outcome)).to.include({ source: 'conversation-entry', entryCount: 3 });
      expect(warnings.join(' ')).to.match(/found no conversation/);
      expect(emu.requests.filter((r) => r.path === ENTRIES_PATH).map((r) => r.status)).to.deep.equal([404]);
      // An explicit --api forces its source: no fallback.
      const error = await fails({ sessionId: lost }, 'convs', 'conversation-data');
      expect(error.name).to.equal('ConversationNotFoundError');
    });

    it('Connect answering an unknown conversation with 404 or with 400 RECORD_NOT_FOUND: the records are read before failing; forced, it is ConversationNotFound (4)', async () => {
      for (const connectNotFound of ['404', '400'] as const) {
        opaque.set({ connectNotFound });
        opaque.clearLog();
        try {
          // eslint-disable-next-line no-await-in-loop -- one answer style, then the other
          const { outcome, warnings } = await run({ sessionId: lost }, 'convs-opaque');
          expect(single(outcome), connectNotFound).to.include({ source: 'conversation-entry', entryCount: 3 });
          expect(warnings.join(' '), connectNotFound).to.match(/found no conversation/);
          expect(opaque.requests.filter((r) => r.path.includes('/connect/conversation/')).map((r) => r.status), connectNotFound).to.deep.equal([Number(connectNotFound)]);
          emu.set({ connectNotFound });
          // eslint-disable-next-line no-await-in-loop
          const error = await fails({ sessionId: lost }, 'convs', 'connect');
          expect([error.name, error.exitCode], connectNotFound).to.deep.equal(['ConversationNotFoundError', 4]);
        } finally {
          opaque.set({ connectNotFound: '404' });
          emu.set({ connectNotFound: '404' });
        }
      }
    });

    it('every explicit --api value forces its source', async () => {
      const viaConnect = await run({ sessionId: OBJECT_SESSIONS.enhancedNone }, 'convs', 'connect');
      expect(single(viaConnect.outcome).source).to.equal('connect');
      const viaData = await run({ sessionId: OBJECT_SESSIONS.enhancedNone }, 'convs', 'conversation-data');
      expect(single(viaData.outcome).source).to.equal('conversation-data');
      const error = await fails({ sessionId: OBJECT_SESSIONS.sms }, 'convs', 'conversation-data');
      expect(error.name).to.equal('NoConversationError');
    });
  });

  describe('voice calls', () => {
    it('a monitored call gives its transcript through its Conversation; one VoiceCall query', async () => {
      const { outcome } = await run({ voiceCallId: VOICE_CALLS.monitored.slice(0, 15) });
      const doc = single(outcome);
      expect(doc).to.include({ sessionId: null, voiceCallId: VOICE_CALLS.monitored, source: 'conversation-data' });
      expect(doc.entries.map((e) => e.identifier)).to.have.length(EXPECTED_TRANSCRIPTS.voiceMonitored.length);
      expect(queries('VoiceCall')).to.have.length(1);
      expect([...outcome.lines()].join('')).to.include('Customer (phone): Hi, I\'m calling about case 00012345');
    });

    it('a call without monitoring gives its transcript from its ConversationEntry records', async () => {
      const { outcome } = await run({ voiceCallId: VOICE_CALLS.unmonitored });
      expect(single(outcome)).to.include({ voiceCallId: VOICE_CALLS.unmonitored, source: 'conversation-entry' });
      expect(single(outcome).entries.map((e) => e.Message)).to.deep.equal(EXPECTED_TRANSCRIPTS.voiceUnmonitored.map((l) => l.text));
      expect(entriesRequests()).to.equal(0);
    });

    it('an org without call monitoring (no VoiceCall.ConversationId) still reads its calls: one more query, then ConversationEntry', async () => {
      emu.set({ voiceCalls: 'noConversationField' });
      const { outcome } = await run({ voiceCallId: VOICE_CALLS.unmonitored });
      expect(single(outcome).source).to.equal('conversation-entry');
      expect(queries('VoiceCall')).to.have.length(2);
    });

    it('a call with nothing is NoConversationError (4); an unknown call VoiceCallNotFound (4); no Voice VoiceNotAvailable (5); a bad Id exit 2', async () => {
      expect((await fails({ voiceCallId: VOICE_CALLS.bare })).name).to.equal('NoConversationError');
      const unknown = await fails({ voiceCallId: VOICE_CALLS.unknown });
      expect([unknown.name, unknown.exitCode]).to.deep.equal(['VoiceCallNotFoundError', 4]);
      emu.set({ voiceCalls: 'unavailable' });
      const noVoice = await fails({ voiceCallId: VOICE_CALLS.monitored });
      expect([noVoice.name, noVoice.exitCode]).to.deep.equal(['VoiceNotAvailableError', 5]);
      emu.clearLog();
      for (const bad of [OBJECT_SESSIONS.sms, `${VOICE_CALLS.monitored.slice(0, 17)}x`, '0LQ', "0LQ5g00000VcM'n"]) {
        const error = await fails({ voiceCallId: bad });
        expect(error.name, bad).to.equal('InvalidVoiceCallIdError');
        expect(error.exitCode).to.equal(2);
      }
      expect(emu.requests).to.have.length(0);
    });
  });

  describe('cases', () => {
    const order = (key: keyof typeof CASE_LINKS): string[] => {
      const { sessions, calls } = CASE_LINKS[key];
      return [...sessions, ...calls];
    };

    it('a case with two sessions and a call gives every conversation in order, each with its source; by Id: 2 queries', async () => {
      const { outcome } = await run({ case: CASES.full });
      const doc = outcome.result as CaseDocument;
      expect(doc).to.include({ caseId: CASES.full, conversationCount: 3, complete: true });
      expect(doc.conversations.map((c) => c.sessionId ?? c.voiceCallId)).to.deep.equal(order('full'));
      expect(doc.conversations.map((c) => c.source)).to.deep.equal(['conversation-entry', 'conversation-data', 'conversation-data']);
      expect(doc.conversations.map((c) => c.recordType)).to.deep.equal(['MessagingSession', 'MessagingSession', 'VoiceCall']);
      expect(doc.conversations.map((c) => c.channel)).to.deep.equal(['Text', 'EmbeddedMessaging', 'Voice']);
      const starts = doc.conversations.map((c) => c.startTime as string);
      expect([...starts].sort()).to.deep.equal(starts);
      expect(doc.conversations[0].entries.map((e) => e.Message)).to.deep.equal(EXPECTED_TRANSCRIPTS.sms.map((l) => l.text));
      expect(queries('MessagingSession')).to.have.length(1);
      expect(queries('VoiceCall')).to.have.length(1);
      expect(queries('Case')).to.have.length(0);
      // Each conversation under its own header, in the human format.
      const human = [...outcome.lines()].join('');
      const headers = human.split('\n').filter((l) => l.startsWith('=== '));
      expect(headers).to.have.length(3);
      expect(headers[0]).to.include(`MessagingSession ${OBJECT_SESSIONS.sms}`).and.include('Text').and.include('ConversationEntry records');
      expect(headers[2]).to.include(`VoiceCall ${VOICE_CALLS.monitored}`).and.include('Voice');
    });

    it('by CaseNumber: one more query; the same conversations, in every format each under its own header', async () => {
      const { outcome } = await run({ case: CASE_NUMBERS.full, format: 'csv' });
      const doc = outcome.result as CaseDocument;
      expect(doc).to.include({ caseId: CASES.full, caseNumber: CASE_NUMBERS.full });
      expect(queries('Case')).to.have.length(1);
      const csv = [...outcome.lines()].join('');
      expect(csv.split('\n')[0]).to.match(/^record_type,record_id,conversation_start,channel,source,time,/);
      for (const id of order('full')) expect(csv).to.include(id);
      for (const format of ['markdown', 'html', 'jsonl'] as const) {
        const text = [...(await run({ case: CASE_NUMBERS.full, format })).outcome.lines()].join('');
        for (const id of order('full')) expect(text, format).to.include(id);
      }
    });

    it('a mixed case: five conversations in order; the in-progress call with no entries yet is listed with none', async () => {
      const { outcome } = await run({ case: CASES.mixed });
      const doc = outcome.result as CaseDocument;
      expect(doc.conversations.map((c) => c.sessionId ?? c.voiceCallId)).to.deep.equal(order('mixed'));
      const inProgress = doc.conversations.find((c) => c.voiceCallId === VOICE_CALLS.inProgress);
      expect(inProgress).to.include({ entryCount: 0, complete: true, error: null });
      expect(outcome.partial).to.equal(false);
    });

    it('a case\'s conversations are read up to four at a time, and still listed, warned about and counted in the case\'s order', async () => {
      emu.set({ latencyMs: 40 });
      try {
        const progress: Array<[number, number]> = [];
        const warnings: string[] = [];
        const full: GetInput = { targetOrg: 'convs', retry: QUICK_RETRY, env: { SF_CONVERSATION_API_URL: emu.url }, case: CASES.mixed };
        const outcome = await getCaseTranscripts(full, { warn: (w) => warnings.push(w), progress: (entries, pages) => progress.push([entries, pages]) });
        const doc = outcome.result;
        expect(doc.conversations.map((c) => c.sessionId ?? c.voiceCallId)).to.deep.equal(order('mixed'));
        // The reads (entries requests and ConversationEntry queries), as the emulator saw them: how many at once.
        const reads = emu.requests.filter((r) => r.path === ENTRIES_PATH || r.path.includes('/connect/conversation/') || /FROM ConversationEntry\b/.test(r.query.q ?? '') || /\/query\/[^/]+$/.test(r.path));
        const atOnce = Math.max(...reads.map((r) => reads.filter((o) => o.at <= r.at && (o.doneAt ?? Infinity) > r.at).length));
        expect(reads.length).to.be.greaterThan(4);
        expect(atOnce, JSON.stringify(reads.map((r) => [r.at, r.doneAt]))).to.be.within(2, 4);
        // The spinner's count is the sum over the case: it ends at every entry read.
        expect(Math.max(...progress.map(([entries]) => entries))).to.equal(doc.conversations.reduce((sum, c) => sum + c.entryCount, 0));
        // Warnings come in the case's order, whichever read finished first.
        const positions = warnings.map((w) => order('mixed').findIndex((id) => w.includes(id))).filter((i) => i >= 0);
        expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
      } finally {
        emu.set({ latencyMs: 0 });
      }
    });

    it('a case whose only call has nothing is listed, empty; an empty case has none; an unknown case is CaseNotFound (4)', async () => {
      const callOnly = (await run({ case: CASE_NUMBERS.callOnly })).outcome.result as CaseDocument;
      expect(callOnly.conversations.map((c) => [c.voiceCallId, c.entryCount])).to.deep.equal([[VOICE_CALLS.bare, 0]]);
      emu.clearLog();
      const empty = await run({ case: CASES.empty });
      expect((empty.outcome.result as CaseDocument).conversations).to.deep.equal([]);
      expect(empty.warnings.join(' ')).to.match(/no messaging sessions and no voice calls/);
      expect(queries('Case')).to.have.length(1);
      for (const value of [CASES.unknown, CASE_NUMBERS.unknown]) {
        const error = await fails({ case: value });
        expect([error.name, error.exitCode], value).to.deep.equal(['CaseNotFoundError', 4]);
      }
    });

    it('a CaseNumber is never put in an Id comparison, and an odd one is escaped as a string', async () => {
      emu.clearLog();
      await fails({ case: "0001'2345\\" });
      const [soql] = queries('Case');
      expect(soql).to.equal("SELECT Id, CaseNumber FROM Case WHERE CaseNumber IN ('0001\\'2345\\\\')");
      expect(soql).not.to.match(/\bId (=|IN)/);
      for (const bad of ['', '   ', 'x'.repeat(31), 'a\u0007b', OBJECT_SESSIONS.sms]) {
        const error = await fails({ case: bad });
        expect(error.exitCode, JSON.stringify(bad)).to.equal(2);
      }
    });

    it('a case conversation that can\'t be read is listed with its error, and the case is incomplete (exit Partial)', async () => {
      emu.set({ conversationEntryAccess: 'INVALID_TYPE' });
      const { outcome, warnings } = await run({ case: CASES.full });
      const doc = outcome.result as CaseDocument;
      expect(doc.complete).to.equal(false);
      expect(outcome.partial).to.equal(true);
      expect(doc.conversations[0].error?.name).to.equal('ConversationEntryNotReadableError');
      expect(doc.conversations.slice(1).map((c) => c.complete)).to.deep.equal([true, true]);
      expect(warnings.join(' ')).to.include(OBJECT_SESSIONS.sms);
    });

    it('--output-file writes every conversation of the case in one file', async () => {
      const file = join(dir, 'case.md');
      const { outcome } = await run({ case: CASES.full, format: 'markdown', outputFile: file });
      expect(outcome.file).to.equal(file);
      const text = await readFile(file, 'utf8');
      expect(text.match(/^# Conversation transcript$/gm)).to.have.length(3);
    });
  });
});
