/*
 * `json`: the conversation as one document, the same object `get --json` returns as its result: who it is, whether
 * it is complete, and the entries exactly as the source returned them, in their one order.
 */
import type { RawEntry } from '../../sources/source.js';
import type { Format, TranscriptHeader } from './format.js';

/** The conversation as a JSON document: `get --json`'s result, and export's json files. */
export type ConversationDocument = {
  sessionId: string | null;
  conversationIdentifier: string;
  entryCount: number;
  complete: boolean;
  incompleteReason: string | null;
  /** Only for a source whose entries are rows (Data Cloud): each entry is a row keyed by these columns' names. */
  columns?: Array<{ name: string; type?: string }>;
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
