/*
 * --api data-cloud, in-process: the use cases against the emulator's Data Cloud over loopback HTTP.
 * - export of thousands of sessions: about (rows ÷ page size) + (batches × a few) requests, and every file holds the
 *   same entries, in the same order, with the same text, as the per-conversation path gives;
 * - a silently capped query is detected and completed;
 * - a conversation Data Cloud doesn't hold is not-in-data-cloud, not exported, fetched again on resume;
 * - an org without Data Cloud, DMOs not there or not visible, a query that times out: named errors, nothing written;
 * - get: the source and its freshness said, the columns in the document, hostile identifiers inert as literals;
 * - doctor's Data Cloud check; the per-conversation guard names this path.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import type { ManifestLine } from '../../src/files/manifest.js';
import { runDoctor } from '../../src/usecases/doctor.js';
import { runExport, type ExportInput, type ExportResult } from '../../src/usecases/export.js';
import { getTranscript, type GetInput } from '../../src/usecases/get.js';
import { PAGE_ROWS } from '../../src/sources/dataCloud/query.js';
import { startEmulator, type DataCloudKnobs, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, CONVERSATIONS, entriesOf, SESSION_RECORDS, SESSIONS } from '../emulator/seed.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';

const QUICK_RETRY = { limit: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 };
const conversationOf = (id: string): string => SESSION_RECORDS.find((r) => r.id18 === id)?.conversationIdentifier as string;
/** The named sessions (short, long with its 2,500 entries and tie groups, pii, hostile, no conversation). */
const NAMED = [SESSIONS.short, SESSIONS.long, SESSIONS.pii, SESSIONS.hostile, SESSIONS.noConversation];

async function manifest(dir: string): Promise<ManifestLine[]> {
  return (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ManifestLine);
}
/** A jsonl file's entries as [identifier, text]: what must match between sources. */
async function entriesIn(dir: string, file: string): Promise<Array<[string, string]>> {
  return (await readFile(join(dir, file), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { identifier: string; text: string })
    .map((e) => [e.identifier, e.text]);
}
const failure = async (promise: Promise<unknown>): Promise<SfError> =>
  promise.then(
    () => {
      throw new Error('expected a named error');
    },
    (e: SfError) => e
  );

describe('--api data-cloud (in-process)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let root: string;
  let n = 0;
  const newDir = (): string => join(root, `out-${++n}`);
  const dc = (knobs: Partial<DataCloudKnobs>): void => emu.set({ dataCloud: knobs });
  const exportTo = (dir: string, extra: Partial<ExportInput> = {}): Promise<ExportResult> =>
    runExport(
      {
        targetOrg: 'datacloud',
        sessionIds: NAMED,
        channels: [],
        outputDir: dir,
        format: 'jsonl',
        concurrency: 4,
        rateLimit: 0,
        maxConversations: 100_000,
        dryRun: false,
        force: false,
        retry: QUICK_RETRY,
        api: 'data-cloud',
        env: { SF_CONVERSATION_API_URL: emu.url },
        ...extra,
      },
      { warn: () => undefined }
    );
  const get = (input: Partial<GetInput>, warnings: string[] = []): ReturnType<typeof getTranscript> =>
    getTranscript({ targetOrg: 'datacloud', api: 'data-cloud', retry: QUICK_RETRY, env: { SF_CONVERSATION_API_URL: emu.url }, ...input }, { warn: (m) => warnings.push(m) });
  const ssot = (): Array<Emulator['requests'][number]> => emu.requests.filter((r) => r.path.includes('/ssot/'));

  before(async () => {
    emu = await startEmulator({ username: 'datacloud@conversation-emulator.example' });
    await authorizeInProcess(emu, 'datacloud');
    root = await mkdtemp(join(realpathSync(tmpdir()), 'data-cloud-'));
  });
  beforeEach(() => {
    dc({});
    emu.clearLog();
    emu.clearFaults();
    emu.dataCloudSqls.length = 0;
  });
  after(async () => {
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('every file holds the same entries, in the same order, with the same text, as the per-conversation path gives (named sessions + 300 bulk)', async () => {
    const sessionIds = [...NAMED, ...BULK_SESSIONS.slice(0, 300)];
    const viaApi = newDir();
    const viaDataCloud = newDir();
    const api = await exportTo(viaApi, { sessionIds, api: 'conversation-data' });
    const cloud = await exportTo(viaDataCloud, { sessionIds });
    expect(cloud).to.include({ source: 'Data Cloud', exported: api.exported, noConversation: 1, failed: 0, partial: 0, notInDataCloud: 0, entries: api.entries });
    const files = (await readdir(viaApi)).filter((f) => f.endsWith('.jsonl') && f !== 'manifest.jsonl');
    expect(files).to.have.length(api.exported);
    expect((await readdir(viaDataCloud)).filter((f) => f.endsWith('.jsonl')).sort()).to.deep.equal((await readdir(viaApi)).filter((f) => f.endsWith('.jsonl')).sort());
    for (const file of files) {
      // eslint-disable-next-line no-await-in-loop
      expect(await entriesIn(viaDataCloud, file), file).to.deep.equal(await entriesIn(viaApi, file));
    }
    const statuses = async (dir: string): Promise<Array<[string, string, number | undefined]>> => (await manifest(dir)).map((l) => [l.sessionId, l.status, l.entryCount]);
    expect(await statuses(viaDataCloud)).to.deep.equal(await statuses(viaApi));
    expect(cloud.newestEntryAt).to.equal(new Date(entriesOf(CONVERSATIONS.hostile).at(-1)?.serverReceivedTimestamp as number).toISOString());
  });

  it(`an export of ${BULK_SESSIONS.length + 4} sessions makes about rows ÷ ${PAGE_ROWS} + batches × a few requests, and no per-conversation request`, async () => {
    const dir = newDir();
    const result = await exportTo(dir, { sessionIds: [...NAMED, ...BULK_SESSIONS] });
    expect(result).to.include({ exported: BULK_SESSIONS.length + 4, failed: 0, partial: 0 });
    const requests = ssot();
    expect(emu.requests.filter((r) => r.path.includes('conversation-entries'))).to.deep.equal([]);
    const batches = emu.dataCloudSqls.length;
    const rowsPages = requests.filter((r) => r.path.endsWith('/rows')).length;
    const statuses = requests.filter((r) => /\/query-sql\/[^/]+$/.test(r.path) && r.method === 'GET').length;
    expect(requests.filter((r) => r.path.endsWith('/metadata'))).to.have.length(1);
    expect(batches, 'one query per batch').to.be.within(2, 4);
    // Rows: one per entry, plus one for the conversation that has none.
    expect(rowsPages).to.be.at.most(Math.ceil(result.entries / PAGE_ROWS) + batches);
    expect(statuses).to.be.at.most(batches * 2);
    expect(result.requests).to.equal(requests.length);
    expect(requests.length).to.be.at.most(Math.ceil(result.entries / PAGE_ROWS) + 1 + batches * 3);
  });

  it('a silently capped query (1,500 rows served of more) is detected and completed by LIMIT/OFFSET queries: the same files as uncapped', async () => {
    const sessionIds = [SESSIONS.long, SESSIONS.short, ...BULK_SESSIONS.slice(0, 400)];
    const uncapped = newDir();
    await exportTo(uncapped, { sessionIds });
    dc({ rowCap: 1500 });
    emu.dataCloudSqls.length = 0;
    const capped = newDir();
    const result = await exportTo(capped, { sessionIds });
    expect(result).to.include({ exported: sessionIds.length, partial: 0, failed: 0 });
    expect(emu.dataCloudSqls.filter((sql) => / LIMIT 1500 OFFSET \d+$/.test(sql)).length).to.be.greaterThan(0);
    for (const file of (await readdir(uncapped)).filter((f) => f.endsWith('.jsonl') && f !== 'manifest.jsonl')) {
      // eslint-disable-next-line no-await-in-loop
      expect(await readFile(join(capped, file), 'utf8'), file).to.equal(await readFile(join(uncapped, file), 'utf8'));
    }
  });

  it('a result that can\'t be completed (no rows resource, and the query never carries rows) is never recorded as complete: failed, fetched again on resume', async () => {
    // The POST never carries rows (the query is still running), and there are no rows pages: nothing can arrive.
    dc({ rowsResource: 'absent', queryMs: 5 });
    const dir = newDir();
    const first = await exportTo(dir, { sessionIds: [SESSIONS.short, SESSIONS.pii] });
    expect(first).to.include({ exported: 0, failed: 2 });
    for (const line of await manifest(dir)) {
      expect(line.status).to.equal('failed');
      expect(line.reason).to.match(/^DataCloudResultShortError: .*counted 14 rows, 0 arrived/);
    }
    dc({});
    const second = await exportTo(dir, { sessionIds: [SESSIONS.short, SESSIONS.pii] });
    expect(second).to.include({ exported: 2, skipped: 0 });
  });

  it('a conversation not in Data Cloud is not-in-data-cloud in the manifest, not counted as exported, and fetched again on resume', async () => {
    dc({ missing: [conversationOf(SESSIONS.short)], withoutEntries: [conversationOf(SESSIONS.pii)] });
    const dir = newDir();
    const first = await exportTo(dir, { sessionIds: [SESSIONS.short, SESSIONS.pii, SESSIONS.long] });
    expect(first).to.include({ exported: 2, notInDataCloud: 1, failed: 0 });
    const lines = await manifest(dir);
    expect(lines.find((l) => l.sessionId === SESSIONS.short)).to.include({ status: 'not-in-data-cloud' });
    expect(lines.find((l) => l.sessionId === SESSIONS.short)?.file).to.equal(undefined);
    expect(lines.find((l) => l.sessionId === SESSIONS.pii)).to.include({ status: 'exported', entryCount: 0 });
    expect((await readdir(dir)).filter((f) => f.startsWith(SESSIONS.short))).to.deep.equal([]);
    dc({});
    emu.dataCloudSqls.length = 0;
    const second = await exportTo(dir, { sessionIds: [SESSIONS.short, SESSIONS.long] });
    expect(second).to.include({ exported: 1, skipped: 1, notInDataCloud: 0 });
    expect(emu.dataCloudSqls.join(' ')).to.include(conversationOf(SESSIONS.short)).and.not.include(conversationOf(SESSIONS.long));
  });

  it('no Data Cloud (the "cdp tenant id" answer): DataCloudNotEnabled (exit 5) for export and get, with its fix, nothing written, no retries', async () => {
    dc({ enabled: 'noTenant' });
    const dir = newDir();
    const error = await failure(exportTo(dir));
    expect(error.name).to.equal('DataCloudNotEnabledError');
    expect(error.exitCode).to.equal(5);
    expect(error.message).to.match(/cdp tenant id/i);
    expect(error.actions?.join(' ')).to.include('--api conversation-data');
    expect(await readdir(dir).catch(() => [])).to.deep.equal([]);
    expect(ssot()).to.have.length(1);
    expect((await failure(get({ sessionId: SESSIONS.short }))).name).to.equal('DataCloudNotEnabledError');
  });

  it('neither DMO: DataCloudDmoNotFound lists what the org has; DMOs refused: DataCloudDmoNotVisible names the data-governance fix', async () => {
    dc({ dmo: 'none' });
    const missing = await failure(get({ sessionId: SESSIONS.short }));
    expect(missing.name).to.equal('DataCloudDmoNotFoundError');
    expect(missing.message).to.include('ssot__ConversationEntry__dlm').and.include('std__ConversationEntryDmo__dlm').and.include('ssot__MessagingSession__dlm').and.not.include('Individual');
    dc({ access: 'denied' });
    const denied = await failure(get({ sessionId: SESSIONS.short }));
    expect(denied.name).to.equal('DataCloudDmoNotVisibleError');
    expect(denied.exitCode).to.equal(5);
    expect(denied.actions?.join(' ')).to.match(/data-governance access to the Conversation and Conversation Entry/);
  });

  it('a query that does not finish in SF_CONVERSATION_QUERY_TIMEOUT: DataCloudQueryTimedOut (exit 6), and the query is cancelled', async () => {
    dc({ queryMs: 600_000 });
    const error = await failure(get({ sessionId: SESSIONS.short, env: { SF_CONVERSATION_QUERY_TIMEOUT: '1' } }));
    expect(error.name).to.equal('DataCloudQueryTimedOutError');
    expect(error.exitCode).to.equal(6);
    const id = /query (\S+) did not finish/.exec(error.message)?.[1];
    expect(ssot().filter((r) => r.method === 'DELETE').map((r) => r.path)).to.deep.equal([`/services/data/v66.0/ssot/query-sql/${id as string}`]);
    const bad = await failure(get({ sessionId: SESSIONS.short, env: { SF_CONVERSATION_QUERY_TIMEOUT: '0' } }));
    expect(bad.name).to.equal('InvalidQueryTimeoutError');
  });

  it('a query Data Cloud rejects: DataCloudQueryFailed with its message, made inert; a server error is retried only where no query started', async () => {
    dc({ rejectQueries: 'Syntax error near \u001b]0;pwned\u0007 at \u202eline 1' });
    const error = await failure(get({ sessionId: SESSIONS.short }));
    expect(error.name).to.equal('DataCloudQueryFailedError');
    expect(error.exitCode).to.equal(6);
    expect(error.message).to.include('HTTP 400').and.include('Syntax error near \\u001b]0;pwned\\u0007 at \\u202eline 1');
    expect([...error.message].filter((c) => (c.codePointAt(0) as number) < 0x20 || c === '\u202e')).to.deep.equal([]);
    dc({});
    emu.clearLog();
    emu.set({ retryAfterSeconds: 0 });
    emu.injectFaults('503', 1, '/ssot/query-sql');
    emu.injectFaults('500', 1, '/ssot/query-sql');
    const failed = await failure(get({ sessionId: SESSIONS.short })).finally(() => emu.set({ retryAfterSeconds: 1 }));
    expect(failed.message).to.match(/HTTP 500/);
    // The 503 refused the query (retried); the 500 may have started it (not retried: no query runs twice).
    expect(ssot().filter((r) => r.method === 'POST').map((r) => r.status)).to.deep.equal([503, 500]);
  });

  it('get: "Data Cloud" in the header, the lag and the newest entry said, the columns in the document; the std__ spelling gives the same transcript', async () => {
    const warnings: string[] = [];
    const got = await get({ sessionId: SESSIONS.short }, warnings);
    expect(got.header.source).to.equal('Data Cloud');
    expect(got.result.columns?.map((c) => c.name)).to.include.members(['conversation_identifier', 'ssot__PayloadText__c', 'ssot__TranscriptedDateTime__c']);
    expect(got.result.columns?.find((c) => c.name === 'ssot__TranscriptedDateTime__c')?.type).to.equal('DATETIME');
    expect(got.result.entries[0]).to.include({ ['conversation_identifier']: CONVERSATIONS.short, ['ssot__PayloadText__c']: 'Hi, I need help with my order' });
    expect(warnings.join('\n')).to.match(/ingests conversation entries on a schedule/).and.match(/newest entry Data Cloud holds for this conversation is from 2025-01-10T11:21:00.137Z/);
    dc({ dmo: 'std' });
    const std = await get({ sessionId: SESSIONS.short, format: 'jsonl' });
    const text = (o: typeof got): string => [...o.lines()].map((l) => JSON.parse(l) as { text: string; identifier: string }).map((e) => `${e.identifier} ${e.text}`).join('\n');
    const ssotText = text(await (async () => { dc({}); return get({ sessionId: SESSIONS.short, format: 'jsonl' }); })());
    expect(text(std)).to.equal(ssotText);
    expect(std.result.columns?.map((c) => c.name)).to.include('std__PayloadText__c');
  });

  it('--redact masks the rows as it masks the API\'s entries: the same shown text, the row\'s keys and ids untouched', async () => {
    const shown = async (api: 'conversation-data' | 'data-cloud'): Promise<string[]> =>
      [...(await get({ sessionId: SESSIONS.pii, api, redact: true, format: 'jsonl' })).lines()].map((l) => (JSON.parse(l) as { text: string }).text);
    const api = await shown('conversation-data');
    expect(api.join(' ')).to.include('[email]').and.include('[card]');
    expect(await shown('data-cloud')).to.deep.equal(api);
    const raw = (await get({ sessionId: SESSIONS.pii, redact: true })).result.entries[0];
    expect(raw['ssot__PayloadText__c']).to.include('[email]');
    expect(raw['conversation_identifier']).to.equal(CONVERSATIONS.pii);
    expect(raw['ssot__ExternalRecordId__c']).to.equal(entriesOf(CONVERSATIONS.pii)[0].identifier);
  });

  it('hostile identifiers go in as literals (the org\'s hostile conversation is found; a quote finds nothing, not everything); a backslash is refused before any query', async () => {
    const hostile = await get({ sessionId: SESSIONS.hostile, format: 'jsonl' });
    expect(hostile.header.entryCount).to.equal(entriesOf(CONVERSATIONS.hostile).length);
    const injected = await failure(get({ conversationId: "x'OR'1'='1')--" }));
    expect(injected.name).to.equal('NotInDataCloudError');
    expect(injected.exitCode).to.equal(4);
    expect(emu.dataCloudSqls.at(-1)).to.include("IN ('x''OR''1''=''1'')--')");
    const posted = emu.dataCloudSqls.length;
    const slash = await failure(get({ conversationId: 'abc\\' }));
    expect(slash.name).to.equal('DataCloudUnusableIdentifierError');
    expect(emu.dataCloudSqls).to.have.length(posted);
  });

  it('the per-conversation guard and warning name --api data-cloud; the Data Cloud path has neither', async () => {
    const stop = await failure(exportTo(newDir(), { api: 'conversation-data', sessionIds: BULK_SESSIONS.slice(0, 5), maxConversations: 2 }));
    expect(stop.name).to.equal('TooManyConversationsError');
    expect(stop.actions?.join(' ')).to.include('--api data-cloud');
    const warnings: string[] = [];
    const many = BULK_SESSIONS.slice(0, 60);
    await runExport({ targetOrg: 'datacloud', sessionIds: many, channels: [], outputDir: newDir(), format: 'jsonl', concurrency: 4, rateLimit: 0, maxConversations: 200, dryRun: true, force: false }, { warn: (m) => warnings.push(m) });
    expect(warnings.join('\n')).to.match(/marked active.*--api data-cloud/s);
    warnings.length = 0;
    const result = await runExport({ targetOrg: 'datacloud', sessionIds: many, channels: [], outputDir: newDir(), format: 'jsonl', concurrency: 4, rateLimit: 0, maxConversations: 2, dryRun: false, force: false, api: 'data-cloud' }, { warn: (m) => warnings.push(m) });
    expect(result.exported).to.equal(60);
    expect(warnings.join('\n')).to.not.match(/marked active/);
  });

  it('doctor: Data Cloud passes (the DMOs named), is skipped when not enabled, and warns when the DMOs are refused', async () => {
    const check = async (): Promise<{ status: string; detail: string }> => {
      const { checks } = await runDoctor({ targetOrg: 'datacloud', env: { SF_CONVERSATION_API_URL: emu.url } });
      return checks.find((c) => c.name === 'Data Cloud') as { status: string; detail: string };
    };
    expect(await check()).to.deep.include({ status: 'pass' });
    expect((await check()).detail).to.include('ssot__ConversationEntry__dlm');
    dc({ enabled: 'noTenant' });
    expect((await check()).status).to.equal('skip');
    dc({ access: 'denied' });
    const denied = await check();
    expect(denied.status).to.equal('warn');
    expect(denied.detail).to.include('ssot__ConversationEntry__dlm');
  });
});
