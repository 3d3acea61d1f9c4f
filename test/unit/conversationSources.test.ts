/*
 * The pure parts of reading every kind of conversation: --api auto's decision, the ConversationEntry record shape and
 * its order, the inputs (--voice-call-id, --case) checked before any request, and the contract report's descriptions,
 * which must never carry a value.
 */
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { checkCase, checkVoiceCallId, soqlString, to18 } from '../../src/input/ids.js';
import { checkSelection } from '../../src/input/selection.js';
import { decide, type AutoContext } from '../../src/sources/auto.js';
import { autoContext } from '../../src/sources/open.js';
import { type OpenInput } from '../../src/sources/opened.js';
import { describeExchange, pathTemplate, safeKey, timeUnit } from '../../src/sources/contract.js';
import { entriesQuery } from '../../src/sources/conversationEntry.js';
import { normalizeEntry } from '../../src/transcript/normalize.js';
import { orderEntries } from '../../src/transcript/order.js';
import { entryTime } from '../../src/sources/conversationEntryTime.js';
import { mulberry32 } from '../emulator/prng.js';

const SESSION = to18('0Mw5g00000AbCdE');
const CALL = to18('0LQ5g00000AbCdE');
const jwt: AutoContext['orgToken'] = { description: 'a JWT (scopes: sfap_api)', ok: true };
const opaque: AutoContext['orgToken'] = { description: 'an opaque session token', ok: false };

describe('--api auto: one decision per conversation', () => {
  const auto = (orgToken = jwt, clientCredentials = false): AutoContext => ({ api: 'auto', clientCredentials, orgToken });

  it('a session or call without a Conversation: its ConversationEntry records, whatever the token', () => {
    for (const context of [auto(), auto(opaque), auto(opaque, true)]) {
      for (const recordId of [SESSION, CALL]) {
        expect(decide({ recordId, conversationIdentifier: null }, context)).to.deep.equal({ source: 'conversation-entry', reason: 'noConversation' });
      }
    }
  });

  it('with a Conversation: the Conversation Data API for a JWT with sfap_api or --client-id, else Connect; the records are the fallback', () => {
    const ref = { recordId: SESSION, conversationIdentifier: 'c-1' };
    expect(decide(ref, auto())).to.deep.equal({ source: 'conversation-data', reason: 'sfapToken', fallback: 'conversation-entry' });
    expect(decide(ref, auto(opaque, true))).to.deep.equal({ source: 'conversation-data', reason: 'clientCredentials', fallback: 'conversation-entry' });
    expect(decide(ref, auto(opaque))).to.deep.equal({ source: 'connect', reason: 'tokenNotAccepted', fallback: 'conversation-entry' });
    // A bare conversation identifier names no record: no fallback.
    expect(decide({ recordId: null, conversationIdentifier: 'c-1' }, auto(opaque))).to.deep.equal({ source: 'connect', reason: 'tokenNotAccepted' });
  });

  it("the org's token is classified locally: a JWT with sfap_api works (expired too: it is refreshed); opaque or without sfap_api doesn't", () => {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwtOf = (scope: string, exp: number): string => `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ scp: scope, exp })}.sig`;
    const contextFor = (accessToken: string, clientSecret?: string): AutoContext =>
      autoContext({ api: undefined, clientId: clientSecret ? 'key' : undefined, settings: { clientSecret } as OpenInput['settings'], conn: { accessToken } as OpenInput['conn'] });
    const later = Math.floor(Date.now() / 1000) + 3600;
    expect(contextFor(jwtOf('api sfap_api', later)).orgToken.ok).to.equal(true);
    expect(contextFor(jwtOf('sfap_api', 1000)).orgToken.ok).to.equal(true);
    expect(contextFor(jwtOf('api refresh_token', later)).orgToken.ok).to.equal(false);
    expect(contextFor('00D5g000004AbCdE!AQ0AQ.opaque').orgToken).to.deep.equal({ description: 'an opaque session token', ok: false });
    expect(contextFor('00D5g000004AbCdE!AQ0AQ.opaque', 'secret')).to.include({ api: 'auto', clientCredentials: true });
  });

  it('an explicit --api forces its source, with no fallback', () => {
    for (const api of ['conversation-data', 'connect', 'conversation-entry'] as const) {
      for (const conversationIdentifier of ['c-1', null]) {
        expect(decide({ recordId: SESSION, conversationIdentifier }, { api, clientCredentials: false, orgToken: opaque })).to.deep.equal({ source: api, reason: 'forced' });
      }
    }
  });
});

describe('ConversationEntry records: shape and order', () => {
  const record = (seq: number, at: string, ms: number | null, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    attributes: { type: 'ConversationEntry' },
    Seq: seq,
    EntryTime: at,
    EntryTimeMilliSecs: ms,
    ActorType: 'EndUser',
    EntryType: 'Text',
    Message: `m${seq}`,
    ...extra,
  });

  it('the time is EntryTime (whole seconds) plus EntryTimeMilliSecs; else the server-received time', () => {
    expect(entryTime(record(1, '2025-02-03T09:00:01.000+0000', 250))).to.equal(Date.UTC(2025, 1, 3, 9, 0, 1, 250));
    expect(entryTime(record(1, '2025-02-03T09:00:01.000Z', null))).to.equal(Date.UTC(2025, 1, 3, 9, 0, 1));
    expect(entryTime({ ServerReceivedTimestamp: '2025-02-03T09:00:01.777+0000' })).to.equal(Date.UTC(2025, 1, 3, 9, 0, 1, 777));
    expect(entryTime({ EntryTime: 'soon' })).to.equal(undefined);
  });

  it('orders by time, then Seq within the same millisecond, whatever order the records came in (generated)', () => {
    const next = mulberry32(7);
    for (let round = 0; round < 50; round++) {
      const records = Array.from({ length: 20 }, (_, i) => record(i + 1, `2025-02-03T09:00:0${Math.floor(i / 5)}.000+0000`, (i % 5 < 3 ? 0 : 500) + 0));
      const shuffled = [...records].sort(() => next() - 0.5);
      const seqs = orderEntries(shuffled).map((r) => r.Seq as number);
      const times = orderEntries(shuffled).map((r) => entryTime(r) as number);
      expect([...times].sort((a, b) => a - b)).to.deep.equal(times);
      for (let i = 1; i < seqs.length; i++) if (times[i] === times[i - 1]) expect(seqs[i]).to.be.greaterThan(seqs[i - 1]);
    }
  });

  it('normalises: sender, name, one spelling of the type, decoded text; events, attachments and blank text say what they are', () => {
    const e = normalizeEntry(record(3, '2025-02-03T09:00:01.000+0000', 5, { ActorType: 'Bot', ActorName: 'Order Helper', ActorId: '0Xx', Message: 'I&#39;m here &amp; ready' }));
    expect(e).to.include({ senderRole: 'Chatbot', senderName: 'Order Helper', senderSubject: '0Xx', entryType: 'Text', text: "I'm here & ready" });
    expect(normalizeEntry(record(4, '2025-02-03T09:00:01.000+0000', 5, { EntryType: 'BotEscalated', Message: null })).text).to.equal('[Bot escalated to an agent]');
    expect(normalizeEntry(record(5, '2025-02-03T09:00:01.000+0000', 5, { Message: null, HasAttachments: true })).text).to.equal('[attachment]');
    expect(normalizeEntry(record(6, '2025-02-03T09:00:01.000+0000', 5, { Message: '  ' })).text).to.match(/^\[no message text/);
    // Without attributes (a tool stripped them), the fields still say what it is.
    const { attributes, ...bare } = record(7, '2025-02-03T09:00:01.000+0000', 5);
    expect(attributes).to.deep.equal({ type: 'ConversationEntry' });
    expect(normalizeEntry(bare).text).to.equal('m7');
  });

  it('the query: the validated record Id, Seq order, a LIMIT for --limit, the window on EntryTime', () => {
    expect(entriesQuery(SESSION)).to.match(new RegExp(`^SELECT Id, ConversationId, Seq, .* FROM ConversationEntry WHERE ConversationId = '${SESSION}' ORDER BY Seq$`));
    expect(entriesQuery(SESSION, { limit: 5 })).to.match(/ORDER BY Seq LIMIT 5$/);
    expect(entriesQuery(SESSION, { start: Date.UTC(2025, 1, 3, 9, 0, 1, 250), end: Date.UTC(2025, 1, 3, 9, 0, 2, 750) })).to.include(
      'EntryTime >= 2025-02-03T09:00:01Z AND EntryTime <= 2025-02-03T09:00:02Z'
    );
  });
});

describe('inputs: --voice-call-id and --case, before any request', () => {
  const refused = (fn: () => unknown): SfError => {
    try {
      fn();
    } catch (error) {
      return error as SfError;
    }
    throw new Error('accepted');
  };

  it('a VoiceCall Id: 15 or 18 characters, 0LQ, a valid checksum; generated bad ones are refused with exit 2, naming the value', () => {
    expect(checkVoiceCallId(CALL.slice(0, 15))).to.equal(CALL);
    expect(checkVoiceCallId(CALL)).to.equal(CALL);
    const next = mulberry32(99);
    const bad = [SESSION, '', CALL.slice(0, 14), `${CALL}A`, CALL.toLowerCase(), "0LQ5g00000AbC'E", `${CALL.slice(0, 17)}${CALL[17] === 'A' ? 'B' : 'A'}`];
    for (let i = 0; i < 40; i++) {
      const chars = [...CALL];
      chars[3 + Math.floor(next() * 12)] = '!#$ %&é\u0007'[Math.floor(next() * 8)];
      bad.push(chars.join(''));
    }
    for (const value of bad) {
      const error = refused(() => checkVoiceCallId(value));
      expect(error.name, value).to.equal('InvalidVoiceCallIdError');
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.include('--voice-call-id');
    }
  });

  it('a Case Id is an Id; anything else short and printable is a CaseNumber, never put in an Id comparison', () => {
    const caseId = to18('5005g00000CsFul');
    expect(checkCase(caseId.slice(0, 15))).to.deep.equal({ caseId });
    expect(checkCase(' 00012345 ')).to.deep.equal({ caseNumber: '00012345' });
    // An Id with a wrong checksum is not an Id: it may only be compared with CaseNumber.
    expect(checkCase(`${caseId.slice(0, 15)}zzz`)).to.deep.equal({ caseNumber: `${caseId.slice(0, 15)}zzz` });
    expect(checkCase("CS-0001'; DROP")).to.deep.equal({ caseNumber: "CS-0001'; DROP" });
    expect(soqlString("CS-0001'; \\DROP")).to.equal("'CS-0001\\'; \\\\DROP'");
    for (const value of ['', '  ', 'x'.repeat(31), 'a\u0000b', 'a\nb', '\u202e1']) {
      expect(refused(() => checkCase(value)).name, JSON.stringify(value)).to.equal('InvalidCaseError');
    }
    expect(refused(() => checkCase(SESSION)).name).to.equal('CaseIsOtherRecordError');
  });

  it('export: calls and cases add up with Ids; the MessagingSession filters refuse them', async () => {
    const selection = await checkSelection({ sessionIds: [SESSION], channels: [], voiceCallIds: [CALL, CALL.slice(0, 15)], cases: ['00012345', '00012345', to18('5005g00000CsFul')] });
    expect(selection.voiceCallIds).to.deep.equal([CALL]);
    expect(selection.cases).to.deep.equal([{ caseNumber: '00012345' }, { caseId: to18('5005g00000CsFul') }]);
    const error = await checkSelection({ sessionIds: [], channels: ['Text'], cases: ['00012345'] }).then(
      () => undefined,
      (e: SfError) => e
    );
    expect([error?.name, error?.exitCode]).to.deep.equal(['FiltersWithRecordsError', 2]);
    const none = await checkSelection({ sessionIds: [], channels: [], voiceCallIds: [], cases: [] }).then(
      () => undefined,
      (e: SfError) => e
    );
    expect(none?.name).to.equal('NoSelectorError');
  });
});

describe('the contract report: shapes, never values', () => {
  const url = new URL('https://api.salesforce.com/platform/engagement/v1.0/conversation-entries?conversationIdentifier=9b2f6c1e-3d4a-4f0e-9a7b-2c1d0e5f6a7b&recordLimit=10&queryDirection=FromStart&startTimestamp=1736508000000&pageToken=abc');

  it('keeps field names, drops anything that could be a value', () => {
    expect(safeKey('abstractMessage')).to.equal('abstractMessage');
    expect(safeKey('clientTimestamp')).to.equal('clientTimestamp');
    for (const key of ['jane.doe@example.com', '+44 20 7946 0958', SESSION, SESSION.slice(0, 15), '9b2f6c1e-3d4a-4f0e-9a7b-2c1d0e5f6a7b', 'María', 'a b', 'x'.repeat(65)]) {
      expect(safeKey(key), key).to.equal('(key)');
    }
    expect(pathTemplate(new URL(`https://x.my.salesforce.com/services/data/v62.0/connect/conversation/${'9b2f6c1e-3d4a'}/entries`))).to.equal(
      '/services/data/v62.0/connect/conversation/{id}/entries'
    );
  });

  it('timestamp units: epoch ms or seconds by size, ISO-8601, strings of digits', () => {
    expect([1_736_508_000_000, 1_736_508_000, '1736508000000', '1736508000', '2025-02-03T09:00:00.000+0000', 'soon'].map(timeUnit)).to.deep.equal([
      'epoch-ms', 'epoch-s', 'epoch-ms-string', 'epoch-s-string', 'iso-8601', 'other',
    ]);
  });

  it('describes a page of entries: envelope, paging fields, order, counts, units and field types, and none of its values (generated)', () => {
    const next = mulberry32(2026);
    for (let round = 0; round < 30; round++) {
      const secrets: string[] = [];
      const secret = (prefix: string): string => {
        const value = `${prefix}${Math.floor(next() * 1e12).toString(36)}Zq`;
        secrets.push(value);
        return value;
      };
      const start = 1_736_508_000_000 + Math.floor(next() * 1e9);
      const entries = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) => ({
        identifier: secret('id'),
        entryType: 'Message',
        messageText: secret('text '),
        sender: { role: 'EndUser', subject: secret('subject'), name: secret('Name ') },
        entryPayload: JSON.stringify({ abstractMessage: { staticContent: { text: secret('payload ') } }, [`${secret('k')}@example.com`]: 1 }),
        serverReceivedTimestamp: start + i * 1000,
        relatedRecords: [SESSION],
      }));
      const body = { conversationEntries: round % 2 ? [...entries].reverse() : entries, nextPageToken: secret('token') };
      const record = describeExchange({ source: 'conversation-data', method: 'GET', url, status: 200, body, limitAsked: 10 });
      const text = JSON.stringify(record);
      for (const value of [...secrets, SESSION, String(start), '9b2f6c1e', '1736508000000', 'abc']) expect(text, value).not.to.include(value);
      expect(record.parameters).to.deep.equal({ conversationIdentifier: '(sent)', recordLimit: 10, queryDirection: 'FromStart', startTimestamp: '(sent)', pageToken: '(sent)' });
      expect(record).to.include({ host: 'api.salesforce.com', status: 200, entries: entries.length, limitAsked: 10, entriesKey: 'conversationEntries' });
      expect(record.envelopeKeys).to.deep.equal(['conversationEntries', 'nextPageToken']);
      expect(record.pagingFields).to.deep.equal({ nextPageToken: 'string' });
      if (entries.length > 1) expect(record.order).to.equal(round % 2 ? 'newest-first' : 'oldest-first');
      expect(record.timestampUnits).to.deep.equal({ serverReceivedTimestamp: ['epoch-ms'] });
      expect(record.fields['entryPayload']).to.deep.equal(['string(json)']);
      expect(record.fields['entryPayload(json).abstractMessage.staticContent.text']).to.deep.equal(['string']);
      expect(record.fields['entryPayload(json).(key)']).to.deep.equal(['number']);
      expect(record.fields['relatedRecords[]']).to.deep.equal(['string']);
    }
  });

  it('an error answer: its keys and an upper-case code, never its message', () => {
    const record = describeExchange({
      source: 'connect',
      method: 'GET',
      url: new URL('https://acme-secret.my.salesforce.com/services/data/v62.0/connect/conversation/abc-123/entries'),
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'Conversation abc-123 of Jane Doe not found' }],
    });
    const text = JSON.stringify(record);
    for (const value of ['acme-secret', 'abc-123', 'Jane', 'not found']) expect(text).not.to.include(value);
    expect(record).to.include({ status: 404, errorCode: 'NOT_FOUND', host: "(the org's instance)", entries: 0 });
    expect(record.envelopeKeys).to.deep.equal(['errorCode', 'message']);
  });
});
