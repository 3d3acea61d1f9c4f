/*
 * Secrets under trace logging. Every run of the suite has SF_LOG_LEVEL=trace and every file's after-hook checks that
 * no access token (refreshed ones included), refresh token or client secret reached stdout, stderr, a file under the
 * isolated home (the sf log among them) or an output file (support.ts). This file adds the client-credentials path,
 * where the plugin holds the secret and its own tokens, including one refreshed after a revocation mid-conversation.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { Emulator } from '../emulator/server.js';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS } from '../emulator/seed.js';
import type { SfHome } from '../helpers/sfHome.js';
import { afterCheckingSecrets, CC_CLIENT_ID, CLIENT_SECRET, DOCTOR, findLeaks, GET, isEntries, isTokenRequest, Rig, show, sleep } from './support.js';

describe('reliability: secrets stay secret at trace level (client credentials)', function () {
  this.timeout(300_000);
  let rig: Rig | undefined;
  let emu: Emulator;
  let home: SfHome;
  const ccEnv = { CONVERSATION_CLIENT_SECRET: CLIENT_SECRET };

  before(async () => {
    rig = await Rig.create('secrets');
    emu = await rig.emulator();
    home = await rig.home(emu, { alias: 'secrets' });
  });
  afterCheckingSecrets(() => rig);

  it('the secret check can fail: it finds a token, the client secret and token-shaped strings it was not told about', () => {
    const known = [CLIENT_SECRET];
    expect(findLeaks(`… ${CLIENT_SECRET} …`, known, 'canary')).to.have.length(1);
    expect(findLeaks(`Authorization: Bearer ${emu.accessToken}`, [], 'canary')).to.have.length(1);
    expect(findLeaks(`token=${emu.tokenFor('opaque')}`, [], 'canary')).to.have.length(1);
    expect(findLeaks(`refresh ${emu.refreshToken}`, [], 'canary')).to.have.length(1);
    expect(findLeaks('{"level":10,"msg":"Reading config file"} 00D5g000004AbCdEAK eyJhbGciOi', known, 'clean text')).to.deep.equal([]);
  });

  it('get with --client-id: the client-credentials token is revoked after the first page of 3 and replaced; every entry read', async () => {
    const r = rig as Rig;
    emu.set({ latencyMs: 60 });
    emu.clearLog();
    const run = r.start(home, [...GET, '-o', 'secrets', '-s', SESSIONS.long, '--client-id', CC_CLIENT_ID, '--json'], { env: ccEnv });
    let ended = false;
    void run.done.then(() => (ended = true));
    let revokedAt = 0;
    while (!ended && !revokedAt) {
      if (emu.requests.some((q) => isEntries(q) && q.status === 200 && q.tokenApp === 'clientCredentials')) {
        // The current client-credentials token (valid, so tokenFor returns it rather than issuing one).
        r.tokens.add(emu.tokenFor('clientCredentials'));
        emu.revokeAccessTokens();
        revokedAt = Date.now();
      } else {
        // eslint-disable-next-line no-await-in-loop
        await sleep(1);
      }
    }
    const result = await run.done;
    emu.set({ latencyMs: 0 });
    r.tokens.add(emu.tokenFor('clientCredentials'));
    expect(revokedAt, 'revoked while get was going').to.be.greaterThan(0);
    expect(result.code, show(result)).to.equal(0);
    expect((result.json?.result as { entryCount: number }).entryCount).to.equal(LONG_ENTRY_COUNT);
    const entries = emu.requests.filter(isEntries);
    expect(entries.every((q) => q.tokenApp === 'clientCredentials' || q.status === 401), 'entries read with client-credentials tokens').to.equal(true);
    expect(entries.filter((q) => q.status === 401).length, 'refused after the revocation').to.be.at.least(1);
    expect(entries.filter((q) => q.status === 200)).to.have.length(3);
    expect(emu.requests.filter((q) => isTokenRequest(q) && q.at >= revokedAt && q.status === 200).length, 'a new token after the revocation').to.be.at.least(1);
  });

  it('get with --client-id writes a file; doctor with --client-id checks the token: both succeed', async () => {
    const r = rig as Rig;
    const file = `${r.newPath('pii')}.md`;
    const got = await r.run(home, [...GET, '-o', 'secrets', '-c', CONVERSATIONS.pii, '--client-id', CC_CLIENT_ID, '-r', 'markdown', '--output-file', file, '--json'], { env: ccEnv });
    expect(got.code, show(got)).to.equal(0);
    expect((await readFile(file, 'utf8')).length).to.be.greaterThan(100);
    r.tokens.add(emu.tokenFor('clientCredentials'));

    const doctor = await r.run(home, [...DOCTOR, '-o', 'secrets', '--client-id', CC_CLIENT_ID, '-s', SESSIONS.short, '--json'], { env: ccEnv });
    expect(doctor.code, show(doctor)).to.equal(0);
    const checks = (doctor.json?.result as { checks: Array<{ name: string; status: string }> }).checks;
    expect(checks.find((c) => c.name === 'Access token')?.status).to.equal('pass');
    r.tokens.add(emu.tokenFor('clientCredentials'));
  });
});
