/*
 * What every output format is given, and what it is: a strategy that renders a conversation as text chunks (a
 * 10,000-entry conversation is written piece by piece, never built as one string), with its file extension.
 */
import type { IncompleteReason, SourceName } from '../../sources/source.js';
import { bundle } from '../../messages.js';
import { formatInstant } from '../time.js';
import type { TranscriptEntry } from '../normalize.js';

const labels = bundle('transcript.labels');

/** The conversation a format renders: who and what it is, and its entries in their one order. */
export type TranscriptHeader = {
  /** The 18-character MessagingSession Id, or null when the conversation was given directly (or is a call). */
  sessionId: string | null;
  /** The 18-character VoiceCall Id, when the conversation is a call. */
  voiceCallId?: string | null;
  /** The Conversation's identifier; null for a conversation read from its ConversationEntry records without one. */
  conversationIdentifier: string | null;
  orgId: string;
  entryCount: number;
  /** False when the transcript is known to be incomplete (see incompleteReason). */
  complete: boolean;
  /** Why the transcript is incomplete ('page-cap', 'stuck', 'no-timestamp', 'unrecognised-envelope'), or null. */
  incompleteReason: IncompleteReason | null;
  /** Where the entries came from, in words (e.g. "Conversation Data API"), for the formats that show it. */
  source?: string;
  /** Where the entries came from, by name (conversation-data, connect, conversation-entry, data-cloud), for --json. */
  sourceName?: SourceName;
  /** When the session or call started (epoch ms), and its channel (MessagingSession.ChannelType, or Voice). */
  startTime?: number;
  channel?: string;
  /** Why a conversation listed with others (get --case) has no entries: it has none, or it could not be read. */
  note?: string;
  /** A source whose entries are rows (Data Cloud): its columns, which the json document carries next to the rows. */
  columns?: Array<{ name: string; type?: string }>;
};

export type Rendering = { header: TranscriptHeader; entries: readonly TranscriptEntry[]; utc: boolean };

export type Format = {
  /** The file extension export gives it (without the dot). */
  extension: string;
  render(rendering: Rendering): Iterable<string>;
  /** Several conversations (get --case), each under its own header; without it, each rendered after the other. */
  renderMany?(renderings: readonly Rendering[]): Iterable<string>;
};

/** The record a conversation belongs to, in words: "MessagingSession 0Mw…", "VoiceCall 0LQ…", or its identifier. */
export function recordLabel(header: TranscriptHeader): string {
  if (header.voiceCallId) return labels.text('record.voiceCall', [header.voiceCallId]);
  if (header.sessionId) return labels.text('record.session', [header.sessionId]);
  return labels.text('record.conversation', [header.conversationIdentifier ?? '']);
}

/** A conversation's header on one line (get --case in human and the other line formats): record, start, channel, source, count. */
export function headerLine(header: TranscriptHeader, utc: boolean): string {
  const parts = [recordLabel(header)];
  if (header.startTime !== undefined) parts.push(labels.text('header.started', [formatInstant(header.startTime, utc)]));
  if (header.channel) parts.push(header.channel);
  if (header.source) parts.push(header.source);
  parts.push(labels.text(header.entryCount === 1 ? 'header.entries.one' : 'header.entries', [header.entryCount]));
  if (header.note) parts.push(header.note);
  return parts.join(' · ');
}

/** Each conversation after the other, as a format renders one. */
export function* renderEach(format: Format, renderings: readonly Rendering[], separator: string): Generator<string> {
  let first = true;
  for (const rendering of renderings) {
    if (!first) yield separator;
    first = false;
    yield* format.render(rendering);
  }
}

/** An epoch ms instant as ISO-8601 UTC, or '' when there is none. */
export const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());
