/*
 * The timestamps of a Conversation Data API (or Connect) entry: which fields they are in, their unit (epoch seconds
 * or milliseconds, told apart by size, as third-party parsers do: api-notes §1.3), and the clock that orders entries.
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

/**
 * An entry's time, for ordering and display alike: server-received time, else transcripted, else client time. The
 * one order of every output is decided by orderEntries (transcript/order.ts), which says why this clock wins; the
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
