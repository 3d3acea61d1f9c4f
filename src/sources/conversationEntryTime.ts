/*
 * The time of a ConversationEntry record (api-notes §8.1), read the same way by the source (the window) and by the
 * transcript's shape (transcript/shapes/conversationEntry.ts): EntryTime has whole seconds and EntryTimeMilliSecs
 * the milliseconds; else the server's received time. SOQL dateTimes as epoch ms.
 */
import type { RawEntry } from './source.js';

/** A SOQL dateTime (2025-02-03T09:00:00.000+0000) as epoch ms; undefined when it is none. */
export function soqlDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** EntryTime has no milliseconds; EntryTimeMilliSecs holds them. Else the server's received time. */
export function entryTime(raw: RawEntry): number | undefined {
  const at = soqlDateTime(raw.EntryTime);
  const ms = raw.EntryTimeMilliSecs;
  if (at !== undefined && typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms < 1000) return Math.floor(at / 1000) * 1000 + ms;
  return at ?? soqlDateTime(raw.ServerReceivedTimestamp);
}
