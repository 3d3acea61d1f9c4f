import { expect } from 'chai';
import { collectEntries, sortOldestFirst, type PageRequest } from '../../src/entries/paging.js';
import { readPage } from '../../src/entries/page.js';

type Entry = { identifier: string; serverReceivedTimestamp: number; clientTimestamp: number };

/** n entries one ms apart, except that runs of entries share a timestamp around every `sharedAround` boundary. */
function conversation(n: number, sharedAround: number[] = []): Entry[] {
  const out: Entry[] = [];
  let ts = 1_736_500_000_000;
  for (let i = 0; i < n; i++) {
    const shared = sharedAround.some((b) => i > b - 4 && i <= b + 3);
    const prevShared = sharedAround.some((b) => i - 1 > b - 4 && i - 1 <= b + 3);
    if (!(shared && prevShared)) ts += 1000;
    out.push({ identifier: `e${String(i).padStart(5, '0')}`, serverReceivedTimestamp: ts, clientTimestamp: ts - 40 });
  }
  return out;
}

type Semantics = { startInclusive?: boolean; ignoreDirection?: boolean; maxLimit?: number; token?: boolean };

/** A Connect-style server (default 25 newest first), or a token-paging one, over `all`. */
function server(all: Entry[], semantics: Semantics = {}) {
  const requests: PageRequest[] = [];
  const fetchPage = async (req: PageRequest): Promise<unknown> => {
    requests.push(req);
    const limit = Math.min(req.recordLimit ?? 25, semantics.maxLimit ?? 1000);
    if (semantics.token) {
      const offset = req.pageToken ? Number(req.pageToken) : 0;
      const slice = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? String(offset + limit) : undefined;
      return { conversationEntries: slice, ...(next ? { nextPageToken: next } : {}) };
    }
    const inclusive = semantics.startInclusive ?? true;
    const start = req.startTimestamp ?? 0;
    const window = all.filter(
      (e) =>
        (inclusive ? e.serverReceivedTimestamp >= start : e.serverReceivedTimestamp > start) &&
        (req.endTimestamp === undefined || e.serverReceivedTimestamp <= req.endTimestamp)
    );
    const fromEnd = (semantics.ignoreDirection ?? false) || req.queryDirection !== 'FromStart';
    const page = fromEnd ? window.slice(-limit).reverse() : window.slice(0, limit);
    return { conversationEntries: page };
  };
  return { fetchPage, requests };
}

const ids = (entries: Array<Record<string, unknown>>): string[] => entries.map((e) => e.identifier as string);

describe('paging', () => {
  const long = conversation(2500, [1000, 2000]);

  it('returns all 2,500 entries oldest first, without duplicates, across shared-timestamp page boundaries', async () => {
    const { fetchPage, requests } = server(long);
    const result = await collectEntries(fetchPage);
    expect(ids(result.entries)).to.deep.equal(ids(long));
    expect(requests).to.have.length(3);
    expect(requests[0]).to.include({ recordLimit: 1000, queryDirection: 'FromStart' });
    // Each next window starts at or before the boundary entry's timestamp, so shared timestamps are refetched.
    expect(requests[1].startTimestamp).to.be.lessThan(long[999].serverReceivedTimestamp);
  });

  it('loses nothing when the server treats startTimestamp as exclusive', async () => {
    const { fetchPage } = server(long, { startInclusive: false });
    expect(ids((await collectEntries(fetchPage)).entries)).to.deep.equal(ids(long));
  });

  it('follows a continuation token with one request per page', async () => {
    const { fetchPage, requests } = server(long, { token: true });
    const result = await collectEntries(fetchPage);
    expect(ids(result.entries)).to.deep.equal(ids(long));
    expect(requests.map((r) => r.pageToken)).to.deep.equal([undefined, '1000', '2000']);
  });

  it('pages backwards when the server ignores queryDirection and answers newest first', async () => {
    const { fetchPage } = server(long, { ignoreDirection: true });
    const result = await collectEntries(fetchPage);
    expect(ids(result.entries)).to.deep.equal(ids(long));
  });

  it('stops after one request on a short page', async () => {
    const short = conversation(9);
    const { fetchPage, requests } = server(short);
    const result = await collectEntries(fetchPage);
    expect(ids(result.entries)).to.deep.equal(ids(short));
    expect(requests).to.have.length(1);
    expect(result.stop).to.equal('short');
  });

  it('stops on an empty conversation', async () => {
    const { fetchPage, requests } = server([]);
    const result = await collectEntries(fetchPage);
    expect(result.entries).to.deep.equal([]);
    expect(requests).to.have.length(1);
  });

  it('ends when a page has nothing new, and flags it as stuck when that page was full', async () => {
    const same = conversation(3);
    let calls = 0;
    const loop = await collectEntries(async () => {
      calls++;
      return { conversationEntries: same, nextPageToken: `t${calls}` };
    });
    expect(loop.stop).to.equal('no-new');
    expect(calls).to.equal(2);
    expect(ids(loop.entries)).to.deep.equal(ids(same));
    // A server that answers every window with the same full page of 1,000 entries sharing one timestamp.
    const stuckPage = Array.from({ length: 1000 }, (_, i) => ({ identifier: `s${i}`, serverReceivedTimestamp: 1_800_000_000_000 }));
    let stuckCalls = 0;
    const stuck = await collectEntries(async () => {
      stuckCalls++;
      return { conversationEntries: stuckPage };
    });
    expect(stuck.stop).to.equal('stuck');
    expect(stuckCalls).to.equal(2);
    expect(stuck.entries).to.have.length(1000);
  });

  it('respects --limit: asks for no more than needed and returns the oldest', async () => {
    const { fetchPage, requests } = server(long);
    const result = await collectEntries(fetchPage, { limit: 10 });
    expect(ids(result.entries)).to.deep.equal(ids(long.slice(0, 10)));
    expect(requests).to.have.length(1);
    expect(requests[0].recordLimit).to.equal(10);
    const many = await collectEntries(server(long).fetchPage, { limit: 1500 });
    expect(ids(many.entries)).to.deep.equal(ids(long.slice(0, 1500)));
  });

  it('passes the time window to the server and also filters entries outside it', async () => {
    const start = long[100].serverReceivedTimestamp;
    const end = long[199].serverReceivedTimestamp;
    const { fetchPage, requests } = server(long);
    const result = await collectEntries(fetchPage, { start, end });
    expect(ids(result.entries)).to.deep.equal(ids(long.slice(100, 200)));
    expect(requests[0]).to.include({ startTimestamp: start, endTimestamp: end });
    // A server that ignores the window: the client still keeps only the window.
    const ignoring = await collectEntries(async () => ({ conversationEntries: long.slice(0, 300) }), { start, end });
    expect(ids(ignoring.entries)).to.deep.equal(ids(long.slice(100, 200)));
  });

  it('stops at the page cap', async () => {
    const { fetchPage, requests } = server(long, { token: true, maxLimit: 10 });
    const result = await collectEntries(fetchPage, { maxPages: 3 });
    expect(result.stop).to.equal('page-cap');
    expect(requests).to.have.length(3);
    expect(result.entries).to.have.length(30);
  });

  it('reads every plausible envelope and keeps entries exactly as returned', () => {
    const entry = { identifier: 'a', extra: { nested: [1, 2] } };
    expect(readPage({ conversationEntries: [entry] }).entries[0]).to.equal(entry);
    expect(readPage({ entries: [entry], nextPageToken: 't' })).to.deep.include({ nextPageToken: 't' });
    expect(readPage([entry]).entries).to.deep.equal([entry]);
    expect(readPage({ conversationEntries: [entry], nextPageToken: 't', hasMore: false }).nextPageToken).to.equal(undefined);
    expect(readPage({ data: [entry], links: { next: '/next?p=2' } }).nextPageUrl).to.equal('/next?p=2');
    expect(readPage({ message: 'hi' })).to.deep.equal({ entries: [], unrecognised: ['message'] });
    expect(readPage(null).entries).to.deep.equal([]);
  });

  it('sorts stably by time, keeping untimed entries next to their neighbours', () => {
    const a = { identifier: 'a', serverReceivedTimestamp: 2000000000000 };
    const b = { identifier: 'b', serverReceivedTimestamp: 1000000000000 };
    const c = { identifier: 'c' };
    const d = { identifier: 'd', serverReceivedTimestamp: 1000000000000 };
    expect(ids(sortOldestFirst([a, b, c, d]))).to.deep.equal(['b', 'c', 'd', 'a']);
  });
});

describe('ordering by one clock', () => {
  it('keeps server order when only some entries carry transcriptedTimestamp', () => {
    const a = { identifier: 'a', serverReceivedTimestamp: 1_800_000_000_000, transcriptedTimestamp: 1_800_000_000_012 };
    const b = { identifier: 'b', serverReceivedTimestamp: 1_800_000_000_000 };
    const c = { identifier: 'c', serverReceivedTimestamp: 1_800_000_000_005, transcriptedTimestamp: 1_800_000_000_017 };
    expect(sortOldestFirst([a, b, c]).map((e) => e.identifier)).to.deep.equal(['a', 'b', 'c']);
  });
});
