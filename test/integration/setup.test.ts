/*
 * Setups that work or say why not: each kind of client app the emulator has (opaque tokens, JWT without sfap_api,
 * JWT with it, client credentials), `get` and `doctor` against each, the Connect fallback, and a real proxy. The
 * commands run in-process (helpers/command.ts), each org authorised to an emulator of its own (sf keys auth files by
 * username, and the test process has one home).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CLIENT_APPS, CONVERSATIONS, SESSIONS, entriesOf } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { startProxy } from '../helpers/proxy.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';
type Check = { name: string; status: string; detail: string; action: string | null };
type App = 'opaque' | 'jwtNoSfap' | 'jwt';

describe('setup: token diagnosis, client credentials, Connect fallback, doctor, proxies (integration)', function () {
  this.timeout(180_000);
  /** The org authorised through each client app, each on its own emulator. */
  const emus = {} as Record<App, Emulator>;
  const outputs: string[] = [];
  const secret = CLIENT_APPS.clientCredentials.clientSecret as string;

  /** A command against `api` (its entries API), in-process. */
  const run = async (api: Emulator, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCommand(args, { env: { SF_CONVERSATION_API_URL: api.url, ...env } });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const get = (app: App, args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> => run(emus[app], ['conversation', 'entries', 'get', '-o', app, ...args], env);
  const doctor = async (app: App, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<{ result: CliResult; checks: Check[] }> => {
    const result = await run(emus[app], ['conversation', 'doctor', '-o', app, '--json', ...args], env);
    return { result, checks: (result.json?.result as { checks: Check[] } | undefined)?.checks ?? [] };
  };
  const byName = (checks: Check[], name: string): Check | undefined => checks.find((c) => c.name === name);

  before(async () => {
    for (const app of ['opaque', 'jwtNoSfap', 'jwt'] as const) {
      emus[app] = await startEmulator({ username: `setup-${app.toLowerCase()}@conversation-emulator.example` });
      await authorizeInProcess(emus[app], app, { app, refreshable: true });
    }
  });
  beforeEach(() => Object.values(emus).forEach((emu) => emu.clearLog()));
  after(async () => {
    const tokens = Object.values(emus).flatMap((emu) => (['opaque', 'jwtNoSfap', 'jwt', 'clientCredentials'] as const).map((app) => emu.tokenFor(app)));
    for (const text of outputs) {
      expect(text).not.to.include(secret);
      for (const token of tokens) expect(text).not.to.include(token);
    }
    for (const emu of Object.values(emus)) await emu.stop();
  });

  it('a JWT org with sfap_api gets the entries, with no warning', async () => {
    const result = await get('jwt', ['-s', SESSIONS.short, '--json']);
    expect(result.code, result.stdout).to.equal(0);
    expect(result.json?.warnings).to.deep.equal([]);
  });

  it('an opaque-token org gets the transcript through Connect by default (--api auto), with one warning naming the full-payload setup', async () => {
    const result = await get('opaque', ['-s', SESSIONS.short, '--json']);
    expect(result.code, result.stdout).to.equal(0);
    expect((result.json?.result as { source: string; entryCount: number }).source).to.equal('connect');
    expect((result.json?.result as { entryCount: number }).entryCount).to.equal(entriesOf(CONVERSATIONS.short).length);
    expect(result.json?.warnings).to.have.length(1);
    expect(result.json?.warnings?.[0]).to.match(/opaque session token/).and.match(/text only/).and.match(/sfap_api/);
    expect(emus.opaque.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(0);
  });

  it('an opaque-token org with --api conversation-data is warned before the call, then gets ApiTokenRejected (3) with the exact fix', async () => {
    const result = await get('opaque', ['-s', SESSIONS.short, '--api', 'conversation-data', '--json']);
    expect(result.code).to.equal(3);
    expect(result.json?.name).to.equal('ApiTokenRejectedError');
    expect(result.json?.message).to.include('an opaque session token');
    const actions = (result.json?.actions ?? []).join('\n');
    for (const fix of ['Conversation Service API', 'sfap_api', 'Issue JSON Web Token (JWT)-based access tokens', 'sf org login jwt --client-id', '--client-id', '--api connect']) {
      expect(actions, fix).to.include(fix);
    }
    expect(result.json?.warnings?.join(' ')).to.match(/opaque session token.*sf conversation doctor/);
  });

  it('a JWT org without sfap_api gets ApiTokenRejected naming its scopes (--api conversation-data)', async () => {
    const result = await get('jwtNoSfap', ['-s', SESSIONS.short, '--api', 'conversation-data', '--json']);
    expect(result.code).to.equal(3);
    expect(result.json?.name).to.equal('ApiTokenRejectedError');
    expect(result.json?.message).to.match(/a JWT \(scopes: api refresh_token/);
  });

  it('--api connect works for the opaque org and returns the same entries as the default API', async () => {
    const viaConnect = await get('opaque', ['-s', SESSIONS.short, '--api', 'connect', '--json']);
    const viaDefault = await get('jwt', ['-s', SESSIONS.short, '--json']);
    expect(viaConnect.code, viaConnect.stdout).to.equal(0);
    type E = { identifier: string; messageText?: string };
    const a = (viaConnect.json?.result as { entries: E[] }).entries;
    const b = (viaDefault.json?.result as { entries: E[] }).entries;
    expect(a.map((e) => e.identifier)).to.deep.equal(b.map((e) => e.identifier));
    expect(a.map((e) => e.messageText)).to.deep.equal(b.map((e) => e.messageText));
    expect(viaConnect.json?.warnings?.join(' ')).to.include('text only');
    expect(emus.opaque.requests.some((r) => r.path.includes('/connect/conversation/'))).to.equal(true);
  });

  it('--api connect pages the long conversation by time windows to the same 2,500 entries', async () => {
    const result = await get('opaque', ['-s', SESSIONS.long, '--api', 'connect', '--json']);
    const ids = (result.json?.result as { entries: Array<{ identifier: string }> }).entries.map((e) => e.identifier);
    expect(ids).to.deep.equal(entriesOf(CONVERSATIONS.long).map((e) => e.identifier));
  });

  describe('client credentials (--client-id, secret from CONVERSATION_CLIENT_SECRET)', () => {
    const cc = ['--client-id', CLIENT_APPS.clientCredentials.clientId];

    it('lets even an opaque-token org read the Conversation Data API', async () => {
      const result = await get('opaque', ['-s', SESSIONS.short, ...cc, '--json'], { CONVERSATION_CLIENT_SECRET: secret });
      expect(result.code, result.stdout).to.equal(0);
      expect(emus.opaque.requests.some((r) => r.path === '/services/oauth2/token')).to.equal(true);
    });

    it('uses the api_instance_url of the token response when SF_CONVERSATION_API_URL is not set', async () => {
      const result = await get('opaque', ['-s', SESSIONS.short, ...cc, '--json'], {
        CONVERSATION_CLIENT_SECRET: secret,
        SF_CONVERSATION_API_URL: '',
      });
      expect(result.code, result.stdout).to.equal(0);
      expect(emus.opaque.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(1);
    });

    it('a wrong secret → ClientCredentialsRejected (3) naming invalid_client and the fix', async () => {
      const result = await get('opaque', ['-s', SESSIONS.short, ...cc, '--json'], { CONVERSATION_CLIENT_SECRET: 'wrong' });
      expect(result.code).to.equal(3);
      expect(result.json?.name).to.equal('ClientCredentialsRejectedError');
      expect(result.json?.message).to.include('invalid_client');
      expect((result.json?.actions ?? []).join(' ')).to.include('invalid_client');
    });

    it('no secret in the environment → MissingClientSecret (2), before any request', async () => {
      const result = await get('opaque', ['-s', SESSIONS.short, ...cc, '--json'], { CONVERSATION_CLIENT_SECRET: '' });
      expect(result.code).to.equal(2);
      expect(result.json?.name).to.equal('MissingClientSecretError');
      expect(emus.opaque.requests).to.have.length(0);
    });
  });

  describe('client-credential refusals the org can give (emulator: clientCredentialsError)', () => {
    for (const [error, fix] of [
      ['invalid_scope', 'Access the Salesforce API Platform (sfap_api)'],
      ['invalid_grant', 'Run As'],
    ] as const) {
      it(`${error} → ClientCredentialsRejected (3) naming it and its fix, for get and export; nothing fetched or written`, async () => {
        const refusing = await startEmulator({ clientCredentialsError: error, username: `setup-refusing-${error}@conversation-emulator.example` });
        await authorizeInProcess(refusing, 'refusing', { app: 'opaque', refreshable: true });
        const dir = await mkdtemp(join(tmpdir(), 'setup-refused-'));
        try {
          const cc = ['--client-id', CLIENT_APPS.clientCredentials.clientId, '--json'];
          const env = { CONVERSATION_CLIENT_SECRET: secret };
          const results = [
            await run(refusing, ['conversation', 'entries', 'get', '-o', 'refusing', '-s', SESSIONS.short, ...cc], env),
            await run(refusing, ['conversation', 'entries', 'export', '-o', 'refusing', '-s', SESSIONS.short, '-d', join(dir, 'out'), ...cc], env),
          ];
          for (const result of results) {
            expect(result.code, result.stdout).to.equal(3);
            expect(result.json?.name).to.equal('ClientCredentialsRejectedError');
            expect(result.json?.message).to.include(error);
            expect((result.json?.actions ?? []).join('\n')).to.include(fix);
          }
          expect(refusing.requests.filter((r) => r.path === ENTRIES_PATH || r.path.includes('/connect/conversation/'))).to.have.length(0);
          expect(await readdir(dir)).to.deep.equal([]);
        } finally {
          await rm(dir, { recursive: true, force: true });
          await refusing.stop();
        }
      });
    }
  });

  describe('export: the same ways to reach the entries as get', () => {
    const exportIn = async (app: App, args: string[], env?: NodeJS.ProcessEnv): Promise<{ result: CliResult; dir: string }> => {
      const dir = await mkdtemp(join(tmpdir(), 'setup-export-'));
      const sessions = ['-s', SESSIONS.short, '-s', SESSIONS.pii, '-s', SESSIONS.noConversation];
      const result = await run(emus[app], ['conversation', 'entries', 'export', '-o', app, ...sessions, '-d', join(dir, 'out'), '--json', ...args], env);
      return { result, dir };
    };
    const exported = async (dir: string): Promise<string[]> => (await readdir(join(dir, 'out'))).sort();

    it('--client-id: an opaque-token org exports, every entries request with the client-credentials token', async () => {
      const { result, dir } = await exportIn('opaque', ['--client-id', CLIENT_APPS.clientCredentials.clientId], { CONVERSATION_CLIENT_SECRET: secret });
      expect(result.code, result.stdout).to.equal(0);
      const entries = emus.opaque.requests.filter((r) => r.path === ENTRIES_PATH);
      expect(entries.map((r) => r.query.conversationIdentifier).sort()).to.deep.equal([CONVERSATIONS.short, CONVERSATIONS.pii].sort());
      expect(entries.map((r) => `${r.tokenApp ?? '-'}/${r.auth}`)).to.deep.equal(['clientCredentials/valid', 'clientCredentials/valid']);
      expect(await exported(dir)).to.deep.equal([`${SESSIONS.pii}.json`, `${SESSIONS.short}.json`, 'manifest.jsonl'].sort());
      // The exported file holds what get returns for the conversation.
      const file = JSON.parse(await readFile(join(dir, 'out', `${SESSIONS.short}.json`), 'utf8')) as { entries: unknown[] };
      expect(file.entries).to.deep.equal(entriesOf(CONVERSATIONS.short));
      outputs.push(await readFile(join(dir, 'out', 'manifest.jsonl'), 'utf8'));
      await rm(dir, { recursive: true, force: true });
    });

    it('--api connect: an opaque-token org exports through the Connect resource, no request to the Conversation Data API', async () => {
      const { result, dir } = await exportIn('opaque', ['--api', 'connect', '-r', 'jsonl']);
      expect(result.code, result.stdout).to.equal(0);
      expect(result.json?.warnings?.join(' ')).to.match(/Connect/);
      expect(emus.opaque.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(0);
      const connect = emus.opaque.requests.filter((r) => r.path.includes('/connect/conversation/'));
      expect(connect.map((r) => r.path.split('/connect/conversation/')[1].split('/')[0]).sort()).to.deep.equal([CONVERSATIONS.short, CONVERSATIONS.pii].sort());
      expect(await exported(dir)).to.deep.equal([`${SESSIONS.pii}.jsonl`, `${SESSIONS.short}.jsonl`, 'manifest.jsonl'].sort());
      const lines = (await readFile(join(dir, 'out', `${SESSIONS.short}.jsonl`), 'utf8')).trim().split('\n');
      expect(lines.length).to.be.above(0);
      await rm(dir, { recursive: true, force: true });
    });

    it('--client-id with --api connect → ClientIdWithConnect (2), before any request and without creating the directory', async () => {
      const { result, dir } = await exportIn('opaque', ['--api', 'connect', '--client-id', CLIENT_APPS.clientCredentials.clientId], { CONVERSATION_CLIENT_SECRET: secret });
      expect(result.code).to.equal(2);
      expect(result.json?.name).to.equal('ClientIdWithConnectError');
      expect(emus.opaque.requests).to.have.length(0);
      expect(await readdir(dir)).to.deep.equal([]);
      await rm(dir, { recursive: true, force: true });
    });

    it('a wrong secret → ClientCredentialsRejected (3) before anything is written', async () => {
      const { result, dir } = await exportIn('opaque', ['--client-id', CLIENT_APPS.clientCredentials.clientId], { CONVERSATION_CLIENT_SECRET: 'wrong' });
      expect(result.code).to.equal(3);
      expect(result.json?.name).to.equal('ClientCredentialsRejectedError');
      expect(emus.opaque.requests.filter((r) => r.path === ENTRIES_PATH)).to.have.length(0);
      expect(await readdir(dir)).to.deep.equal([]);
      await rm(dir, { recursive: true, force: true });
    });
  });

  describe('sf conversation doctor', () => {
    it('passes every check for the good setup, exit 0, and reads no real conversation', async () => {
      const { result, checks } = await doctor('jwt');
      expect(result.code, result.stdout).to.equal(0);
      // auth, API version, Messaging objects, ConversationEntry, voice calls, (session), token, the two APIs, (auto's pick), Data Cloud, proxy.
      expect(checks.map((c) => c.status)).to.deep.equal(['pass', 'pass', 'pass', 'pass', 'pass', 'skip', 'pass', 'pass', 'pass', 'skip', 'pass', 'pass']);
      const probed = emus.jwt.requests.filter((r) => r.path === ENTRIES_PATH || r.path.includes('/connect/conversation/'));
      const seeded = new Set<string>([CONVERSATIONS.short, CONVERSATIONS.long, CONVERSATIONS.pii]);
      for (const r of probed) {
        const id = r.query.conversationIdentifier ?? decodeURIComponent(r.path.split('/connect/conversation/')[1]?.split('/')[0] ?? '');
        expect(seeded.has(id), id).to.equal(false);
      }
    });

    it('an opaque-token org works (get reads Connect): the token and the API are warnings that say so, with the fix for the full payload, exit 0', async () => {
      const { result, checks } = await doctor('opaque');
      expect(result.code, result.stdout).to.equal(0);
      expect(byName(checks, 'Access token')?.status).to.equal('warn');
      expect(byName(checks, 'Access token')?.detail).to.include('text-only Connect API');
      expect(byName(checks, 'Access token')?.action).to.include('sfap_api');
      expect(byName(checks, 'Conversation Data API')?.status).to.equal('warn');
      expect(byName(checks, 'Connect API fallback')?.status).to.equal('pass');
      expect(checks.filter((x) => x.status === 'fail')).to.deep.equal([]);
      // And get agrees: it reads the transcript through Connect.
      const got = await get('opaque', ['-s', SESSIONS.short, '--json']);
      expect([got.code, (got.json?.result as { source?: string }).source]).to.deep.equal([0, 'connect']);
    });

    it('a JWT without sfap_api: warnings naming its scopes, exit 0', async () => {
      const { result, checks } = await doctor('jwtNoSfap');
      expect(result.code).to.equal(0);
      expect(byName(checks, 'Access token')?.status).to.equal('warn');
      expect(byName(checks, 'Access token')?.detail).to.include('scopes: api refresh_token');
    });

    it('with --client-id the Conversation Data API was asked for: its refusal fails, exit 1, with the fix', async () => {
      const { result, checks } = await doctor('opaque', ['--client-id', 'not-a-known-app'], { CONVERSATION_CLIENT_SECRET: 'wrong' });
      expect(result.code).to.equal(1);
      for (const c of checks.filter((x) => x.status === 'fail')) expect(c.action, c.name).to.be.a('string').and.not.equal('');
    });

    it('checks a client-credentials setup, and a session when asked', async () => {
      const { result, checks } = await doctor('opaque', ['--client-id', CLIENT_APPS.clientCredentials.clientId, '-s', SESSIONS.short], {
        CONVERSATION_CLIENT_SECRET: secret,
      });
      expect(result.code, result.stdout).to.equal(0);
      expect(byName(checks, 'Session lookup')?.status).to.equal('pass');
      expect(byName(checks, 'Access token')?.status).to.equal('pass');
    });

    it('prints a checklist for people', async () => {
      const result = await run(emus.opaque, ['conversation', 'doctor', '-o', 'opaque']);
      expect(result.stdout).to.match(/^✓ Org authorization/m);
      expect(result.stdout).to.match(/^! Access token/m);
      expect(result.stdout).to.match(/^\s+Fix: /m);
    });
  });

  describe('proxies', () => {
    it('every entries request goes through HTTP_PROXY, and NO_PROXY bypasses it', async () => {
      const proxy = await startProxy();
      try {
        const through = await get('jwt', ['-s', SESSIONS.short, '--json'], { HTTP_PROXY: proxy.url, NO_PROXY: '' });
        expect(through.code, through.stdout).to.equal(0);
        const proxied = proxy.requests.filter((r) => r.target.includes(ENTRIES_PATH));
        expect(proxied).to.have.length(emus.jwt.requests.filter((r) => r.path === ENTRIES_PATH).length).and.to.have.length.greaterThan(0);

        proxy.requests.length = 0;
        const bypassed = await get('jwt', ['-s', SESSIONS.short, '--json'], { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
        expect(bypassed.code).to.equal(0);
        expect(proxy.requests.filter((r) => r.target.includes(ENTRIES_PATH))).to.have.length(0);
      } finally {
        await proxy.stop();
      }
    });

    it('doctor reports the proxy in effect, without credentials', async () => {
      const { checks } = await doctor('jwt', [], { HTTPS_PROXY: 'http://user:pw@proxy.example:3128', NO_PROXY: '127.0.0.1' });
      const detail = byName(checks, 'Proxy settings')?.detail ?? '';
      expect(detail).to.include('HTTPS_PROXY=http://proxy.example:3128');
      expect(detail).not.to.include('pw');
    });
  });
});
