/*
 * Self-test of the org emulator and the isolated sf home helper.
 *   npx mocha test/emulator-selftest/emulator.test.ts
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ProxyAgent } from 'proxy-agent';
import { CLIENT_APPS, CONVERSATIONS, entriesOf, LONG_ENTRY_COUNT, SESSION_RECORDS, SESSIONS } from '../emulator/seed.js';
import type { ClientAppName } from '../emulator/seed.js';
import { startEmulator } from '../emulator/server.js';
import type { Emulator } from '../emulator/server.js';
import type { ApiEntry } from '../emulator/entries.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { createSfHome, isolatedEnv, runTsx } from '../helpers/sfHome.js';
import type { SfHome, SfHomeApp } from '../helpers/sfHome.js';
import { send, type Res, type SendOptions } from './http.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRIES = '/platform/engagement/v1.0/conversation-entries';

type SfError = { message: string; errorCode: string };

/** The first error of a Salesforce REST error array. */
function firstError(res: Res): SfError {
  return (JSON.parse(res.body) as SfError[])[0];
}

/** One request on a fresh connection (no pooling, so socket faults hit exactly this request). */
const call = (base: string, path: string, options: SendOptions = {}): Promise<Res> => send(`${base}${path}`, options);

function entriesPath(params: Record<string, string | number>): string {
  return `${ENTRIES}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

type Snapshot = Record<string, string>;

/** Names + mtimes of the real ~/.sf and ~/.sfdx (log files by name only: other processes may append to them). */
function snapshotRealHome(): Snapshot {
  const out: Snapshot = {};
  for (const dir of ['.sf', '.sfdx']) {
    const path = join(homedir(), dir);
    if (!existsSync(path)) {
      out[dir] = 'absent';
      continue;
    }
    for (const name of readdirSync(path)) {
      out[`${dir}/${name}`] = name.endsWith('.log') ? 'log' : String(statSync(join(path, name)).mtimeMs);
    }
  }
  return out;
}

describe('org emulator self-test', function () {
  this.timeout(60_000);
  let emu: Emulator;
  const homes: SfHome[] = [];
  const seenTokens = new Set<string>();
  let realHomeBefore: Snapshot;

  before(async () => {
    realHomeBefore = snapshotRealHome();
    emu = await startEmulator();
    seenTokens.add(emu.accessToken).add(emu.refreshToken);
  });

  after(async () => {
    for (const t of [emu.accessToken]) seenTokens.add(t);
    await emu.stop();
    await Promise.all(homes.map((h) => h.cleanup()));
    for (const h of homes) expect(existsSync(h.home), `${h.home} removed`).to.equal(false);
  });

  describe('authorisation through @salesforce/core in an isolated home', () => {
    it('access-token flow: creates the auth file, alias and target-org; a child Org.create + refreshAuth + query works', async () => {
      emu.clearLog();
      const home = await createSfHome(emu, { setDefault: true });
      homes.push(home);
      const sfdx = join(home.home, '.sfdx');
      const authFile = readFileSync(join(sfdx, `${emu.username}.json`), 'utf8');
      expect(authFile).to.not.include(emu.accessToken); // encrypted at rest
      expect(JSON.parse(readFileSync(join(sfdx, 'alias.json'), 'utf8'))).to.deep.equal({ orgs: { emu: emu.username } });
      expect(JSON.parse(readFileSync(join(home.home, '.sf', 'config.json'), 'utf8'))).to.deep.equal({ 'target-org': 'emu' });
      expect(home.env.HOME).to.equal(home.home);
      expect(home.env.SF_CONVERSATION_API_URL).to.equal(emu.url);
      // What core called while authorising (access-token flow).
      const calls = emu.requests.map((r) => `${r.method} ${r.path}${r.query.q ? ` ${r.query.q}` : ''} ${r.status}`);
      expect(calls).to.deep.equal([
        'GET /services/oauth2/userinfo 200',
        `GET /services/data/v51.0/sobjects/User/${emu.userId} 200`,
        'GET /services/data/v51.0/query SELECT Id FROM ScratchOrgInfo limit 1 400',
        'GET /services/data 200',
        'GET /services/data/v66.0/query SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization 200',
      ]);

      emu.clearLog();
      // '-' = no alias: Org.create falls back to the target-org config that setDefault wrote.
      const child = await runTsx(join(HERE, 'orgQuery.ts'), ['-', SESSIONS.short, 'all'], home.env, { cwd: home.home });
      expect(child.code, child.stdout + child.stderr).to.equal(0);
      const out = JSON.parse(child.stdout) as Record<string, unknown>;
      expect(out).to.include({ username: emu.username, apiVersion: '66.0', tokenChanged: false, totalSize: 1, identifier: CONVERSATIONS.short });
      // 4 named sessions (short, noConversation, long, pii) plus the bulk ones; jsforce followed nextRecordsUrl.
      expect(out.allSessions).to.equal(SESSION_RECORDS.length);
      expect(emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
        'GET /services/data/v66.0 200',
        'GET /services/data/v66.0/query 200',
        'GET /services/data/v66.0/query 200',
        `GET /services/data/v66.0/query/${String(emu.requests[3]?.path.split('/').at(-1))} 200`,
      ]);
      expect(emu.requests[3].path).to.match(/\/query\/\w+-2000$/);
    });

    it('refresh-token flow: after revokeAccessTokens, refreshAuth gets a new token; an access-token-only home cannot recover', async () => {
      emu.clearLog();
      const home = await createSfHome(emu, { refreshable: true, alias: 'emu-rt' });
      homes.push(home);
      expect(emu.requests[0]).to.include({ method: 'POST', path: '/services/oauth2/token', status: 200, auth: 'none' });
      const oldToken = emu.accessToken;
      seenTokens.add(oldToken);
      emu.revokeAccessTokens();
      emu.clearLog();
      const child = await runTsx(join(HERE, 'orgQuery.ts'), ['emu-rt', SESSIONS.short.slice(0, 15)], home.env, { cwd: home.home });
      expect(child.code, child.stdout + child.stderr).to.equal(0);
      expect(JSON.parse(child.stdout)).to.include({ tokenChanged: true, identifier: CONVERSATIONS.short });
      expect(emu.accessToken).to.not.equal(oldToken);
      seenTokens.add(emu.accessToken);
      expect(emu.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`)).to.deep.equal([
        'GET /services/data/v66.0 401 invalid',
        'POST /services/oauth2/token 200 none',
        'GET /services/data/v51.0/query 400 valid', // core's refreshFn re-runs determineIfDevHub (ScratchOrgInfo probe)
        'GET /services/data/v66.0 200 valid',
        'GET /services/data/v66.0/query 200 valid',
      ]);

      // The access-token home (first test) holds a now-revoked token and no refresh token.
      const plain = homes[0];
      const failed = await runTsx(join(HERE, 'orgQuery.ts'), ['emu', SESSIONS.short], plain.env, { cwd: plain.home });
      expect(failed.code).to.equal(1);
      expect(failed.stdout).to.match(/INVALID_SESSION_ID|Session expired or invalid/);
      expect(failed.stdout + failed.stderr).to.not.include(oldToken);
    });
  });

  describe('Conversation Data API entries', () => {
    it('window paging: FromEnd by default returns the 25 newest, newest first', async () => {
      const res = await call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.long }), { token: emu.accessToken });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      const body = JSON.parse(res.body) as { conversationEntries: ApiEntry[]; nextPageToken?: string };
      expect(body).to.not.have.property('nextPageToken');
      const expected = entriesOf(CONVERSATIONS.long).slice(-25).reverse();
      expect(body.conversationEntries.map((e) => e.identifier)).to.deep.equal(expected.map((e) => e.identifier));
    });

    it('window paging: FromStart recordLimit=1000 by inclusive startTimestamp sees duplicates across pages and all 2500 entries', async () => {
      const seen = new Map<string, ApiEntry>();
      let start = 0;
      let duplicates = 0;
      for (let pageNo = 0; pageNo < 10; pageNo++) {
        // eslint-disable-next-line no-await-in-loop
        const res = await call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.long, queryDirection: 'FromStart', recordLimit: 1000, startTimestamp: start }), { token: emu.accessToken });
        const page = (JSON.parse(res.body) as { conversationEntries: ApiEntry[] }).conversationEntries;
        for (const e of page) {
          if (seen.has(e.identifier)) duplicates++;
          else seen.set(e.identifier, e);
        }
        if (page.length < 1000) break;
        start = page[page.length - 1].serverReceivedTimestamp;
      }
      expect(seen.size).to.equal(LONG_ENTRY_COUNT);
      expect(duplicates).to.be.greaterThan(0);
      expect([...seen.keys()]).to.deep.equal(entriesOf(CONVERSATIONS.long).map((e) => e.identifier));
    });

    it('token paging walks all 2500 entries in both directions; no token on the last page', async () => {
      emu.set({ paging: 'token' });
      try {
        for (const queryDirection of ['FromStart', 'FromEnd']) {
          const ids: string[] = [];
          let pageToken: string | undefined;
          let pages = 0;
          do {
            const params: Record<string, string | number> = { conversationIdentifier: CONVERSATIONS.long, recordLimit: 1000, queryDirection };
            if (pageToken) params.pageToken = pageToken;
            // eslint-disable-next-line no-await-in-loop
            const res = await call(emu.url, entriesPath(params), { token: emu.accessToken });
            const body = JSON.parse(res.body) as { conversationEntries: ApiEntry[]; nextPageToken?: string };
            ids.push(...body.conversationEntries.map((e) => e.identifier));
            pageToken = body.nextPageToken;
            pages++;
          } while (pageToken && pages < 10);
          expect(pages).to.equal(3);
          const expected = entriesOf(CONVERSATIONS.long).map((e) => e.identifier);
          expect(ids).to.deep.equal(queryDirection === 'FromStart' ? expected : expected.reverse());
        }
        const bad = await call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.long, pageToken: 'not-a-token' }), { token: emu.accessToken });
        expect(bad.status).to.equal(400);
      } finally {
        emu.set({ paging: 'window' });
      }
    });

    it('answers bad input and bad auth with 400 / 404 / 401 JSON', async () => {
      const t = emu.accessToken;
      const statuses = await Promise.all([
        call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.short, recordLimit: 0 }), { token: t }),
        call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.short, recordLimit: 1001 }), { token: t }),
        call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.short, queryDirection: 'Sideways' }), { token: t }),
        call(emu.url, entriesPath({ recordLimit: 5 }), { token: t }),
        call(emu.url, entriesPath({ conversationIdentifier: '00000000-0000-4000-8000-000000000000' }), { token: t }),
        call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.short })),
        call(emu.url, entriesPath({ conversationIdentifier: CONVERSATIONS.short }), { token: `${emu.orgId}!AQnotAValidToken` }),
      ]);
      expect(statuses.map((r) => r.status)).to.deep.equal([400, 400, 400, 400, 404, 401, 401]);
      for (const r of statuses) expect(JSON.parse(r.body)).to.have.property('errorCode');
      expect(emu.requests.at(-1)?.auth).to.be.oneOf(['invalid', 'none']);
    });

    it('the short conversation has the rich entries the plugin must render', () => {
      const entries = entriesOf(CONVERSATIONS.short);
      expect(entries.map((e) => e.entryType)).to.include.members(['Message', 'ParticipantChanged', 'SessionStatusChanged']);
      expect(entries.some((e) => e.messageText?.includes('I&#39;m here &amp; ready'))).to.equal(true);
      const types = entries.map((e) => (e.entryPayload.abstractMessage as { messageType?: string } | undefined)?.messageType);
      expect(types).to.include.members(['StaticContentMessage', 'ChoicesMessage', 'ChoicesResponseMessage']);
      const noText = entries.filter((e) => e.entryType === 'Message' && e.messageText === undefined);
      expect(noText).to.have.length(3); // menu, menu choice, attachment
    });
  });

  describe('Connect entries resource', () => {
    it('is text only, HTML-escaped, newest first, with 15-char relatedRecords', async () => {
      const res = await call(emu.url, `/services/data/v62.0/connect/conversation/${CONVERSATIONS.short}/entries`, { token: emu.accessToken });
      expect(res.status).to.equal(200);
      const entries = (JSON.parse(res.body) as { conversationEntries: Array<Record<string, unknown>> }).conversationEntries;
      const allowed = ['clientDuration', 'clientTimestamp', 'identifier', 'messageText', 'relatedRecords', 'sender', 'serverReceivedTimestamp'];
      for (const e of entries) expect(Object.keys(e)).to.satisfy((keys: string[]) => keys.every((k) => allowed.includes(k)));
      const stamps = entries.map((e) => e.serverReceivedTimestamp as number);
      expect(stamps).to.deep.equal([...stamps].sort((a, b) => b - a));
      const texts = entries.map((e) => e.messageText).filter((t) => t !== undefined);
      expect(texts).to.include('I&#39;m here &amp; ready to help.');
      expect(texts.some((t) => String(t).includes('&lt;3 &quot;soon&quot;'))).to.equal(true);
      expect(texts).to.have.length(4); // only the text messages
      expect(entries.flatMap((e) => e.relatedRecords as string[])).to.satisfy((ids: string[]) => ids.length > 0 && ids.every((id) => id.length === 15));
      const old = await call(emu.url, `/services/data/v50.0/connect/conversation/${CONVERSATIONS.short}/entries`, { token: emu.accessToken });
      expect(old.status).to.equal(404);
      const unauth = await call(emu.url, `/services/data/v62.0/connect/conversation/${CONVERSATIONS.short}/entries`);
      expect(unauth.status).to.equal(401);
      expect(JSON.parse(unauth.body)).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    });
  });

  describe('faults', () => {
    const shortPath = entriesPath({ conversationIdentifier: CONVERSATIONS.short });

    it('429 and 503 carry Retry-After and JSON; 500 does not', async () => {
      emu.set({ retryAfterSeconds: 3 });
      emu.injectFaults('429', 1);
      emu.injectFaults('503', 1);
      emu.injectFaults('500', 1);
      const [a, b, c] = [
        await call(emu.url, shortPath, { token: emu.accessToken }),
        await call(emu.url, shortPath, { token: emu.accessToken }),
        await call(emu.url, shortPath, { token: emu.accessToken }),
      ];
      expect([a.status, b.status, c.status]).to.deep.equal([429, 503, 500]);
      expect([a.headers['retry-after'], b.headers['retry-after'], c.headers['retry-after']]).to.deep.equal(['3', '3', undefined]);
      for (const r of [a, b, c]) expect(JSON.parse(r.body)).to.have.property('errorCode');
      expect(emu.requests.slice(-3).map((r) => r.fault)).to.deep.equal(['429', '503', '500']);
      const ok = await call(emu.url, shortPath, { token: emu.accessToken });
      expect(ok.status).to.equal(200);
      emu.set({ retryAfterSeconds: 1 });
    });

    it('reset destroys the socket; stall holds it for stallMs then destroys it', async () => {
      emu.injectFaults('reset', 1);
      let error = await call(emu.url, shortPath, { token: emu.accessToken }).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.match(/socket hang up|ECONNRESET/);
      expect(emu.requests.at(-1)).to.include({ status: 0, fault: 'reset' });
      emu.set({ stallMs: 400 });
      emu.injectFaults('stall', 1);
      const started = Date.now();
      error = await call(emu.url, shortPath, { token: emu.accessToken }).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.match(/socket hang up|ECONNRESET/);
      expect(Date.now() - started).to.be.greaterThanOrEqual(380);
      expect(emu.requests.at(-1)).to.include({ status: 0, fault: 'stall' });
      emu.set({ stallMs: 60_000 });
    });

    it('truncated sends 200 JSON cut in half', async () => {
      const full = await call(emu.url, shortPath, { token: emu.accessToken });
      emu.injectFaults('truncated', 1);
      const cut = await call(emu.url, shortPath, { token: emu.accessToken });
      expect(cut.status).to.equal(200);
      expect(cut.headers['content-type']).to.match(/^application\/json/);
      expect(cut.body).to.equal(full.body.slice(0, Math.floor(full.body.length / 2)));
      expect(() => JSON.parse(cut.body) as unknown).to.throw();
    });

    it('faults hit the Connect path too, and pathIncludes targets other paths; other paths are left alone by default', async () => {
      emu.injectFaults('503', 1);
      const connect = await call(emu.url, `/services/data/v62.0/connect/conversation/${CONVERSATIONS.short}/entries`, { token: emu.accessToken });
      expect(connect.status).to.equal(503);
      expect(JSON.parse(connect.body)).to.be.an('array');
      emu.injectFaults('500', 1, '/query');
      const q = encodeURIComponent(`SELECT Id FROM MessagingSession WHERE Id = '${SESSIONS.short}'`);
      expect((await call(emu.url, `/services/data/v62.0/query?q=${q}`, { token: emu.accessToken })).status).to.equal(500);
      expect((await call(emu.url, `/services/data/v62.0/query?q=${q}`, { token: emu.accessToken })).status).to.equal(200);
      emu.set({ faultRate: 1, faultKinds: ['429'] });
      expect((await call(emu.url, shortPath, { token: emu.accessToken })).status).to.equal(429);
      expect((await call(emu.url, `/services/data/v62.0/query?q=${q}`, { token: emu.accessToken })).status).to.equal(200);
      emu.set({ faultRate: 0 });
    });

    it('faultRate draws are reproducible for a seed; latency delays every response', async () => {
      const draw = async (): Promise<number[]> => {
        emu.set({ seed: 42, faultRate: 0.5, faultKinds: ['429', '500'] });
        const out: number[] = [];
        // eslint-disable-next-line no-await-in-loop
        for (let i = 0; i < 12; i++) out.push((await call(emu.url, shortPath, { token: emu.accessToken })).status);
        return out;
      };
      const first = await draw();
      const second = await draw();
      emu.set({ faultRate: 0, faultKinds: ['429', '503', '500', 'reset', 'stall', 'truncated'] });
      expect(first).to.deep.equal(second);
      expect(new Set(first).size).to.be.greaterThan(1);
      emu.set({ latencyMs: 150 });
      const started = Date.now();
      await call(emu.url, '/services/data');
      expect(Date.now() - started).to.be.greaterThanOrEqual(140);
      emu.set({ latencyMs: 0 });
    });
  });

  describe('SOQL', () => {
    const soql = (v: string, q: string, token = emu.accessToken): Promise<Res> =>
      call(emu.url, `/services/data/v${v}/query?q=${encodeURIComponent(q)}`, { token });
    const byId = (id: string): string => `SELECT Id, Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${id}'`;

    it('returns the record shape of api-notes §6, Conversation null, and 0 rows for an unknown id', async () => {
      const found = JSON.parse((await soql('62.0', byId(SESSIONS.short.slice(0, 15)))).body) as Record<string, unknown>;
      expect(found).to.deep.equal({
        totalSize: 1,
        done: true,
        records: [
          {
            attributes: { type: 'MessagingSession', url: `/services/data/v62.0/sobjects/MessagingSession/${SESSIONS.short}` },
            Id: SESSIONS.short,
            Conversation: {
              attributes: { type: 'Conversation', url: (found.records as Array<{ Conversation: { attributes: { url: string } } }>)[0].Conversation.attributes.url },
              ConversationIdentifier: CONVERSATIONS.short,
            },
          },
        ],
      });
      const none = JSON.parse((await soql('62.0', byId(SESSIONS.noConversation))).body) as { records: Array<{ Conversation: unknown }> };
      expect(none.records[0].Conversation).to.equal(null);
      expect(JSON.parse((await soql('62.0', byId(SESSIONS.unknown))).body)).to.deep.equal({ totalSize: 0, done: true, records: [] });
      const many = JSON.parse((await soql('62.0', `SELECT Id FROM MessagingSession WHERE Id IN ('${SESSIONS.short}','${SESSIONS.long.slice(0, 15)}','${SESSIONS.unknown}')`)).body) as { totalSize: number };
      expect(many.totalSize).to.equal(2);
    });

    it('produces the documented error outcomes', async () => {
      const old = await soql('54.0', byId(SESSIONS.short));
      expect(old.status).to.equal(400);
      expect(firstError(old)).to.include({ errorCode: 'INVALID_FIELD' });
      expect(firstError(old).message).to.include("No such column 'Conversation' on entity 'MessagingSession'");
      const malformedId = await soql('62.0', byId('0Mw5g00000AbC'));
      expect(malformedId.status).to.equal(400);
      expect(JSON.parse(malformedId.body)).to.deep.equal([{ message: 'invalid ID field: 0Mw5g00000AbC', errorCode: 'INVALID_QUERY_FILTER_OPERATOR' }]);
      expect(firstError(await soql('62.0', 'SELEKT Id FROM MessagingSession')).errorCode).to.equal('MALFORMED_QUERY');

      emu.setSoqlFault('INVALID_TYPE');
      const invalidType = await soql('62.0', byId(SESSIONS.short));
      expect(invalidType.status).to.equal(400);
      expect(firstError(invalidType).errorCode).to.equal('INVALID_TYPE');
      expect(firstError(invalidType).message).to.match(/^\nSELECT .* FROM MessagingSession.*\n *\^\nERROR at Row:1:Column:\d+\nsObject type 'MessagingSession' is not supported\./);
      emu.setSoqlFault('INVALID_SESSION_ID');
      const expired = await soql('62.0', byId(SESSIONS.short));
      expect(expired.status).to.equal(401);
      expect(firstError(expired).errorCode).to.equal('INVALID_SESSION_ID');
      expect((await soql('62.0', 'SELECT Name FROM Organization')).status).to.equal(200);
      emu.setSoqlFault(undefined);
      expect((await soql('62.0', byId(SESSIONS.short), 'nope')).status).to.equal(401);
    });

    it('pages large results through nextRecordsUrl in batches of 2000', async () => {
      const first = JSON.parse((await soql('62.0', 'SELECT Id FROM MessagingSession')).body) as { totalSize: number; done: boolean; nextRecordsUrl: string; records: unknown[] };
      expect(first.done).to.equal(false);
      expect(first.records).to.have.length(2000);
      expect(first.nextRecordsUrl).to.match(/^\/services\/data\/v62\.0\/query\/\w+-2000$/);
      const second = JSON.parse((await call(emu.url, first.nextRecordsUrl, { token: emu.accessToken })).body) as { done: boolean; records: unknown[] };
      expect(second.done).to.equal(true);
      expect(first.records.length + second.records.length).to.equal(first.totalSize);
    });

    describe('filters (what `conversation entries export` sends)', () => {
      type Page = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Array<{ Id: string; Conversation?: { ConversationIdentifier: string } | null }> };
      const ids = async (where: string, v = '62.0'): Promise<string[]> => {
        const res = await soql(v, `SELECT Id FROM MessagingSession ${where}`);
        expect(res.status, res.body).to.equal(200);
        return (JSON.parse(res.body) as Page).records.map((r) => r.Id);
      };
      const count = async (where: string): Promise<number> => {
        const res = await soql('62.0', `SELECT Id FROM MessagingSession ${where}`);
        expect(res.status, res.body).to.equal(200);
        return (JSON.parse(res.body) as Page).totalSize;
      };
      const startMs = (s: { startTime: string }): number => Date.parse(s.startTime.replace(/\+0000$/, 'Z'));
      const expected = (keep: (s: (typeof SESSION_RECORDS)[number]) => boolean): string[] => SESSION_RECORDS.filter(keep).map((s) => s.id18);
      const SHORT_START = Date.parse('2025-01-10T11:20:00Z');
      const error = async (q: string): Promise<{ status: number; errorCode: string; message: string }> => {
        const res = await soql('62.0', q);
        return { status: res.status, ...firstError(res) };
      };

      it('StartTime >= / <= / > / <: dateTime literals with or without millis, Z or an offset', async () => {
        const day = await ids('WHERE StartTime >= 2025-01-10T11:20:00Z AND StartTime <= 2025-01-10T23:59:59Z');
        expect(day).to.deep.equal([SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation]);
        expect(day).to.deep.equal(expected((s) => startMs(s) >= SHORT_START && startMs(s) <= Date.parse('2025-01-10T23:59:59Z')));
        // One instant, three spellings.
        for (const literal of ['2025-01-10T11:20:00Z', '2025-01-10T11:20:00.000Z', '2025-01-10T12:20:00+01:00', '2025-01-10T06:20:00.0-05:00']) {
          expect(await ids(`WHERE StartTime = ${literal}`), literal).to.deep.equal([SESSIONS.short]);
          expect(await ids(`WHERE StartTime > ${literal} AND StartTime < 2025-01-10T13:00:00Z`), literal).to.deep.equal([SESSIONS.noConversation]);
        }
        expect(await ids('WHERE StartTime < 2025-01-10T11:20:00Z')).to.deep.equal([]);
        expect(await count('WHERE StartTime >= 2025-01-01T00:00:00Z')).to.equal(SESSION_RECORDS.length);
        expect(await ids('WHERE StartTime > 2030-01-01T00:00:00Z')).to.deep.equal([]);
      });

      it('ChannelType and Status: = and IN (case-insensitive, GUESS), != and NOT IN', async () => {
        expect(await ids("WHERE ChannelType = 'WhatsApp'")).to.deep.equal([SESSIONS.short, SESSIONS.pii]);
        expect(await ids("WHERE ChannelType = 'whatsapp'")).to.deep.equal([SESSIONS.short, SESSIONS.pii]);
        expect(await ids("WHERE ChannelType IN ('WhatsApp', 'EmbeddedMessaging')")).to.deep.equal([SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation, SESSIONS.long]);
        expect(await count("WHERE ChannelType IN ('Text')")).to.equal(2100);
        expect(await ids("WHERE ChannelType IN ('Facebook','Line')")).to.deep.equal([]);
        expect(await ids("WHERE Status = 'Waiting'")).to.deep.equal([SESSIONS.noConversation]);
        expect(await count("WHERE Status IN ('Ended','Active')")).to.equal(SESSION_RECORDS.length - 1);
        expect(await ids("WHERE ChannelType != 'Text' AND Status <> 'Ended'")).to.deep.equal([SESSIONS.noConversation]);
        expect(await ids("WHERE ChannelType NOT IN ('Text', 'WhatsApp')")).to.deep.equal([SESSIONS.noConversation, SESSIONS.long, SESSIONS.hostile]);
      });

      it('AND, parenthesised groups, OR inside parentheses, NOT; null comparisons; LIKE', async () => {
        expect(await ids("WHERE (ChannelType = 'WhatsApp' OR Status = 'Waiting')")).to.deep.equal([SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation]);
        expect(await ids("WHERE StartTime >= 2025-01-10T11:20:00Z AND (ChannelType = 'EmbeddedMessaging' OR Id = '" + SESSIONS.pii + "') AND (Status = 'Ended')"))
          .to.deep.equal([SESSIONS.pii, SESSIONS.long]);
        expect(await ids("WHERE ((Status = 'Waiting') OR (ChannelType = 'WhatsApp' AND StartTime > 2025-01-10T11:20:00Z))")).to.deep.equal([SESSIONS.pii, SESSIONS.noConversation]);
        expect(await ids("WHERE NOT (ChannelType = 'Text' OR ChannelType = 'WhatsApp')")).to.deep.equal([SESSIONS.noConversation, SESSIONS.long, SESSIONS.hostile]);
        expect(await ids('WHERE ConversationId = null')).to.deep.equal([SESSIONS.noConversation]);
        expect(await count('WHERE ConversationId != null')).to.equal(SESSION_RECORDS.length - 1);
        expect(await ids(`WHERE Conversation.ConversationIdentifier LIKE '${CONVERSATIONS.long.slice(0, 8)}%'`)).to.deep.equal([SESSIONS.long]);
      });

      it('the id-batch shape: Id IN (15- and 18-char) AND the other filters', async () => {
        const batch = [SESSIONS.short, SESSIONS.long.slice(0, 15), SESSIONS.pii, SESSIONS.noConversation, SESSIONS.unknown].map((id) => `'${id}'`).join(',');
        expect(await ids(`WHERE Id IN (${batch}) AND StartTime >= 2025-01-10T11:20:00Z AND StartTime <= 2025-01-10T12:00:00Z`)).to.deep.equal([SESSIONS.short]);
        expect(await ids(`WHERE Id IN (${batch}) AND ChannelType IN ('WhatsApp', 'EmbeddedMessaging') AND (Status = 'Ended')`)).to.deep.equal([SESSIONS.short, SESSIONS.pii, SESSIONS.long]);
      });

      it('ORDER BY Id / StartTime [ASC|DESC], LIMIT and OFFSET', async () => {
        const sorted = expected(() => true).sort();
        expect(await ids("WHERE ChannelType != 'Text' ORDER BY Id")).to.deep.equal(sorted.filter((id) => !id.startsWith('0Mw5g00001')));
        expect(await ids("WHERE ChannelType != 'Text' ORDER BY Id DESC")).to.deep.equal(sorted.filter((id) => !id.startsWith('0Mw5g00001')).reverse());
        expect(await ids("WHERE ChannelType != 'Text' ORDER BY StartTime DESC")).to.deep.equal([SESSIONS.hostile, SESSIONS.long, SESSIONS.pii, SESSIONS.noConversation, SESSIONS.short]);
        expect(await ids("WHERE ChannelType != 'Text' ORDER BY StartTime ASC NULLS FIRST LIMIT 2 OFFSET 1")).to.deep.equal([SESSIONS.noConversation, SESSIONS.pii]);
      });

      it('a filtered result over 2000 rows pages through nextRecordsUrl, in ORDER BY order', async () => {
        const q = "SELECT Id, Conversation.ConversationIdentifier FROM MessagingSession WHERE StartTime >= 2025-01-01T00:00:00Z AND ChannelType IN ('Text') ORDER BY Id";
        const first = JSON.parse((await soql('62.0', q)).body) as Page;
        expect(first).to.include({ totalSize: 2100, done: false });
        expect(first.records).to.have.length(2000);
        const second = JSON.parse((await call(emu.url, first.nextRecordsUrl ?? '', { token: emu.accessToken })).body) as Page;
        expect(second.done).to.equal(true);
        const all = [...first.records, ...second.records];
        expect(all.map((r) => r.Id)).to.deep.equal(expected((s) => s.channelType === 'Text').sort());
        expect(all.every((r) => typeof r.Conversation?.ConversationIdentifier === 'string')).to.equal(true);
      });

      it('refuses unknown fields (INVALID_FIELD), wrong literal types, bad ids and syntax errors (MALFORMED_QUERY)', async () => {
        const unknown = await error("SELECT Id FROM MessagingSession WHERE Nope__c = 'x'");
        expect(unknown).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
        expect(unknown.message).to.include("No such column 'Nope__c' on entity 'MessagingSession'");
        expect(unknown.message).to.match(/\n {38}\^\nERROR at Row:1:Column:39\n/);
        expect((await error("SELECT Id FROM MessagingSession WHERE Status = 'Ended' AND (Owner.Name = 'x' OR Status = 'y')")).message).to.include("No such column 'Owner.Name'");
        expect((await error('SELECT Id FROM MessagingSession ORDER BY CreatedDate')).message).to.include("No such column 'CreatedDate'");
        // Conversation fields exist from API 55.0, in WHERE too.
        const old = await soql('54.0', "SELECT Id FROM MessagingSession WHERE Conversation.ConversationIdentifier = 'x'");
        expect(firstError(old).errorCode).to.equal('INVALID_FIELD');
        const quoted = await error("SELECT Id FROM MessagingSession WHERE StartTime >= '2025-01-10T11:20:00Z'");
        expect(quoted).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
        expect(quoted.message).to.include("value of filter criterion for field 'StartTime' must be of type dateTime and should not be enclosed in quotes");
        expect((await error('SELECT Id FROM MessagingSession WHERE Status = 5')).errorCode).to.equal('INVALID_FIELD');
        expect(await error("SELECT Id FROM MessagingSession WHERE Id IN ('x' , 'y')")).to.deep.equal({ status: 400, errorCode: 'INVALID_QUERY_FILTER_OPERATOR', message: 'invalid ID field: x' });
        const syntax = [
          'WHERE',
          'WHERE ()',
          "WHERE Status = 'Ended",
          "WHERE (Status = 'Ended'",
          "WHERE Status = 'Ended')",
          "WHERE Status 'Ended'",
          'WHERE Id IN ()',
          "WHERE Status = 'Ended' AND",
          "WHERE Status = 'Ended' AND ChannelType = 'Text' OR Status = 'Waiting'",
          "WHERE Status = 'Ended'; DELETE",
          'WHERE StartTime >= 2025-01-10T11:20:00',
          'WHERE StartTime >= 2025-13-10T11:20:00Z',
          'WHERE StartTime >= TODAY',
          "WHERE Status = 'Ended' ORDER Id",
          "WHERE Status = 'Ended' LIMIT x",
          'WHERE Status = Ended',
        ];
        for (const where of syntax) {
          const res = await error(`SELECT Id FROM MessagingSession ${where}`);
          expect(res, where).to.include({ status: 400, errorCode: 'MALFORMED_QUERY' });
          expect(res.message, where).to.match(/\n *\^\nERROR at Row:1:Column:\d+\n/);
        }
        // core's own queries keep working
        expect((await soql('62.0', `SELECT Id FROM User WHERE Username='${emu.username}'`)).body).to.include(emu.userId);
        expect(JSON.parse((await soql('62.0', "SELECT Id FROM User WHERE Username='someone.else@example.com'")).body)).to.include({ totalSize: 0 });
        expect((await error('SELECT Id FROM ScratchOrgInfo limit 1')).errorCode).to.equal('INVALID_TYPE');
      });
    });
  });

  /* eslint-disable camelcase -- OAuth wire format */
  describe('oauth token endpoint', () => {
    it('refuses a bad refresh token or an unknown grant; accepts a 3-part jwt assertion', async () => {
      const post = (body: string): Promise<Res> => call(emu.url, '/services/oauth2/token', { method: 'POST', body });
      const bad = await post(`grant_type=refresh_token&client_id=${encodeURIComponent(emu.clientId)}&refresh_token=nope`);
      expect(bad.status).to.equal(400);
      expect(JSON.parse(bad.body)).to.deep.equal({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
      expect((await post('grant_type=password&username=x&password=y')).status).to.equal(400);
      const jwt = await post('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c');
      expect(jwt.status).to.equal(200);
      const issued = JSON.parse(jwt.body) as { access_token: string; instance_url: string; id: string };
      seenTokens.add(issued.access_token);
      expect(issued.instance_url).to.equal(emu.url);
      expect(issued.id).to.equal(`${emu.url}/id/${emu.orgId}/${emu.userId}`);
      const identity = await call(emu.url, `/id/${emu.orgId}/${emu.userId}`, { token: issued.access_token });
      expect(JSON.parse(identity.body)).to.include({ username: emu.username, organization_id: emu.orgId });
    });
  });

  /* eslint-enable camelcase */
  describe('hygiene', () => {
    it('the request log never contains a token, even one sent as a query parameter', async () => {
      await call(emu.url, `${entriesPath({ conversationIdentifier: CONVERSATIONS.short })}&access_token=${encodeURIComponent(emu.accessToken)}`, { token: emu.accessToken });
      seenTokens.add(emu.accessToken);
      const log = JSON.stringify(emu.requests);
      expect(emu.requests.length).to.be.greaterThan(0);
      for (const token of seenTokens) expect(log).to.not.include(token);
      expect(log).to.not.match(/00D\w{12,15}!/);
    });

    it("the user's real ~/.sf and ~/.sfdx are untouched", () => {
      expect(snapshotRealHome()).to.deep.equal(realHomeBefore);
      for (const dir of ['.sf', '.sfdx']) {
        const path = join(homedir(), dir);
        if (!existsSync(path)) continue;
        for (const name of readdirSync(path).filter((n) => n.endsWith('.log'))) {
          const text = readFileSync(join(path, name), 'utf8');
          expect(text, `${dir}/${name} mentions the emulator`).to.not.include(emu.url).and.not.include(emu.username);
        }
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Client apps, JWT-based access tokens, the strict entries API, core with JWT tokens, and the test proxy.
// ---------------------------------------------------------------------------------------------------------------
/* eslint-disable camelcase -- OAuth, JWT and identity fields use snake_case on the wire */

const HELPERS = join(HERE, '..', 'helpers');
const TOKEN_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

type Jwt = { header: Record<string, unknown>; payload: Record<string, unknown> };

function decodeJwt(token: string): Jwt {
  const parts = token.split('.');
  expect(parts, 'a JWT has 3 parts').to.have.length(3);
  const part = (i: number): Record<string, unknown> => JSON.parse(Buffer.from(parts[i], 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(0), payload: part(1) };
}

/** An unsigned assertion with these claims (the emulator does not verify signatures). */
const assertion = (claims: Record<string, unknown>): string =>
  [{ alg: 'RS256' }, claims].map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')).join('.') + '.c2ln';


const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** Every file under `dir` (relative path → content), for "no token at rest in plain text" checks. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('org emulator self-test: client apps, JWT tokens, strict entries API, proxy', function () {
  this.timeout(60_000);
  let emu: Emulator;
  const secrets = new Set<string>();
  const homes: SfHome[] = [];
  const remember = (token: string): string => {
    secrets.add(token);
    return token;
  };
  const tokenEndpoint = (body: string, headers: Record<string, string> = {}): Promise<Res> =>
    send(`${emu.url}/services/oauth2/token`, { method: 'POST', body, headers });
  const refreshGrant = (app: SfHomeApp, refreshToken = emu.credentialsFor(app).refreshToken, clientId = CLIENT_APPS[app].clientId): Promise<Res> =>
    tokenEndpoint(form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }));
  const clientCredentials = (clientId: string, clientSecret: string): Promise<Res> =>
    tokenEndpoint(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }));
  const basic = (clientId: string, clientSecret: string): Record<string, string> => ({
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
  });
  const shortEntries = entriesPath({ conversationIdentifier: CONVERSATIONS.short });

  before(async () => {
    emu = await startEmulator();
    remember(emu.accessToken);
    for (const app of ['opaque', 'jwtNoSfap', 'jwt'] as const) remember(emu.credentialsFor(app).refreshToken);
    remember(CLIENT_APPS.clientCredentials.clientSecret as string);
  });

  after(async () => {
    await emu.stop();
    await Promise.all(homes.map((h) => h.cleanup()));
  });

  describe('client apps and their tokens', () => {
    it('seeds four apps; only clientCredentials has a secret and no refresh token', () => {
      expect(Object.keys(CLIENT_APPS)).to.have.members(['opaque', 'jwtNoSfap', 'jwt', 'clientCredentials']);
      expect(emu.apps).to.equal(CLIENT_APPS);
      expect(new Set(Object.values(CLIENT_APPS).map((a) => a.clientId)).size).to.equal(4);
      expect(Object.values(CLIENT_APPS).filter((a) => a.clientSecret).map((a) => a.name)).to.deep.equal(['clientCredentials']);
      expect(emu.clientId).to.equal(CLIENT_APPS.jwt.clientId);
      expect(emu.refreshToken).to.equal(emu.credentialsFor('jwt').refreshToken);
      expect(emu.credentialsFor('opaque').refreshToken).to.not.equal(emu.refreshToken);
    });

    it('the refresh-token grant issues the kind of token of the app whose client_id it carries', async () => {
      const expected: Record<SfHomeApp, { scope: string; api: boolean }> = {
        opaque: { scope: 'refresh_token web api', api: false },
        jwtNoSfap: { scope: 'api refresh_token', api: false },
        jwt: { scope: 'sfap_api api refresh_token', api: true },
      };
      for (const app of ['opaque', 'jwtNoSfap', 'jwt'] as const) {
        const res = await refreshGrant(app);
        expect(res.status, app).to.equal(200);
        const body = JSON.parse(res.body) as Record<string, string>;
        const token = remember(body.access_token);
        expect(body, app).to.include({ instance_url: emu.url, token_type: 'Bearer', scope: expected[app].scope, id: `${emu.url}/id/${emu.orgId}/${emu.userId}` });
        expect(body, app).to.not.have.property('refresh_token'); // no refresh token rotation
        expect(body.api_instance_url, app).to.equal(expected[app].api ? emu.url : undefined);
        if (app === 'opaque') {
          expect(token).to.match(new RegExp(`^${emu.orgId}![.\\w]+$`));
          expect(body).to.not.have.property('token_format');
        } else {
          expect(body.token_format).to.equal('jwt');
          const { header, payload } = decodeJwt(token);
          expect(header).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: 'emu', tty: 'sfdc-core-token', tnk: `core/prod/${emu.orgId}`, ver: '1.0' });
          expect(payload).to.include({ iss: emu.url, sub: emu.userId, aud: emu.url, tnk: `core/prod/${emu.orgId}`, sfdc_app_id: CLIENT_APPS[app].appId });
          expect(payload.scp, app).to.deep.equal(expected[app].scope.split(' '));
          expect(payload, app).to.not.have.property('scope');
          const { exp, iat } = payload as { exp: number; iat: number };
          expect(exp - iat).to.equal(3600);
          expect(exp).to.be.below(1e10); // epoch seconds, not ms
          expect(Math.abs(iat - Date.now() / 1000)).to.be.below(5);
        }
        // The instance takes every valid token of either kind.
        expect((await call(emu.url, '/services/data/v66.0', { token })).status, app).to.equal(200);
        const identity = await call(emu.url, `/id/${emu.orgId}/${emu.userId}`, { token });
        expect(JSON.parse(identity.body)).to.include({ username: emu.username });
        expect(emu.requests.at(-1)).to.include({ auth: 'valid', tokenApp: app });
      }
    });

    it("refuses another app's refresh token, an unknown client id, and the client-credentials app (no refresh token)", async () => {
      const wrongApp = await refreshGrant('jwt', emu.credentialsFor('opaque').refreshToken);
      expect(wrongApp.status).to.equal(400);
      expect(JSON.parse(wrongApp.body)).to.deep.equal({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
      const unknown = await refreshGrant('jwt', emu.refreshToken, 'no-such-client');
      expect(JSON.parse(unknown.body)).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      const cc = await refreshGrant('jwt', emu.refreshToken, CLIENT_APPS.clientCredentials.clientId);
      expect(cc.status).to.equal(400);
      expect(JSON.parse(cc.body)).to.include({ error: 'invalid_grant' });
    });

    it("the jwt-bearer grant issues the kind of token of the app named by the assertion's iss", async () => {
      const kinds: Array<[string, string]> = [];
      for (const app of ['opaque', 'jwtNoSfap', 'jwt', 'clientCredentials'] as const) {
        const res = await tokenEndpoint(form({ grant_type: TOKEN_GRANT, assertion: assertion({ iss: CLIENT_APPS[app].clientId, sub: emu.username, aud: emu.url }) }));
        expect(res.status, app).to.equal(200);
        const token = remember((JSON.parse(res.body) as { access_token: string }).access_token);
        kinds.push([app, token.startsWith(`${emu.orgId}!`) ? 'opaque' : String(decodeJwt(token).payload.sfdc_app_id)]);
      }
      expect(kinds).to.deep.equal([
        ['opaque', 'opaque'],
        ['jwtNoSfap', CLIENT_APPS.jwtNoSfap.appId],
        ['jwt', CLIENT_APPS.jwt.appId],
        ['clientCredentials', CLIENT_APPS.clientCredentials.appId],
      ]);
      const unknown = await tokenEndpoint(form({ grant_type: TOKEN_GRANT, assertion: assertion({ iss: 'no-such-client' }) }));
      expect(unknown.status).to.equal(400);
      expect(JSON.parse(unknown.body)).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
    });

    it('accessToken follows the jwt app; tokenFor reuses a valid token; issueToken mints one with any lifetime', async () => {
      const current = emu.accessToken;
      expect(decodeJwt(current).payload.sfdc_app_id).to.equal(CLIENT_APPS.jwt.appId);
      expect(emu.tokenFor('jwt')).to.equal(current);
      const opaque = remember(emu.tokenFor('opaque'));
      expect(emu.tokenFor('opaque')).to.equal(opaque);
      expect(emu.accessToken).to.equal(current); // other apps' tokens don't move it
      const fresh = remember(emu.issueToken('jwt'));
      expect(fresh).to.not.equal(current);
      expect(emu.accessToken).to.equal(fresh);
      const short = decodeJwt(remember(emu.issueToken('jwtNoSfap', { expiresInSeconds: 90 }))).payload as { exp: number; iat: number };
      expect(short.exp - short.iat).to.equal(90);
      emu.set({ jwtLifetimeSeconds: 120 });
      try {
        const body = JSON.parse((await refreshGrant('jwt')).body) as { access_token: string };
        const { exp, iat } = decodeJwt(remember(body.access_token)).payload as { exp: number; iat: number };
        expect(exp - iat).to.equal(120);
      } finally {
        emu.set({ jwtLifetimeSeconds: 3600 });
      }
      // An expired token is replaced by tokenFor; so is a revoked one.
      const expired = remember(emu.issueToken('jwt', { expiresInSeconds: -1 }));
      expect(emu.tokenFor('jwt')).to.not.equal(expired);
      const lifetime = await startEmulator({ jwtLifetimeSeconds: 30 });
      try {
        const { exp, iat } = decodeJwt(remember(lifetime.accessToken)).payload as { exp: number; iat: number };
        expect(exp - iat).to.equal(30);
      } finally {
        await lifetime.stop();
      }
    });

    it('revocation works for JWTs: an access token, and a refresh token (which ends only its own app’s sessions)', async () => {
      const other = await startEmulator();
      try {
        const jwt = other.tokenFor('jwt');
        const noSfap = other.tokenFor('jwtNoSfap');
        const opaque = other.tokenFor('opaque');
        [jwt, noSfap, opaque].forEach(remember);
        const revoke = (token: string): Promise<Res> => send(`${other.url}/services/oauth2/revoke`, { method: 'POST', body: form({ token }) });
        expect((await revoke(jwt)).status).to.equal(200);
        expect((await call(other.url, '/services/data/v66.0', { token: jwt })).status).to.equal(401);
        expect((await call(other.url, shortEntries, { token: jwt })).status).to.equal(401);
        expect(other.tokenFor('jwt')).to.not.equal(jwt);
        expect((await revoke(other.credentialsFor('jwtNoSfap').refreshToken)).status).to.equal(200);
        expect((await call(other.url, '/services/data/v66.0', { token: noSfap })).status).to.equal(401);
        expect((await call(other.url, '/services/data/v66.0', { token: opaque })).status).to.equal(200);
        const refused = await send(`${other.url}/services/oauth2/token`, {
          method: 'POST',
          body: form({ grant_type: 'refresh_token', client_id: CLIENT_APPS.jwtNoSfap.clientId, refresh_token: other.credentialsFor('jwtNoSfap').refreshToken }),
        });
        expect(refused.status).to.equal(400);
        expect(JSON.stringify(other.requests)).to.not.include(jwt);
      } finally {
        await other.stop();
      }
    });
  });

  describe('client-credentials grant', () => {
    const cc = CLIENT_APPS.clientCredentials;

    it('issues a JWT with sfap_api (as a `scope` string claim) for the client id and secret, in the body or by HTTP Basic', async () => {
      for (const res of [await clientCredentials(cc.clientId, cc.clientSecret as string), await tokenEndpoint(form({ grant_type: 'client_credentials' }), basic(cc.clientId, cc.clientSecret as string))]) {
        expect(res.status).to.equal(200);
        const body = JSON.parse(res.body) as Record<string, string>;
        remember(body.access_token);
        expect(body).to.include({ instance_url: emu.url, api_instance_url: emu.url, token_type: 'Bearer', scope: 'sfap_api api' });
        expect(body.issued_at).to.match(/^\d{13}$/);
        expect(body).to.not.have.property('refresh_token');
        const { payload } = decodeJwt(body.access_token);
        expect(payload).to.include({ scope: 'sfap_api api', sfdc_app_id: cc.appId, iss: emu.url, tnk: `core/prod/${emu.orgId}` });
        expect(payload).to.not.have.property('scp');
        const entries = await call(emu.url, shortEntries, { token: body.access_token });
        expect(entries.status).to.equal(200);
        expect(emu.requests.at(-1)).to.include({ tokenApp: 'clientCredentials' });
      }
      expect(emu.requests.filter((r) => r.path === '/services/oauth2/token').every((r) => r.auth === 'none')).to.equal(true);
    });

    it('answers a wrong secret with invalid_client (400 in the body, 401 by Basic) and an unknown client id with invalid_client_id', async () => {
      const wrong = await clientCredentials(cc.clientId, 'wrong-secret');
      expect(wrong.status).to.equal(400);
      expect(JSON.parse(wrong.body)).to.deep.equal({ error: 'invalid_client', error_description: 'invalid client credentials' });
      const wrongBasic = await tokenEndpoint(form({ grant_type: 'client_credentials' }), basic(cc.clientId, 'wrong-secret'));
      expect(wrongBasic.status).to.equal(401);
      expect(wrongBasic.headers['www-authenticate']).to.match(/^Basic/);
      expect(JSON.parse(wrongBasic.body)).to.deep.equal({ error: 'invalid_client', error_description: 'invalid client credentials' });
      const noSecretApp = await clientCredentials(CLIENT_APPS.jwt.clientId, 'anything');
      expect(JSON.parse(noSecretApp.body)).to.include({ error: 'invalid_client' });
      for (const res of [await clientCredentials('no-such-client', 'x'), await tokenEndpoint(form({ grant_type: 'client_credentials' }))]) {
        expect(res.status).to.equal(400);
        expect(JSON.parse(res.body)).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      }
      // The log never shows the secret, not even a wrong one sent as a query parameter.
      await send(`${emu.url}/services/oauth2/token?client_secret=${encodeURIComponent(cc.clientSecret as string)}`, { method: 'POST', body: '' });
      expect(JSON.stringify(emu.requests)).to.not.include(cc.clientSecret);
    });

    it('can be configured to answer invalid_scope or invalid_grant (after the credentials check out)', async () => {
      try {
        emu.set({ clientCredentialsError: 'invalid_scope' });
        const scope = await clientCredentials(cc.clientId, cc.clientSecret as string);
        expect(scope.status).to.equal(400);
        expect(JSON.parse(scope.body)).to.include({ error: 'invalid_scope' });
        expect(JSON.parse((await clientCredentials(cc.clientId, 'wrong')).body)).to.include({ error: 'invalid_client' });
        emu.set({ clientCredentialsError: 'invalid_grant' });
        const grant = await clientCredentials(cc.clientId, cc.clientSecret as string);
        expect(grant.status).to.equal(400);
        expect(JSON.parse(grant.body)).to.include({ error: 'invalid_grant' });
        // Other grants are not affected.
        expect((await refreshGrant('jwt')).status).to.equal(200);
      } finally {
        emu.set({ clientCredentialsError: 'none' });
      }
      const ok = await clientCredentials(cc.clientId, cc.clientSecret as string);
      expect(ok.status).to.equal(200);
      remember((JSON.parse(ok.body) as { access_token: string }).access_token);
      const configured = await startEmulator({ clientCredentialsError: 'invalid_grant' });
      try {
        const res = await send(`${configured.url}/services/oauth2/token`, { method: 'POST', body: form({ grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret as string }) });
        expect(JSON.parse(res.body)).to.include({ error: 'invalid_grant' });
      } finally {
        await configured.stop();
      }
    });
  });

  describe("strict entries API (tokenPolicy 'sfap-jwt', the default)", () => {
    it('takes only a valid JWT with sfap_api; opaque → 404, no sfap_api → 401, expired / revoked / unknown / none → 401', async () => {
      const tokens: Record<string, string | undefined> = {
        jwt: emu.tokenFor('jwt'),
        clientCredentials: emu.tokenFor('clientCredentials'),
        opaque: emu.tokenFor('opaque'),
        jwtNoSfap: emu.tokenFor('jwtNoSfap'),
        expired: emu.issueToken('jwt', { expiresInSeconds: -1 }),
        unknownJwt: assertion({ scp: ['sfap_api'], exp: Math.floor(Date.now() / 1000) + 600 }),
        unknownOpaque: `${emu.orgId}!AQnotAValidToken`,
        none: undefined,
      };
      Object.values(tokens).forEach((t) => t && remember(t));
      const got: Record<string, [number, unknown]> = {};
      for (const [name, token] of Object.entries(tokens)) {
        const res = await call(emu.url, shortEntries, { token });
        got[name] = [res.status, (JSON.parse(res.body) as { errorCode?: string }).errorCode ?? 'entries'];
      }
      expect(got).to.deep.equal({
        jwt: [200, 'entries'],
        clientCredentials: [200, 'entries'],
        opaque: [404, 'NOT_FOUND'],
        jwtNoSfap: [401, 'INVALID_AUTH'],
        expired: [401, 'INVALID_AUTH'],
        unknownJwt: [401, 'INVALID_AUTH'],
        unknownOpaque: [401, 'INVALID_AUTH'],
        none: [401, 'INVALID_AUTH'],
      });
      const opaque = await call(emu.url, shortEntries, { token: tokens.opaque });
      expect(JSON.parse(opaque.body)).to.deep.equal({ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
      const noSfap = await call(emu.url, shortEntries, { token: tokens.jwtNoSfap });
      expect((JSON.parse(noSfap.body) as { message: string }).message).to.include('missing scope sfap_api');
      expect(noSfap.headers['www-authenticate']).to.include('insufficient_scope');
      const expired = await call(emu.url, shortEntries, { token: tokens.expired });
      expect((JSON.parse(expired.body) as { message: string }).message).to.match(/expired/);
      expect(emu.requests.at(-1)).to.include({ auth: 'invalid', tokenApp: 'jwt' });
    });

    it('an unknown conversation with a good token is a 404 whose body differs from the opaque-token 404', async () => {
      const unknown = await call(emu.url, entriesPath({ conversationIdentifier: '00000000-0000-4000-8000-000000000000' }), { token: emu.tokenFor('jwt') });
      expect(unknown.status).to.equal(404);
      const body = JSON.parse(unknown.body) as { errorCode: string; message: string };
      expect(body.errorCode).to.equal('CONVERSATION_NOT_FOUND');
      expect(body.message).to.include('00000000-0000-4000-8000-000000000000');
      const opaque = await call(emu.url, entriesPath({ conversationIdentifier: '00000000-0000-4000-8000-000000000000' }), { token: emu.tokenFor('opaque') });
      expect(opaque.status).to.equal(404);
      expect(JSON.parse(opaque.body)).to.have.property('errorCode', 'NOT_FOUND');
      // Token checks come first: a bad-parameter request with an opaque token is still the opaque 404.
      expect((await call(emu.url, entriesPath({ recordLimit: 5 }), { token: emu.tokenFor('opaque') })).status).to.equal(404);
    });

    it('the instance endpoints take every valid token of either kind; an expired JWT gets INVALID_SESSION_ID there', async () => {
      const q = encodeURIComponent(`SELECT Id, Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${SESSIONS.short}'`);
      for (const app of ['opaque', 'jwtNoSfap', 'jwt', 'clientCredentials'] as const) {
        const token = emu.tokenFor(app);
        expect((await call(emu.url, `/services/data/v62.0/query?q=${q}`, { token })).status, app).to.equal(200);
        expect((await call(emu.url, `/services/data/v62.0/connect/conversation/${CONVERSATIONS.short}/entries`, { token })).status, app).to.equal(200);
        expect((await call(emu.url, '/services/oauth2/userinfo', { token })).status, app).to.equal(200);
      }
      const expired = remember(emu.issueToken('jwt', { expiresInSeconds: 0 }));
      const res = await call(emu.url, `/services/data/v62.0/query?q=${q}`, { token: expired });
      expect(res.status).to.equal(401);
      expect(firstError(res).errorCode).to.equal('INVALID_SESSION_ID');
    });

    it("tokenPolicy 'any' (set or startEmulator) takes every valid token; back to 'sfap-jwt' refuses again", async () => {
      const statuses = async (e: Emulator): Promise<number[]> => {
        const out: number[] = [];
        for (const app of ['opaque', 'jwtNoSfap', 'jwt'] as const) {
          // eslint-disable-next-line no-await-in-loop
          out.push((await call(e.url, shortEntries, { token: remember(e.tokenFor(app)) })).status);
        }
        out.push((await call(e.url, shortEntries, { token: remember(e.issueToken('jwt', { expiresInSeconds: -5 })) })).status);
        return out;
      };
      emu.set({ tokenPolicy: 'any' });
      try {
        expect(await statuses(emu)).to.deep.equal([200, 200, 200, 401]);
      } finally {
        emu.set({ tokenPolicy: 'sfap-jwt' });
      }
      expect(await statuses(emu)).to.deep.equal([404, 401, 200, 401]);
      const lax = await startEmulator({ tokenPolicy: 'any' });
      try {
        expect(await statuses(lax)).to.deep.equal([200, 200, 200, 401]);
      } finally {
        await lax.stop();
      }
    });
  });

  describe('@salesforce/core 9.4 with JWT access tokens', () => {
    const probe = join(HELPERS, 'coreTokenProbe.ts');

    // The `jwt` app (createSfHome's default) is exercised by the first describe block and the expiry test below.
    it('access-token and refresh-token auths through the other apps: Org.create, refreshAuth and queries work; no token at rest in plain text', async () => {
      const combos = (['opaque', 'jwtNoSfap'] as const).flatMap((app) => [false, true].map((refreshable) => ({ app, refreshable })));
      const created = await Promise.all(combos.map(({ app, refreshable }) => createSfHome(emu, { app, refreshable, alias: `${app}-${String(refreshable)}` })));
      homes.push(...created);
      const results = await Promise.all(
        combos.map(({ app, refreshable }, i) => runTsx(join(HERE, 'orgQuery.ts'), [`${app}-${String(refreshable)}`, SESSIONS.short], created[i].env, { cwd: created[i].home }))
      );
      for (const [i, { app, refreshable }] of combos.entries()) {
        const label = `${app} refreshable=${String(refreshable)}`;
        expect(results[i].code, `${label}: ${results[i].stdout}`).to.equal(0);
        expect(JSON.parse(results[i].stdout), label).to.include({ username: emu.username, totalSize: 1, identifier: CONVERSATIONS.short, tokenChanged: false });
      }
      // Each home's requests carried its app's token (the log records the app, never the token).
      const apps = new Set(emu.requests.filter((r) => r.path.endsWith('/query')).map((r) => r.tokenApp));
      expect([...apps]).to.include.members(['opaque', 'jwtNoSfap']);
      for (const app of ['opaque', 'jwtNoSfap', 'jwt'] as const) remember(emu.tokenFor(app));
      for (const home of created) {
        for (const [file, text] of filesUnder(home.home)) {
          for (const secret of secrets) expect(text, `${file} holds a token in plain text`).to.not.include(secret);
          expect(text, file).to.not.match(/eyJ[\w-]{20,}\.[\w-]{20,}\.|00D\w{12,15}!/);
        }
      }
    });

    it('an expired JWT: a refresh-token auth refreshes it (401 → refresh → retry); an access-token auth cannot recover', async () => {
      const pair = await Promise.all([createSfHome(emu, { refreshable: true, alias: 'exp-rt' }), createSfHome(emu, { alias: 'exp-at' })]);
      homes.push(...pair);
      const [refreshable, plain] = pair;
      // Both homes' tokens expire now (no test waits for a clock).
      emu.expireAccessTokens();
      emu.clearLog();
      const child = await runTsx(join(HERE, 'orgQuery.ts'), ['exp-rt', SESSIONS.short], refreshable.env, { cwd: refreshable.home });
      expect(child.code, child.stdout).to.equal(0);
      expect(JSON.parse(child.stdout)).to.include({ tokenChanged: true, identifier: CONVERSATIONS.short });
      expect(emu.requests.slice(0, 2).map((r) => `${r.method} ${r.path} ${r.status} ${r.auth} ${String(r.tokenApp)}`)).to.deep.equal([
        'GET /services/data/v66.0 401 invalid jwt', // the emulator still knows the expired token's app
        'POST /services/oauth2/token 200 none undefined',
      ]);
      expect(decodeJwt(remember(emu.accessToken)).payload.exp as number).to.be.above(Date.now() / 1000 + 3000);
      const failed = await runTsx(join(HERE, 'orgQuery.ts'), ['exp-at', SESSIONS.short], plain.env, { cwd: plain.home });
      expect(failed.code).to.equal(1);
      expect(failed.stdout).to.match(/INVALID_SESSION_ID|Session expired or invalid/);
    });

    it('Org.create with a raw token (`-o <token>`): core 9.4 takes an opaque one but not a JWT (NamedOrgNotFoundError)', async () => {
      const dir = await mkdtemp(join(realpathSync(tmpdir()), 'sfhome-'));
      try {
        const env = { ...isolatedEnv(dir, emu.url), SF_ORG_INSTANCE_URL: emu.url };
        const run = async (token: string): Promise<Record<string, unknown>> => {
          const r = await runTsx(probe, [], env, { cwd: dir, stdin: JSON.stringify({ mode: 'raw', token: remember(token), sessionId: SESSIONS.short }) });
          expect(r.stdout + r.stderr).to.not.include(token);
          return JSON.parse(r.stdout) as Record<string, unknown>;
        };
        const [opaque, jwt] = await Promise.all([run(emu.tokenFor('opaque')), run(emu.tokenFor('jwt'))]);
        expect(opaque).to.include({ ok: true, tokenKind: 'opaque', totalSize: 1, identifier: CONVERSATIONS.short, usernameIsToken: true });
        expect(jwt).to.include({ ok: false, errorName: 'NamedOrgNotFoundError' });
        expect(jwt.error).to.equal('No authorization information found for <redacted token>.');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('the JWT bearer flow (`sf org login jwt`) through the jwt app stores a JWT access token that works', async () => {
      const dir = await mkdtemp(join(realpathSync(tmpdir()), 'sfhome-'));
      try {
        emu.clearLog();
        const input = { mode: 'jwt-bearer', url: emu.url, username: emu.username, clientId: CLIENT_APPS.jwt.clientId, alias: 'jb', sessionId: SESSIONS.short };
        const r = await runTsx(probe, [], isolatedEnv(dir, emu.url), { cwd: dir, stdin: JSON.stringify(input) });
        expect(r.code, r.stdout).to.equal(0);
        expect(JSON.parse(r.stdout)).to.include({ ok: true, isJwtAuth: true, tokenKind: 'jwt', username: emu.username, identifier: CONVERSATIONS.short });
        expect(emu.requests[0]).to.include({ method: 'POST', path: '/services/oauth2/token', status: 200 });
        expect(emu.requests.slice(1).every((req) => req.tokenApp === 'jwt')).to.equal(true);
        remember(emu.accessToken);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('test proxy (test/helpers/proxy.ts) with proxy-agent', () => {
    let proxy: TestProxy;
    const saved: Record<string, string | undefined> = {};
    const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
    const setEnv = (vars: Record<string, string | undefined>): void => {
      for (const key of PROXY_VARS) delete process.env[key];
      for (const [key, value] of Object.entries(vars)) if (value !== undefined) process.env[key] = value;
    };

    before(async () => {
      for (const key of PROXY_VARS) saved[key] = process.env[key];
      proxy = await startProxy();
    });
    after(async () => {
      setEnv(saved);
      await proxy.stop();
    });

    it('forwards absolute-URI requests (method, headers, body) and streams the response back; logs targets only', async () => {
      const agent = new ProxyAgent();
      try {
        setEnv({ HTTP_PROXY: proxy.url });
        proxy.requests.length = 0;
        emu.clearLog();
        const token = emu.accessToken;
        const res = await send(`${emu.url}${entriesPath({ conversationIdentifier: CONVERSATIONS.long, recordLimit: 1000 })}`, { headers: { authorization: `Bearer ${token}` }, agent });
        expect(res.status).to.equal(200);
        expect((JSON.parse(res.body) as { conversationEntries: unknown[] }).conversationEntries).to.have.length(1000);
        const cc = CLIENT_APPS.clientCredentials;
        const post = await send(`${emu.url}/services/oauth2/token`, { method: 'POST', body: form({ grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret as string }), agent });
        expect(post.status).to.equal(200);
        remember((JSON.parse(post.body) as { access_token: string }).access_token);
        const basicPost = await send(`${emu.url}/services/oauth2/token`, { method: 'POST', body: form({ grant_type: 'client_credentials' }), headers: basic(cc.clientId, cc.clientSecret as string), agent });
        expect(basicPost.status).to.equal(200);
        remember((JSON.parse(basicPost.body) as { access_token: string }).access_token);
        const revoked = await send(`${emu.url}/services/data/v62.0?access_token=${encodeURIComponent(token)}`, { headers: { authorization: 'Bearer nope' }, agent });
        expect(revoked.status).to.equal(401);
        expect(proxy.requests.map((r) => `${r.method} ${r.target.replace(emu.url, '<emu>')}`)).to.deep.equal([
          `GET <emu>${entriesPath({ conversationIdentifier: CONVERSATIONS.long, recordLimit: 1000 })}`,
          'POST <emu>/services/oauth2/token',
          'POST <emu>/services/oauth2/token',
          'GET <emu>/services/data/v62.0?access_token=%3Credacted%3E',
        ]);
        expect(emu.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`)).to.deep.equal([
          `GET ${ENTRIES} 200 valid`,
          'POST /services/oauth2/token 200 none',
          'POST /services/oauth2/token 200 none',
          'GET /services/data/v62.0 401 invalid',
        ]);
        const log = JSON.stringify(proxy.requests);
        for (const secret of secrets) expect(log).to.not.include(secret);
      } finally {
        agent.destroy();
      }
    });

    it('NO_PROXY: proxy-agent reads it per request; loopback is proxied unless listed; host, host:port and * match, localhost and CIDR do not', async () => {
      const agent = new ProxyAgent(); // one agent for every case: the environment is read per request
      const port = new URL(emu.url).port;
      const cases: Array<[Record<string, string>, boolean]> = [
        [{ HTTP_PROXY: proxy.url }, true],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, false],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${port}` }, false],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${Number(port) + 1}` }, true],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' }, true],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.0/8' }, true],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' }, false],
        [{ HTTP_PROXY: proxy.url, NO_PROXY: '*' }, false],
        [{ HTTP_PROXY: proxy.url, no_proxy: '127.0.0.1' }, false],
        [{ HTTPS_PROXY: proxy.url }, false], // an http: URL only uses HTTP_PROXY (or ALL_PROXY)
        [{ ALL_PROXY: proxy.url }, true],
      ];
      try {
        const outcome: Array<[string, boolean]> = [];
        for (const [env] of cases) {
          setEnv(env);
          const before = proxy.requests.length;
          // eslint-disable-next-line no-await-in-loop
          const res = await send(`${emu.url}/services/data`, { agent });
          expect(res.status).to.equal(200);
          outcome.push([JSON.stringify(env).replace(proxy.url, '<proxy>'), proxy.requests.length > before]);
        }
        expect(outcome).to.deep.equal(cases.map(([env, proxied]) => [JSON.stringify(env).replace(proxy.url, '<proxy>'), proxied]));
      } finally {
        setEnv(saved);
        agent.destroy();
      }
    });

    it('tunnels CONNECT host:port both ways, answers 502 for an unreachable target, and stop() closes open tunnels', async () => {
      /** Opens a CONNECT tunnel by hand, sends `payload` through it once the proxy said 200, returns all it got back. */
      const connectThrough = (target: string, payload: string): Promise<string> =>
        new Promise((resolve, reject) => {
          const socket = netConnect({ host: '127.0.0.1', port: Number(new URL(proxy.url).port) });
          let text = '';
          let sent = false;
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (!sent && text.includes('\r\n\r\n')) {
              sent = true;
              if (payload && text.startsWith('HTTP/1.1 200 ')) socket.write(payload);
            }
          });
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
          socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
        });
      const emuHost = new URL(emu.url).host;
      proxy.requests.length = 0;
      const text = await connectThrough(emuHost, `GET /services/data/v66.0 HTTP/1.1\r\nHost: ${emuHost}\r\nAuthorization: Bearer ${emu.accessToken}\r\nConnection: close\r\n\r\n`);
      expect(text).to.match(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
      expect(text).to.include('"query":"/services/data/v66.0/query"');
      expect(emu.requests.at(-1)).to.include({ path: '/services/data/v66.0', status: 200, auth: 'valid', tokenApp: 'jwt' });
      // A port nothing listens on any more: a stopped emulator's.
      const gone = await startEmulator();
      const goneHost = new URL(gone.url).host;
      await gone.stop();
      expect(await connectThrough(goneHost, '')).to.match(/^HTTP\/1\.1 502 /);
      expect(proxy.requests).to.deep.equal([
        { method: 'CONNECT', target: emuHost, at: proxy.requests[0].at },
        { method: 'CONNECT', target: goneHost, at: proxy.requests[1].at },
      ]);
      // An idle tunnel is closed by stop().
      const other = await startProxy();
      const socket = netConnect({ host: '127.0.0.1', port: Number(new URL(other.url).port) });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await new Promise<void>((resolve) => {
        socket.once('data', () => resolve());
        socket.write(`CONNECT ${emuHost} HTTP/1.1\r\nHost: ${emuHost}\r\n\r\n`);
      });
      await other.stop();
      await closed;
    });

    it('an origin-form request is refused with 400; the emulator log and the proxy log hold no token or secret', async () => {
      const res = await send(`${proxy.url}/services/data`);
      expect(res.status).to.equal(400);
      for (const t of ['opaque', 'jwtNoSfap', 'jwt', 'clientCredentials'] as ClientAppName[]) remember(emu.tokenFor(t));
      remember(emu.accessToken);
      const logs = JSON.stringify(emu.requests) + JSON.stringify(proxy.requests);
      for (const secret of secrets) expect(logs).to.not.include(secret);
      expect(logs).to.not.match(/00D\w{12,15}!|eyJ[\w-]+\.[\w-]+\./);
    });
  });
});
