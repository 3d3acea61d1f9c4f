/*
 * Walking all pages of a conversation. The paging contract of the Conversation Data API is UNCONFIRMED
 * (api-notes §1.3), so both plausible models are followed:
 *  - a continuation token (or next-page link) when the response carries one;
 *  - otherwise Connect-style time windows: when a full page came back, the next window starts at the last
 *    entry's earliest timestamp minus one unit, so entries sharing that timestamp are fetched again and
 *    de-duplicated rather than skipped, whether the server's bound is inclusive or exclusive. The window is asked
 *    for in the unit the entries are stamped in (epoch ms, or seconds), and a server that ignores queryDirection
 *    and answers newest first is paged backwards instead.
 * It stops on an empty page, a short page, a page with nothing new, the caller's limit, or the page cap; whether
 * the transcript is then complete is decided by incompleteReason().
 */
import { isDeepStrictEqual } from 'node:util';
import { printable } from '../../input/ids.js';
import { bundle } from '../../messages.js';
import { earliestTime, entryTimes, orderTime, timestampUnit, type EpochUnit } from './entryTime.js';
import { entryKey, readPage, type ConversationEntry, type Page } from './page.js';

const messages = bundle('sources');

/** The largest page the API accepts (Connect documents 1–1000; UNCONFIRMED for the new API). */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_MAX_PAGES = 1000;
/** The smallest first page asked for with --limit (see collectEntries). */
const MIN_FIRST_PAGE = 10;

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
  /**
   * Read at least the oldest `limit` entries, whichever way the server pages (more may come back: the caller orders
   * them and keeps the oldest, transcript/order.ts).
   */
  limit?: number;
  maxPages?: number;
  onPage?: (entriesSoFar: number, pages: number) => void;
};

/**
 * Why paging ended. `stuck`: a full page held nothing new, or the next request would have been the same as the
 * last, so entries beyond it may have been missed (such as more than a page of entries sharing one timestamp).
 */
export type StopReason = 'empty' | 'short' | 'no-new' | 'stuck' | 'limit' | 'page-cap' | 'no-timestamp' | 'done';

export type Collected = {
  entries: ConversationEntry[];
  pages: number;
  stop: StopReason;
  /** Response bodies that had no recognisable list of entries: their top-level keys. */
  unrecognised?: string[];
  /** Entries kept although an earlier entry has the same identifier with other content. */
  differing: number;
  /** The identifier of the first such entry. */
  differingExample?: string;
  /** Set when the last page was empty right after a full one: its size. */
  emptyAfterFull?: number;
  /** Items in lists of entries that were not JSON objects, so not entries. */
  skipped: number;
};

export const INCOMPLETE_REASONS = ['page-cap', 'stuck', 'no-timestamp', 'unrecognised-envelope'] as const;
export type PagingIncompleteReason = (typeof INCOMPLETE_REASONS)[number];

/**
 * Whether a conversation's transcript is known to be incomplete, and why: the one place this is decided, for get
 * (a warning, exit code 7, `complete: false` in its result) and export (a `partial` session with the same reason).
 *
 * - 'page-cap': paging stopped at the most pages one run reads.
 * - 'stuck': a full page brought nothing new (more entries sharing one timestamp than fit on a page, or a server
 * that answers every window alike), so paging could not get past it.
 * - 'no-timestamp': a full page's last entry had no timestamp to start the next window from.
 * - 'unrecognised-envelope': a response held no list of entries this client knows, so it was read as empty.
 *
 * null when paging ended because the API showed there was nothing more: an empty or short page, no next-page token,
 * nothing new on a short page, or the caller's limit reached.
 */
export function incompleteReason(collected: Pick<Collected, 'stop' | 'unrecognised'>): PagingIncompleteReason | null {
  if (collected.unrecognised) return 'unrecognised-envelope';
  const { stop } = collected;
  return stop === 'page-cap' || stop === 'stuck' || stop === 'no-timestamp' ? stop : null;
}

/** Every warning about how paging went, the incompleteness (if any) first. */
export function pagingWarnings(collected: Collected): string[] {
  const count = String(collected.entries.length);
  const warnings: string[] = [];
  const reason = incompleteReason(collected);
  if (reason === 'page-cap') warnings.push(messages.text('warning.PageCap', [String(collected.pages), count]));
  if (reason === 'stuck') warnings.push(messages.text('warning.NothingNewOnFullPage', [count]));
  if (reason === 'no-timestamp') warnings.push(messages.text('warning.NoTimestamps', [count]));
  if (reason === 'unrecognised-envelope') {
    const keys = (collected.unrecognised ?? []).map((key) => printable(key)).join(', ') || '(none)';
    warnings.push(messages.text('warning.UnrecognisedEnvelope', [keys, count]));
  }
  if (collected.emptyAfterFull !== undefined && !reason) {
    warnings.push(messages.text('warning.EmptyAfterFullPage', [String(collected.emptyAfterFull), count]));
  }
  if (collected.differing > 0) {
    warnings.push(messages.text('warning.DifferingDuplicates', [String(collected.differing), printable(collected.differingExample ?? '')]));
  }
  if (collected.skipped > 0) warnings.push(messages.text('warning.SkippedItems', [String(collected.skipped)]));
  return warnings;
}

const inWindow = (entry: ConversationEntry, start?: number, end?: number): boolean => {
  if (start === undefined && end === undefined) return true;
  const times = entryTimes(entry);
  // Keep an entry if any of its timestamps is in the window: which one the server filters on is unknown.
  return times.length === 0 || times.some((t) => (start === undefined || t >= start) && (end === undefined || t <= end));
};

type Direction = 'oldest-first' | 'newest-first';

/** Which way a page runs by the ordering clock, when its first and last entries say so. */
function pageDirection(entries: ConversationEntry[]): Direction | undefined {
  const first = orderTime(entries[0]);
  const last = orderTime(entries[entries.length - 1]);
  if (first === undefined || last === undefined || first === last) return undefined;
  return first < last ? 'oldest-first' : 'newest-first';
}

/** An epoch ms value in `unit`, rounded down (a window's start) or up (its end). */
const inUnit = (ms: number, unit: EpochUnit, round: 'down' | 'up'): number =>
  unit === 'ms' ? ms : round === 'down' ? Math.floor(ms / 1000) : Math.ceil(ms / 1000);

type Context = { base: PageRequest; direction?: Direction; start?: number; end?: number };

/** Where to go after a page that had something new: the next request, or why to stop. */
function nextRequest(page: Page, size: number, request: PageRequest, { base: first, direction, start, end }: Context): PageRequest | StopReason {
  // Paging backwards to the oldest entries: full pages from here on, whatever the limit.
  const base = direction === 'newest-first' ? { ...first, recordLimit: MAX_PAGE_SIZE } : first;
  if (page.nextPageToken && page.nextPageToken !== request.pageToken) return { ...base, pageToken: page.nextPageToken };
  if (page.nextPageUrl && page.nextPageUrl !== request.pageUrl) return { ...base, pageUrl: page.nextPageUrl };
  // A server that pages by token (or link) says there is more by sending one: its last page carries none.
  if (page.nextPageToken ?? page.nextPageUrl ?? request.pageToken ?? request.pageUrl) return 'done';
  if (size < request.recordLimit) return 'short';

  // Time-window paging from the boundary entry, the last one in the server's own order, in the unit it uses.
  const boundary = page.entries[page.entries.length - 1];
  const unit = timestampUnit(boundary) ?? 'ms';
  const window = {
    startTimestamp: start === undefined ? undefined : inUnit(start, unit, 'down'),
    endTimestamp: end === undefined ? undefined : inUnit(end, unit, 'up'),
  };
  if (direction === 'newest-first') {
    // The server ignored queryDirection and pages newest first: move the window's end back instead.
    const times = entryTimes(boundary);
    if (!times.length) return 'no-timestamp';
    const before = inUnit(Math.max(...times), unit, 'up') + 1;
    return { ...base, ...window, endTimestamp: Math.min(before, window.endTimestamp ?? Number.MAX_SAFE_INTEGER) };
  }
  const from = earliestTime(boundary);
  if (from === undefined) return 'no-timestamp';
  return { ...base, ...window, startTimestamp: Math.max(inUnit(from, unit, 'down') - 1, window.startTimestamp ?? 0) };
}

/**
 * De-duplication across pages, by entryKey: an entry that repeats one already kept exactly (overlapping windows
 * fetch the boundary entries again) is folded; one with the same identifier and other content is kept, and counted.
 */
function deduplicator(): { keep: (entry: ConversationEntry) => boolean; differing: () => { count: number; example?: string } } {
  // The entry first seen under each key, or every differing version of it.
  const seen = new Map<string, ConversationEntry | ConversationEntry[]>();
  let count = 0;
  let example: string | undefined;
  return {
    keep: (entry): boolean => {
      const key = entryKey(entry);
      const before = seen.get(key);
      if (before === undefined) {
        seen.set(key, entry);
        return true;
      }
      const versions = Array.isArray(before) ? before : [before];
      if (versions.some((version) => isDeepStrictEqual(version, entry))) return false;
      seen.set(key, [...versions, entry]);
      count++;
      example ??= String(entry.identifier);
      return true;
    },
    differing: () => ({ count, example }),
  };
}

const sameRequest = (a: PageRequest, b: PageRequest): boolean =>
  a.recordLimit === b.recordLimit &&
  a.startTimestamp === b.startTimestamp &&
  a.endTimestamp === b.endTimestamp &&
  a.pageToken === b.pageToken &&
  a.pageUrl === b.pageUrl;

/** After a page: the next request, or why to stop. */
function afterPage(
  page: Page,
  { size, fresh, limited }: { size: number; fresh: number; limited: boolean },
  request: PageRequest,
  context: Context
): PageRequest | StopReason {
  if (size === 0) return 'empty';
  if (fresh === 0) return size >= request.recordLimit ? 'stuck' : 'no-new';
  // The limit counts from the oldest entry: a server seen paging newest first is paged back to the start.
  if (limited && context.direction !== 'newest-first') return 'limit';
  const next = nextRequest(page, size, request, context);
  if (typeof next === 'string') return next;
  // The same request again would get the same answer.
  return sameRequest(next, request) ? 'stuck' : next;
}

export async function collectEntries(fetchPage: FetchPage, options: CollectOptions = {}): Promise<Collected> {
  const { start, end, limit } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  // With a small limit, still a page of MIN_FIRST_PAGE: one entry, or a few sharing one timestamp, can't show which
  // way the server pages, and a server paging newest first must not have its newest entries taken for the oldest.
  const recordLimit = limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(MIN_FIRST_PAGE, limit));
  const base: PageRequest = { recordLimit, queryDirection: 'FromStart', startTimestamp: start, endTimestamp: end };
  const { keep, differing } = deduplicator();
  const collected: ConversationEntry[] = [];
  let inWindowCount = 0;
  let request: PageRequest = base;
  let pages = 0;
  let direction: Direction | undefined;
  let previousFull: number | undefined;
  let unrecognised: string[] | undefined;
  let skipped = 0;

  const finish = (stop: StopReason, emptyAfterFull?: number): Collected => {
    // A server paging newest first sent the newest entries first: reversed, they arrive oldest first. Ordering them
    // and keeping the oldest `limit` is transcript/order.ts's job.
    const arrived = direction === 'newest-first' ? [...collected].reverse() : collected;
    return {
      entries: arrived.filter((e) => inWindow(e, start, end)),
      pages,
      stop,
      unrecognised,
      differing: differing().count,
      differingExample: differing().example,
      emptyAfterFull,
      skipped,
    };
  };

  for (;;) {
    if (pages >= maxPages) return finish('page-cap');
    // eslint-disable-next-line no-await-in-loop -- pages are sequential by nature: each depends on the last
    const page = readPage(await fetchPage(request));
    pages++;
    unrecognised ??= page.unrecognised;
    skipped += page.skipped ?? 0;
    const size = page.entries.length + (page.skipped ?? 0);
    const ran = pageDirection(page.entries);
    if (ran && direction !== 'newest-first') direction = ran;
    let fresh = 0;
    for (const entry of page.entries) {
      if (!keep(entry)) continue;
      collected.push(entry);
      fresh++;
      if (inWindow(entry, start, end)) inWindowCount++;
    }
    options.onPage?.(collected.length, pages);

    const limited = limit !== undefined && inWindowCount >= limit;
    const next = afterPage(page, { size, fresh, limited }, request, { base, direction, start, end });
    if (typeof next === 'string') return finish(next, next === 'empty' && !page.unrecognised ? previousFull : undefined);
    previousFull = size >= request.recordLimit ? size : undefined;
    request = next;
  }
}
