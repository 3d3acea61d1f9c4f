/*
 * Walking all pages of a conversation. The paging contract of the Conversation Data API is UNCONFIRMED
 * (api-notes §1.3), so both plausible models are followed:
 *  - a continuation token (or next-page link) when the response carries one;
 *  - otherwise Connect-style time windows: when a full page came back, the next window starts at the last
 *    entry's earliest timestamp minus 1 ms, so entries sharing that timestamp are fetched again and
 *    de-duplicated rather than skipped, whether the server's bound is inclusive or exclusive.
 * It stops on an empty page, a short page, a page with nothing new, the caller's limit, or the page cap.
 */
import { earliestTime, entryTimes, orderTime } from '../time.js';
import { entryKey, readPage, type ConversationEntry } from './page.js';

/** The largest page the API accepts (Connect documents 1–1000; UNCONFIRMED for the new API). */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_MAX_PAGES = 1000;

export type PageRequest = {
  recordLimit: number;
  queryDirection: 'FromStart';
  startTimestamp?: number;
  endTimestamp?: number;
  pageToken?: string;
  /** A next-page link from the previous response, to be requested as is. */
  pageUrl?: string;
};

export type FetchPage = (request: PageRequest) => Promise<unknown>;

export type CollectOptions = {
  /** Window start and end, epoch ms, inclusive. */
  start?: number;
  end?: number;
  /** The most entries to return, oldest first. */
  limit?: number;
  maxPages?: number;
  onPage?: (entriesSoFar: number, pages: number) => void;
};

/** `stuck`: a full page held nothing new, so entries beyond it may have been missed. */
export type StopReason = 'empty' | 'short' | 'no-new' | 'stuck' | 'limit' | 'page-cap' | 'no-timestamp' | 'done';

export type Collected = {
  entries: ConversationEntry[];
  pages: number;
  stop: StopReason;
  /** Response bodies that had no recognisable list of entries: their top-level keys. */
  unrecognised?: string[];
};

const inWindow = (entry: ConversationEntry, start?: number, end?: number): boolean => {
  if (start === undefined && end === undefined) return true;
  const times = entryTimes(entry);
  // Keep an entry if any of its timestamps is in the window: which one the server filters on is unknown.
  return times.length === 0 || times.some((t) => (start === undefined || t >= start) && (end === undefined || t <= end));
};

const isDescending = (entries: ConversationEntry[]): boolean => {
  const first = orderTime(entries[0]);
  const last = orderTime(entries[entries.length - 1]);
  return first !== undefined && last !== undefined && first > last;
};

/** Sorts oldest first by the server's clock; ties and entries without a time keep their arrival order. */
export function sortOldestFirst(entries: ConversationEntry[]): ConversationEntry[] {
  let carried = 0;
  const keyed = entries.map((entry, index) => {
    carried = orderTime(entry) ?? carried;
    return { entry, index, time: carried };
  });
  keyed.sort((a, b) => a.time - b.time || a.index - b.index);
  return keyed.map((k) => k.entry);
}

/** Where to go after a page that had something new: the next request, or why to stop. */
function nextRequest(
  page: ReturnType<typeof readPage>,
  request: PageRequest,
  base: PageRequest
): PageRequest | StopReason {
  if (page.nextPageToken && page.nextPageToken !== request.pageToken) return { ...base, pageToken: page.nextPageToken };
  if (page.nextPageUrl && page.nextPageUrl !== request.pageUrl) return { ...base, pageUrl: page.nextPageUrl };
  if (page.nextPageToken ?? page.nextPageUrl) return 'done';
  if (page.entries.length < request.recordLimit) return 'short';

  // Time-window paging from the boundary entry, the last one in the server's own order.
  const boundary = page.entries[page.entries.length - 1];
  if (isDescending(page.entries)) {
    // The server ignored queryDirection and pages newest first: move the window's end back instead.
    const times = entryTimes(boundary);
    if (!times.length) return 'no-timestamp';
    return { ...base, endTimestamp: Math.min(Math.max(...times) + 1, base.endTimestamp ?? Number.MAX_SAFE_INTEGER) };
  }
  const from = earliestTime(boundary);
  if (from === undefined) return 'no-timestamp';
  return { ...base, startTimestamp: Math.max(from - 1, base.startTimestamp ?? 0) };
}

export async function collectEntries(fetchPage: FetchPage, options: CollectOptions = {}): Promise<Collected> {
  const { start, end, limit } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const recordLimit = Math.min(MAX_PAGE_SIZE, limit ?? MAX_PAGE_SIZE);
  const base: PageRequest = { recordLimit, queryDirection: 'FromStart', startTimestamp: start, endTimestamp: end };
  const seen = new Set<string>();
  const collected: ConversationEntry[] = [];
  let inWindowCount = 0;
  let request: PageRequest = base;
  let pages = 0;
  let unrecognised: string[] | undefined;

  const finish = (stop: StopReason): Collected => {
    const entries = sortOldestFirst(collected.filter((e) => inWindow(e, start, end)));
    return { entries: limit === undefined ? entries : entries.slice(0, limit), pages, stop, unrecognised };
  };

  for (;;) {
    if (pages >= maxPages) return finish('page-cap');
    // eslint-disable-next-line no-await-in-loop -- pages are sequential by nature: each depends on the last
    const page = readPage(await fetchPage(request));
    pages++;
    unrecognised ??= page.unrecognised;
    const arrived = isDescending(page.entries) ? [...page.entries].reverse() : page.entries;
    let fresh = 0;
    for (const entry of arrived) {
      const key = entryKey(entry);
      if (seen.has(key)) continue;
      seen.add(key);
      collected.push(entry);
      fresh++;
      if (inWindow(entry, start, end)) inWindowCount++;
    }
    options.onPage?.(collected.length, pages);

    if (page.entries.length === 0) return finish('empty');
    if (fresh === 0) return finish(page.entries.length >= request.recordLimit ? 'stuck' : 'no-new');
    if (limit !== undefined && inWindowCount >= limit) return finish('limit');
    const next = nextRequest(page, request, base);
    if (typeof next === 'string') return finish(next);
    request = next;
  }
}
