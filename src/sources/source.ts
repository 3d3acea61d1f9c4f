/*
 * Every way to read a conversation's entries is a source behind this one interface: the Conversation Data API and
 * the Connect REST API (sources/api/, one client and paging model for both), the ConversationEntry records read by
 * SOQL (sources/conversationEntry.ts), and Data Cloud (sources/dataCloud.ts, SQL over the data model objects, many
 * conversations per query). A source owns its host, its token and how it is renewed, its paging and its retries; use
 * cases only ask it for a conversation's entries, and order what comes back with transcript/order.ts.
 * sources/open.ts opens the sources for a run; sources/auto.ts picks one per conversation (--api auto).
 */
import type { SourceName } from '../input/access.js';
import type { RecordKind } from '../input/ids.js';
import type { PagingIncompleteReason as PagingStopReason } from './api/paging.js';

export { API_CHOICES, SOURCE_NAMES, type ApiChoice, type SourceName } from '../input/access.js';
export type { RecordKind } from '../input/ids.js';

/** Why a read is known to be incomplete: paging's stop reasons (sources/api/paging.ts), or Data Cloud's short result. */
export type IncompleteReason = PagingStopReason | 'short-result';

export type RawEntry = Record<string, unknown>;

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
  /**
   * Why the transcript is known to be incomplete, or null when the source said there was nothing more. Data Cloud
   * adds 'short-result': its query returned fewer rows than it counted, and paging by the query's order could not get
   * the rest.
   */
  incomplete: IncompleteReason | null;
  /** How reading went, where the user should know (the incompleteness first), in words. */
  warnings: string[];
  /**
   * The columns of a source whose entries are rows (Data Cloud: each raw entry is one row, keyed by column name), as
   * the source described them: the JSON formats carry them next to the entries.
   */
  columns?: Column[];
};

export type Column = { name: string; type?: string };

/**
 * One conversation of a batch, as a batch source hands it over: its entries (complete or not, as for read()), the
 * error that stopped it, or `missing`: the source has no such conversation (Data Cloud: not ingested, or not yet).
 */
export type BatchItem = { ref: ConversationRef; read: Read } | { ref: ConversationRef; error: unknown } | { ref: ConversationRef; missing: true };

/**
 * What a source that reads many conversations per request adds (Data Cloud: one query per batch). The use case asks
 * how many conversations the next batch may hold (bounded by the rows a query should return, so it adapts to the
 * entries per conversation seen so far), then reads them: each conversation is handed over as soon as its last row is
 * in, and every conversation of the batch is handed over exactly once. The caller's pace is the source's: it pulls
 * the next item when it has room, and no more rows are read meanwhile.
 */
export type BatchReader = {
  nextBatchSize(): number;
  readMany(refs: readonly ConversationRef[], options?: ReadOptions): AsyncIterable<BatchItem>;
};

export type EntrySource = {
  readonly name: SourceName;
  /** Present on sources that read many conversations per request: export uses it instead of read(). */
  readonly batch?: BatchReader;
  /** Reads one conversation's entries; throws a named error when it can't. */
  read(conversation: ConversationRef, options?: ReadOptions): Promise<Read>;
};
