/*
 * Instants: parsing user input, and reading the timestamps of a conversation entry.
 */

type Stamped = {
  transcriptedTimestamp?: unknown;
  serverReceivedTimestamp?: unknown;
  clientTimestamp?: unknown;
};

/** Epoch values below this are taken as seconds, at or above it as milliseconds (1e10 s is the year 2286). */
const MS_THRESHOLD = 1e10;

/** An epoch value as given (a number, or a string of digits), before any unit is decided; undefined if it is none. */
function epochNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Normalises an epoch value that may be seconds or milliseconds to milliseconds. */
export function toEpochMs(value: unknown): number | undefined {
  const n = epochNumber(value);
  if (n === undefined) return undefined;
  return Math.round(n < MS_THRESHOLD ? n * 1000 : n);
}

export type EpochUnit = 's' | 'ms';

/**
 * The unit an entry's timestamps are written in: 's' when every timestamp it carries is in seconds, else 'ms'
 * (undefined when it carries none). Paging by time windows asks for the next window in this unit, because a
 * server whose entries are stamped in seconds most likely reads its window parameters in seconds too.
 */
export function timestampUnit(entry: unknown): EpochUnit | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Stamped;
  const values = [e.transcriptedTimestamp, e.serverReceivedTimestamp, e.clientTimestamp]
    .map(epochNumber)
    .filter((n): n is number => n !== undefined);
  if (!values.length) return undefined;
  return values.every((n) => n < MS_THRESHOLD) ? 's' : 'ms';
}

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A bare 10-digit number is epoch seconds for any date from 2001 to 2286, and epoch milliseconds for a day in the
 * first months of 1970: it can't be read safely either way. Returns both readings (in milliseconds) for such a value,
 * else undefined. parseInstant reads digits as milliseconds, so callers check this first.
 */
export function ambiguousEpoch(value: string): { asSeconds: number; asMilliseconds: number } | undefined {
  const text = value.trim();
  if (!/^\d{10}$/.test(text)) return undefined;
  return { asSeconds: Number(text) * 1000, asMilliseconds: Number(text) };
}

/** An instant as ISO-8601 in UTC, without the milliseconds when they are zero: 2026-01-07T10:00:00Z. */
export const isoInstant = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/**
 * Parses a user-given instant: epoch milliseconds (digits only), or ISO-8601 (a date, or a date and time;
 * without an offset it is local time, as `Date` reads it). Returns undefined when the value is not one of these.
 */
export function parseInstant(value: string): number | undefined {
  const text = value.trim();
  if (/^\d{1,16}$/.test(text)) {
    const ms = Number(text);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (!ISO_8601.test(text)) return undefined;
  // A date alone is read by Date as UTC midnight; a date-time without offset as local time. Keep that, but
  // reject impossible dates such as 2026-02-30, which Date would otherwise roll over.
  const ms = Date.parse(text.replace(' ', 'T'));
  if (Number.isNaN(ms)) return undefined;
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return undefined;
  return ms;
}

/**
 * An entry's time, for ordering and display alike: server-received time, else transcripted, else client time. The
 * one order of every output is decided by sortOldestFirst (entries/paging.ts), which says why this clock wins; the
 * time shown is the same clock, so the times in a transcript never run backwards.
 */
export function orderTime(entry: unknown): number | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Stamped;
  return toEpochMs(e.serverReceivedTimestamp) ?? toEpochMs(e.transcriptedTimestamp) ?? toEpochMs(e.clientTimestamp);
}

/**
 * The earliest of an entry's timestamps. Which field the API's time window filters on is not documented
 * (api-notes §1.2), so the next window starts no later than any of them: nothing after the boundary is skipped.
 */
export function earliestTime(entry: unknown): number | undefined {
  const all = entryTimes(entry);
  return all.length ? Math.min(...all) : undefined;
}

/** All of an entry's timestamps, in milliseconds. */
export function entryTimes(entry: unknown): number[] {
  if (!entry || typeof entry !== 'object') return [];
  const e = entry as Stamped;
  return [e.transcriptedTimestamp, e.serverReceivedTimestamp, e.clientTimestamp]
    .map(toEpochMs)
    .filter((t): t is number => t !== undefined);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2025-01-10 11:21:29+01:00` in local time, or `2025-01-10 10:21:29Z` in UTC. */
export function formatInstant(ms: number, utc = false): string {
  const d = new Date(ms);
  if (utc) {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
      d.getUTCMinutes()
    )}:${pad(d.getUTCSeconds())}Z`;
  }
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes()
  )}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
