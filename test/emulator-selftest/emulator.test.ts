/*
 * Self-test of the org emulator and the isolated sf home helper.
 *   npx mocha test/emulator-selftest/emulator.test.ts
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { BULK_SESSION_COUNT, CONVERSATIONS, entriesOf, LONG_ENTRY_COUNT, SESSIONS } from '../emulator/seed.js';
import { startEmulator } from '../emulator/server.js';
import type { Emulator } from '../emulator/server.js';
import type { ApiEntry } from '../emulator/entries.js';
import { createSfHome, runTsx } from '../helpers/sfHome.js';
import type { SfHome } from '../helpers/sfHome.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRIES = '/platform/engagement/v1.0/conversation-entries';

type Res = { status: number; headers: IncomingHttpHeaders; body: string };
type SfError = { message: string; errorCode: string };

/** The first error of a Salesforce REST error array. */
function firstError(res: Res): SfError {
  return (JSON.parse(res.body) as SfError[])[0];
}

/** One request on a fresh connection (no pooling, so socket faults hit exactly this request). */
function call(base: string, path: string, options: { token?: string; method?: string; body?: string; timeoutMs?: number } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = request(`${base}${path}`, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(options.body);
  });
}

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
      expect(out.allSessions).to.equal(3 + BULK_SESSION_COUNT); // jsforce followed nextRecordsUrl
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
