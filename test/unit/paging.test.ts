import { expect } from 'chai';
import {
  INCOMPLETE_REASONS,
  collectEntries,
  incompleteReason,
  pagingWarnings,
  type PageRequest,
  type StopReason,
} from '../../src/sources/api/paging.js';
import { jsonTooDeep, readPage } from '../../src/sources/api/page.js';
import { formatOf, GET_FORMATS, type TranscriptHeader } from '../../src/transcript/formats/index.js';
import { orderEntries } from '../../src/transcript/order.js';
import { toTranscript } from '../../src/transcript/normalize.js';
import { mulberry32 } from '../emulator/prng.js';

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

  it('respects --limit: asks for no more than needed, and with the one order the oldest come first', async () => {
    const { fetchPage, requests } = server(long);
    const result = await collectEntries(fetchPage, { limit: 10 });
    expect(ids(orderEntries(result.entries, 10))).to.deep.equal(ids(long.slice(0, 10)));
    expect(requests).to.have.length(1);
    expect(requests[0].recordLimit).to.equal(10);
    const many = await collectEntries(server(long).fetchPage, { limit: 1500 });
    expect(ids(orderEntries(many.entries, 1500))).to.deep.equal(ids(long.slice(0, 1500)));
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
    expect(readPage({})).to.deep.equal({ entries: [], unrecognised: [] });
    expect(readPage(null).entries).to.deep.equal([]);
    // A body that only says there is nothing (more) is an empty page, not an unknown envelope.
    expect(readPage({ hasMore: false })).to.deep.equal({ entries: [] });
    expect(readPage({ nextPageToken: null, totalSize: 0 })).to.deep.equal({ entries: [] });
    // Items that are not objects are skipped, and counted so a full page still counts as full.
    expect(readPage({ conversationEntries: [entry, 'x', 7, null] })).to.deep.equal({ entries: [entry], skipped: 3 });
  });

  it('sorts stably by time, keeping untimed entries next to their neighbours', () => {
    const a = { identifier: 'a', serverReceivedTimestamp: 2_000_000_000_000 };
    const b = { identifier: 'b', serverReceivedTimestamp: 1_000_000_000_000 };
    const c = { identifier: 'c' };
    const d = { identifier: 'd', serverReceivedTimestamp: 1_000_000_000_000 };
    expect(ids(orderEntries([a, b, c, d]))).to.deep.equal(['b', 'c', 'd', 'a']);
  });
});

describe('ordering by one clock', () => {
  it('keeps server order when only some entries carry transcriptedTimestamp', () => {
    const a = { identifier: 'a', serverReceivedTimestamp: 1_800_000_000_000, transcriptedTimestamp: 1_800_000_000_012 };
    const b = { identifier: 'b', serverReceivedTimestamp: 1_800_000_000_000 };
    const c = { identifier: 'c', serverReceivedTimestamp: 1_800_000_000_005, transcriptedTimestamp: 1_800_000_000_017 };
    expect(orderEntries([a, b, c]).map((e) => e.identifier)).to.deep.equal(['a', 'b', 'c']);
  });
});

type Raw = Record<string, unknown>;
/** The server reads its window in the unit its entries are stamped in (the window is compared with them as is). */
type FakeOptions = {
  /** Ignores queryDirection and answers newest first. */
  newestFirst?: boolean;
  /** Pages by continuation token instead of time windows. */
  token?: boolean;
};

/** A server over `all` (oldest first), paging by windows on serverReceivedTimestamp (inclusive) or by token. */
function fakeServer(all: Raw[], { newestFirst = false, token = false }: FakeOptions = {}) {
  const requests: PageRequest[] = [];
  const time = (e: Raw): number => Number(e.serverReceivedTimestamp);
  const fetchPage = async (req: PageRequest): Promise<unknown> => {
    requests.push(req);
    const ordered = newestFirst ? [...all].reverse() : all;
    if (token) {
      const offset = req.pageToken ? Number(req.pageToken) : 0;
      const next = offset + req.recordLimit < all.length ? String(offset + req.recordLimit) : undefined;
      return { conversationEntries: ordered.slice(offset, offset + req.recordLimit), ...(next ? { nextPageToken: next } : {}) };
    }
    const window = ordered.filter((e) => time(e) >= (req.startTimestamp ?? 0) && time(e) <= (req.endTimestamp ?? Infinity));
    return { conversationEntries: window.slice(0, req.recordLimit) };
  };
  return { fetchPage, requests };
}

/**
 * `n` entries, oldest first, in runs of 1..maxTie sharing one timestamp: seconds apart in seconds, 1..999 ms apart
 * in ms. Seeded, so a failure names its case.
 */
function generated(seed: number, n: number, unit: 'ms' | 's', maxTie: number): Raw[] {
  const random = mulberry32(seed);
  let t = unit === 's' ? 1_736_500_000 : 1_736_500_000_000;
  let left = 0;
  return Array.from({ length: n }, (_, i) => {
    if (left === 0) {
      t += unit === 's' ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 999);
      left = 1 + Math.floor(random() * maxTie);
    }
    left--;
    return { identifier: `g${seed}-${String(i).padStart(5, '0')}`, serverReceivedTimestamp: t, clientTimestamp: t - 1 };
  });
}

describe('incompleteness: decided in one place', () => {
  const STOPS: StopReason[] = ['empty', 'short', 'no-new', 'stuck', 'limit', 'page-cap', 'no-timestamp', 'done'];

  it('maps every stop reason, with and without an unrecognised envelope, to complete or a reason', () => {
    for (const stop of STOPS) {
      for (const unrecognised of [undefined, [], ['message', 'errorCode']]) {
        const reason = incompleteReason({ stop, unrecognised });
        const label = `${stop} ${JSON.stringify(unrecognised)}`;
        if (unrecognised) expect(reason, label).to.equal('unrecognised-envelope');
        else if (stop === 'page-cap' || stop === 'stuck' || stop === 'no-timestamp') expect(reason, label).to.equal(stop);
        else expect(reason, label).to.equal(null);
        if (reason) expect(INCOMPLETE_REASONS).to.include(reason);
      }
    }
  });

  it('1,500 entries on one timestamp: the 1,000 it can get, reason stuck, and a warning that says incomplete', async () => {
    const same = Array.from({ length: 1500 }, (_, i) => ({ identifier: `t${i}`, serverReceivedTimestamp: 1_800_000_000_000 }));
    const { fetchPage, requests } = fakeServer(same);
    const result = await collectEntries(fetchPage);
    expect(result.entries).to.have.length(1000);
    expect(incompleteReason(result)).to.equal('stuck');
    expect(requests).to.have.length(2);
    expect(pagingWarnings(result)[0]).to.match(/1000 entries: the transcript is incomplete/);
  });

  it('stops as stuck, not at the page cap, when a server answers the same window with changed entries', async () => {
    let call = 0;
    const result = await collectEntries(async () => {
      call++;
      return { conversationEntries: Array.from({ length: 1000 }, (_, i) => ({ identifier: `m${i}`, serverReceivedTimestamp: 1_800_000_000_000, n: call })) };
    });
    expect(incompleteReason(result)).to.equal('stuck');
    expect(call).to.equal(2);
  });

  it('names the page cap, entries without timestamps and an unknown envelope (first page or later)', async () => {
    const { fetchPage } = fakeServer(generated(2, 2500, 'ms', 3), { token: true });
    const cap = await collectEntries(fetchPage, { maxPages: 2 });
    expect(incompleteReason(cap)).to.equal('page-cap');
    expect(pagingWarnings(cap)[0]).to.match(/Stopped after 2 pages \(2000 entries\).*incomplete/);

    const untimed = await collectEntries(async () => ({ conversationEntries: Array.from({ length: 1000 }, (_, i) => ({ identifier: `u${i}` })) }));
    expect(incompleteReason(untimed)).to.equal('no-timestamp');

    const unknown = await collectEntries(async () => ({ errorCode: 'X', message: 'm' }));
    expect(incompleteReason(unknown)).to.equal('unrecognised-envelope');
    expect(pagingWarnings(unknown)[0]).to.include('top-level keys: errorCode, message');
    let calls = 0;
    const later = await collectEntries(async () =>
      ++calls === 1 ? { conversationEntries: generated(3, 10, 'ms', 1), nextPageToken: 'p2' } : { result: 'oops' }
    );
    expect(later.entries).to.have.length(10);
    expect(incompleteReason(later)).to.equal('unrecognised-envelope');
  });

  it('is complete, without warnings, when the API showed there was nothing more', async () => {
    const cases = [
      collectEntries(fakeServer(generated(4, 9, 'ms', 2)).fetchPage), // short
      collectEntries(fakeServer([]).fetchPage), // empty
      collectEntries(fakeServer(generated(5, 2500, 'ms', 4)).fetchPage, { limit: 1200 }), // limit
      collectEntries(fakeServer(generated(6, 2000, 'ms', 4), { token: true }).fetchPage), // last token page
      collectEntries(async () => ({ hasMore: false })),
    ];
    for (const result of await Promise.all(cases)) {
      expect(incompleteReason(result), result.stop).to.equal(null);
      expect(pagingWarnings(result), result.stop).to.deep.equal([]);
    }
  });
});

describe('time units', () => {
  it('pages on in seconds when the entries and the server use seconds (generated conversations)', async () => {
    for (let seed = 10; seed < 16; seed++) {
      const n = 1001 + Math.floor(mulberry32(seed)() * 3000);
      const all = generated(seed, n, 's', 9);
      const { fetchPage, requests } = fakeServer(all);
      // eslint-disable-next-line no-await-in-loop
      const result = await collectEntries(fetchPage);
      expect(ids(result.entries), `seed ${seed}, ${n} entries`).to.deep.equal(ids(all));
      expect(incompleteReason(result)).to.equal(null);
      for (const r of requests.slice(1)) expect(r.startTimestamp, `seed ${seed}`).to.be.below(1e10);
    }
  });

  it('still pages in milliseconds when the entries use milliseconds', async () => {
    for (let seed = 20; seed < 24; seed++) {
      const all = generated(seed, 2345, 'ms', 9);
      const { fetchPage, requests } = fakeServer(all);
      // eslint-disable-next-line no-await-in-loop
      expect(ids((await collectEntries(fetchPage)).entries)).to.deep.equal(ids(all));
      for (const r of requests.slice(1)) expect(r.startTimestamp).to.be.above(1e12);
    }
  });

  it('warns when an empty page follows a full one, the old symptom of asking a seconds server in milliseconds', async () => {
    let calls = 0;
    const result = await collectEntries(async () => (++calls === 1 ? { conversationEntries: generated(30, 1000, 'ms', 1) } : { conversationEntries: [] }));
    expect(result.entries).to.have.length(1000);
    expect(incompleteReason(result)).to.equal(null);
    expect(pagingWarnings(result)).to.deep.equal([
      'The API returned an empty page right after a full page of 1000 entries. The transcript has 1000 entries; if the conversation has more, the API did not return them.',
    ]);
  });
});

describe('entries that share an identifier', () => {
  it('keeps entries with one identifier and different content, with a warning; folds identical repeats silently', async () => {
    const a = { identifier: 'same', serverReceivedTimestamp: 1_800_000_000_000, messageText: 'first' };
    const b = { identifier: 'same', serverReceivedTimestamp: 1_800_000_000_001, messageText: 'edited' };
    const c = { identifier: 'other', serverReceivedTimestamp: 1_800_000_000_002 };
    // Key order doesn't make content differ.
    const aAgain = { messageText: 'first', serverReceivedTimestamp: 1_800_000_000_000, identifier: 'same' };
    const result = await collectEntries(async () => ({ conversationEntries: [a, b, c, aAgain, { ...b }] }));
    expect(result.entries).to.deep.equal([a, b, c]);
    expect(pagingWarnings(result)).to.deep.equal([
      '1 entries share their identifier with an earlier entry but differ in content (the first: same); all of them were kept.',
    ]);
  });

  it('across overlapping windows, keeps each distinct version once (generated)', async () => {
    for (let seed = 40; seed < 46; seed++) {
      const random = mulberry32(seed);
      const all = generated(seed, 1500 + Math.floor(random() * 1500), 'ms', 5);
      // About 2% of the entries are also served changed, with the same identifier and time: as if edited between pages.
      const edited: Raw[] = all.filter(() => random() < 0.02).map((entry) => ({ ...entry, messageText: 'edited' }));
      const served = [...all, ...edited].sort((x, y) => Number(x.serverReceivedTimestamp) - Number(y.serverReceivedTimestamp));
      const { fetchPage, requests } = fakeServer(served);
      // eslint-disable-next-line no-await-in-loop
      const result = await collectEntries(fetchPage);
      expect(requests.length, `seed ${seed}`).to.be.above(1); // windows overlap, so unchanged repeats were folded
      expect(result.entries, `seed ${seed}`).to.have.length(all.length + edited.length);
      expect(result.differing, `seed ${seed}`).to.equal(edited.length);
      expect(incompleteReason(result)).to.equal(null);
    }
  });
});

describe('--limit: the oldest entries, whichever way the server pages', () => {
  const limits = [1, 2, 3, 9, 10, 11, 999, 1000, 1001, 2222];
  for (const paging of ['window', 'token'] as const) {
    for (const newestFirst of [false, true]) {
      it(`${paging} paging, ${newestFirst ? 'newest' : 'oldest'} first (generated conversations)`, async () => {
        for (const [i, limit] of limits.entries()) {
          const seed = 50 + i;
          const all = generated(seed, 300 + Math.floor(mulberry32(seed)() * 2500), 'ms', 9);
          const { fetchPage, requests } = fakeServer(all, { newestFirst, token: paging === 'token' });
          // eslint-disable-next-line no-await-in-loop
          const result = await collectEntries(fetchPage, { limit });
          // Paging reads at least the oldest `limit`; the one order (transcript/order.ts) keeps exactly those.
          expect(ids(orderEntries(result.entries, limit)), `limit ${limit}, ${all.length} entries`).to.deep.equal(ids(all.slice(0, limit)));
          expect(incompleteReason(result)).to.equal(null);
          // An oldest-first server is read no further than the limit needs; a newest-first one is read back to the start.
          const needed = newestFirst ? all.length : Math.min(limit, all.length);
          if (!newestFirst && limit <= 1000) expect(requests, `limit ${limit}`).to.have.length(1);
          expect(requests.length, `limit ${limit}`).to.be.at.most(Math.ceil(needed / 990) + 2);
        }
      });
    }
  }
});

describe('one order for every output', () => {
  const header: TranscriptHeader = { sessionId: null, conversationIdentifier: 'c', orgId: '00D000000000001AAA', entryCount: 0, complete: true, incompleteReason: null };

  /** Entries in random arrival order with mixed clocks: some only transcripted, some only client time, skewed clients. */
  function mixedClocks(seed: number, n: number): Raw[] {
    const random = mulberry32(seed);
    let t = 1_736_500_000_000;
    return Array.from({ length: n }, (_, i) => {
      t += Math.floor(random() * 3);
      const entry: Raw = { identifier: `x${i}`, messageText: `zq${i}q` };
      const kind = random();
      if (kind < 0.6) entry.serverReceivedTimestamp = t;
      if (kind < 0.3 || kind > 0.8) entry.transcriptedTimestamp = t + Math.floor(random() * 5000);
      if (random() < 0.7) entry.clientTimestamp = t - 60_000 + Math.floor(random() * 120_000);
      return entry;
    }).sort(() => random() - 0.5);
  }

  const order = (text: string): string[] =>
    [...text.matchAll(/zq(\d+)q/g)].map((m) => m[1]).filter((id, i, all) => i === 0 || all[i - 1] !== id);

  it('--json, human, csv, jsonl and markdown list mixed-clock entries in the same order (generated)', async () => {
    for (let seed = 70; seed < 76; seed++) {
      const arrived = mixedClocks(seed, 200);
      // eslint-disable-next-line no-await-in-loop
      const { entries } = await collectEntries(async () => ({ conversationEntries: arrived }));
      const json = entries.map((e) => (e.messageText as string).slice(2, -1));
      expect(json).to.have.length(200);
      for (const format of GET_FORMATS) {
        const text = [...formatOf(format).render({ entries: toTranscript(entries), utc: true, header })].join('');
        expect(order(text), `${format}, seed ${seed}`).to.deep.equal(json);
      }
    }
  });

  it('orders by the server clock: received first comes first, even when transcripted later', async () => {
    const first = { identifier: 'first', serverReceivedTimestamp: 1_800_000_000_000, transcriptedTimestamp: 1_800_000_009_000 };
    const second = { identifier: 'second', serverReceivedTimestamp: 1_800_000_001_000, transcriptedTimestamp: 1_800_000_002_000 };
    const { entries } = await collectEntries(async () => ({ conversationEntries: [second, first] }));
    expect(ids(entries)).to.deep.equal(['first', 'second']);
    expect(toTranscript(entries).map((e) => e.identifier)).to.deep.equal(['first', 'second']);
  });
});

describe('nesting depth', () => {
  const nest = (depth: number, kind: 'array' | 'object', leaf: unknown = 'leaf'): unknown => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { k: value };
    return value;
  };
  const nestedText = (depth: number, kind: 'array' | 'object'): string =>
    kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"k":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('allows 64 levels and refuses 65, for arrays, objects and JSON held in strings (generated)', () => {
    for (const kind of ['array', 'object'] as const) {
      for (const depth of [1, 2, 63, 64]) expect(jsonTooDeep(nest(depth, kind)), `${kind} ${depth}`).to.equal(false);
      for (const depth of [65, 66, 1000, 100_000]) expect(jsonTooDeep(nest(depth, kind)), `${kind} ${depth}`).to.equal(true);
      // A payload that is a JSON string: its nesting counts from where it sits (inside `outer` objects).
      for (const outer of [1, 2, 30, 63]) {
        for (const inner of [1, 64 - outer, 65 - outer, 100_000]) {
          const value = nest(outer, 'object', ` ${nestedText(inner, kind)}`);
          expect(jsonTooDeep(value), `${kind}: ${inner} levels in a string inside ${outer}`).to.equal(outer + inner > 64);
        }
      }
    }
    // Brackets inside string literals don't count; a string that doesn't start like JSON isn't read as JSON.
    expect(jsonTooDeep({ text: `{"a":"${'['.repeat(500)}"}` })).to.equal(false);
    expect(jsonTooDeep({ text: `see ${'['.repeat(500)}` })).to.equal(false);
  });
});
