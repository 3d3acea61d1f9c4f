/*
 * Every way to read a conversation's entries is a source behind this one interface: the Conversation Data API and
 * the Connect REST API (sources/api/, one client and paging model for both), and the ConversationEntry records read
 * by SOQL (sources/conversationEntry.ts). A source owns its host, its token and how it is renewed, its paging and its
 * retries; use cases only ask it for a conversation's entries, and order what comes back with transcript/order.ts.
 * sources/open.ts opens the sources for a run; sources/auto.ts picks one per conversation.
 */
import type { SourceName } from '../input/access.js';
import type { IncompleteReason } from './api/paging.js';

export { API_CHOICES, SOURCE_NAMES, type ApiChoice, type SourceName } from '../input/access.js';

export type RawEntry = Record<string, unknown>;

/** The records a conversation belongs to. */
export type RecordKind = 'MessagingSession' | 'VoiceCall';

/**
 * One conversation to read, as the org knows it: the record the user named or a selection found (a MessagingSession,
 * 0Mw…), and its Conversation's identifier when it has one. A source takes what it needs: the APIs the identifier.
 */
export type ConversationRef = {
  /** The MessagingSession's (or VoiceCall's) 18-character Id; null when the user gave the conversation identifier itself. */
  recordId: string | null;
  conversationIdentifier: string | null;
  /** Which object recordId is (default MessagingSession). */
  kind?: RecordKind;
};

export type ReadOptions = {
  /** Window start and end, epoch ms, inclusive. */
  start?: number;
  end?: number;
  /** Read at least the oldest `limit` entries (more may come back: the caller orders them and keeps the oldest). */
  limit?: number;
  onPage?: (entriesSoFar: number, pages: number) => void;
};

export type Read = {
  /** The entries exactly as the source returned them, in the order they arrived. */
  entries: RawEntry[];
  /** Why the transcript is known to be incomplete, or null when the source said there was nothing more. */
  incomplete: IncompleteReason | null;
  /** How reading went, where the user should know (the incompleteness first), in words. */
  warnings: string[];
};

export type EntrySource = {
  readonly name: SourceName;
  /** Reads one conversation's entries; throws a named error when it can't. */
  read(conversation: ConversationRef, options?: ReadOptions): Promise<Read>;
};
