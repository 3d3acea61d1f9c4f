/*
 * Instants the user gives (--start, --end, --since, --until): ISO-8601, epoch milliseconds, or relative to now.
 */
import { bundle, ExitCode } from '../messages.js';
import { printable } from './ids.js';

const messages = bundle('input');

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
 * A time flag's value in epoch milliseconds, parsed by `parse` (get: parseInstant; export adds relative times). A bare
 * 10-digit number is refused as ambiguous (seconds or milliseconds?), with both readings and how to write each.
 */
export function checkInstant(flag: string, value: string | undefined, parse: (text: string) => number | undefined = parseInstant): number | undefined {
  if (value === undefined) return undefined;
  const readings = ambiguousEpoch(value);
  if (readings) {
    const [seconds, milliseconds] = [isoInstant(readings.asSeconds), isoInstant(readings.asMilliseconds)];
    throw messages.fail('AmbiguousInstant', ExitCode.InvalidInput, [flag, printable(value), seconds, milliseconds], [flag, seconds, flag, String(readings.asSeconds), flag, milliseconds, flag]);
  }
  const ms = parse(value);
  if (ms === undefined) throw messages.fail('InvalidInstant', ExitCode.InvalidInput, [flag, printable(value)]);
  return ms;
}

/** --start, --end and --limit, checked: a window in epoch ms (both ends inclusive) and the most entries to return. */
export function checkWindow(input: { start?: string; end?: string; limit?: number }): { start?: number; end?: number; limit?: number } {
  const start = checkInstant('start', input.start);
  const end = checkInstant('end', input.end);
  if (start !== undefined && end !== undefined && start > end) {
    throw messages.fail('EmptyWindow', ExitCode.InvalidInput, ['start', new Date(start).toISOString(), 'end', new Date(end).toISOString()]);
  }
  if (input.limit !== undefined && (!Number.isSafeInteger(input.limit) || input.limit < 1)) {
    throw messages.fail('InvalidLimit', ExitCode.InvalidInput, [input.limit]);
  }
  return { start, end, limit: input.limit };
}
