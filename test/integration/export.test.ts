/*
 * `sf conversation entries export` end to end, in-process (helpers/command.ts): the command class run as sf runs it,
 * a real sf auth file in the test process's home, temp output directories, and the local org emulator over loopback
 * HTTP; assertions on files, the manifest, exit codes and the emulator's request log. A run killed with SIGKILL and
 * resumed is tested with real processes in test/reliability/interruptions.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ManifestLine } from '../../src/files/manifest.js';
import type { ExportResult } from '../../src/usecases/export.js';
import { startEmulator, type Emulator, type LoggedRequest } from '../emulator/server.js';
import { BULK_SESSIONS, CONVERSATIONS, entriesOf, SESSION_RECORDS, SESSIONS } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { QUICK_RETRY, runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';
const EXPORT = ['conversation', 'entries', 'export'];
const EXT = { json: 'json', jsonl: 'jsonl', csv: 'csv', markdown: 'md' } as const;
type Format = keyof typeof EXT;

/** The --json result, as the command declares it. */
type ExportJson = ExportResult;

type BadCase = { args: string[]; names?: string; input?: string; env?: NodeJS.ProcessEnv; noDir?: boolean };
type BadResult = { c: BadCase; r: CliResult; dir?: string };

/** A MessagingSession query (by ids or filters) or one of its queryMore pages. */
const isSessionQuery = (r: LoggedRequest): boolean =>
  (/\/services\/data\/v[\d.]+\/query\/?$/.test(r.path) && /FROM\s+MessagingSession/i.test(r.query.q ?? '')) || /\/services\/data\/v[\d.]+\/query\/[^/]+$/.test(r.path);
const isEntries = (r: LoggedRequest): boolean => r.path === ENTRIES_PATH;
/** A ConversationEntry query: how --api auto reads a session without a Conversation. */
const isEntryQuery = (r: LoggedRequest): boolean => /\/services\/data\/v[\d.]+\/query\/?$/.test(r.path) && /FROM\s+ConversationEntry/i.test(r.query.q ?? '');
/** What @salesforce/core may send on its own (token refresh, version list, org/user look-ups); excluded from counts. */
const isCore = (r: LoggedRequest): boolean =>
  r.path === '/services/oauth2/token' ||
  /^\/services\/data\/?$/.test(r.path) ||
  /^\/services\/data\/v[\d.]+\/?$/.test(r.path) ||
  /^\/services\/data\/v[\d.]+\/sobjects\//.test(r.path) ||
  /FROM\s+(Organization|User|ScratchOrgInfo)\b/i.test(r.query.q ?? '');

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const ids15 = (id: string): string => id.slice(0, 15);
const sessionRecord = (id: string): (typeof SESSION_RECORDS)[number] => SESSION_RECORDS.find((s) => s.id18 === id) as (typeof SESSION_RECORDS)[number];
const conversationOf = (id: string): string => sessionRecord(id).conversationIdentifier as string;
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The manifest's lines, parsed. */
async function manifest(dir: string): Promise<ManifestLine[]> {
  const text = await readFile(join(dir, 'manifest.jsonl'), 'utf8');
  expect(text === '' || text.endsWith('\n'), 'manifest ends with a newline').to.equal(true);
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ManifestLine);
}

/** Manifest lines without the timing fields (`at`, `durationMs`), which are the only ones allowed to differ between runs. */
const untimed = (lines: ManifestLine[]): Array<Omit<ManifestLine, 'at' | 'durationMs'>> =>
  lines.map(({ at, durationMs, ...rest }) => {
    expect(Number.isNaN(Date.parse(at)), `at ${at}`).to.equal(false);
    expect(durationMs).to.be.a('number').and.at.least(0);
    return rest;
  });

type FileInfo = { sha: string; mode: number; ino: number; size: number };

/** Every file in the directory (dot-files included): checksum, permission bits, inode. */
async function snapshot(dir: string): Promise<Map<string, FileInfo>> {
  const out = new Map<string, FileInfo>();
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    // eslint-disable-next-line no-await-in-loop
    const [content, info] = await Promise.all([readFile(path), stat(path)]);
    out.set(name, { sha: sha256(content), mode: info.mode & 0o777, ino: info.ino, size: info.size });
  }
  return out;
}

/** Runs `items` through `fn`, at most `limit` at a time, keeping their order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      // eslint-disable-next-line no-await-in-loop
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

describe('conversation entries export (integration)', function () {
  this.timeout(180_000);
  let emu: Emulator;
  let root: string;
  let dirCount = 0;
  const outputs: CliResult[] = [];
  const tokensSeen = new Set<string>();
  // The bad-input runs have their own emulator and org, so its request log is theirs alone.
  let badEmu: Emulator | undefined;
  let badRuns: Promise<BadResult[]> | undefined;
  /** Observations printed at the end (not failures): stale temp files after a kill, refreshes after a revocation. */
  const refreshCounts: Array<{ refreshes: number; unauthorised: number }> = [];

  /** A fresh output directory path that does not exist yet. */
  const newDir = (): string => join(root, `out-${++dirCount}`);

  /** A command run in-process against `emu` (its entries API too), retries without real backoff. */
  const run = async (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; json?: boolean; command?: string[] } = {}): Promise<CliResult> => {
    tokensSeen.add(emu.accessToken);
    const argv = [...(options.command ?? EXPORT), '-o', 'emu', ...args, ...(options.json === false ? [] : ['--json'])];
    const result = await runCommand(argv, { env: { SF_CONVERSATION_API_URL: emu.url, ...options.env }, input: options.input, retry: QUICK_RETRY });
    tokensSeen.add(emu.accessToken);
    outputs.push(result);
    return result;
  };
  const resultOf = (r: CliResult): ExportJson => r.json?.result as ExportJson;
  const ok = (r: CliResult, code = 0): ExportJson => {
    expect(r.code, `exit code; stdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`).to.equal(code);
    expect(r.json?.status).to.equal(code);
    return resultOf(r);
  };

  const soql = (): LoggedRequest[] => emu.requests.filter(isSessionQuery);
  const entriesRequests = (): LoggedRequest[] => emu.requests.filter(isEntries);
  const entriesFor = (conversationIdentifier: string): LoggedRequest[] =>
    entriesRequests().filter((r) => r.query.conversationIdentifier === conversationIdentifier);
  /** Nothing but session queries, entries requests and core's own housekeeping reached the emulator. */
  const expectNoStrayRequests = (): void => {
    const stray = emu.requests.filter((r) => !isSessionQuery(r) && !isEntries(r) && !isEntryQuery(r) && !isCore(r));
    expect(stray.map((r) => `${r.method} ${r.path}`), 'unexpected requests').to.deep.equal([]);
  };
  /** The ids of an IN (...) session query, as sent. */
  const idsInQuery = (r: LoggedRequest): string[] => [.../Id IN \(([^)]*)\)/.exec(r.query.q ?? '')?.[1].matchAll(/'([^']*)'/g) ?? []].map((m) => m[1]);

  /** One file per exported session, in the manifest order; files and manifest agree. */
  const expectFilesMatchManifest = async (dir: string, lines: ManifestLine[], format: Format = 'json'): Promise<void> => {
    const names = (await readdir(dir)).sort();
    const exported = lines.filter((l) => l.status === 'exported');
    expect(names).to.deep.equal([...exported.map((l) => `${l.sessionId}.${EXT[format]}`), 'manifest.jsonl'].sort());
    for (const line of exported) {
      const path = join(dir, line.file as string);
      // eslint-disable-next-line no-await-in-loop
      const [content, info] = await Promise.all([readFile(path), stat(path)]);
      expect(line.file).to.equal(`${line.sessionId}.${EXT[format]}`);
      expect(line.sha256, line.sessionId).to.equal(sha256(content));
      expect(info.mode & 0o777, `${line.file} mode`).to.equal(0o600);
      if (format === 'json') {
        const parsed = JSON.parse(content.toString('utf8')) as { entryCount: number; entries: unknown[] };
        expect(parsed.entryCount).to.equal(line.entryCount);
        expect(parsed.entries).to.deep.equal(entriesOf(line.conversationIdentifier as string));
      }
    }
    expect((await stat(join(dir, 'manifest.jsonl'))).mode & 0o777, 'manifest mode').to.equal(0o600);
    // The manifest is sorted by Id, one line per session.
    const order = lines.map((l) => l.sessionId);
    expect(order).to.deep.equal([...order].sort(byId));
    expect(new Set(order).size).to.equal(order.length);
  };

  /** Every bad value, each in its own run against `api` (authorised as 'bad'); see the bad-input test. */
  const runBadInput = async (api: Emulator): Promise<BadResult[]> => {
    const checksumTwin = (id: string): string => id.slice(0, 15) + (id[15] === 'A' ? 'B' : 'A') + id.slice(16);
    const files = {
      badLine: join(root, 'bad-line.txt'),
      malformedCsv: join(root, 'malformed.csv'),
      noIdColumn: join(root, 'no-id.csv'),
      badCsvId: join(root, 'bad-id.csv'),
      missing: join(root, 'does-not-exist.txt'),
    };
    await writeFile(files.badLine, `${SESSIONS.short}\n${SESSIONS.pii}\n0Mw5g00000AbC'E\n`);
    await writeFile(files.malformedCsv, `Id,Name\n"${SESSIONS.short},unterminated\n${SESSIONS.pii},x\n`);
    await writeFile(files.noIdColumn, `SessionId,Name\n${SESSIONS.short},a\n`);
    await writeFile(files.badCsvId, `Name,Id\na,${SESSIONS.short}\nb,${SESSIONS.short.slice(0, 16)}\n`);
    const s = (value: string): BadCase => ({ args: ['-s', value], names: value });
    const cases: BadCase[] = [
      s("0Mw5g00000AbC'E"), // a quote
      s("0Mw5g00000AbCdE') OR Id != ('"), // a SOQL fragment
      s('0Mw5g00000AbCdé'), // unicode, 15 characters
      s('0Mw5g00000AbCd'), // 14
      s('0Mw5g00000AbCdEC'), // 16
      s(`001${SESSIONS.short.slice(3)}`), // another object's key prefix
      s(checksumTwin(SESSIONS.short)), // 18 characters, wrong case-safe suffix
      { args: ['-s', SESSIONS.short, '-s', '0Mw5g00000AbC%E'], names: '0Mw5g00000AbC%E' }, // a bad one after a good one
      { args: ['--since', 'yesterday'], names: 'yesterday' },
      { args: ['--since', '2025-02-30'], names: '2025-02-30' },
      { args: ['--until', '2025-01-10T25:00:00Z'], names: '2025-01-10T25:00:00Z' },
      { args: ['--since', '7y'], names: '7y' },
      { args: ['--until', "2025-01-10' OR Id != null"], names: "2025-01-10' OR Id != null" },
      { args: ['--since', '2025-01-11', '--until', '2025-01-10'], names: '2025-01-11' },
      { args: ['--channel', 'Pigeon'], names: 'Pigeon' },
      { args: ['--channel', "Text') OR (Id != null"], names: "Text') OR (Id != null" },
      { args: ['--where', ''] },
      { args: ['--where', "Status = 'Ended'; DELETE FROM MessagingSession"], names: 'DELETE FROM MessagingSession' },
      { args: ['--where', "Status = 'Ended'\nOR Id != null"], names: 'Status' },
      { args: ['--session-file', files.missing], names: files.missing },
      { args: ['--session-file', files.badLine], names: `${files.badLine}:3` },
      { args: ['--session-file', files.malformedCsv], names: files.malformedCsv },
      { args: ['--session-file', files.noIdColumn], names: files.noIdColumn },
      { args: ['--session-file', files.badCsvId], names: `${files.badCsvId}:3` },
      { args: ['--session-file', '-'], input: 'not-an-id\n', names: 'not-an-id' },
      { args: ['-s', SESSIONS.short, '--concurrency', '17'], names: '17' },
      { args: ['-s', SESSIONS.short, '--rate-limit=-1'], names: '-1' },
      { args: ['-s', SESSIONS.short, '-r', 'xml'], names: 'xml' },
      { args: ['-s', SESSIONS.short], env: { SF_CONVERSATION_HTTP_TIMEOUT: 'soon' }, names: 'soon' },
      { args: [] }, // no selector
      { args: ['-s', SESSIONS.short], noDir: true }, // no --output-dir
    ];
    return mapLimit(cases, 1, async (c) => {
      const dir = c.noDir ? undefined : newDir();
      const argv = [...EXPORT, '-o', 'bad', ...(dir ? ['-d', dir] : []), ...c.args, '--json'];
      const r = await runCommand(argv, { env: { SF_CONVERSATION_API_URL: api.url, ...c.env }, input: c.input });
      outputs.push(r);
      return { c, r, dir };
    });
  };
  /** The bad-input runs, made once (by whichever of their tests comes first). */
  const badResults = (): Promise<BadResult[]> => (badRuns ??= runBadInput(badEmu as Emulator));

  before(async () => {
    root = await mkdtemp(join(realpathSync(tmpdir()), 'export-test-'));
    // Retry-After: 0, so a 429 or 503 is retried at once: the tests count retries, not seconds.
    emu = await startEmulator({ username: 'export@conversation-emulator.example', retryAfterSeconds: 0 });
    await authorizeInProcess(emu, 'emu', { refreshable: true });
    badEmu = await startEmulator({ username: 'export-bad@conversation-emulator.example' });
    await authorizeInProcess(badEmu, 'bad', { refreshable: true });
    badEmu.clearLog();
  });
  beforeEach(() => {
    emu.set({ latencyMs: 0, faultRate: 0, stallMs: 60_000, paging: 'window', tokenPolicy: 'sfap-jwt' });
    emu.clearFaults();
    emu.setSoqlFault(undefined);
    emu.clearLog();
  });
  after(async () => {
    // eslint-disable-next-line no-console
    if (process.env.EXPORT_TEST_NOTES) console.log(JSON.stringify({ refreshCounts }));
    await badRuns?.catch(() => undefined);
    await Promise.all([emu?.stop(), badEmu?.stop()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  describe('selection', () => {
    it('--session-id: 15- and 18-char ids (duplicates folded) → one IN query, one file per conversation, no-conversation listed', async () => {
      const dir = newDir();
      const r = await run(['-d', dir, '-s', ids15(SESSIONS.short), '-s', SESSIONS.short, '-s', SESSIONS.long, '-s', ids15(SESSIONS.pii), '-s', SESSIONS.noConversation]);
      const result = ok(r);
      expect(r.json?.warnings ?? []).to.deep.equal([]);
      // 5 entries requests, and 1 ConversationEntry query for the session without a Conversation (--api auto).
      expect(result).to.include({ selected: 4, exported: 3, skipped: 0, noConversation: 1, failed: 0, requests: 6, retries: 0 });
      const lines = await manifest(dir);
      expect(untimed(lines)).to.deep.equal(
        [SESSIONS.short, SESSIONS.long, SESSIONS.pii, SESSIONS.noConversation].sort(byId).map((id) =>
          id === SESSIONS.noConversation
            ? { sessionId: id, conversationIdentifier: null, status: 'no-conversation', source: 'conversation-entry' }
            : {
                sessionId: id,
                conversationIdentifier: conversationOf(id),
                status: 'exported',
                source: 'conversation-data',
                entryCount: entriesOf(conversationOf(id)).length,
                file: `${id}.json`,
                sha256: lines.find((l) => l.sessionId === id)?.sha256,
              }
        )
      );
      await expectFilesMatchManifest(dir, lines);
      // One SOQL query with the 18-char ids; 1 + 3 (long: 2,500 entries) + 1 entries requests; nothing else.
      expect(soql()).to.have.length(1);
      expect(idsInQuery(soql()[0]).sort()).to.deep.equal([SESSIONS.short, SESSIONS.long, SESSIONS.pii, SESSIONS.noConversation].sort());
      // By ids alone: no filter and no order (StartTime and ChannelType are selected, for index.html, not filtered on).
      expect(soql()[0].query.q).not.to.match(/ORDER BY|WHERE.*(StartTime|ChannelType)/);
      expect(entriesRequests()).to.have.length(5);
      expect(entriesFor(CONVERSATIONS.long)).to.have.length(3);
      expectNoStrayRequests();
    });

    it('--session-file: plain lines (15/18-char, CRLF, blank lines, # comments)', async () => {
      const dir = newDir();
      const file = join(root, 'ids.txt');
      await writeFile(file, `# sessions to export\r\n${ids15(SESSIONS.short)}\r\n\r\n${SESSIONS.pii}\r\n  ${SESSIONS.noConversation}  \r\n`);
      const result = ok(await run(['-d', dir, '--session-file', file]));
      expect(result).to.include({ selected: 3, exported: 2, noConversation: 1 });
      expect((await manifest(dir)).map((l) => l.sessionId)).to.deep.equal([SESSIONS.short, SESSIONS.noConversation, SESSIONS.pii].sort(byId));
      expect(soql()).to.have.length(1);
      expect(entriesRequests()).to.have.length(2);
    });

    it('--session-file: a CSV with an Id column (BOM, quoted fields, other columns)', async () => {
      const dir = newDir();
      const file = join(root, 'sessions.csv');
      await writeFile(file, `\uFEFF"Name","Id","Note"\r\n"Short","${SESSIONS.short}","a, b"\r\n"Long","${ids15(SESSIONS.long)}",""\r\n`);
      const result = ok(await run(['-d', dir, '--session-file', file]));
      expect(result).to.include({ selected: 2, exported: 2 });
      expect(idsInQuery(soql()[0]).sort()).to.deep.equal([SESSIONS.short, SESSIONS.long].sort());
      expect(entriesRequests()).to.have.length(4);
    });

    it('--session-file - reads the ids from standard input; with --session-id, the union of the ids', async () => {
      const dir = newDir();
      const result = ok(await run(['-d', dir, '-s', SESSIONS.pii, '--session-file', '-'], { input: `${SESSIONS.pii}\n${ids15(BULK_SESSIONS[0])}\n` }));
      expect(result).to.include({ selected: 2, exported: 2 });
      expect((await manifest(dir)).map((l) => l.sessionId)).to.deep.equal([SESSIONS.pii, BULK_SESSIONS[0]].sort(byId));
      expect(soql()).to.have.length(1);
      expect(idsInQuery(soql()[0]).sort()).to.deep.equal([SESSIONS.pii, BULK_SESSIONS[0]].sort());
      expect(entriesRequests()).to.have.length(2);
    });

    it('--since/--until, absolute (ISO-8601 and epoch ms, both inclusive): one filter query ORDER BY Id', async () => {
      const dir = newDir();
      const since = '2025-01-10T11:20:00Z'; // the short session's StartTime
      const until = '2025-01-10T13:20:00.000Z'; // the pii session's
      const result = ok(await run(['-d', dir, '--since', since, '--until', until]));
      expect(result).to.include({ selected: 3, exported: 2, noConversation: 1, failed: 0 });
      const lines = await manifest(dir);
      expect(lines.map((l) => l.sessionId)).to.deep.equal([SESSIONS.short, SESSIONS.noConversation, SESSIONS.pii].sort(byId));
      await expectFilesMatchManifest(dir, lines);
      expect(soql().map((r) => r.query.q)).to.deep.equal([
        'SELECT Id, StartTime, ChannelType, Conversation.ConversationIdentifier FROM MessagingSession WHERE StartTime >= 2025-01-10T11:20:00Z AND StartTime <= 2025-01-10T13:20:00Z ORDER BY Id',
      ]);
      expect(entriesRequests()).to.have.length(2);
      expectNoStrayRequests();

      emu.clearLog();
      const epoch = ok(await run(['-d', newDir(), '--since', String(Date.parse(since)), '--until', String(Date.parse(until)), '--dry-run']));
      expect(epoch.sessions.map((s) => s.sessionId)).to.deep.equal(lines.map((l) => l.sessionId));
      expect(soql()[0].query.q).to.include('StartTime >= 2025-01-10T11:20:00Z AND StartTime <= 2025-01-10T13:20:00Z');
    });

    it('--since/--until, relative: the seed is from January 2025, so 7d selects nothing and --until 1d everything', async () => {
      const empty = newDir();
      const before = Date.now();
      const none = ok(await run(['-d', empty, '--since', '7d']));
      expect(none).to.include({ selected: 0, exported: 0, failed: 0 });
      expect(entriesRequests()).to.have.length(0);
      const literal = /StartTime >= (\S+)/.exec(soql()[0].query.q ?? '')?.[1] ?? '';
      const sinceMs = Date.parse(literal);
      expect(sinceMs).to.be.within(before - 7 * 86_400_000 - 1000, Date.now() - 7 * 86_400_000 + 1000);
      expect(await manifest(empty)).to.deep.equal([]);

      emu.clearLog();
      const dir = newDir();
      const result = ok(await run(['-d', dir, '--until', '1d', '--since', '1000w', '--channel', 'WhatsApp']));
      expect(result).to.include({ selected: 2, exported: 2 });
      expect((await manifest(dir)).map((l) => l.sessionId)).to.deep.equal([SESSIONS.short, SESSIONS.pii].sort(byId));
      expect(soql()).to.have.length(1);
      expect(soql()[0].query.q).to.match(/WHERE StartTime >= \S+Z AND StartTime <= \S+Z AND ChannelType IN \('WhatsApp'\) ORDER BY Id$/);
    });

    it('--channel (repeatable) → ChannelType IN (...)', async () => {
      const dir = newDir();
      const result = ok(await run(['-d', dir, '--channel', 'EmbeddedMessaging', '--channel', 'WhatsApp']));
      expect(result).to.include({ selected: 4, exported: 3, noConversation: 1 });
      expect(soql().map((r) => r.query.q)).to.deep.equal([
        "SELECT Id, StartTime, ChannelType, Conversation.ConversationIdentifier FROM MessagingSession WHERE ChannelType IN ('EmbeddedMessaging', 'WhatsApp') ORDER BY Id",
      ]);
      expect(entriesRequests()).to.have.length(5); // short 1 + pii 1 + long 3
      await expectFilesMatchManifest(dir, await manifest(dir));
    });

    it('--where: a raw condition, wrapped in parentheses', async () => {
      const waiting = newDir();
      const result = ok(await run(['-d', waiting, '--where', "Status = 'Waiting'"]));
      expect(result).to.include({ selected: 1, exported: 0, noConversation: 1 });
      expect(entriesRequests()).to.have.length(0);
      expect(untimed(await manifest(waiting))).to.deep.equal([
        { sessionId: SESSIONS.noConversation, conversationIdentifier: null, status: 'no-conversation', source: 'conversation-entry' },
      ]);
      expect(soql()[0].query.q).to.match(/ WHERE \(Status = 'Waiting'\) ORDER BY Id$/);

      emu.clearLog();
      const dir = newDir();
      ok(await run(['-d', dir, '--where', "ConversationId != null AND (ChannelType = 'WhatsApp' OR Status = 'Waiting')"]));
      expect((await manifest(dir)).map((l) => l.sessionId)).to.deep.equal([SESSIONS.short, SESSIONS.pii].sort(byId));
    });

    it('filters combine with AND: --since, --until, --channel and --where', async () => {
      const dir = newDir();
      const result = ok(
        await run(['-d', dir, '--since', '2025-01-10T11:20:01Z', '--until', '2025-01-20T00:00:00Z', '--channel', 'WhatsApp', '--channel', 'EmbeddedMessaging', '--where', "Status = 'Ended'"])
      );
      // short starts at 11:20:00 (excluded by --since), noConversation is Waiting (excluded by --where).
      expect(result.sessions.map((s) => s.sessionId).sort(byId)).to.deep.equal([SESSIONS.pii, SESSIONS.long].sort(byId));
      expect(soql().map((r) => r.query.q)).to.deep.equal([
        "SELECT Id, StartTime, ChannelType, Conversation.ConversationIdentifier FROM MessagingSession WHERE StartTime >= 2025-01-10T11:20:01Z AND StartTime <= 2025-01-20T00:00:00Z AND ChannelType IN ('WhatsApp', 'EmbeddedMessaging') AND (Status = 'Ended') ORDER BY Id",
      ]);
      expect(entriesRequests()).to.have.length(4);
    });

    it('ids combine with the filters by AND in the same query', async () => {
      const dir = newDir();
      const r = await run(['-d', dir, '--dry-run', '-s', SESSIONS.short, '-s', SESSIONS.long, '-s', SESSIONS.pii, '--channel', 'WhatsApp', '--where', "Status = 'Ended'"]);
      expect(r.code).to.be.oneOf([0, 7]);
      expect(soql()).to.have.length(1);
      expect(soql()[0].query.q).to.match(/WHERE Id IN \('[^)]+'\) AND ChannelType IN \('WhatsApp'\) AND \(Status = 'Ended'\)$/);
      expect(idsInQuery(soql()[0]).sort()).to.deep.equal([SESSIONS.short, SESSIONS.long, SESSIONS.pii].sort());
      expect(existsSync(dir)).to.equal(false);
    });

    // Found by this test (an excluded id used to be a failed "not found" line, exit 7); fixed in b265e47.
    it('ids AND a filter: an id the filter excludes is not selected, not a failure (exit 0, no failed line, a warning)', async () => {
      const dir = newDir();
      const r = await run(['-d', dir, '-s', SESSIONS.short, '-s', SESSIONS.long, '-s', SESSIONS.pii, '--channel', 'WhatsApp']);
      const result = ok(r);
      expect(result).to.include({ exported: 2, failed: 0 });
      expect(r.json?.warnings?.some((w) => w.startsWith('1 of the given session Ids were not selected')), JSON.stringify(r.json?.warnings)).to.equal(true);
      const lines = await manifest(dir);
      expect(lines.filter((l) => l.status === 'failed')).to.deep.equal([]);
      expect(lines.map((l) => l.sessionId)).not.to.include(SESSIONS.long);
      expect(lines.filter((l) => l.status === 'exported').map((l) => l.sessionId)).to.deep.equal([SESSIONS.short, SESSIONS.pii].sort(byId));
      expect(entriesRequests()).to.have.length(2);
    });

    it('--where cannot widen the selection: a condition that closes its parentheses is refused before any query (exit 2), nothing fetched or written', async () => {
      // Alone, `WHERE (Status = 'Ended') OR (Id != null)` would select every session; with another selector the org
      // used to be what refused the mix of AND and OR.
      for (const others of [[], ['--channel', 'WhatsApp']]) {
        const dir = newDir();
        // eslint-disable-next-line no-await-in-loop
        const r = await run(['-d', dir, ...others, '--where', "Status = 'Ended') OR (Id != null"]);
        expect(r.code, r.stdout).to.equal(2);
        expect(r.json?.name).to.equal('WhereUnbalancedError');
        expect(r.json?.message).to.include('character 17');
        expect(soql()).to.have.length(0);
        expect(entriesRequests()).to.have.length(0);
        expect(existsSync(dir)).to.equal(false);
      }
    });

    it('--where on an unknown field: the org says INVALID_FIELD, the error names the column (exit 6), nothing written', async () => {
      const dir = newDir();
      const r = await run(['-d', dir, '--where', "Nope__c = 'x'"]);
      expect(r.code, r.stdout).to.equal(6);
      // With --where, the error says the condition is the likely cause (SelectionQueryFailedWhere).
      expect(r.json?.name).to.equal('SelectionQueryFailedWhereError');
      expect(r.json?.message).to.include("No such column 'Nope__c' on entity 'MessagingSession'");
      expect(String(r.json?.actions)).to.include('Check --where');
      expect(r.json?.message).to.include('INVALID_FIELD');
      expect(entriesRequests()).to.have.length(0);
      expect(existsSync(dir)).to.equal(false);
    });
  });

  describe('requests: exactly the minimum', () => {
    it('454 ids → ⌈454/200⌉ = 3 IN queries of ≤ 200 ids, one entries request per conversation page; > 50 warns; an id not in the org is a failed line (exit 7)', async () => {
      const dir = newDir();
      const ids = [...BULK_SESSIONS.slice(0, 450), SESSIONS.short, SESSIONS.long, SESSIONS.noConversation, SESSIONS.unknown];
      const args = ['-d', dir, '--max-conversations', '500', '--rate-limit', '0', '--concurrency', '16'];
      for (const id of ids) args.push('-s', id);
      const r = await run(args);
      const result = ok(r, 7);
      // 453 entries requests, and 1 ConversationEntry query for the session without a Conversation (--api auto).
      expect(result).to.include({ selected: 454, exported: 452, noConversation: 1, failed: 1, requests: 455, retries: 0 });
      expect(r.json?.warnings?.some((w) => w.includes('452'))).to.equal(true);
      const queries = soql();
      expect(queries).to.have.length(3);
      expect(queries.map((q) => idsInQuery(q).length)).to.deep.equal([200, 200, 54]);
      expect(queries.flatMap(idsInQuery).sort()).to.deep.equal([...ids].sort());
      // 450 bulk conversations of one page each, short 1, long 3.
      expect(entriesRequests()).to.have.length(454);
      for (const id of BULK_SESSIONS.slice(0, 450)) expect(entriesFor(conversationOf(id)), id).to.have.length(1);
      expect(entriesFor(CONVERSATIONS.long)).to.have.length(3);
      expectNoStrayRequests();
      const lines = await manifest(dir);
      expect(lines).to.have.length(454);
      const missing = lines.find((l) => l.sessionId === SESSIONS.unknown);
      expect(missing).to.include({ status: 'failed', conversationIdentifier: null, httpStatus: null });
      expect(missing?.reason).to.match(/not found/i);
      expect(lines.find((l) => l.sessionId === SESSIONS.noConversation)).to.include({ status: 'no-conversation' });
      await expectFilesMatchManifest(dir, lines);
    });

    it('a filter selection over 2,000 sessions streams through queryMore (1 query + 1 nextRecordsUrl) and exports each once', async () => {
      const dir = newDir();
      const r = await run(['-d', dir, '--channel', 'Text', '--max-conversations', '2100', '--rate-limit', '0', '--concurrency', '16']);
      const result = ok(r);
      expect(result).to.include({ selected: 2100, exported: 2100, failed: 0, requests: 2100 });
      const queries = soql();
      expect(queries).to.have.length(2);
      expect(queries[0].query.q).to.equal("SELECT Id, StartTime, ChannelType, Conversation.ConversationIdentifier FROM MessagingSession WHERE ChannelType IN ('Text') ORDER BY Id");
      expect(queries[1].path).to.match(/\/query\/\w+-2000$/);
      expect(entriesRequests()).to.have.length(2100);
      expect(new Set(entriesRequests().map((e) => e.query.conversationIdentifier)).size).to.equal(2100);
      expectNoStrayRequests();
      const lines = await manifest(dir);
      expect(lines.map((l) => l.sessionId)).to.deep.equal([...BULK_SESSIONS].sort(byId));
      expect((await readdir(dir)).length).to.equal(2101);
    });

    it('a selection cursor the org dropped mid-run (INVALID_QUERY_LOCATOR) goes on from the last Id: every session once, none skipped', async () => {
      const dir = newDir();
      // The first page is served; by the time the export asks for the next one, the org has forgotten the cursor.
      emu.dropCursors(true);
      try {
        const result = ok(await run(['-d', dir, '--channel', 'Text', '--max-conversations', '2100', '--rate-limit', '0', '--dry-run']));
        expect(result).to.include({ selected: 2100 });
        expect(result.sessions.map((s) => s.sessionId)).to.deep.equal([...BULK_SESSIONS].sort(byId));
      } finally {
        emu.dropCursors(false);
      }
      const queries = soql();
      expect(queries.map((q) => q.path.split('/').pop())).to.deep.equal(['query', `${queries[1].path.split('/').pop()}`, 'query']);
      expect(queries[2].query.q).to.match(/ AND Id > '0Mw\w{15}' ORDER BY Id$/);
    });

    it('--concurrency bounds the entries requests in flight (and is used): 3 with 40 ms latency', async () => {
      emu.set({ latencyMs: 40 });
      const dir = newDir();
      const args = ['-d', dir, '--concurrency', '3', '--rate-limit', '0'];
      for (const id of BULK_SESSIONS.slice(500, 512)) args.push('-s', id);
      ok(await run(args));
      const spans = entriesRequests().map((e) => [e.at, e.doneAt ?? Number.POSITIVE_INFINITY] as const);
      expect(spans).to.have.length(12);
      const inFlight = spans.map(([at]) => spans.filter(([a, d]) => a <= at && d > at).length);
      expect(Math.max(...inFlight)).to.equal(3);
    });
  });

  describe('files', () => {
    const SET = [SESSIONS.short, SESSIONS.long, SESSIONS.pii, SESSIONS.noConversation];
    const withConversation = SET.filter((id) => id !== SESSIONS.noConversation);
    let reference: Map<string, Map<Format, Buffer>>;

    before(async function () {
      this.timeout(120_000);
      // What `get` gives for each session and format: --json's result object, and -r <format> --utc to a file.
      reference = new Map();
      // json for all three; the other formats for short (every entry kind) and long (2,500 entries, 3 pages).
      const jobs: Array<{ id: string; format: Format }> = [
        ...withConversation.map((id) => ({ id, format: 'json' as Format })),
        ...[SESSIONS.short, SESSIONS.long].flatMap((id) => (['jsonl', 'csv', 'markdown'] as Format[]).map((format) => ({ id, format }))),
      ];
      await mapLimit(jobs, 6, async ({ id, format }) => {
        const files = reference.get(id) ?? new Map<Format, Buffer>();
        reference.set(id, files);
        if (format === 'json') {
          const r = await run(['-s', id], { command: ['conversation', 'entries', 'get'] });
          expect(r.code, r.stderr).to.equal(0);
          files.set(format, Buffer.from(JSON.stringify(r.json?.result)));
          return;
        }
        const file = join(root, `get-${id}.${EXT[format]}`);
        const r = await run(['-s', id, '-r', format, '--utc', '-f', file], { command: ['conversation', 'entries', 'get'], json: false });
        expect(r.code, r.stderr).to.equal(0);
        files.set(format, await readFile(file));
      });
    });

    for (const format of ['json', 'jsonl', 'csv', 'markdown'] as Format[]) {
      it(`-r ${format}: <sessionId>.${EXT[format]} per conversation, mode 0600, the same content as \`get\`, no temp files left`, async () => {
        const dir = newDir();
        const args = ['-d', dir, '-r', format];
        for (const id of SET) args.push('-s', id);
        const result = ok(await run(args));
        expect(result).to.include({ selected: 4, exported: 3, noConversation: 1 });
        expect((await stat(dir)).mode & 0o777, 'created output dir').to.equal(0o700);
        const lines = await manifest(dir);
        await expectFilesMatchManifest(dir, lines, format);
        expect((await readdir(dir)).filter((n) => n.endsWith('.tmp') || n.startsWith('.'))).to.deep.equal([]);
        for (const id of withConversation) {
          const expected = reference.get(id)?.get(format);
          if (!expected) continue;
          // eslint-disable-next-line no-await-in-loop
          const content = await readFile(join(dir, `${id}.${EXT[format]}`));
          if (format === 'json') {
            expect(JSON.parse(content.toString('utf8')), id).to.deep.equal(JSON.parse(expected.toString('utf8')));
          } else {
            expect(content.toString('utf8'), `${id}.${EXT[format]}`).to.equal(expected.toString('utf8'));
          }
        }
      });
    }
  });

  describe('resume', () => {
    it('a second identical run fetches nothing and changes nothing but timing; a deleted or corrupted file is re-exported alone; --force re-exports all', async () => {
      const dir = newDir();
      const ids = [SESSIONS.short, SESSIONS.long, SESSIONS.pii, SESSIONS.noConversation, ...BULK_SESSIONS.slice(0, 6)];
      const args = ['-d', dir];
      for (const id of ids) args.push('-s', id);
      ok(await run(args));
      const first = await snapshot(dir);
      const firstLines = untimed(await manifest(dir));
      expect(entriesRequests()).to.have.length(11);

      // 1. Identical run: zero entries requests; every file byte-identical and not rewritten (same inode).
      emu.clearLog();
      const again = ok(await run(args));
      expect(again).to.include({ exported: 0, skipped: 9, noConversation: 1, requests: 0 });
      expect(entriesRequests()).to.have.length(0);
      const second = await snapshot(dir);
      expect([...second.keys()]).to.deep.equal([...first.keys()]);
      for (const [name, info] of first) {
        if (name !== 'manifest.jsonl') expect(second.get(name), name).to.deep.equal(info);
      }
      expect(untimed(await manifest(dir))).to.deep.equal(firstLines);

      // 2. One file deleted: exactly that session is fetched again, and comes back identical.
      const deleted = BULK_SESSIONS[3];
      await unlink(join(dir, `${deleted}.json`));
      emu.clearLog();
      expect(ok(await run(args))).to.include({ exported: 1, skipped: 8 });
      expect(entriesRequests().map((e) => e.query.conversationIdentifier)).to.deep.equal([conversationOf(deleted)]);
      expect((await snapshot(dir)).get(`${deleted}.json`)?.sha).to.equal(first.get(`${deleted}.json`)?.sha);
      expect(untimed(await manifest(dir))).to.deep.equal(firstLines);

      // 3. One file's bytes corrupted (same size): exactly that session is fetched again.
      const corrupted = SESSIONS.short;
      const path = join(dir, `${corrupted}.json`);
      const bytes = await readFile(path);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      await writeFile(path, bytes);
      emu.clearLog();
      expect(ok(await run(args))).to.include({ exported: 1, skipped: 8 });
      expect(entriesRequests().map((e) => e.query.conversationIdentifier)).to.deep.equal([CONVERSATIONS.short]);
      const third = await snapshot(dir);
      for (const [name, info] of first) if (name !== 'manifest.jsonl') expect(third.get(name)?.sha, name).to.equal(info.sha);
      expect(untimed(await manifest(dir))).to.deep.equal(firstLines);

      // 4. --force: every conversation again (long: 3 pages), same bytes.
      emu.clearLog();
      // And the session without a Conversation: its ConversationEntry records are queried again (1).
      expect(ok(await run([...args, '--force']))).to.include({ exported: 9, skipped: 0, requests: 12 });
      expect(entriesRequests()).to.have.length(11);
      const forced = await snapshot(dir);
      for (const [name, info] of first) if (name !== 'manifest.jsonl') expect(forced.get(name)?.sha, name).to.equal(info.sha);
      expect(untimed(await manifest(dir))).to.deep.equal(firstLines);
    });
  });

  describe('faults', () => {
    it('10% random faults over 200 bulk sessions (seeded; --rate-limit 0 --concurrency 8): same files and manifest as a clean run, exit 0', async () => {
      const ids = BULK_SESSIONS.slice(1200, 1400);
      const argsFor = (dir: string): string[] => {
        const args = ['-d', dir, '--rate-limit', '0', '--concurrency', '8'];
        for (const id of ids) args.push('-s', id);
        return args;
      };
      const env = { SF_CONVERSATION_HTTP_TIMEOUT: '1000' };
      const clean = newDir();
      const cleanResult = ok(await run(argsFor(clean), { env }));
      expect(cleanResult).to.include({ exported: 200, failed: 0, retries: 0 });

      emu.set({ faultRate: 0.1, seed: 20_250_110, stallMs: 3000 });
      emu.clearLog();
      const faulty = newDir();
      const result = ok(await run(argsFor(faulty), { env }));
      expect(result).to.include({ exported: 200, failed: 0 });
      const faulted = entriesRequests().filter((e) => e.fault);
      expect(faulted.length, 'some faults were injected').to.be.greaterThan(5);
      // Every faulted request was retried once: the log and the command's own counts agree.
      expect(result.retries).to.equal(faulted.length);
      expect(result.requests).to.equal(entriesRequests().length);
      expect(entriesRequests().length).to.equal(200 + faulted.length);

      const [a, b] = await Promise.all([snapshot(clean), snapshot(faulty)]);
      expect([...b.keys()]).to.deep.equal([...a.keys()]);
      for (const [name, info] of a) if (name !== 'manifest.jsonl') expect(b.get(name)?.sha, name).to.equal(info.sha);
      expect(untimed(await manifest(faulty))).to.deep.equal(untimed(await manifest(clean)));
    });

    it('persistent 500s for one conversation → exit 7, a failed line with reason and httpStatus 500, the rest written; a re-run fetches only that one', async () => {
      const ids = BULK_SESSIONS.slice(1500, 1505);
      const victim = ids[2];
      emu.injectFaults('500', 10, `conversationIdentifier=${conversationOf(victim)}`);
      const dir = newDir();
      const args = ['-d', dir];
      for (const id of ids) args.push('-s', id);
      const result = ok(await run(args), 7);
      expect(result).to.include({ selected: 5, exported: 4, failed: 1 });
      const lines = await manifest(dir);
      const failed = lines.find((l) => l.sessionId === victim);
      expect(failed).to.include({ status: 'failed', conversationIdentifier: conversationOf(victim), httpStatus: 500 });
      expect(failed?.reason).to.match(/500/);
      expect(failed).not.to.have.property('file');
      expect(existsSync(join(dir, `${victim}.json`))).to.equal(false);
      await expectFilesMatchManifest(dir, lines);
      // 5 attempts for the victim, one each for the others.
      expect(entriesFor(conversationOf(victim))).to.have.length(5);
      expect(entriesRequests()).to.have.length(9);

      emu.clearFaults();
      emu.clearLog();
      const retried = ok(await run(args));
      expect(retried).to.include({ exported: 1, skipped: 4, failed: 0 });
      expect(entriesRequests().map((e) => e.query.conversationIdentifier)).to.deep.equal([conversationOf(victim)]);
      const after = await manifest(dir);
      expect(after.every((l) => l.status === 'exported')).to.equal(true);
      await expectFilesMatchManifest(dir, after);
    });
  });

  describe('interruptions', () => {
    it('an access token revoked mid-export: the 401s are refreshed and retried, every conversation exported', async () => {
      emu.set({ latencyMs: 60 });
      const ids = BULK_SESSIONS.slice(1700, 1724);
      const dir = newDir();
      const args = ['-d', dir, '--concurrency', '4', '--rate-limit', '0'];
      for (const id of ids) args.push('-s', id);
      let revokedAt = 0;
      const watcher = setInterval(() => {
        if (!revokedAt && entriesRequests().length >= 6) {
          tokensSeen.add(emu.accessToken);
          emu.revokeAccessTokens();
          revokedAt = Date.now();
        }
      }, 2);
      let r: CliResult;
      try {
        r = await run(args);
      } finally {
        clearInterval(watcher);
      }
      const result = ok(r);
      expect(revokedAt).to.be.greaterThan(0);
      expect(result).to.include({ exported: 24, failed: 0 });
      const unauthorised = entriesRequests().filter((e) => e.status === 401);
      expect(unauthorised.length, 'some requests were refused').to.be.greaterThan(0);
      // Each conversation: its 401s (if any) plus one successful request.
      expect(entriesRequests().filter((e) => e.status === 200)).to.have.length(24);
      const refreshes = emu.requests.filter((e) => e.method === 'POST' && e.path === '/services/oauth2/token' && e.at >= revokedAt);
      expect(refreshes.length, 'token refreshes after the revocation').to.be.at.least(1);
      refreshCounts.push({ refreshes: refreshes.length, unauthorised: unauthorised.length });
      await expectFilesMatchManifest(dir, await manifest(dir));
    });
  });

  describe('guard and dry run', () => {
    it('more conversations than --max-conversations → exit 8 before any entries request; nothing written', async () => {
      const dir = newDir();
      const r = await run(['-d', dir, '--channel', 'Text', '--max-conversations', '100']);
      expect(r.code, r.stdout).to.equal(8);
      expect(r.json?.name).to.equal('TooManyConversationsError');
      expect(r.json?.message).to.include('2100').and.include('100');
      expect(entriesRequests()).to.have.length(0);
      expect(existsSync(dir)).to.equal(false);

      // By ids, the guard counts conversations: 3 ids with a conversation > 2.
      emu.clearLog();
      const byIds = await run(['-d', dir, '-s', SESSIONS.short, '-s', SESSIONS.pii, '-s', SESSIONS.long, '--max-conversations', '2']);
      expect(byIds.code).to.equal(8);
      expect(entriesRequests()).to.have.length(0);
      expect(existsSync(dir)).to.equal(false);

      // ... and a session without one does not count: 1 conversation ≤ 1.
      const fits = ok(await run(['-d', dir, '-s', SESSIONS.short, '-s', SESSIONS.noConversation, '--max-conversations', '1']));
      expect(fits).to.include({ exported: 1, noConversation: 1 });
    });

    it('--dry-run: queries, lists every selected session (not-found ones as failed), makes no entries request, writes nothing; over the cap it only warns', async () => {
      const dir = newDir();
      const args = ['-d', dir, '--dry-run', '--max-conversations', '2'];
      for (const id of [SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation, SESSIONS.long, SESSIONS.unknown]) args.push('-s', id);
      const r = await run(args);
      const result = ok(r);
      // --api auto would read the session without a Conversation from its ConversationEntry records.
      expect(result).to.include({ dryRun: true, selected: 5, noConversation: 0, failed: 1, exported: 0 });
      expect(result.sessions.filter((x) => x.status !== 'failed')).to.deep.equal(
        [SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation, SESSIONS.long].map((id) => ({
          sessionId: id,
          conversationIdentifier: sessionRecord(id).conversationIdentifier,
          status: 'would-export',
          source: sessionRecord(id).conversationIdentifier ? 'conversation-data' : 'conversation-entry',
        }))
      );
      expect(result.sessions.find((x) => x.sessionId === SESSIONS.unknown)).to.include({ status: 'failed', conversationIdentifier: null });
      // 3 conversations > --max-conversations 2: the real run would stop (exit 8); the dry run says so.
      expect(r.json?.warnings?.some((w) => w.includes('--max-conversations') || w.includes('more than'))).to.equal(true);
      expect(soql()).to.have.length(1);
      expect(entriesRequests()).to.have.length(0);
      expect(existsSync(dir)).to.equal(false);

      // Human output: one line per session, then the summary.
      emu.clearLog();
      const human = await run(args, { json: false });
      expect(human.code, human.stderr).to.equal(0);
      for (const id of [SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation, SESSIONS.long, SESSIONS.unknown]) expect(human.stdout).to.include(id);
      expect(human.stdout).to.include(CONVERSATIONS.long).and.include('(ConversationEntry records)');
      expect(human.stdout).to.match(/Would export 4 conversations/);
      expect(entriesRequests()).to.have.length(0);
      expect(existsSync(dir)).to.equal(false);
    });
  });

  describe('bad input: exit 2 before any request, the value named, nothing created', () => {
    it('ids, dates, channels, --where, session files and numeric flags (own emulator)', async () => {
      const results = await badResults();
      expect(results.length).to.be.greaterThan(25);
      for (const { c, r, dir } of results) {
        const label = JSON.stringify(c.args);
        expect(r.code, `${label}: ${r.stdout}${r.stderr}`).to.equal(2);
        expect(r.json?.status, label).to.equal(2);
        if (c.names) expect(`${r.json?.message ?? ''}`, label).to.include(c.names);
        if (dir) expect(existsSync(dir), `${label}: output dir`).to.equal(false);
      }
      expect((badEmu as Emulator).requests.map((x) => `${x.method} ${x.path}`), 'requests').to.deep.equal([]);
    });

    // Found by this test (the message named get's --start/--end); fixed in b265e47.
    it('--since later than --until: the error names --since and --until', async () => {
      const r = (await badResults()).find((b) => b.c.args.includes('--since') && b.c.args.includes('--until'));
      expect(r?.r.json?.message).to.include('--since').and.include('--until');
    });
  });

  describe('hygiene', () => {
    it('no access or refresh token ever appears in any output or written file', async () => {
      await badRuns?.catch(() => undefined);
      for (const e of [emu, badEmu]) if (e) tokensSeen.add(e.accessToken).add(e.refreshToken);
      const tokens = [...tokensSeen].filter(Boolean);
      expect(tokens.length).to.be.greaterThan(1);
      expect(outputs.length).to.be.greaterThan(40);
      for (const r of outputs) for (const t of tokens) expect(r.stdout + r.stderr, 'token in output').not.to.include(t);
      const walk = async (dir: string): Promise<string[]> => {
        const found: string[] = [];
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          // eslint-disable-next-line no-await-in-loop
          if (entry.isDirectory()) found.push(...(await walk(path)));
          else found.push(path);
        }
        return found;
      };
      const files = await walk(root);
      expect(files.length).to.be.greaterThan(2500);
      for (const file of files) {
        // eslint-disable-next-line no-await-in-loop
        const content = await readFile(file, 'utf8');
        for (const t of tokens) expect(content.includes(t), `token in ${file}`).to.equal(false);
      }
    });
  });
});
