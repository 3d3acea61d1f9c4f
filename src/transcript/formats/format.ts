/*
 * What every output format is given, and what it is: a strategy that renders a conversation as text chunks (a
 * 10,000-entry conversation is written piece by piece, never built as one string), with its file extension.
 */
import type { IncompleteReason } from '../../sources/source.js';
import type { TranscriptEntry } from '../normalize.js';

/** The conversation a format renders: who and what it is, and its entries in their one order. */
export type TranscriptHeader = {
  /** The 18-character MessagingSession Id, or null when the conversation was given directly. */
  sessionId: string | null;
  conversationIdentifier: string;
  orgId: string;
  entryCount: number;
  /** False when the transcript is known to be incomplete (see incompleteReason). */
  complete: boolean;
  /** Why the transcript is incomplete ('page-cap', 'stuck', 'no-timestamp', 'unrecognised-envelope'), or null. */
  incompleteReason: IncompleteReason | null;
  /** Where the entries came from, in words (e.g. "Conversation Data API"), for the formats that show it. */
  source?: string;
  /** A source whose entries are rows (Data Cloud): its columns, which the json document carries next to the rows. */
  columns?: Array<{ name: string; type?: string }>;
};

export type Rendering = { header: TranscriptHeader; entries: readonly TranscriptEntry[]; utc: boolean };

export type Format = {
  /** The file extension export gives it (without the dot). */
  extension: string;
  render(rendering: Rendering): Iterable<string>;
};

/** An epoch ms instant as ISO-8601 UTC, or '' when there is none. */
export const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());
