/*
 * Which host each conversation is read from: hostFor's sticky sandbox fallback (pure), and the entries client telling
 * it which host answered, over real HTTP to the emulator (a base URL whose entries path 404s stands in for
 * api.salesforce.com refusing a sandbox's conversation).
 */
import { expect } from 'chai';
import { SANDBOX_API_URL } from '../../src/sources/api/apiUrl.js';
import { hostFor } from '../../src/sources/open.js';
import { createEntriesClient, entriesUrl } from '../../src/sources/api/client.js';
import { collectEntries } from '../../src/sources/api/paging.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CONVERSATIONS, entriesOf } from '../emulator/seed.js';

const PRIMARY = new URL('https://api.salesforce.com');
const FALLBACK = new URL(SANDBOX_API_URL);

describe('hostFor: the host each conversation is read from', () => {
  it('a production org: the base URL, no fallback', () => {
    const target = hostFor(PRIMARY, false)('conv-1');
    expect(target.baseUrl.href).to.equal(PRIMARY.href);
    expect(target.endpoint.href).to.equal(entriesUrl(PRIMARY, 'conv-1').href);
    expect(target.fallback).to.equal(undefined);
    expect(target.onServed).to.equal(undefined);
  });

  it('a sandbox: test.api is the fallback until a host answers; then every later conversation goes straight to that host', () => {
    for (const [answered, expected] of [
      [FALLBACK, FALLBACK],
      [PRIMARY, PRIMARY],
    ] as const) {
      const target = hostFor(PRIMARY, true);
      const first = target('conv-1');
      const second = target('conv-2'); // already in flight when the first is answered
      expect(first.baseUrl.href).to.equal(PRIMARY.href);
      expect(first.fallback?.endpoint.href).to.equal(entriesUrl(FALLBACK, 'conv-1').href);
      first.onServed?.(answered);
      second.onServed?.(answered === FALLBACK ? PRIMARY : FALLBACK); // a later answer doesn't change what was settled
      const third = target('conv-3');
      expect(third.baseUrl.href, `after ${answered.host}`).to.equal(expected.href);
      expect(third.endpoint.href).to.equal(entriesUrl(expected, 'conv-3').href);
      expect(third.fallback).to.equal(undefined);
    }
  });
});

describe('entries client: the fallback host, over HTTP', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.stop());

  it('a 404 on the first page is tried once on the fallback, and onServed names the host that answered', async () => {
    const token = emu.tokenFor('jwt');
    const client = createEntriesClient({ api: 'conversation-data', getToken: () => token, refresh: () => Promise.resolve() });
    const refusing = new URL(`${emu.url}/not-the-api`);
    const answering = new URL(emu.url);
    const served: string[] = [];
    const { fetchPage, stats } = client.fetcher({
      endpoint: entriesUrl(refusing, CONVERSATIONS.short),
      baseUrl: refusing,
      conversationIdentifier: CONVERSATIONS.short,
      fallback: { baseUrl: answering, endpoint: entriesUrl(answering, CONVERSATIONS.short) },
      onServed: (url) => served.push(url.href),
    });
    const { entries } = await collectEntries(fetchPage);
    expect(entries).to.deep.equal(entriesOf(CONVERSATIONS.short));
    expect(served).to.deep.equal([answering.href]);
    expect(stats.requests).to.equal(2);
    expect(emu.requests.map((r) => `${r.status} ${r.path}`)).to.deep.equal([
      '404 /not-the-api/platform/engagement/v1.0/conversation-entries',
      '200 /platform/engagement/v1.0/conversation-entries',
    ]);
  });
});
