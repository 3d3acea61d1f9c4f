/*
 * `json`: the conversation as one document, the same object `get --json` returns as its result: who it is, whether
 * it is complete, and the entries exactly as the source returned them, in their one order.
 */
import type { IncompleteReason } from '../../sources/source.js';
import type { RawEntry } from '../../sources/source.js';
import type { Format, TranscriptHeader } from './format.js';

/** The conversation as a JSON document: `get --json`'s result, and export's json files. */
export type ConversationDocument = {
  /** The 18-character MessagingSession Id, or null when the conversation was given directly. */
  sessionId: string | null;
  conversationIdentifier: string;
  entryCount: number;
  /**
   * False when the transcript is known to be incomplete: paging had to stop before the source said there was nothing
   * more (get then exits 7; export records the session as partial). True when every entry asked for was read.
   */
  complete: boolean;
  /** Why the transcript is incomplete: 'page-cap', 'stuck', 'no-timestamp', 'unrecognised-envelope' (paging), or 'short-result' (Data Cloud returned fewer rows than it counted); null when complete. */
  incompleteReason: IncompleteReason | null;
  /** Only for a source whose entries are rows (Data Cloud): each entry is a row keyed by these columns' names. */
  columns?: Array<{ name: string; type?: string }>;
  /** The source's entries exactly as returned, in the one order (oldest first; transcript/order.ts). */
  entries: RawEntry[];
};

export const conversationDocument = (header: TranscriptHeader, entries: RawEntry[]): ConversationDocument => ({
  sessionId: header.sessionId,
  conversationIdentifier: header.conversationIdentifier,
  entryCount: entries.length,
  complete: header.complete,
  incompleteReason: header.incompleteReason,
  ...(header.columns ? { columns: header.columns } : {}),
  entries,
});

export const json: Format = {
  extension: 'json',
  *render({ header, entries }) {
    yield `${JSON.stringify(conversationDocument(header, entries.map((e) => e.raw)), null, 2)}\n`;
  },
};
