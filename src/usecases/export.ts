/*
 * `sf conversation entries export`: many sessions (and calls, and cases' conversations), bounded, resumable, honest
 * about failures.
 *
 * Every value is checked before the first request, and the output directory is claimed (one writer per directory).
 * Requests: ⌈ids/200⌉ SOQL queries for an id list, run concurrently (or one query plus queryMore pages for filters;
 * calls and cases: one query per kind and batch of 200, org/conversations.ts), then per conversation the requests of
 * the source --api auto picks for it (sources/auto.ts): one entries request per page, or one ConversationEntry query
 * per 2,000 records. Two stages: up to --concurrency
 * conversations are fetched at once, and each hands its entries to a bounded writer stage as soon as they are in, so a
 * fetch slot never waits on the disk. A source that reads many conversations per request (Data Cloud: source.ts
 * BatchReader) is given the sessions in batches instead, one batch at a time, each conversation handed to the same
 * writer stage as soon as its rows are in; it has no per-conversation limit, so no --max-conversations guard. Each
 * finished session is written atomically and journalled in the manifest. The result counts what happened; the command
 * maps failures and incomplete sessions to an exit code.
 */
import { createHash } from 'node:crypto';
import type { Connection, SfError } from '@salesforce/core';
import PQueue from 'p-queue';
import { checkAccess, type AccessInput, type CheckedAccess } from '../input/access.js';
import { isRecordId, printable, VOICE_CALL_PREFIX } from '../input/ids.js';
import { checkSelection, type Selection, type SelectionInput } from '../input/selection.js';
import { hashing, openJournal, sha256OfFile, type Journal, type JournalLine, type ManifestLine } from '../files/manifest.js';
import { claimOutputDir, pathInside } from '../files/outputDir.js';
import { checkOutputDir, removeStaleTempFiles, writeFailed, writeFileAtomically } from '../files/output.js';
import { bundle, ExitCode } from '../messages.js';
import { kindOf, selectRecords } from '../org/conversations.js';
import { connectionFor, loadOrg } from '../org/org.js';
import { selectSessions, type Selected, type SessionRow } from '../org/sessions.js';
import type { RetryPolicy } from '../sources/api/retry.js';
import { decide, type Decision } from '../sources/auto.js';
import { autoContext, openSource, sourceLabel, type RunSource, type SourcedRead } from '../sources/open.js';
import { RATE_WINDOW_MS } from '../sources/rateLimit.js';
import type { ConversationRef, Read, SourceName } from '../sources/source.js';
import { soqlDateTime } from '../sources/conversationEntryTime.js';
import { formatOf, type EXPORT_FORMATS, type TranscriptHeader } from '../transcript/formats/index.js';
import { iso } from '../transcript/formats/format.js';
import { htmlIndex, summarize, type IndexRow } from '../transcript/formats/html.js';
import { toTranscript } from '../transcript/normalize.js';
import { orderEntries } from '../transcript/order.js';
import { withCompactHeap } from './exportHeap.js';

const messages = bundle('export');
const own = bundle('export.conversations');

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const dataCloud = bundle('dataCloud');

/** More sessions than this get a warning about the API's per-conversation limits. */
const WARN_ABOVE = 50;
/** Sessions in a row that failed because the API host can't be reached at all, before the run stops. */
export const UNREACHABLE_STOP_AFTER = 3;
/** Conversations fetched and waiting for the writer at most: the writer stage's backlog. */
const WRITE_BACKLOG = 8;
/** Files written at once. */
const WRITERS = 2;
export const INDEX_FILE = 'index.html';

export type ExportInput = AccessInput &
  SelectionInput & {
    targetOrg?: string;
    outputDir: string;
    format: ExportFormat;
    concurrency: number;
    /** Entries requests per minute, over any 60-second window; 0 turns the limit off. */
    rateLimit: number;
    /** The rate limit's window in ms (default 60,000: rateLimit is per minute). Tests shorten it rather than wait. */
    rateWindowMs?: number;
    /** How entries requests are retried (default: the client's policy). Tests shorten the backoff rather than wait. */
    retry?: RetryPolicy;
    maxConversations: number;
    dryRun: boolean;
    force: boolean;
    /** Return every session's status in the result (default true); the command asks only under --json. */
    statuses?: boolean;
  };

/** `startedAt`: when the first session started, so the rate and the time left leave out start-up and the selection. */
export type ExportProgress = { done: number; total: number; failed: number; startedAt: number };
export type ExportEvents = { warn: (message: string) => void; progress?: (p: ExportProgress) => void };

export type SessionStatus = Omit<ManifestLine, 'at' | 'durationMs' | 'status' | 'index'> & {
  /** `would-export` only in a dry run. */
  status: ManifestLine['status'] | 'would-export';
  /** Exported by an earlier run and unchanged, so not fetched again. */
  skipped?: boolean;
};

export type ExportResult = {
  dryRun: boolean;
  outputDir: string;
  /** The sources that answered, in words (e.g. "Conversation Data API, ConversationEntry records"); null when none did (a dry run reads no entries). */
  source: string | null;
  /** --case values (as given) that matched no case: nothing could be selected for them (the run exits Partial). */
  casesNotFound: string[];
  selected: number;
  exported: number;
  skipped: number;
  noConversation: number;
  /** --api data-cloud: sessions whose conversation Data Cloud doesn't hold (yet): not exported, fetched again on resume. */
  notInDataCloud: number;
  /** Written, but known to be incomplete (paging stopped short): counted apart from exported, fetched again on resume. */
  partial: number;
  failed: number;
  entries: number;
  requests: number;
  retries: number;
  elapsedMs: number;
  /** --api data-cloud, which lags ingestion: the newest entry time among the entries read (ISO-8601), else null. */
  newestEntryAt: string | null;
  /** Every selected session's status, sorted by Id: always under --json and in a dry run (empty when the caller sets statuses: false). */
  sessions: SessionStatus[];
};

export function runExport(input: ExportInput, events: ExportEvents): Promise<ExportResult> {
  return withCompactHeap(() => checkAndExport(input, events));
}

async function checkAndExport(input: ExportInput, events: ExportEvents): Promise<ExportResult> {
  const startedAt = Date.now();
  // Every check that needs no network, first: bad input changes nothing and requests nothing.
  const access = checkAccess(input);
  const selection = await checkSelection(input);
  await checkOutputDir(input.outputDir);
  access.settings.warnings.forEach(events.warn);
  // Before any request: one writer per directory (a dry run writes nothing, so it takes no lock).
  const claimed = input.dryRun ? undefined : await claimOutputDir(input.outputDir, events.warn);
  let wrote = false;
  try {
    return await selectAndExport({ input, events, access, selection, startedAt, writing: () => (wrote = true) });
  } finally {
    await claimed?.release(!wrote);
  }
}

type Run = {
  input: ExportInput;
  events: ExportEvents;
  access: CheckedAccess;
  selection: Selection;
  startedAt: number;
  /** Called once the run starts writing into the output directory (before that, a failure leaves it as it was). */
  writing: () => void;
};

const emptyResult = (input: ExportInput): ExportResult => ({
  dryRun: input.dryRun === true,
  outputDir: input.outputDir,
  source: null,
  casesNotFound: [],
  selected: 0,
  exported: 0,
  skipped: 0,
  noConversation: 0,
  notInDataCloud: 0,
  partial: 0,
  failed: 0,
  entries: 0,
  requests: 0,
  retries: 0,
  elapsedMs: 0,
  newestEntryAt: null,
  sessions: [],
});

async function selectAndExport(run: Run): Promise<ExportResult> {
  const { input, events, access, selection } = run;
  const org = await loadOrg(input.targetOrg);
  const { conn, warning } = connectionFor(org, input.apiVersion);
  if (warning) events.warn(warning);
  const orgId = org.getOrgId();

  const selected = await selectConversations(conn, selection, orgId, input.concurrency);
  selected.warnings.forEach(events.warn);
  if (selected.casesNotFound.length) events.warn(own.text('warning.CasesNotFound', [selected.casesNotFound.length, selected.casesNotFound.join(', ')]));
  if (selected.notSelected) events.warn(messages.text('warning.IdsNotSelected', [String(selected.notSelected)]));
  // Data Cloud's queries and ConversationEntry queries don't mark conversations active: the guard and its warning
  // are for the per-conversation APIs (with auto, selected.conversations counts only the sessions with a Conversation).
  const perConversation = access.api !== 'data-cloud' && access.api !== 'conversation-entry';
  if (perConversation && selected.conversations > input.maxConversations) {
    const stop = messages.fail('TooManyConversations', ExitCode.TooMany, [selected.conversations, input.maxConversations], [String(selected.conversations)]);
    stop.actions = [...(stop.actions ?? []), dataCloud.text('hint.useDataCloud')];
    // A dry run reads no conversation, so it still lists the selection, and says the real run would stop.
    if (!input.dryRun) throw stop;
    events.warn(stop.message);
  }
  if (perConversation && selected.conversations > WARN_ABOVE) {
    events.warn(`${messages.text('warning.ManyConversations', [String(selected.conversations)])} ${dataCloud.text('hint.useDataCloud')}`);
  }
  const empty = { ...emptyResult(input), casesNotFound: selected.casesNotFound };
  if (input.dryRun) return listDryRun(selected, empty, run.startedAt, (ref) => decide(ref, autoContext({ ...access, conn })));

  // The source, opened once for every conversation (a client-credentials token is requested here, before anything is
  // written, so a setup that can't work leaves no directory behind).
  const rateLimit = input.rateLimit > 0 ? { limit: input.rateLimit, windowMs: input.rateWindowMs ?? RATE_WINDOW_MS } : undefined;
  const source = await openSource({ ...access, org, conn, warn: events.warn, retry: input.retry, rateLimit });
  run.writing();
  // A run killed mid-write leaves its temp files behind; a resumed run tidies them, so the directory ends up as an
  // uninterrupted run leaves it.
  await removeStaleTempFiles(input.outputDir);
  const journal = await openJournal(input.outputDir, input.force);
  return exportSessions(run, { source, journal, selected, orgId, empty });
}

type Stages = { source: RunSource; journal: Journal; selected: Selection2; orgId: string; empty: ExportResult };

/** The selection: sessions (Ids or filters), calls and cases' conversations, each record once. */
type Selection2 = Selected & { casesNotFound: string[]; warnings: string[] };

/**
 * The selected conversations: sessions by Id or filter (org/sessions.ts), then calls and cases (org/conversations.ts),
 * each one query per batch of 200. Filters can't be combined with calls or cases (input/selection.ts refuses it).
 */
async function selectConversations(conn: Connection, selection: Selection, orgId: string, concurrency: number): Promise<Selection2> {
  if (!selection.voiceCallIds.length && !selection.cases.length) {
    return { ...(await selectSessions(conn, selection, orgId, concurrency)), casesNotFound: [], warnings: [] };
  }
  const [sessions, records] = await Promise.all([
    selection.ids.length ? selectSessions(conn, selection, orgId, concurrency) : undefined,
    selectRecords(conn, selection, orgId, concurrency),
  ]);
  const seen = new Set<string>();
  const rows = [...((sessions?.rows ?? []) as SessionRow[]), ...records.rows].filter((r) => !seen.has(r.sessionId) && seen.add(r.sessionId));
  const missing = [...(sessions?.missing ?? []), ...records.missingCalls];
  return {
    rows,
    conversations: rows.filter((r) => r.conversationIdentifier).length,
    sessions: rows.length + missing.length,
    missing,
    notSelected: 0,
    casesNotFound: records.missingCases.map((c) => printable(c)),
    warnings: records.warnings,
  };
}

/** Why a selected Id is not there: a call's reason or a session's. */
const notFoundReason = (id: string): string =>
  id.startsWith(VOICE_CALL_PREFIX) ? own.text('reason.voiceCallNotFound') : messages.text('reason.sessionNotFound');

const refOf = (row: SessionRow): ConversationRef => ({ recordId: row.sessionId, conversationIdentifier: row.conversationIdentifier, kind: kindOf(row) });

/** Fetches, writes and journals every selected session, then writes the final manifest (and the index page). */
async function exportSessions({ input, events, startedAt }: Run, { source, journal, selected, orgId, empty }: Stages): Promise<ExportResult> {
  const result: ExportResult = { ...empty };
  // The sources that answered, in the order they first did.
  const used = new Set<SourceName>();
  /** Which source a read came from: its own say (auto's reads carry it), else the run's one source. */
  const sourceOf = (read: Read): SourceName => (read as Partial<SourcedRead>).source ?? (source.name as SourceName);
  const format = formatOf(input.format);
  const index: IndexRow[] | undefined = input.format === 'html' ? [] : undefined;
  let finished = 0;
  const fetchStartedAt = Date.now();
  // Counts only: the per-session lines go to the manifest's journal, and are read back from it at the end.
  const record = async (line: JournalLine): Promise<void> => {
    finished++;
    if (line.status === 'exported') result[line.skipped ? 'skipped' : 'exported']++;
    else if (line.status === 'no-conversation') result.noConversation++;
    else if (line.status === 'not-in-data-cloud') result.notInDataCloud++;
    else if (line.status === 'partial') result.partial++;
    else result.failed++;
    result.entries += line.entryCount ?? 0;
    if (index && line.file && line.index) index.push({ sessionId: line.sessionId, file: line.file, entries: line.entryCount ?? 0, ...line.index });
    events.progress?.({ done: finished, total: selected.sessions, failed: result.failed, startedAt: fetchStartedAt });
    await journal.append(line).catch((error: unknown) => {
      throw writeFailed(error, journal.path) ?? error;
    });
  };

  const fetching = new PQueue({ concurrency: input.concurrency });
  const writing = new PQueue({ concurrency: WRITERS });
  // Sessions in a row whose API host could not be reached at all; the error that stops the run; a failure of the
  // run itself (the journal, the disk, the selection's next page).
  let unreachableInARow = 0;
  let stopped: SfError | undefined;
  let broken: unknown;
  const stop = (error: unknown): void => {
    broken ??= error;
    fetching.clear();
  };

  /** The writer stage: one conversation, ordered, rendered, written atomically, then journalled. */
  const write = async (row: SessionRow, read: Read, file: string, path: string, began: number): Promise<void> => {
    const entries = orderEntries(read.entries);
    const call = kindOf(row) === 'VoiceCall';
    const from = sourceOf(read);
    const header: TranscriptHeader = {
      sessionId: call ? null : row.sessionId,
      ...(call ? { voiceCallId: row.sessionId } : {}),
      conversationIdentifier: row.conversationIdentifier,
      orgId,
      entryCount: entries.length,
      complete: read.incomplete === null,
      incompleteReason: read.incomplete,
      source: sourceLabel(from),
      sourceName: from,
      startTime: row.startTime ? soqlDateTime(row.startTime) : undefined,
      channel: row.channel,
      ...(read.columns ? { columns: read.columns } : {}),
    };
    const transcript = toTranscript(entries);
    const hash = createHash('sha256');
    await writeFileAtomically(path, hashing(format.render({ header, entries: transcript, utc: true }), hash), true);
    const line: JournalLine = {
      sessionId: row.sessionId,
      conversationIdentifier: row.conversationIdentifier,
      status: read.incomplete ? 'partial' : 'exported',
      source: from,
      entryCount: entries.length,
      file,
      sha256: hash.digest('hex'),
      ...(read.incomplete ? { reason: `${read.incomplete}: ${read.warnings[0] ?? ''}`.slice(0, 500) } : {}),
      ...(index ? { index: indexFields(row, transcript) } : {}),
      at: new Date().toISOString(),
      durationMs: Date.now() - began,
    };
    await record(line);
  };

  /** A session whose entries are to be read: its row, its conversation, the source for it, and where its file goes. */
  type Pending = { row: SessionRow; ref: ConversationRef; decision: Decision; file: string; path: string; began: number };

  /**
   * Before a session's entries are read: records the session that needs no read (no conversation, an unusable Id,
   * exported by an earlier run), else says what to read and where its file goes.
   */
  const prepare = async (row: SessionRow): Promise<Pending | undefined> => {
    const began = Date.now();
    const done = (line: Omit<ManifestLine, 'at' | 'durationMs'>): Promise<void> => record({ ...line, at: new Date().toISOString(), durationMs: Date.now() - began });
    const base = { sessionId: row.sessionId, conversationIdentifier: row.conversationIdentifier };
    const ref = refOf(row);
    const decision = source.decide(ref);
    // Without a Conversation, only the ConversationEntry records can hold it (auto reads them; an API can't).
    if (!row.conversationIdentifier && decision.source !== 'conversation-entry') return void (await done({ ...base, status: 'no-conversation' }));
    // Resume: a session an earlier run found without a Conversation and without records is done, as an exported one is.
    const earlier = journal.previous.get(row.sessionId);
    if (!row.conversationIdentifier && earlier?.status === 'no-conversation' && earlier.source === 'conversation-entry') {
      return void (await done({ ...base, status: 'no-conversation', source: 'conversation-entry' }));
    }
    const file = `${row.sessionId}.${format.extension}`;
    // What the org returned becomes a file name only if it is a record Id (and so a plain name inside the directory).
    // The conversation identifier never becomes part of a path (only of a URL, encoded, or an SQL literal), so it is
    // sent as it came.
    const path = isRecordId(row.sessionId) ? pathInside(input.outputDir, file) : undefined;
    if (!path) return void (await done({ ...base, status: 'failed', reason: messages.text('reason.unusableIdFromOrg'), httpStatus: null }));
    const before = journal.previous.get(row.sessionId);
    // Resume: a session whose file is there with the checksum the manifest recorded is done already.
    if (before?.status === 'exported' && before.file === file && before.sha256 && (await sha256OfFile(path)) === before.sha256) {
      return void (await record({ ...before, skipped: true }));
    }
    return { row, ref, decision, file, path, began };
  };

  /** After a session's entries were read (or not): its failure recorded, or its entries handed to the writer. */
  const received = async ({ row, decision, file, path, began }: Pending, outcome: { read: Read } | { error: unknown } | { missing: true }): Promise<void> => {
    const done = (line: Omit<ManifestLine, 'at' | 'durationMs'>): Promise<void> => record({ ...line, at: new Date().toISOString(), durationMs: Date.now() - began });
    const base = { sessionId: row.sessionId, conversationIdentifier: row.conversationIdentifier };
    if ('missing' in outcome) {
      unreachableInARow = 0;
      return done({ ...base, status: 'not-in-data-cloud', source: decision.source, reason: dataCloud.text('reason.notInDataCloud') });
    }
    if ('error' in outcome) {
      const e = outcome.error as SfError;
      unreachableInARow = e.exitCode === ExitCode.Unreachable ? unreachableInARow + 1 : 0;
      // No Conversation and no ConversationEntry records: nothing to export, as for a session without a conversation.
      if (e.name === 'NoConversationError') return done({ ...base, status: 'no-conversation', source: decision.source });
      const httpStatus = (e.data as { httpStatus?: number } | undefined)?.httpStatus ?? null;
      await done({ ...base, status: 'failed', source: decision.source, reason: `${e.name}: ${e.message}`.slice(0, 500), httpStatus });
      if (unreachableInARow >= UNREACHABLE_STOP_AFTER && !stopped) {
        // The API host can't be reached at all: the sessions after this one would each fail the same way, after
        // their own retries. Stop, and say how to resume once the network is back.
        stopped = messages.fail('ExportStoppedUnreachable', ExitCode.Unreachable, [String(unreachableInARow), `${e.name}: ${e.message}`.slice(0, 300), String(finished), String(selected.sessions)]);
        stop(stopped);
      }
      return;
    }
    unreachableInARow = 0;
    used.add(sourceOf(outcome.read));
    // The slot is free as soon as the writer has room for this conversation.
    await writing.onSizeLessThan(WRITE_BACKLOG);
    writing.add(() => write(row, outcome.read, file, path, began)).catch(stop);
  };

  /** The fetch stage: one session, up to the moment its entries are in and handed to the writer. */
  const fetchOne = async (row: SessionRow): Promise<void> => {
    const pending = await prepare(row);
    if (!pending) return;
    let outcome: { read: Read } | { error: unknown };
    try {
      outcome = { read: await source.read(pending.ref) };
    } catch (error) {
      outcome = { error };
    }
    await received(pending, outcome);
  };

  /** The fetch stage of a batch source: one batch (one query), each conversation handed over as its rows come in. */
  const fetchBatch = async (batch: Pending[]): Promise<void> => {
    if (!batch.length || !source.batch) return;
    const byRef = new Map(batch.map((p) => [p.ref, p]));
    for await (const item of source.batch.readMany(batch.map((p) => p.ref))) {
      const pending = byRef.get(item.ref);
      if (pending) await received(pending, item);
      // The run stopped: the batch's query is cancelled (the source stops when this loop does).
      if (broken) break;
    }
  };

  try {
    if (source.batch) {
      // One batch at a time, as large as the source says (bounded by rows); the writer stage runs alongside.
      let batch: Pending[] = [];
      for await (const row of selected.rows) {
        if (broken) break;
        result.selected++;
        const pending = await prepare(row);
        if (pending) batch.push(pending);
        if (batch.length >= source.batch.nextBatchSize()) {
          await fetchBatch(batch);
          batch = [];
        }
      }
      if (!broken) await fetchBatch(batch);
    } else {
      for await (const row of selected.rows) {
        // Backpressure: never read more sessions than the workers can take, so memory stays flat.
        await fetching.onSizeLessThan(input.concurrency);
        if (broken) break;
        result.selected++;
        // Once the run stopped, the sessions still queued are dropped (clear() rejects them): not an error of theirs.
        fetching.add(() => fetchOne(row)).catch((error: unknown) => (broken ? undefined : stop(error)));
      }
    }
  } catch (error) {
    // The selection's next page failed (or, for batches, the journal or a batch): let the sessions in flight finish
    // and journal, then stop.
    stop(error);
  }
  await fetching.onIdle();
  await writing.onIdle();
  result.requests = source.stats.requests;
  result.retries = source.stats.retries;
  result.source = used.size ? [...used].map(sourceLabel).join(', ') : null;
  const newest = source.newestEntry?.();
  if (newest !== undefined) result.newestEntryAt = iso(newest);
  if (broken) {
    await journal.close();
    throw broken;
  }
  for (const sessionId of selected.missing) {
    result.selected++;
    // eslint-disable-next-line no-await-in-loop -- a journal line each, in order
    await record({ sessionId, conversationIdentifier: null, status: 'failed', reason: notFoundReason(sessionId), httpStatus: null, at: new Date().toISOString(), durationMs: 0 });
  }
  // The per-session statuses only when asked for (--json): a run without them holds nothing per session at the end.
  await journal.finish(
    input.statuses === false
      ? undefined
      : (line): void => {
          const status: Partial<JournalLine> = { ...line };
          delete status.at;
          delete status.durationMs;
          delete status.index;
          result.sessions.push(status as SessionStatus);
        },
    // The index page lists every transcript in the directory: an earlier run's too.
    (line): void => {
      if (index && line.status === 'exported' && line.file?.endsWith(`.${format.extension}`) && line.index) index.push({ sessionId: line.sessionId, file: line.file, entries: line.entryCount ?? 0, ...line.index });
    }
  );
  if (index) await writeFileAtomically(pathInside(input.outputDir, INDEX_FILE) as string, htmlIndex(index, { utc: true }), true);
  result.elapsedMs = Date.now() - startedAt;
  return result;
}

/**
 * A dry run: what would be exported, and by which source (decided as the run would, without a request), with no
 * entries request and nothing written.
 */
async function listDryRun({ rows, missing }: Selected, empty: ExportResult, startedAt: number, decideFor: (ref: ConversationRef) => Decision): Promise<ExportResult> {
  const result: ExportResult = { ...empty, sessions: [] };
  for await (const row of rows) {
    result.selected++;
    const { source } = decideFor(refOf(row));
    const readable = Boolean(row.conversationIdentifier) || source === 'conversation-entry';
    if (!readable) result.noConversation++;
    result.sessions.push({ sessionId: row.sessionId, conversationIdentifier: row.conversationIdentifier, status: readable ? 'would-export' : 'no-conversation', source });
  }
  for (const sessionId of missing) {
    result.selected++;
    result.failed++;
    result.sessions.push({ sessionId, conversationIdentifier: null, status: 'failed', reason: notFoundReason(sessionId), httpStatus: null });
  }
  result.elapsedMs = Date.now() - startedAt;
  return result;
}

/** What the index page shows of a session besides its file and entry count (kept in its manifest line for resume). */
function indexFields(row: SessionRow, transcript: ReturnType<typeof toTranscript>): NonNullable<ManifestLine['index']> {
  const summary = summarize(transcript);
  const started = row.startTime ? Date.parse(row.startTime) : NaN;
  return {
    start: summary.start ?? (Number.isNaN(started) ? undefined : started),
    channel: row.channel,
    durationMs: summary.durationMs,
    firstReplyMs: summary.firstReplyMs,
  };
}
