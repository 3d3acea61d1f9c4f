/*
 * `json`: the conversation as one document, the same object `get --json` returns as its result: who it is, whether
 * it is complete, which source answered, and the entries exactly as the source returned them, in their one order.
 * Several conversations (get --case) are one case document holding one such document each.
 */
import type { IncompleteReason, RawEntry, RecordKind, SourceName } from '../../sources/source.js';
import { iso, type Format, type TranscriptHeader } from './format.js';

/** The conversation as a JSON document: `get --json`'s result, and export's json files. */
export type ConversationDocument = {
  /** The 18-character MessagingSession Id, or null when the conversation was given directly (or is a voice call). */
  sessionId: string | null;
  /** The 18-character VoiceCall Id, only for a voice call (then sessionId is null). */
  voiceCallId?: string;
  /** The Conversation's identifier; null for a session or call read from its ConversationEntry records without one. */
  conversationIdentifier: string | null;
  entryCount: number;
  /**
   * False when the transcript is known to be incomplete: paging had to stop before the source said there was nothing
   * more (get then exits 7; export records the session as partial). True when every entry asked for was read.
   */
  complete: boolean;
  /** Why the transcript is incomplete: 'page-cap', 'stuck', 'no-timestamp', 'unrecognised-envelope' (paging), or 'short-result' (Data Cloud returned fewer rows than it counted); null when complete. */
  incompleteReason: IncompleteReason | null;
  /** The source that returned the entries: conversation-data, connect, conversation-entry or data-cloud. */
  source: SourceName | null;
  /** Only for a source whose entries are rows (Data Cloud): each entry is a row keyed by these columns' names. */
  columns?: Array<{ name: string; type?: string }>;
  /**
   * The source's entries exactly as returned, in the one order (oldest first; transcript/order.ts): the API's entry
   * objects; for conversation-entry the SOQL records of ConversationEntry (Seq, EntryTime, EntryTimeMilliSecs,
   * ActorType, ActorName, EntryType, Message…); for data-cloud the rows. The last two differ in shape from the API's.
   */
  entries: RawEntry[];
};

export const conversationDocument = (header: TranscriptHeader, entries: RawEntry[]): ConversationDocument => ({
  sessionId: header.sessionId,
  ...(header.voiceCallId ? { voiceCallId: header.voiceCallId } : {}),
  conversationIdentifier: header.conversationIdentifier,
  entryCount: entries.length,
  complete: header.complete,
  incompleteReason: header.incompleteReason,
  source: header.sourceName ?? null,
  ...(header.columns ? { columns: header.columns } : {}),
  entries,
});

/** One conversation of a case: which record it is, when it started, its channel, and its document. */
export type CaseConversationDocument = {
  recordType: RecordKind;
  sessionId: string | null;
  voiceCallId: string | null;
  /** ISO-8601 UTC: MessagingSession.StartTime or VoiceCall.CallStartDateTime. */
  startTime: string | null;
  /** MessagingSession.ChannelType, or Voice. */
  channel: string | null;
  conversationIdentifier: string | null;
  source: SourceName | null;
  entryCount: number;
  /** False when the conversation is incomplete, or could not be read (then error says why). */
  complete: boolean;
  incompleteReason: IncompleteReason | null;
  /** Why the conversation could not be read (then complete is false and entries is empty); null when it was. */
  error: { name: string; message: string } | null;
  entries: RawEntry[];
};

/** `get --case --json`: the case and every conversation of it, oldest first. */
export type CaseDocument = {
  caseId: string;
  /** As given, or as the org returned it; null when the case was given by Id and no query needed its number. */
  caseNumber: string | null;
  conversationCount: number;
  /** False when any conversation is incomplete or could not be read. */
  complete: boolean;
  conversations: CaseConversationDocument[];
};

/** What a case's conversation says of itself, in the one key order: the case document's and jsonl's conversation line. */
export const conversationFields = (header: TranscriptHeader, entryCount: number): Omit<CaseConversationDocument, 'error' | 'entries'> => ({
  recordType: header.voiceCallId ? 'VoiceCall' : 'MessagingSession',
  sessionId: header.sessionId,
  voiceCallId: header.voiceCallId ?? null,
  startTime: header.startTime === undefined ? null : iso(header.startTime),
  channel: header.channel ?? null,
  conversationIdentifier: header.conversationIdentifier,
  source: header.sourceName ?? null,
  entryCount,
  complete: header.complete,
  incompleteReason: header.incompleteReason,
});

export const caseConversationDocument = (
  header: TranscriptHeader,
  entries: RawEntry[],
  error: CaseConversationDocument['error'] = null
): CaseConversationDocument => ({ ...conversationFields(header, entries.length), error, entries });

export const json: Format = {
  extension: 'json',
  *render({ header, entries }) {
    yield `${JSON.stringify(conversationDocument(header, entries.map((e) => e.raw)), null, 2)}\n`;
  },
};
