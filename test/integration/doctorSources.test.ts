/*
 * doctor covers every source, in-process against the emulator over loopback: ConversationEntry readable, VoiceCall
 * .ConversationId there, which source `--api auto` picks for a session, a call or a case (and why), and the contract
 * report of --report, which must hold no value from the conversation: a conversation full of generated personal data
 * is described, and the file is searched for every generated value.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { to18 } from '../../src/input/ids.js';
import { runDoctor, type Check, type DoctorInput } from '../../src/usecases/doctor.js';
import type { ApiEntry, Json } from '../emulator/entries.js';
import { escapeHtml } from '../emulator/entries.js';
import { base62, mulberry32, stableUuid } from '../emulator/prng.js';
import { startEmulator, type Emulator, type SessionRecord } from '../emulator/server.js';
import { CASES, OBJECT_SESSIONS, VOICE_CALLS, sfDateTime, type ConversationEntryRecord } from '../emulator/seedObjects.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';

const FIRST = ['Amélie', 'Bartholomew', 'Chiamaka', 'Dmitri', 'Esperanza', 'Fionnuala', 'Gunnhild', 'Hiroshi', 'Ifeoma', 'Jürgen'];
const LAST = ['Okonkwo', 'Vasquez-Lindqvist', 'Nakamura', 'Papadopoulos', "O'Callaghan", 'Szymańska', 'Abernathy', 'Thorsdottir'];
const WORDS = ['refund', 'parcel', 'invoice', 'warranty', 'address', 'delivery', 'broken', 'tomorrow', 'urgent', 'password'];

/** A conversation full of personal data, generated: every value it holds, to search the report for. */
function personalConversation(seed: number): { api: ApiEntry[]; records: ConversationEntryRecord[]; values: string[]; identifier: string; standard: string; enhanced: string } {
  const next = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  const values: string[] = [];
  const keep = <T extends string | number>(value: T): T => {
    values.push(String(value));
    return value;
  };
  const identifier = keep(stableUuid(`report/${seed}`));
  const standard = keep(to18(`0Mw5g0000R${base62(seed % 1000, 5)}`));
  const enhanced = keep(to18(`0Mw5g0000E${base62(seed % 1000, 5)}`));
  const start = Date.UTC(2025, 5, 1, 8, 0, 0) + Math.floor(next() * 1e9);
  const people = Array.from({ length: 4 }, (_, i) => {
    const name = keep(`${pick(FIRST)} ${pick(LAST)} ${i}`);
    const email = keep(`${name.split(' ')[0].toLowerCase()}.${digits(4)}@example-${digits(3)}.com`);
    const phone = keep(`+44 7${digits(3)} ${digits(6)}`);
    return { name, email, phone, subject: keep(`v2/iamessage/AUTH/NA/uid:${stableUuid(`${seed}/${i}`)}`) };
  });
  const api: ApiEntry[] = Array.from({ length: 8 }, (_, i) => {
    const who = people[i % people.length];
    const text = keep(`${pick(WORDS)} ${who.name} ${who.email} ${who.phone} ${pick(WORDS)} ${digits(8)}`);
    const at = keep(start + i * 1500 + Math.floor(next() * 500));
    const payload: { [key: string]: Json } =
      i === 3
        ? { entries: [{ operation: 'add', displayName: who.name, participant: { subject: who.subject } }], [who.email]: keep(`key-${digits(5)}`) }
        : { abstractMessage: { messageType: 'StaticContentMessage', staticContent: { formatType: 'Text', text } } };
    return {
      identifier: keep(stableUuid(`${seed}/entry/${i}`)),
      entryType: i === 3 ? 'PARTICIPANT_CHANGED' : 'Message',
      messageText: escapeHtml(text),
      entryPayload: payload,
      sender: { role: i % 2 ? 'Agent' : 'EndUser', appType: 'iamessage', subject: who.subject, name: who.name },
      clientTimestamp: keep(at - 40),
      serverReceivedTimestamp: at,
      relatedRecords: [enhanced.slice(0, 15)],
      clientDuration: 0,
    };
  });
  const records: ConversationEntryRecord[] = Array.from({ length: 6 }, (_, i) => {
    const who = people[i % people.length];
    const at = start + 86_400_000 + i * 2000;
    return {
      id18: keep(to18(`0XY5g0R${base62(seed % 1000, 3)}${base62(i, 5)}`)),
      conversationId: standard,
      seq: i + 1,
      serverMs: at,
      clientMs: at - 30,
      actorType: i % 2 ? 'Agent' : 'EndUser',
      actorName: who.name,
      actorId: keep(to18(`0PA5g0R${base62(seed % 1000, 3)}${base62(i, 5)}`)),
      entryType: 'Text',
      message: keep(`${pick(WORDS)} ${who.email} ${who.phone} ${who.name} ${digits(6)}`),
      messageStatus: null,
      messageStatusCode: null,
      messageIdentifier: keep(stableUuid(`${seed}/record/${i}`)),
      hasAttachments: false,
      clientDuration: 0,
      createdMs: at,
    };
  });
  return { api, records, values, identifier, standard, enhanced };
}

describe('doctor: every source, and a contract report without values (in-process)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let dir: string;
  const data = personalConversation(20_261_201);
  const sessions: SessionRecord[] = [
    { id18: data.standard, conversationRecordId: null, conversationIdentifier: null, startTime: sfDateTime(Date.UTC(2025, 5, 1)), channelType: 'WhatsApp', status: 'Ended', caseId: CASES.empty },
    {
      id18: data.enhanced,
      conversationRecordId: to18('0dw5g0000Report'),
      conversationIdentifier: data.identifier,
      startTime: sfDateTime(Date.UTC(2025, 5, 2)),
      channelType: 'EmbeddedMessaging',
      status: 'Ended',
      caseId: CASES.empty,
    },
  ];
  let n = 0;

  const doctor = (input: Partial<DoctorInput>): Promise<{ checks: Check[]; report?: string }> =>
    runDoctor({ targetOrg: 'doctor-sources', env: { SF_CONVERSATION_API_URL: emu.url }, ...input });
  const byName = (checks: Check[], name: string): Check => checks.find((c) => c.name === name) as Check;

  before(async () => {
    emu = await startEmulator({
      seedObjects: true,
      username: 'doctor-sources@conversation-emulator.example',
      extraSessions: sessions,
      extraEntryRecords: data.records,
      extraConversations: { [data.identifier]: data.api },
    });
    await authorizeInProcess(emu, 'doctor-sources');
    dir = await mkdtemp(join(realpathSync(tmpdir()), 'doctor-report-'));
  });
  beforeEach(() => {
    emu.set({ conversationEntryAccess: 'granted', voiceCalls: 'available' });
    emu.clearLog();
  });
  after(async () => {
    await emu?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('checks ConversationEntry and VoiceCall.ConversationId, and says which source auto picks without a record (skip)', async () => {
    const { checks } = await doctor({});
    expect(byName(checks, 'ConversationEntry records').status).to.equal('pass');
    expect(byName(checks, 'Voice calls').status).to.equal('pass');
    expect(byName(checks, 'Source for --api auto').status).to.equal('skip');
    emu.set({ conversationEntryAccess: 'INSUFFICIENT_ACCESS_OR_READONLY', voiceCalls: 'noConversationField' });
    const denied = (await doctor({})).checks;
    expect(byName(denied, 'ConversationEntry records').status).to.equal('warn');
    expect(byName(denied, 'ConversationEntry records').detail).to.include('Access Conversation Entries');
    expect(byName(denied, 'Voice calls').status).to.equal('warn');
    emu.set({ voiceCalls: 'unavailable' });
    expect(byName((await doctor({})).checks, 'Voice calls').status).to.equal('skip');
  });

  it('says which source auto picks, and why, for a session, a call and a case, through the same decision as get', async () => {
    const session = (await doctor({ sessionId: OBJECT_SESSIONS.sms })).checks;
    expect(byName(session, 'Source for --api auto')).to.include({ status: 'pass' });
    expect(byName(session, 'Source for --api auto').detail).to.match(/ConversationEntry records\. It has no Conversation/);
    const call = (await doctor({ voiceCallId: VOICE_CALLS.monitored })).checks;
    expect(byName(call, 'Source for --api auto').detail).to.match(/VoiceCall \S+: the Conversation Data API\. It has a Conversation, and the org's token is a JWT/);
    const kase = (await doctor({ case: CASES.full })).checks;
    expect(byName(kase, 'Session lookup').status).to.equal('pass');
    expect(byName(kase, 'Source for --api auto').detail.match(/(MessagingSession|VoiceCall) \w{18}:/g)).to.have.length(3);
    // A record that needs its ConversationEntry records, without the permission: the pick fails, with the fix.
    emu.set({ conversationEntryAccess: 'INVALID_TYPE' });
    const denied = byName((await doctor({ sessionId: OBJECT_SESSIONS.sms })).checks, 'Source for --api auto');
    expect(denied.status).to.equal('fail');
    expect(denied.action).to.include('Access Conversation Entries');
  });

  it('--report of a case full of personal data: what each source answered, and not one value from the conversation', async () => {
    const file = join(dir, `report-${++n}.json`);
    const result = await doctor({ case: CASES.empty, report: file, pluginVersion: '9.9.9' });
    expect(result.report).to.equal(file);
    const text = await readFile(file, 'utf8');
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    // No value from the conversation, and nothing that names the org, its user or its token.
    const secrets = [...data.values, emu.orgId, emu.username, emu.url, new URL(emu.url).host, emu.accessToken, CASES.empty];
    expect(data.values.length).to.be.greaterThan(60);
    for (const value of secrets) expect(text, value).not.to.include(value);
    for (const value of data.values.filter((v) => v.length > 6)) expect(text.toLowerCase(), value).not.to.include(value.toLowerCase());

    type Exchange = {
      path: string;
      parameters: Record<string, unknown>;
      status: number;
      envelopeKeys: string[];
      entries: number;
      limitAsked: number;
      order: string;
      timestampUnits: Record<string, string[]>;
      fields: Record<string, string[]>;
    };
    const report = JSON.parse(text) as { reportVersion: number; plugin: { version: string }; autoDecisions: Array<{ source: string }>; sources: Record<string, Exchange[]> };
    expect(report.reportVersion).to.equal(1);
    expect(report.plugin.version).to.equal('9.9.9');
    expect(report.autoDecisions.map((d) => d.source)).to.deep.equal(['conversation-entry', 'conversation-data']);
    const [api] = report.sources['conversation-data'];
    expect(api).to.include({ path: '/platform/engagement/v1.0/conversation-entries', status: 200, entries: 8, limitAsked: 10, order: 'oldest-first' });
    expect(api.parameters).to.deep.equal({ conversationIdentifier: '(sent)', recordLimit: 10, queryDirection: 'FromStart' });
    expect(api.envelopeKeys).to.deep.equal(['conversationEntries']);
    expect(api.timestampUnits).to.deep.equal({ clientTimestamp: ['epoch-ms'], serverReceivedTimestamp: ['epoch-ms'] });
    expect(api.fields).to.include.keys('identifier', 'entryType', 'messageText', 'sender.role', 'sender.subject', 'entryPayload.abstractMessage.staticContent.text', 'relatedRecords[]');
    expect(api.fields['sender.role']).to.deep.equal(['string']);
    expect(api.fields).to.include.keys('entryPayload.(key)');
    const [connect] = report.sources.connect;
    expect(connect).to.include({ status: 200, entries: 8 });
    expect(connect.path).to.match(/^\/services\/data\/v\d+\.\d\/connect\/conversation\/\{id\}\/entries$/);
    const [records] = report.sources['conversation-entry'];
    expect(records).to.include({ status: 200, entries: 6 });
    expect(records.parameters.q).to.match(/^SELECT Id, ConversationId, Seq, .* FROM ConversationEntry WHERE ConversationId = '\{id\}' ORDER BY Seq LIMIT 10$/);
    expect(records.timestampUnits.EntryTime).to.deep.equal(['iso-8601']);
    expect(records.fields.EntryTimeMilliSecs).to.deep.equal(['number']);
    expect(records.fields.Message).to.deep.equal(['string']);
  });

  it('--report refuses an existing file without --force before any request, and replaces it with --force', async () => {
    const file = join(dir, `report-${++n}.json`);
    await writeFile(file, 'keep me');
    const error = await doctor({ report: file }).then(
      () => undefined,
      (e: SfError) => e
    );
    expect(error?.name).to.equal('OutputFileExistsError');
    expect(error?.exitCode).to.equal(2);
    // The error names the flag the file came with, not get's --output-file.
    expect(`${error?.message ?? ''} ${(error?.actions ?? []).join(' ')}`).to.include('--report').and.not.include('--output-file');
    expect(emu.requests).to.have.length(0);
    expect(await readFile(file, 'utf8')).to.equal('keep me');
    // A directory, a missing directory, a directory that can't be written: each names --report, and offers no stdout.
    for (const report of [dir, join(dir, 'no-such-dir', 'r.json'), '/proc/r.json']) {
      // eslint-disable-next-line no-await-in-loop -- one refused path after another
      const refused = await doctor({ report }).then(
        () => undefined,
        (e: SfError) => e
      );
      const text = `${refused?.message ?? ''} ${(refused?.actions ?? []).join(' ')}`;
      expect([refused?.exitCode, text.includes('--report'), text.includes('--output-file'), text.includes('standard output')], `${report}: ${text}`).to.deep.equal([2, true, false, false]);
    }
    await doctor({ report: file, force: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).to.have.property('reportVersion', 1);
  });
});
