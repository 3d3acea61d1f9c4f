/*
 * `sf conversation entries get` end to end, in-process (helpers/command.ts): the command class run as sf runs it, a
 * real sf auth file in the test process's home, and the local org emulator over loopback HTTP.
 */
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { to18 } from '../../src/input/ids.js';
import { startEmulator, type Emulator, type FaultKind } from '../emulator/server.js';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { QUICK_RETRY, runCommand } from '../helpers/command.js';
import { authorizeInProcess, setDefaultOrg } from '../helpers/inProcessOrg.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';

describe('conversation entries get (integration)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let unsetDefault: (() => Promise<void>) | undefined;
  const outputs: CliResult[] = [];
  const tokensSeen = new Set<string>();

  /** get with the emulator as the API host (as a spawned run's isolated env sets it), and short retry backoff. */
  const get = async (args: string[], env: NodeJS.ProcessEnv = {}, api: Emulator = emu): Promise<CliResult> => {
    tokensSeen.add(api.accessToken);
    const result = await runCommand(['conversation', 'entries', 'get', ...args], { env: { SF_CONVERSATION_API_URL: api.url, ...env }, retry: QUICK_RETRY });
    tokensSeen.add(api.accessToken);
    outputs.push(result);
    return result;
  };
  const entriesRequests = (): number => emu.requests.filter((r) => r.path === ENTRIES_PATH).length;
  const soqlRequests = (): number => emu.requests.filter((r) => r.path.endsWith('/query') && (r.query.q ?? '').includes('MessagingSession')).length;

  before(async () => {
    // Retry-After: 0, so a 429 or 503 is retried at once: the tests count attempts, not seconds.
    emu = await startEmulator({ username: 'get@conversation-emulator.example', retryAfterSeconds: 0 });
    await authorizeInProcess(emu, 'emu', { refreshable: true });
    unsetDefault = await setDefaultOrg('emu');
  });
  beforeEach(() => {
    emu.set({ paging: 'window', latencyMs: 0, faultRate: 0, tokenPolicy: 'sfap-jwt' });
    emu.setSoqlFault(undefined);
    emu.clearLog();
  });
  after(async () => {
    // No output of any test ever contained an access token.
    for (const result of outputs) {
      for (const token of tokensSeen) {
        expect(result.stdout + result.stderr, 'token in output').not.to.include(token);
      }
    }
    await unsetDefault?.();
    await emu?.stop();
  });

  it('prints the transcript of a short conversation: one line per entry, decoded, oldest first', async () => {
    const result = await get(['--session-id', SESSIONS.short, '--target-org', 'emu']);
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trimEnd().split('\n');
    const expected = entriesOf(CONVERSATIONS.short);
    expect(lines).to.have.length(expected.length);
    for (const line of lines) expect(line).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d {2}\S/);
    expect(result.stdout).to.include("I'm here & ready");
    expect(result.stdout).not.to.include('&#39;');
    expect(result.stdout).to.match(/\[Participant changed\]/);
    expect(result.stderr).to.include(`${expected.length} entries`);
    expect(result.stdout).not.to.match(/[┌│─]/); // no table
    expect(soqlRequests()).to.equal(1);
    expect(entriesRequests()).to.equal(1);
  });

  it('--json returns the API entries exactly as returned, oldest first, with the 18-char session id', async () => {
    const result = await get(['-s', SESSIONS.short, '--json']);
    expect(result.code).to.equal(0);
    expect(result.json?.status).to.equal(0);
    expect(result.json?.result).to.deep.equal({
      sessionId: SESSIONS.short,
      conversationIdentifier: CONVERSATIONS.short,
      entryCount: entriesOf(CONVERSATIONS.short).length,
      complete: true,
      incompleteReason: null,
      // Which source --api auto used.
      source: 'conversation-data',
      entries: entriesOf(CONVERSATIONS.short),
    });
    // Off a terminal the document is plain JSON, two-space indented, one trailing newline (jsonOutput.ts).
    expect(result.stdout).to.equal(`${JSON.stringify(result.json, null, 2)}\n`);
    expect(result.stderr).to.equal('');
  });

  it('accepts the 15-char form of the id and uses the default target org', async () => {
    const result = await get(['-s', SESSIONS.short.slice(0, 15), '--json']);
    expect(result.code).to.equal(0);
    expect((result.json?.result as { sessionId: string }).sessionId).to.equal(SESSIONS.short);
    const q = emu.requests.find((r) => (r.query.q ?? '').includes('FROM MessagingSession'));
    expect(q?.query.q).to.include(`Id = '${SESSIONS.short}'`);
    expect(q?.path).to.match(/\/services\/data\/v(\d+)\.0\/query$/);
    expect(Number(/v(\d+)\.0/.exec(q?.path ?? '')?.[1])).to.be.at.least(55);
  });

  for (const paging of ['window', 'token'] as const) {
    it(`returns all ${LONG_ENTRY_COUNT} entries of the long conversation, ordered, no duplicates (${paging} paging)`, async () => {
      emu.set({ paging });
      const result = await get(['-s', SESSIONS.long, '--json']);
      expect(result.code, result.stderr).to.equal(0);
      const entries = (result.json?.result as { entries: Array<{ identifier: string }> }).entries;
      expect(entries.map((e) => e.identifier)).to.deep.equal(entriesOf(CONVERSATIONS.long).map((e) => e.identifier));
      expect(new Set(entries.map((e) => e.identifier)).size).to.equal(LONG_ENTRY_COUNT);
      expect(entriesRequests()).to.equal(3);
      for (const r of emu.requests.filter((x) => x.path === ENTRIES_PATH)) {
        expect(r.query).to.include({ recordLimit: '1000', queryDirection: 'FromStart', conversationIdentifier: CONVERSATIONS.long });
      }
    });
  }

  it('--conversation-id runs no SOQL query', async () => {
    const result = await get(['-c', CONVERSATIONS.short, '--json']);
    expect(result.code).to.equal(0);
    expect((result.json?.result as { sessionId: null }).sessionId).to.equal(null);
    expect(soqlRequests()).to.equal(0);
  });

  it('--limit and the time window are honoured', async () => {
    const all = entriesOf(CONVERSATIONS.long);
    const result = await get(['-s', SESSIONS.long, '--limit', '5', '--json']);
    expect((result.json?.result as { entries: unknown[] }).entries).to.deep.equal(all.slice(0, 5));
    const from = all[10].serverReceivedTimestamp;
    const to = all[19].serverReceivedTimestamp;
    const windowed = await get(['-s', SESSIONS.long, '--start', String(from), '--end', new Date(to).toISOString(), '--json']);
    const got = (windowed.json?.result as { entries: Array<{ serverReceivedTimestamp: number }> }).entries;
    expect(got.length).to.be.greaterThan(0);
    for (const e of got) expect(e.serverReceivedTimestamp).to.be.within(from, to);
  });

  describe('errors: named, with actions and documented exit codes', () => {
    const expectError = (result: CliResult, name: string, exitCode: number): void => {
      expect(result.code, result.stdout + result.stderr).to.equal(exitCode);
      expect(result.json?.name).to.equal(name);
      expect(result.json?.exitCode).to.equal(exitCode);
      expect(result.json?.actions?.length, 'actions').to.be.greaterThan(0);
    };

    it('unknown session → SessionNotFound (4)', async () => {
      const result = await get(['-s', SESSIONS.unknown, '--json']);
      expectError(result, 'SessionNotFoundError', 4);
      expect(result.json?.message).to.include(SESSIONS.unknown);
    });

    it('session without a conversation → NoConversation (4), and no entries request', async () => {
      expectError(await get(['-s', SESSIONS.noConversation, '--json']), 'NoConversationError', 4);
      expect(entriesRequests()).to.equal(0);
    });

    it('INVALID_TYPE → MessagingNotAvailable (5)', async () => {
      emu.setSoqlFault('INVALID_TYPE');
      expectError(await get(['-s', SESSIONS.short, '--json']), 'MessagingNotAvailableError', 5);
    });

    it('an org whose token expired and cannot be refreshed → SessionExpired (3)', async () => {
      // An access-token auth (no refresh token), of its own emulator: sf keys auth files by username.
      const other = await startEmulator({ username: 'get-stale@conversation-emulator.example' });
      try {
        await authorizeInProcess(other, 'stale');
        other.revokeAccessTokens();
        expectError(await get(['-s', SESSIONS.short, '-o', 'stale', '--json'], {}, other), 'SessionExpiredError', 3);
      } finally {
        await other.stop();
      }
    });

    it('a conversation the API does not know → ConversationNotFound (4)', async () => {
      expectError(await get(['-c', 'no-such-conversation', '--json']), 'ConversationNotFoundError', 4);
    });

    it('an unknown org alias → OrgNotFound (3)', async () => {
      expectError(await get(['-s', SESSIONS.short, '-o', 'nope', '--json']), 'OrgNotFoundError', 3);
      expect(emu.requests).to.have.length(0);
    });

    it('bad ids and bad values stop with exit 2 before any request', async () => {
      const bad: string[][] = [
        ['-s', to18('0Mw5g00000AbCdE').slice(0, 17) + 'Q'], // wrong checksum
        ['-s', SESSIONS.short.slice(0, 17) + (SESSIONS.short[17] === 'A' ? 'B' : 'A')],
        ['-s', "0Mw5g00000AbC'E"],
        ['-s', '0Mw5g00000AbCd'],
        ['-s', '001' + SESSIONS.short.slice(3)],
        ['-c', 'has space'],
        ['-s', SESSIONS.short, '--start', 'yesterday'],
        ['-s', SESSIONS.short, '--limit', '0'],
        ['-s', SESSIONS.short, '--api-version', '54.0'],
        ['-s', SESSIONS.short, '-c', CONVERSATIONS.short],
        [],
      ];
      for (const args of bad) {
        const result = await get([...args, '--json']);
        expect(result.code, args.join(' ')).to.equal(2);
        expect(result.json?.status, args.join(' ')).to.equal(2);
        if (args[0] === '-s' && args.length === 2) expect(result.json?.message).to.include(args[1].replace(/'/g, "'"));
      }
      expect(emu.requests, JSON.stringify(emu.requests.map((r) => r.path))).to.have.length(0);
    });

    it('refuses a plain-http, non-loopback API URL before any request', async () => {
      const result = await get(['-s', SESSIONS.short, '--json'], { SF_CONVERSATION_API_URL: 'http://api.example.com' });
      expectError(result, 'InsecureApiUrlError', 2);
      expect(emu.requests).to.have.length(0);
    });

    it('retries that run out → ApiUnavailable (6), saying what was tried', async () => {
      emu.injectFaults('503', 20);
      const result = await get(['-c', CONVERSATIONS.short, '--json']);
      expectError(result, 'ApiUnavailableError', 6);
      expect(result.json?.message).to.match(/Gave up after 5 attempts: HTTP 503 \(Retry-After: 0\)/);
      expect(entriesRequests()).to.equal(5);
    });
  });

  it('refreshes a revoked token and finishes (401 → refresh → retry)', async () => {
    const before = emu.accessToken;
    emu.revokeAccessTokens();
    const result = await get(['-s', SESSIONS.short, '--json']);
    expect(result.code, result.stdout).to.equal(0);
    expect(emu.accessToken).not.to.equal(before);
    expect(emu.requests.some((r) => r.path === '/services/oauth2/token')).to.equal(true);
  });

  const faults: FaultKind[] = ['429', '503', '500', 'reset', 'stall', 'truncated'];
  for (const kind of faults) {
    it(`survives a ${kind} fault on the entries API and still returns every entry`, async () => {
      emu.injectFaults(kind, 1);
      const result = await get(['-s', SESSIONS.long, '--json'], { SF_CONVERSATION_HTTP_TIMEOUT: '1000' });
      expect(result.code, result.stdout).to.equal(0);
      expect((result.json?.result as { entryCount: number }).entryCount).to.equal(LONG_ENTRY_COUNT);
      expect(entriesRequests()).to.equal(4);
      expect(emu.requests.filter((r) => r.fault === kind)).to.have.length(1);
    });
  }

  describe('a transcript known to be incomplete', () => {
    // An entries API (not the emulator) whose conversation has 1,500 entries on one timestamp: time windows can't get
    // past the first 1,000, so the transcript is known to be incomplete.
    let api: { url: string; stop: () => Promise<void> };
    const SAME = 1_800_000_000_000;
    before(async () => {
      const all = Array.from({ length: 1500 }, (_, i) => ({ identifier: `same-${i}`, messageText: `line ${i}`, serverReceivedTimestamp: SAME }));
      const server = createServer((req, res) => {
        const limit = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('recordLimit') ?? 25);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ conversationEntries: all.slice(0, limit) }));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      api = {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stop: async (): Promise<void> => {
          server.closeAllConnections();
          server.close();
          await once(server, 'close');
        },
      };
    });
    after(() => api?.stop());

    it('--json: the 1,000 entries it got, complete false with the reason, a warning, and exit 7', async () => {
      const result = await get(['-c', 'conv-same-time', '--json'], { SF_CONVERSATION_API_URL: api.url });
      expect(result.code, result.stderr).to.equal(7);
      expect(result.json?.status).to.equal(7);
      const json = result.json?.result as { entryCount: number; complete: boolean; incompleteReason: string; entries: unknown[] };
      expect(json).to.include({ entryCount: 1000, complete: false, incompleteReason: 'stuck' });
      expect(json.entries).to.have.length(1000);
      expect(result.json?.warnings?.join('\n')).to.match(/could not get past 1000 entries: the transcript is incomplete/);
    });

    it('a format to a file: written all the same, the warning on stderr, and exit 7', async () => {
      const file = join(tmpdir(), `incomplete-${process.pid}.csv`);
      try {
        const result = await get(['-c', 'conv-same-time', '-r', 'csv', '--output-file', file, '--force'], { SF_CONVERSATION_API_URL: api.url });
        expect(result.code, result.stderr).to.equal(7);
        expect(result.stderr).to.match(/the transcript is incomplete/);
        expect(result.stdout).to.include(`Wrote 1000 entries to ${file}`);
        expect((await readFile(file, 'utf8')).trimEnd().split('\n')).to.have.length(1001);
      } finally {
        await rm(file, { force: true });
      }
    });
  });

  it('takes a raw access token as --target-org without ever printing it', async () => {
    // @salesforce/core accepts only an opaque token (00D…!…) as a raw --target-org, not a JWT; and the strict
    // entries API refuses opaque tokens, so this test lets the emulator accept any valid token.
    emu.set({ tokenPolicy: 'any' });
    const token = emu.tokenFor('opaque');
    tokensSeen.add(token);
    const ok = await get(['-s', SESSIONS.short, '-o', token], { SF_ORG_INSTANCE_URL: emu.url });
    expect(ok.code, ok.stderr).to.equal(0);
    const failed = await get(['-s', SESSIONS.unknown, '-o', token, '--json'], { SF_ORG_INSTANCE_URL: emu.url });
    expect(failed.code).to.equal(4);
    expect(failed.stdout + failed.stderr).not.to.include(token);
  });
});
