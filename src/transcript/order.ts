/*
 * The one order of a conversation's entries, for --json, every rendered format and export alike, decided here and
 * nowhere else. Sources hand their entries over in the order they arrived; the use cases order them with this.
 */
import type { RawEntry } from '../sources/source.js';
import { shapeOf } from './normalize.js';

/**
 * For the Conversation Data API's entries (the clock each shape uses is its own: transcript/shapes/): oldest first
 * by the server's clock, `serverReceivedTimestamp` (see orderTime), falling back to
 * `transcriptedTimestamp` and then `clientTimestamp` only for an entry without it. The server's clock wins because
 * it is the one clock every entry carries in both APIs, it is stamped by one machine, and it is the clock the server
 * pages and filters by, so this order agrees with paging. `transcriptedTimestamp` is on some entries only (sorting by
 * it when present would mix clocks and swap entries received in the same moment), and `clientTimestamp` comes from
 * each participant's own device. The time shown for an entry is the same clock (normalize.ts), so shown times never
 * run backwards. Ties keep the order the entries arrived in, and an entry without any time stays right after the
 * entry before it. `limit` keeps the oldest that many. Stable, never recursive.
 */
export function orderEntries<T extends RawEntry>(entries: readonly T[], limit?: number): T[] {
  let carried = -Infinity;
  const keyed = entries.map((entry, index) => {
    const key = shapeOf(entry).orderKey(entry);
    carried = key.time ?? carried;
    return { entry, index, time: carried, seq: key.seq ?? 0 };
  });
  // A source's own sequence number (where it has one) breaks ties of time before the order of arrival.
  keyed.sort((a, b) => a.time - b.time || a.seq - b.seq || a.index - b.index);
  const ordered = keyed.map((k) => k.entry);
  return limit === undefined ? ordered : ordered.slice(0, limit);
}
