/*
 * Instants as a reader sees them in a transcript.
 */

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
