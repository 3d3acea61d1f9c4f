/*
 * Self-test of the emulator's other conversations (test/emulator/seedObjects.ts, objects.ts): ConversationEntry,
 * VoiceCall and Case over SOQL, the new MessagingSessions, their API entries, the knobs and the describes. Real HTTP;
 * one check reads them through @salesforce/core's Connection (query, queryMore).
 *   npx mocha test/emulator-selftest/objects.test.ts
 */
import { Org } from '@salesforce/core';
import { expect } from 'chai';
import { to18 } from '../emulator/ids.js';
import { SESSION_RECORDS, SESSIONS } from '../emulator/seed.js';
import {
  CASE_LINKS,
  CASE_NUMBERS,
  CASE_RECORDS,
  CASES,
  CONVERSATION_ENTRY_COUNTS,
  CONVERSATION_ENTRY_RECORDS,
  EXPECTED_TRANSCRIPTS,
  HUGE_ENTRY_COUNT,
  OBJECT_CONVERSATIONS,
  OBJECT_SESSION_RECORDS,
  OBJECT_SESSIONS,
  objectEntriesOf,
  VOICE_CALLS,
} from '../emulator/seedObjects.js';
import type { ExpectedLine, TranscriptKey } from '../emulator/seedObjects.js';
import type { ApiEntry, ConnectEntry } from '../emulator/entries.js';
import { startEmulator } from '../emulator/server.js';
import type { Emulator } from '../emulator/server.js';
import type { ColumnsBody } from '../emulator/soqlColumns.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { send, type Res } from './http.js';

type SfError = { message: string; errorCode: string };
type Row = Record<string, unknown> & { attributes: { type: string; url: string } };
type Page = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Row[] };

const get = (base: string, path: string, headers: Record<string, string> = {}): Promise<Res> => send(`${base}${path}`, { headers });

const quote = (ids: readonly string[]): string => ids.map((id) => `'${id}'`).join(', ');
const ENTRY_FIELDS = 'Id, ConversationId, Seq, EntryTime, EntryTimeMilliSecs, ActorType, ActorName, ActorId, EntryType, Message, MessageStatus, MessageIdentifier, HasAttachments, ClientTimestamp, ServerReceivedTimestamp';
/** Salesforce dateTime text (…+0000) → ISO 8601 UTC. */
const isoOf = (value: unknown): string => new Date(Date.parse(String(value).replace(/\+0000$/, 'Z'))).toISOString();

/** A ConversationEntry row as a transcript line (what EXPECTED_TRANSCRIPTS holds). */
function line(row: Row): ExpectedLine {
  return {
    seq: row.Seq as number,
    time: isoOf(row.ServerReceivedTimestamp),
    role: row.ActorType as string,
    name: row.ActorName as string | null,
    entryType: row.EntryType as string,
    text: row.Message as string | null,
    attachments: row.HasAttachments as boolean,
  };
}

/** The text of an API entry's static-content message, as a reader sees it (the payload's raw text). */
function apiText(entry: ApiEntry): string | null {
  const message = entry.entryPayload.abstractMessage as { staticContent?: { text?: string } } | undefined;
  return message?.staticContent?.text ?? null;
}

describe('org emulator self-test: ConversationEntry, VoiceCall, Case and the other sessions (seedObjects)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({ authorization: `Bearer ${emu.accessToken}`, ...extra });
  const soql = (q: string, options: { version?: string; batchSize?: number } = {}): Promise<Res> =>
    get(
      emu.url,
      `/services/data/v${options.version ?? '62.0'}/query?q=${encodeURIComponent(q)}`,
      headers(options.batchSize ? { 'sforce-query-options': `batchSize=${options.batchSize}` } : {})
    );
  const rows = async (q: string, options: { version?: string } = {}): Promise<Row[]> => {
    const res = await soql(q, options);
    expect(res.status, res.body).to.equal(200);
    const page = JSON.parse(res.body) as Page;
    expect(page.done, 'one page').to.equal(true);
    return page.records;
  };
  const error = async (q: string, options: { version?: string } = {}): Promise<SfError & { status: number }> => {
    const res = await soql(q, options);
    expect(res.status, res.body).to.be.oneOf([400, 403]);
    return { status: res.status, ...(JSON.parse(res.body) as SfError[])[0] };
  };
  /** Every record of a query, following nextRecordsUrl. */
  const allRows = async (q: string): Promise<Row[]> => {
    let page = JSON.parse((await soql(q)).body) as Page;
    const out = [...page.records];
    while (page.nextRecordsUrl) {
      page = JSON.parse((await get(emu.url, page.nextRecordsUrl, headers())).body) as Page;
      out.push(...page.records);
    }
    return out;
  };
  const entriesOf = (id: string): Promise<Row[]> => allRows(`SELECT ${ENTRY_FIELDS} FROM ConversationEntry WHERE ConversationId = '${id}' ORDER BY Seq`);
  const describe = (type: string, version = '62.0'): Promise<Res> => get(emu.url, `/services/data/v${version}/sobjects/${type}/describe`, headers());
  const fieldNames = (res: Res): string[] => (JSON.parse(res.body) as { fields: Array<{ name: string }> }).fields.map((f) => f.name);

  /** Where each transcript's ConversationEntry records hang (EXPECTED_TRANSCRIPTS keys). */
  const OWNERS: Record<TranscriptKey, string> = {
    sms: OBJECT_SESSIONS.sms,
    whatsapp: OBJECT_SESSIONS.whatsapp,
    facebook: OBJECT_SESSIONS.facebook,
    active: OBJECT_SESSIONS.active,
    huge: OBJECT_SESSIONS.huge,
    enhancedBlank: OBJECT_SESSIONS.enhancedBlank,
    enhancedNone: OBJECT_SESSIONS.enhancedNone,
    voiceMonitored: VOICE_CALLS.monitored,
    voiceUnmonitored: VOICE_CALLS.unmonitored,
    voiceInProgress: VOICE_CALLS.inProgress,
    voiceBare: VOICE_CALLS.bare,
  };

  before(async () => {
    emu = await startEmulator({ seedObjects: true, username: 'objects.selftest@conversation-emulator.example' });
  });

  after(async () => {
    await emu.stop();
  });

  afterEach(() => {
    emu.set({ seedObjects: true, conversationEntryAccess: 'granted', voiceCalls: 'available', conversationEntryMessages: 'raw' });
  });

  it('seeds valid 18-character ids with the key prefixes of their types', () => {
    const groups: Array<[string, readonly string[]]> = [
      ['0Mw', Object.values(OBJECT_SESSIONS)],
      ['0LQ', Object.values(VOICE_CALLS)],
      ['500', Object.values(CASES)],
      ['0XY', CONVERSATION_ENTRY_RECORDS.map((r) => r.id18)],
    ];
    for (const [prefix, ids] of groups) {
      for (const id of ids) {
        expect(id, id).to.match(/^[a-zA-Z0-9]{18}$/);
        expect(id.slice(0, 3), id).to.equal(prefix);
        expect(to18(id.slice(0, 15)), id).to.equal(id);
      }
      expect(new Set(ids).size, prefix).to.equal(ids.length);
    }
    expect(CONVERSATION_ENTRY_RECORDS).to.have.length(Object.values(CONVERSATION_ENTRY_COUNTS).reduce((a, b) => a + b, 0));
    expect(new Set(SESSION_RECORDS.map((r) => r.id18.slice(0, 15))).has(OBJECT_SESSIONS.sms.slice(0, 15))).to.equal(false);
  });

  it('ConversationEntry: every conversation ORDER BY Seq is its expected transcript (15- or 18-char ConversationId), with its counts', async () => {
    for (const [key, owner] of Object.entries(OWNERS) as Array<[TranscriptKey, string]>) {
      const got = await entriesOf(key === 'sms' ? owner.slice(0, 15) : owner);
      expect(got, key).to.have.length(CONVERSATION_ENTRY_COUNTS[key]);
      if (['sms', 'whatsapp', 'facebook', 'active', 'huge', 'voiceUnmonitored'].includes(key)) {
        expect(got.map(line), key).to.deep.equal(EXPECTED_TRANSCRIPTS[key]);
      }
      for (const row of got) {
        expect(row.ConversationId, key).to.equal(owner);
        // EntryTime has no milliseconds; EntryTimeMilliSecs holds them.
        const entryTime = Date.parse(isoOf(row.EntryTime));
        expect(entryTime % 1000, key).to.equal(0);
        expect(entryTime + (row.EntryTimeMilliSecs as number), key).to.equal(Date.parse(isoOf(row.ServerReceivedTimestamp)));
      }
    }
    // What the data holds: gaps in Seq, events with no text, an attachment-only message, a skewed client clock.
    const sms = await entriesOf(OBJECT_SESSIONS.sms);
    expect(sms.map((r) => r.Seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    expect(sms.map((r) => r.ActorType)).to.include.members(['Agent', 'Bot', 'EndUser', 'Supervisor', 'System']);
    expect(sms.map((r) => r.EntryType)).to.include.members(['Text', 'EndUserOptedIn', 'BotEscalated']);
    const photo = sms.find((r) => r.HasAttachments === true);
    expect(photo).to.include({ Message: null, EntryType: 'Text' });
    expect(Date.parse(isoOf(photo?.ClientTimestamp))).to.be.below(Date.parse(isoOf(sms[3].ServerReceivedTimestamp)));
    expect((await entriesOf(OBJECT_SESSIONS.whatsapp)).map((r) => r.MessageStatus)).to.include('Error');
    // The Message field is raw text (GUESS), with the hostile characters a customer typed.
    expect(EXPECTED_TRANSCRIPTS.whatsapp[2].text).to.include('\u001b[31m').and.include('\u202E').and.match(/^=HYPERLINK/);
    expect(EXPECTED_TRANSCRIPTS.sms.map((l) => l.text)).to.include("I'm checking order 4471 & will reply shortly.");
  });

  it('ConversationEntry: ConversationId IN (…) ORDER BY ConversationId, Seq groups the conversations; without ORDER BY, creation order', async () => {
    const ids = [OBJECT_SESSIONS.sms, VOICE_CALLS.unmonitored, OBJECT_SESSIONS.huge, OBJECT_SESSIONS.active];
    const res = await soql(`SELECT Id, ConversationId, Seq FROM ConversationEntry WHERE ConversationId IN (${quote(ids)}) ORDER BY ConversationId, Seq`);
    const page = JSON.parse(res.body) as Page;
    expect(page.totalSize).to.equal(ids.reduce((n, id) => n + CONVERSATION_ENTRY_RECORDS.filter((r) => r.conversationId === id).length, 0));
    const first = page.records.map((r) => `${String(r.ConversationId)}/${String(r.Seq)}`);
    const expected = CONVERSATION_ENTRY_RECORDS.filter((r) => ids.includes(r.conversationId))
      .sort((a, b) => (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : a.seq - b.seq))
      .map((r) => `${r.conversationId}/${r.seq}`);
    expect(first).to.deep.equal(expected.slice(0, 2000));
    // No ORDER BY: Id (creation) order, so the active session's only entry sits between the huge session's first and second.
    const unordered = await rows(`SELECT Id, ConversationId, Seq FROM ConversationEntry WHERE ConversationId IN (${quote([OBJECT_SESSIONS.active, OBJECT_SESSIONS.sms])}) AND Seq <= 2`);
    expect(unordered.map((r) => r.Id)).to.deep.equal([...unordered.map((r) => r.Id as string)].sort());
    const mixed = await rows(`SELECT ConversationId, Seq FROM ConversationEntry WHERE ConversationId IN (${quote([OBJECT_SESSIONS.huge, OBJECT_SESSIONS.active])}) AND Seq < 3`);
    expect(mixed.map((r) => `${r.ConversationId === OBJECT_SESSIONS.huge ? 'huge' : 'active'}/${String(r.Seq)}`)).to.deep.equal(['huge/1', 'active/1', 'huge/2']);
    // Filters on the other fields: int, boolean, datetime, picklist text.
    expect(await rows(`SELECT Seq FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.sms}' AND HasAttachments = true`)).to.have.length(1);
    expect((await rows(`SELECT Seq FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.huge}' AND Seq > 2340 ORDER BY Seq DESC`)).map((r) => r.Seq)).to.deep.equal([2345, 2344, 2343, 2342, 2341]);
    expect(await rows("SELECT Id FROM ConversationEntry WHERE ActorType IN ('Supervisor') AND EntryTime >= 2025-02-03T09:00:00Z")).to.have.length(1);
  });

  it('pages the 2,345 entries of one conversation through nextRecordsUrl: 2,000, then 345; smaller batches on request', async () => {
    const q = `SELECT Id, Seq, Message FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.huge}' ORDER BY Seq`;
    const first = JSON.parse((await soql(q)).body) as Page;
    expect(first).to.include({ totalSize: HUGE_ENTRY_COUNT, done: false });
    expect(first.records).to.have.length(2000);
    expect(first.nextRecordsUrl).to.match(/^\/services\/data\/v62\.0\/query\/\w+-2000$/);
    const second = JSON.parse((await get(emu.url, first.nextRecordsUrl ?? '', headers())).body) as Page;
    expect(second).to.include({ totalSize: HUGE_ENTRY_COUNT, done: true });
    expect(second.records).to.have.length(HUGE_ENTRY_COUNT - 2000);
    expect(second.nextRecordsUrl).to.equal(undefined);
    const all = [...first.records, ...second.records];
    expect(all.map((r) => r.Seq)).to.deep.equal(Array.from({ length: HUGE_ENTRY_COUNT }, (_, i) => i + 1));
    expect(all.map((r) => r.Message)).to.deep.equal(EXPECTED_TRANSCRIPTS.huge.map((l) => l.text));

    let page = JSON.parse((await soql(q, { batchSize: 500 })).body) as Page;
    let pages = 1;
    while (page.nextRecordsUrl) {
      expect(page.records).to.have.length(500);
      page = JSON.parse((await get(emu.url, page.nextRecordsUrl, headers({ 'sforce-query-options': 'batchSize=500' }))).body) as Page;
      pages++;
    }
    expect(pages).to.equal(5);
  });

  it('VoiceCall: by Id IN (…) and by RelatedRecordId; Conversation null without monitoring, the in-progress call has no entries yet', async () => {
    const fields = 'Id, Name, ConversationId, Conversation.ConversationIdentifier, CallStartDateTime, CallEndDateTime, CallDurationInSeconds, CallType, RelatedRecordId';
    const byId = await rows(`SELECT ${fields} FROM VoiceCall WHERE Id IN (${quote([VOICE_CALLS.monitored, VOICE_CALLS.unmonitored.slice(0, 15), VOICE_CALLS.bare, VOICE_CALLS.unknown])}) ORDER BY CallStartDateTime`);
    expect(byId.map((r) => r.Id)).to.deep.equal([VOICE_CALLS.monitored, VOICE_CALLS.unmonitored, VOICE_CALLS.bare]);
    const [monitored, unmonitored, bare] = byId;
    expect(monitored).to.deep.include({ RelatedRecordId: CASES.full, CallType: 'Inbound', CallDurationInSeconds: 300, CallStartDateTime: '2025-02-03T15:00:00.000+0000' });
    expect((monitored.Conversation as Row).ConversationIdentifier).to.equal(OBJECT_CONVERSATIONS.voiceMonitored);
    expect((monitored.Conversation as Row).attributes).to.deep.equal({ type: 'Conversation', url: `/services/data/v62.0/sobjects/Conversation/${String(monitored.ConversationId)}` });
    for (const call of [unmonitored, bare]) expect(call).to.include({ ConversationId: null, Conversation: null });
    const inProgress = await rows(`SELECT Id, CallEndDateTime, CallDurationInSeconds, Conversation.ConversationIdentifier FROM VoiceCall WHERE Id = '${VOICE_CALLS.inProgress}'`);
    expect(inProgress[0]).to.include({ CallEndDateTime: null, CallDurationInSeconds: null });
    const identifier = (inProgress[0].Conversation as Row).ConversationIdentifier as string;
    const entries = await get(emu.url, `/platform/engagement/v1.0/conversation-entries?conversationIdentifier=${identifier}`, headers());
    expect(JSON.parse(entries.body)).to.deep.equal({ conversationEntries: [] });
    expect(await rows(`SELECT Id FROM VoiceCall WHERE Id = '${VOICE_CALLS.unknown}'`)).to.deep.equal([]);
  });

  it('Case: WHERE Id = … OR CaseNumber = …; its sessions (MessagingSession.CaseId) and calls (VoiceCall.RelatedRecordId)', async () => {
    for (const key of ['full', 'mixed', 'callOnly', 'empty'] as const) {
      const byNumber = await rows(`SELECT Id, CaseNumber, Subject FROM Case WHERE Id = '${CASES.unknown}' OR CaseNumber = '${CASE_NUMBERS[key]}'`);
      expect(byNumber.map((r) => r.Id), key).to.deep.equal([CASES[key]]);
      expect(byNumber[0].Subject, key).to.equal(CASE_RECORDS.find((c) => c.id18 === CASES[key])?.subject);
      const byId = await rows(`SELECT Id, CaseNumber FROM Case WHERE Id = '${CASES[key].slice(0, 15)}' OR CaseNumber = '${CASES[key].slice(0, 15)}'`);
      expect(byId.map((r) => r.CaseNumber), key).to.deep.equal([CASE_NUMBERS[key]]);
      const sessions = await rows(`SELECT Id FROM MessagingSession WHERE CaseId = '${CASES[key]}' ORDER BY StartTime`);
      expect(sessions.map((r) => r.Id), key).to.deep.equal(CASE_LINKS[key].sessions);
      const calls = await rows(`SELECT Id FROM VoiceCall WHERE RelatedRecordId = '${CASES[key]}' ORDER BY CallStartDateTime`);
      expect(calls.map((r) => r.Id), key).to.deep.equal(CASE_LINKS[key].calls);
    }
    expect(CASE_LINKS.full.sessions).to.have.length(2);
    expect(CASE_LINKS.full.calls).to.have.length(1);
    expect(await rows(`SELECT Id FROM Case WHERE CaseNumber = '${CASE_NUMBERS.unknown}'`)).to.deep.equal([]);
    // A CaseNumber is not an Id: in an Id comparison it is refused like any malformed id.
    expect(await error(`SELECT Id FROM Case WHERE Id = '${CASE_NUMBERS.full}' OR CaseNumber = '${CASE_NUMBERS.full}'`)).to.deep.equal({
      status: 400,
      errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
      message: `invalid ID field: ${CASE_NUMBERS.full}`,
    });
  });

  it('MessagingSession: the standard and enhanced sessions with ChannelType, CaseId and StartTime filters; none of it without seedObjects', async () => {
    const standard = await rows("SELECT Id, ChannelType, CaseId, Conversation.ConversationIdentifier FROM MessagingSession WHERE StartTime >= 2025-02-03T00:00:00Z AND ChannelType IN ('Text', 'WhatsApp', 'Facebook') ORDER BY StartTime");
    expect(standard.map((r) => r.Id)).to.deep.equal([OBJECT_SESSIONS.sms, OBJECT_SESSIONS.whatsapp, OBJECT_SESSIONS.facebook, OBJECT_SESSIONS.huge, OBJECT_SESSIONS.active]);
    expect(standard.every((r) => r.Conversation === null)).to.equal(true);
    expect(standard.map((r) => r.CaseId)).to.deep.equal([CASES.full, CASES.mixed, CASES.mixed, null, null]);
    const enhanced = await rows(`SELECT Id, Conversation.ConversationIdentifier FROM MessagingSession WHERE Id IN (${quote([OBJECT_SESSIONS.enhancedBlank, OBJECT_SESSIONS.enhancedNone])})`);
    expect(enhanced.map((r) => (r.Conversation as Row).ConversationIdentifier)).to.deep.equal([OBJECT_CONVERSATIONS.enhancedBlank, OBJECT_CONVERSATIONS.enhancedNone]);
    expect(await rows("SELECT Id FROM MessagingSession WHERE Status = 'Active'")).to.have.length(1);
    const all = JSON.parse((await soql('SELECT Id FROM MessagingSession')).body) as Page;
    expect(all.totalSize).to.equal(SESSION_RECORDS.length + OBJECT_SESSION_RECORDS.length);

    emu.set({ seedObjects: false });
    expect((JSON.parse((await soql('SELECT Id FROM MessagingSession')).body) as Page).totalSize).to.equal(SESSION_RECORDS.length);
    expect(await rows("SELECT Id FROM MessagingSession WHERE ChannelType = 'WhatsApp'")).to.deep.equal(
      SESSION_RECORDS.filter((r) => r.channelType === 'WhatsApp').map((r) => ({
        attributes: { type: 'MessagingSession', url: `/services/data/v62.0/sobjects/MessagingSession/${r.id18}` },
        Id: r.id18,
      }))
    );
    for (const type of ['ConversationEntry', 'VoiceCall', 'Case']) expect(await rows(`SELECT Id FROM ${type}`), type).to.deep.equal([]);
    expect(await rows(`SELECT Id, CaseId FROM MessagingSession WHERE Id = '${SESSIONS.short}'`)).to.have.nested.property('[0].CaseId', null);
  });

  it('enhanced sessions: blank Message records (enhancedBlank) or none (enhancedNone); their entries come from both entries resources', async () => {
    const blank = await entriesOf(OBJECT_SESSIONS.enhancedBlank);
    expect(blank).to.have.length(CONVERSATION_ENTRY_COUNTS.enhancedBlank);
    expect(blank.every((r) => r.Message === null && r.EntryType === 'Text')).to.equal(true);
    expect(await entriesOf(OBJECT_SESSIONS.enhancedNone)).to.deep.equal([]);
    for (const key of ['enhancedBlank', 'enhancedNone', 'voiceMonitored'] as const) {
      const identifier = OBJECT_CONVERSATIONS[key];
      const api = await get(emu.url, `/platform/engagement/v1.0/conversation-entries?conversationIdentifier=${identifier}&queryDirection=FromStart&recordLimit=1000`, headers());
      const entries = (JSON.parse(api.body) as { conversationEntries: ApiEntry[] }).conversationEntries;
      expect(entries, key).to.deep.equal(objectEntriesOf(identifier));
      expect(
        entries.map((e) => ({ time: new Date(e.serverReceivedTimestamp).toISOString(), role: e.sender.role, name: null, entryType: e.entryType, text: apiText(e), attachments: false })),
        key
      ).to.deep.equal(EXPECTED_TRANSCRIPTS[key]);
      // Connect: text only, HTML-escaped, newest first; a message has messageText whichever spelling its type has.
      const connect = await get(emu.url, `/services/data/v62.0/connect/conversation/${identifier}/entries?queryDirection=FromStart&recordLimit=1000`, headers());
      const texts = (JSON.parse(connect.body) as { conversationEntries: ConnectEntry[] }).conversationEntries.map((e) => e.messageText ?? null);
      expect(texts, key).to.deep.equal(entries.map((e) => e.messageText ?? null));
      expect(texts.filter((t) => t !== null).length, key).to.equal(EXPECTED_TRANSCRIPTS[key].filter((l) => l.text !== null).length);
    }
    // The blank records line up with the API's messages: same speakers' times.
    const messageTimes = EXPECTED_TRANSCRIPTS.enhancedBlank.filter((l) => l.text !== null).map((l) => l.time);
    expect(blank.map((r) => isoOf(r.ServerReceivedTimestamp))).to.deep.equal(messageTimes);
  });

  it('the API entries spell entry types, roles and app types both ways (PascalCase and UPPER_SNAKE)', async () => {
    const entries: ApiEntry[] = [];
    for (const identifier of Object.values(OBJECT_CONVERSATIONS)) {
      const res = await get(emu.url, `/platform/engagement/v1.0/conversation-entries?conversationIdentifier=${identifier}&recordLimit=1000`, headers());
      expect(res.status, identifier).to.equal(200);
      entries.push(...(JSON.parse(res.body) as { conversationEntries: ApiEntry[] }).conversationEntries);
    }
    const types = new Set(entries.map((e) => e.entryType));
    for (const type of ['Message', 'MESSAGE', 'ParticipantChanged', 'PARTICIPANT_CHANGED', 'ModalityUpdate', 'RoutingResult', 'ROUTING_RESULT', 'ROUTING_WORK_RESULT', 'SessionStatusChanged', 'SESSION_STATUS_CHANGED']) {
      expect(types, type).to.include(type);
    }
    const roles = new Set(entries.map((e) => e.sender.role));
    for (const role of ['EndUser', 'END_USER', 'Chatbot', 'CHATBOT', 'Agent', 'AGENT', 'System', 'SYSTEM']) expect(roles, role).to.include(role);
    const appTypes = new Set(entries.map((e) => e.sender.appType));
    for (const app of ['chatbot', 'CHATBOT', 'iamessage', 'IAMESSAGE', 'telephony_integration', 'TELEPHONY_INTEGRATION']) expect(appTypes, app).to.include(app);
    // Participant changes carry the participant in the other spelling too.
    const changed = entries.filter((e) => e.entryType.replace(/_/g, '').toLowerCase() === 'participantchanged');
    expect(changed.map((e) => JSON.stringify(e.entryPayload))).to.satisfy((p: string[]) => p.some((x) => x.includes('"END_USER"')) && p.some((x) => x.includes('"Agent"')));
  });

  it('knob conversationEntryAccess: INVALID_TYPE (the GUESS for a type the user may not see; no describe) or INSUFFICIENT_ACCESS_OR_READONLY', async () => {
    const q = `SELECT Id, Message FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.sms}' ORDER BY Seq`;
    emu.set({ conversationEntryAccess: 'INVALID_TYPE' });
    const hidden = await error(q);
    expect(hidden).to.include({ status: 400, errorCode: 'INVALID_TYPE' });
    expect(hidden.message).to.match(/\nERROR at Row:1:Column:\d+\nsObject type 'ConversationEntry' is not supported\./);
    expect((await describe('ConversationEntry')).status).to.equal(404);
    const list = JSON.parse((await get(emu.url, '/services/data/v62.0/sobjects', headers())).body) as { sobjects: Array<{ name: string }> };
    expect(list.sobjects.map((o) => o.name)).to.not.include('ConversationEntry');
    // Other types are untouched.
    expect(await rows(`SELECT Id FROM VoiceCall WHERE Id = '${VOICE_CALLS.monitored}'`)).to.have.length(1);

    emu.set({ conversationEntryAccess: 'INSUFFICIENT_ACCESS_OR_READONLY' });
    const denied = await error(q);
    expect(denied).to.include({ status: 403, errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' });
    expect((await describe('ConversationEntry')).status).to.equal(200);

    emu.set({ conversationEntryAccess: 'granted' });
    expect(await rows(q)).to.have.length(CONVERSATION_ENTRY_COUNTS.sms);
  });

  it("knob voiceCalls: 'unavailable' → INVALID_TYPE and no describe; 'noConversationField' → INVALID_FIELD on ConversationId and Conversation.*", async () => {
    emu.set({ voiceCalls: 'unavailable' });
    const none = await error(`SELECT Id, ConversationId FROM VoiceCall WHERE Id = '${VOICE_CALLS.monitored}'`);
    expect(none).to.include({ status: 400, errorCode: 'INVALID_TYPE' });
    expect(none.message).to.include("sObject type 'VoiceCall' is not supported.");
    expect((await describe('VoiceCall')).status).to.equal(404);

    emu.set({ voiceCalls: 'noConversationField' });
    for (const q of [
      `SELECT Id, ConversationId FROM VoiceCall WHERE Id = '${VOICE_CALLS.monitored}'`,
      `SELECT Id, Conversation.ConversationIdentifier FROM VoiceCall WHERE Id = '${VOICE_CALLS.monitored}'`,
      'SELECT Id FROM VoiceCall WHERE ConversationId != null',
    ]) {
      const refused = await error(q);
      expect(refused, q).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
      expect(refused.message, q).to.match(/No such column 'Conversation(Id)?' on entity 'VoiceCall'/);
    }
    expect(await rows(`SELECT Id, RelatedRecordId FROM VoiceCall WHERE RelatedRecordId = '${CASES.full}'`)).to.have.length(1);
    const fields = fieldNames(await describe('VoiceCall'));
    expect(fields).to.include('RelatedRecordId').and.not.include('ConversationId');

    emu.set({ voiceCalls: 'available' });
    expect(fieldNames(await describe('VoiceCall'))).to.include('ConversationId');
  });

  it('knob conversationEntryMessages: escaped serves Message HTML-entity-escaped', async () => {
    emu.set({ conversationEntryMessages: 'escaped' });
    const escaped = await entriesOf(OBJECT_SESSIONS.sms);
    expect(escaped.map((r) => r.Message)).to.include('I&#39;m checking order 4471 &amp; will reply shortly.');
    expect(escaped.map((r) => r.Message)).to.include('Thanks, I can see the label &lt;photo&gt;. It ships &quot;today&quot;.');
    emu.set({ conversationEntryMessages: 'raw' });
    expect((await entriesOf(OBJECT_SESSIONS.sms)).map((r) => r.Message)).to.deep.equal(EXPECTED_TRANSCRIPTS.sms.map((l) => l.text));
  });

  it('API versions: ConversationEntry from 43.0 (its timestamps from 51.0), VoiceCall.ConversationId from 48.0', async () => {
    const entry = `SELECT Id FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.sms}'`;
    expect(await error(entry, { version: '42.0' })).to.include({ errorCode: 'INVALID_TYPE' });
    expect(await rows(entry, { version: '43.0' })).to.have.length(CONVERSATION_ENTRY_COUNTS.sms);
    for (const field of ['ServerReceivedTimestamp', 'ClientTimestamp', 'EntryTimeMilliSecs', 'ClientDuration']) {
      const old = await error(`SELECT Id, ${field} FROM ConversationEntry`, { version: '50.0' });
      expect(old.message, field).to.include(`No such column '${field}' on entity 'ConversationEntry'`);
      expect(await rows(`SELECT Id, ${field} FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.active}'`, { version: '51.0' }), field).to.have.length(1);
    }
    expect(await error(`SELECT Id FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.sms}' ORDER BY ServerReceivedTimestamp`, { version: '50.0' })).to.include({ errorCode: 'INVALID_FIELD' });
    expect(await error('SELECT Id, ConversationId FROM VoiceCall', { version: '47.0' })).to.include({ errorCode: 'INVALID_FIELD' });
    expect(await rows(`SELECT Id, ConversationId FROM VoiceCall WHERE Id = '${VOICE_CALLS.monitored}'`, { version: '48.0' })).to.have.length(1);
    expect(await error('SELECT Id FROM VoiceCall', { version: '39.0' })).to.include({ errorCode: 'INVALID_TYPE' });
  });

  it('refuses what Salesforce refuses: Message in WHERE or ORDER BY, wrong literal types, bad ids, unknown fields, unsupported shapes', async () => {
    const where = await error("SELECT Id FROM ConversationEntry WHERE Message = 'x'");
    expect(where).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
    expect(where.message).to.match(/\n {39}\^\nERROR at Row:1:Column:40\nfield 'Message' can not be filtered in query call$/);
    expect((await error('SELECT Id FROM ConversationEntry ORDER BY Message')).message).to.include("field 'Message' can not be sorted in a query call");
    expect((await error("SELECT Id FROM ConversationEntry WHERE Seq = '1'")).message).to.include("value of filter criterion for field 'Seq' must be of type integer and should not be enclosed in quotes");
    expect((await error('SELECT Id FROM ConversationEntry WHERE Seq = 1.5')).errorCode).to.equal('INVALID_FIELD');
    expect((await error("SELECT Id FROM ConversationEntry WHERE HasAttachments = 'true'")).message).to.include('must be of type boolean and should not be enclosed in quotes');
    expect((await error('SELECT Id FROM ConversationEntry WHERE ConversationId = 5')).message).to.include('must be of type id and should be enclosed in quotes');
    expect(await error("SELECT Id FROM ConversationEntry WHERE ConversationId = '0Mw5g00003StSm'")).to.deep.equal({ status: 400, errorCode: 'INVALID_QUERY_FILTER_OPERATOR', message: 'invalid ID field: 0Mw5g00003StSm' });
    expect(await error(`SELECT Id FROM VoiceCall WHERE Id IN ('${VOICE_CALLS.monitored.slice(0, 15)}AAA')`)).to.include({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' });
    for (const [q, column, entity] of [
      ['SELECT Id, Body FROM ConversationEntry', 'Body', 'ConversationEntry'],
      ['SELECT Id, Conversation.Name FROM ConversationEntry', 'Conversation.Name', 'ConversationEntry'],
      ['SELECT Id, Transcript FROM VoiceCall', 'Transcript', 'VoiceCall'],
      ["SELECT Id FROM Case WHERE Number = '1'", 'Number', 'Case'],
    ]) {
      const unknown = await error(q);
      expect(unknown, q).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
      expect(unknown.message, q).to.include(`No such column '${column}' on entity '${entity}'`);
    }
    for (const q of [
      'SELECT COUNT() FROM ConversationEntry',
      'SELECT Id, (SELECT Id FROM ConversationEntries) FROM MessagingSession',
      'SELECT ConversationId, COUNT(Id) FROM ConversationEntry GROUP BY ConversationId',
      'SELECT FIELDS(ALL) FROM VoiceCall LIMIT 200',
      "SELECT Id FROM Case WHERE CaseNumber = '00012345' FOR UPDATE",
    ]) {
      expect(await error(q), q).to.include({ status: 400, errorCode: 'MALFORMED_QUERY' });
    }
    expect(await error('SELECT Id FROM Conversation')).to.include({ errorCode: 'INVALID_TYPE' });
  });

  it('describes the new types (key prefix, fields, types) and lists them; query columns carry their Apex types', async () => {
    const expected: Record<string, { keyPrefix: string; fields: Record<string, string> }> = {
      ConversationEntry: {
        keyPrefix: '0XY',
        fields: { Id: 'id', ConversationId: 'reference', Seq: 'int', EntryTime: 'datetime', EntryTimeMilliSecs: 'int', ActorType: 'picklist', Message: 'textarea', HasAttachments: 'boolean', ServerReceivedTimestamp: 'datetime' },
      },
      VoiceCall: { keyPrefix: '0LQ', fields: { Id: 'id', ConversationId: 'reference', CallStartDateTime: 'datetime', RelatedRecordId: 'reference', FromPhoneNumber: 'phone' } },
      Case: { keyPrefix: '500', fields: { Id: 'id', CaseNumber: 'string', Subject: 'string' } },
    };
    for (const [type, want] of Object.entries(expected)) {
      const res = await describe(type);
      expect(res.status, type).to.equal(200);
      const body = JSON.parse(res.body) as { name: string; keyPrefix: string; fields: Array<{ name: string; type: string; filterable: boolean; referenceTo: string[] }> };
      expect(body).to.include({ name: type, keyPrefix: want.keyPrefix });
      for (const [name, fieldType] of Object.entries(want.fields)) expect(body.fields.find((f) => f.name === name), `${type}.${name}`).to.include({ type: fieldType });
    }
    const entry = JSON.parse((await describe('ConversationEntry')).body) as { fields: Array<{ name: string; filterable: boolean; referenceTo: string[] }> };
    expect(entry.fields.find((f) => f.name === 'Message')).to.include({ filterable: false });
    expect(entry.fields.find((f) => f.name === 'ConversationId')?.referenceTo).to.deep.equal(['MessagingSession', 'VoiceCall']);
    expect(fieldNames(await describe('ConversationEntry', '50.0'))).to.not.include('ServerReceivedTimestamp');
    expect(fieldNames(await describe('MessagingSession'))).to.include('CaseId');
    const list = JSON.parse((await get(emu.url, '/services/data/v62.0/sobjects', headers())).body) as { sobjects: Array<{ name: string; keyPrefix: string }> };
    expect(list.sobjects.filter((o) => ['ConversationEntry', 'VoiceCall', 'Case'].includes(o.name)).map((o) => `${o.name}:${o.keyPrefix}`)).to.deep.equal(['ConversationEntry:0XY', 'VoiceCall:0LQ', 'Case:500']);

    const columns = JSON.parse((await get(emu.url, `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, Seq, HasAttachments FROM ConversationEntry')}&columns=true`, headers())).body) as ColumnsBody;
    expect(columns).to.include({ entityName: 'ConversationEntry', keyPrefix: '0XY', idSelected: true });
    expect(columns.columnMetadata.map((c) => [c.columnName, c.apexType, c.numberType, c.booleanType])).to.deep.equal([
      ['Id', 'Id', false, false],
      ['Seq', 'Integer', true, false],
      ['HasAttachments', 'Boolean', false, true],
    ]);
  });

  it("@salesforce/core's Connection.query and queryMore read ConversationEntry, VoiceCall and Case", async () => {
    const alias = await authorizeInProcess(emu, 'objects-selftest');
    const conn = (await Org.create({ aliasOrUsername: alias })).getConnection();
    const first = await conn.query<{ Seq: number; Message: string | null }>(
      `SELECT Id, Seq, Message FROM ConversationEntry WHERE ConversationId = '${OBJECT_SESSIONS.huge}' ORDER BY Seq`
    );
    expect(first).to.include({ totalSize: HUGE_ENTRY_COUNT, done: false });
    expect(first.records).to.have.length(2000);
    const more = await conn.queryMore<{ Seq: number; Message: string | null }>(first.nextRecordsUrl ?? '');
    expect(more).to.include({ done: true });
    expect([...first.records, ...more.records].map((r) => r.Seq)).to.deep.equal(EXPECTED_TRANSCRIPTS.huge.map((l) => l.seq));

    const calls = await conn.query<{ Id: string; Conversation: { ConversationIdentifier: string } | null }>(
      `SELECT Id, Conversation.ConversationIdentifier FROM VoiceCall WHERE RelatedRecordId = '${CASES.full}'`
    );
    expect(calls.records.map((r) => [r.Id, r.Conversation?.ConversationIdentifier ?? null])).to.deep.equal([[VOICE_CALLS.monitored, OBJECT_CONVERSATIONS.voiceMonitored]]);
    const cases = await conn.query<{ Id: string }>(`SELECT Id FROM Case WHERE Id = '${CASES.empty}' OR CaseNumber = '${CASE_NUMBERS.full}'`);
    expect(cases.records.map((r) => r.Id)).to.deep.equal([CASES.full, CASES.empty]);
    emu.set({ conversationEntryAccess: 'INVALID_TYPE' });
    let refused: unknown;
    try {
      await conn.query('SELECT Id FROM ConversationEntry');
    } catch (e) {
      refused = e;
    }
    expect(refused).to.have.property('errorCode', 'INVALID_TYPE');
  });
});
