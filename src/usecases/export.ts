/*
 * `sf conversation entries export`: many sessions, bounded, resumable, honest about failures.
 * Requests: ⌈ids/200⌉ SOQL queries for an id list (or one query plus queryMore pages for filters), then one entries
 * request per conversation page. Each finished session is written atomically and journalled in the manifest.
 */
import { createHash } from 'node:crypto';
import type { Connection, Org, SfError } from '@salesforce/core';
import PQueue from 'p-queue';
import pThrottle from 'p-throttle';
import { entriesAccess, type AccessSettings, type EntriesApi } from '../sources/access.js';
import { createEntriesClient } from '../sources/api/client.js';
import type { RetryPolicy } from '../sources/api/retry.js';
import { collectEntries, incompleteReason, pagingWarnings } from '../sources/api/paging.js';
import { ExitCode, fail, messages } from '../messages.js';
import { connectionFor, loadOrg } from '../org/org.js';
import { render, type TranscriptHeader } from '../transcript/formats/index.js';
import { toTranscript } from '../transcript/normalize.js';
import { checkOutputDir, removeStaleTempFiles, writeFileAtomically } from '../files/output.js';
import { isRecordId } from '../input/ids.js';
import { claimOutputDir, pathInside } from '../files/outputDir.js';
import { hashing, openJournal, sha256OfFile, type JournalLine, type ManifestLine } from '../files/manifest.js';
import { checkSelection, selectSessions, type Selected, type Selection, type SelectionInput, type SessionRow } from '../org/selection.js';
import { withCompactHeap } from './exportHeap.js';
import { checkInput } from './get.js';

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv', 'markdown', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const EXTENSIONS: Record<ExportFormat, string> = { json: 'json', jsonl: 'jsonl', csv: 'csv', markdown: 'md', html: 'html' };

/** Exit code when some sessions failed but the others were exported. */
export const PARTIAL_FAILURE = 7;
/** Exit code when the selection is larger than --max-conversations. */
export const TOO_MANY = 8;
const WARN_ABOVE = 50;
/** Sessions in a row that failed because the API host can't be reached at all, before the run stops. */
export const UNREACHABLE_STOP_AFTER = 3;

export type ExportInput = SelectionInput & {
  targetOrg?: string;
  apiVersion?: string;
  outputDir: string;
  format: ExportFormat;
  concurrency: number;
  /** Entries requests per minute, over any 60-second window; 0 turns the limit off. */
  rateLimit: number;
  /** The rate limit's window in ms (default 60,000: rateLimit is per minute). Tests shorten it rather than wait. */
  rateWindowMs?: number;
  /** How entries requests are retried (default DEFAULT_RETRY_POLICY). Tests shorten the backoff rather than wait. */
  retry?: RetryPolicy;
  maxConversations: number;
  dryRun: boolean;
  force: boolean;
  /** As for get: the Conversation Data API (default) or the Connect fallback, and client credentials. */
  api?: EntriesApi;
  clientId?: string;
  /** Return every session's status in the result (default true); the command asks only under --json. */
  statuses?: boolean;
  env?: NodeJS.ProcessEnv;
};

/** `startedAt`: when the first session started, so the rate and the time left leave out start-up and the selection. */
export type ExportProgress = { done: number; total: number; failed: number; startedAt: number };
export type ExportEvents = { warn: (message: string) => void; progress?: (p: ExportProgress) => void };

export type SessionStatus = Omit<ManifestLine, 'at' | 'durationMs' | 'status'> & {
  /** `would-export` only in a dry run. */
  status: ManifestLine['status'] | 'would-export';
  /** Exported by an earlier run and unchanged, so not fetched again. */
  skipped?: boolean;
};
export type ExportResult = {
  dryRun: boolean;
  outputDir: string;
  selected: number;
  exported: number;
  skipped: number;
  noConversation: number;
  /** Written, but known to be incomplete (paging stopped short): counted apart from exported, fetched again on resume. */
  partial: number;
  failed: number;
  entries: number;
  requests: number;
  retries: number;
  elapsedMs: number;
  /** Every selected session's status, sorted by Id: always under --json and in a dry run (empty when the caller sets statuses: false). */
  sessions: SessionStatus[];
};

/** --rate-limit counts requests per minute. */
export const RATE_WINDOW_MS = 60_000;

/**
 * Strict: a call waits until it is at most the `limit`-th in any `windowMs` window (p-throttle's strict mode, which
 * tracks each call, not fixed windows). Retries and later pages count like any request.
 */
export function rateLimiter(limit: number, windowMs: number): () => Promise<void> {
  return pThrottle({ limit, interval: windowMs, strict: true })((): Promise<void> => Promise.resolve());
}

export function runExport(input: ExportInput, events: ExportEvents): Promise<ExportResult> {
  return withCompactHeap(() => selectAndExport(input, events));
}

async function selectAndExport(input: ExportInput, events: ExportEvents): Promise<ExportResult> {
  const startedAt = Date.now();
  const env = input.env ?? process.env;
  // Every check that needs no network, first: bad input changes nothing and requests nothing.
  const checked = checkInput({ apiVersion: input.apiVersion, api: input.api, clientId: input.clientId, env });
  checked.warnings.forEach((message) => events.warn(message));
  const selection = await checkSelection(input);
  await checkOutputDir(input.outputDir);
  // Before any request: one writer per directory (a dry run writes nothing, so it takes no lock).
  const claimed = input.dryRun ? undefined : await claimOutputDir(input.outputDir, events.warn);
  let wrote = false;
  try {
    const result = await selectAndExportClaimed(input, events, checked, selection, startedAt, () => (wrote = true));
    return result;
  } finally {
    await claimed?.release(!wrote);
  }
}

async function selectAndExportClaimed(
  input: ExportInput,
  events: ExportEvents,
  checked: AccessSettings,
  selection: Selection,
  startedAt: number,
  writing: () => void
): Promise<ExportResult> {
  const org = await loadOrg(input.targetOrg);
  const { conn } = connectionFor(org, input.apiVersion);
  const orgId = org.getOrgId();

  const { rows, conversations: total, sessions, missing, notSelected } = await selectSessions(conn, selection, orgId);
  if (notSelected) events.warn(messages.getMessage('warning.IdsNotSelected', [String(notSelected)]));
  if (total > input.maxConversations) {
    const stop = fail('TooManyConversations', TOO_MANY, [total, input.maxConversations], [String(total)]);
    // A dry run reads no conversation, so it still lists the selection, and says the real run would stop.
    if (!input.dryRun) throw stop;
    events.warn(stop.message);
  }
  if (total > WARN_ABOVE) events.warn(messages.getMessage('warning.ManyConversations', [String(total)]));

  const empty: ExportResult = {
    dryRun: input.dryRun,
    outputDir: input.outputDir,
    selected: 0,
    exported: 0,
    skipped: 0,
    noConversation: 0,
    partial: 0,
    failed: 0,
    entries: 0,
    requests: 0,
    retries: 0,
    elapsedMs: 0,
    sessions: [],
  };
  if (input.dryRun) return listDryRun(rows, missing, empty, startedAt);
  const run: Run = { input, events, org, conn, settings: checked, selected: { rows, sessions, missing }, empty, startedAt, writing };
  return exportSelected(run);
}

/** Everything an export's fetching phase needs: the checked input, the org, and the selection. */
type Run = {
  input: ExportInput;
  events: ExportEvents;
  org: Org;
  conn: Connection;
  /** The API host, client secret and timeout, from the environment. */
  settings: AccessSettings;
  selected: Pick<Selected, 'rows' | 'sessions' | 'missing'>;
  /** The result with nothing counted yet. */
  empty: ExportResult;
  startedAt: number;
  /** Called once the run starts writing into the output directory (before that, a failure leaves it as it was). */
  writing: () => void;
};

/** Fetches, writes and journals every selected session, then writes the final manifest. */
async function exportSelected({ input, events, org, conn, settings, selected, empty, startedAt, writing }: Run): Promise<ExportResult> {
  const result: ExportResult = { ...empty, sessions: [] };
  const { rows, sessions, missing } = selected;
  const orgId = org.getOrgId();
  // The token side, worked out once for every conversation (a client-credentials token is requested here, before
  // anything is written, so a setup that can't work leaves no directory behind).
  const access = await entriesAccess(input, settings, { org, conn }, (message) => events.warn(message));
  writing();
  // A run killed mid-write leaves its temp files behind; a resumed run tidies them, so the directory ends up as an
  // uninterrupted run leaves it.
  await removeStaleTempFiles(input.outputDir);
  const journal = await openJournal(input.outputDir, input.force);
  // Counts only: the per-session lines go to the manifest's journal, and are read back from it at the end.
  let finished = 0;
  let fetchStartedAt = Date.now();
  const record = (line: JournalLine): Promise<void> => {
    finished++;
    if (line.status === 'exported') result[line.skipped ? 'skipped' : 'exported']++;
    else if (line.status === 'no-conversation') result.noConversation++;
    else if (line.status === 'partial') result.partial++;
    else result.failed++;
    result.entries += line.entryCount ?? 0;
    events.progress?.({ done: finished, total: sessions, failed: result.failed, startedAt: fetchStartedAt });
    return journal.append(line);
  };
  const header = (row: SessionRow): TranscriptHeader => ({ sessionId: row.sessionId, conversationIdentifier: row.conversationIdentifier ?? '', orgId, entryCount: 0 });

  // One refresh at a time, shared by every worker that sees a 401.
  let refreshing: Promise<void> | undefined;
  const refreshOnce = (): Promise<void> => (refreshing ??= access.refresh().finally(() => (refreshing = undefined)));
  // Strict: never more than rateLimit requests in any 60-second window, retries and pages included.
  const throttle =
    input.rateLimit > 0 ? rateLimiter(input.rateLimit, input.rateWindowMs ?? RATE_WINDOW_MS) : undefined;

  // One client for every conversation: one got instance, kept-alive connections.
  const client = createEntriesClient({
    getToken: () => access.getToken(),
    refresh: refreshOnce,
    diagnose: () => access.diagnose?.(),
    timeoutMs: settings.timeoutMs,
    maxResponseBytes: settings.maxResponseBytes,
    retry: input.retry,
    beforeRequest: throttle,
  });

  const queue = new PQueue({ concurrency: input.concurrency });
  // Sessions in a row that failed because the API host could not be reached at all, and the error that stops the run.
  let unreachableInARow = 0;
  let stopped: SfError | undefined;

  const exportOne = async (row: SessionRow): Promise<void> => {
    const began = Date.now();
    const done = (line: Omit<ManifestLine, 'at' | 'durationMs'>): Promise<void> =>
      record({ ...line, at: new Date().toISOString(), durationMs: Date.now() - began });
    const base = { sessionId: row.sessionId, conversationIdentifier: row.conversationIdentifier };
    if (!row.conversationIdentifier) return done({ ...base, status: 'no-conversation' });
    const file = `${row.sessionId}.${EXTENSIONS[input.format]}`;
    // What the org returned becomes a file name only if it is a record Id (and so a plain name inside the directory).
    // The conversation identifier never becomes part of a path (only of a URL, encoded), so it is sent as it came.
    const path = isRecordId(row.sessionId) ? pathInside(input.outputDir, file) : undefined;
    if (!path) return done({ ...base, status: 'failed', reason: messages.getMessage('reason.unusableIdFromOrg'), httpStatus: null });
    const before = journal.previous.get(row.sessionId);
    // Resume: a session whose file is there with the checksum the manifest recorded is done already.
    if (before?.status === 'exported' && before.file === file && before.sha256 && (await sha256OfFile(path)) === before.sha256) {
      return record({ ...before, skipped: true });
    }
    const { fetchPage, stats } = client.fetcher(access.target(row.conversationIdentifier));
    try {
      const collected = await collectEntries(fetchPage);
      unreachableInARow = 0;
      const { entries } = collected;
      // A conversation whose paging stopped short is written (what came is worth having) but recorded as partial,
      // with the reason get would give, so the run exits 7 and a resume fetches it again.
      const incomplete = incompleteReason(collected);
      const hash = createHash('sha256');
      const chunks =
        input.format === 'json'
          ? [`${JSON.stringify({ ...base, entryCount: entries.length, complete: incomplete === null, incompleteReason: incomplete, entries }, null, 2)}\n`]
          : render(toTranscript(entries), { format: input.format, utc: true, header: { ...header(row), entryCount: entries.length } });
      await writeFileAtomically(path, hashing(chunks, hash), true);
      const written = { ...base, entryCount: entries.length, file, sha256: hash.digest('hex') };
      if (incomplete) await done({ ...written, status: 'partial', reason: `${incomplete}: ${pagingWarnings(collected)[0]}`.slice(0, 500) });
      else await done({ ...written, status: 'exported' });
    } catch (error) {
      const e = error as SfError;
      if (e.exitCode === ExitCode.Unreachable) unreachableInARow++;
      else unreachableInARow = 0;
      const httpStatus = (e.data as { httpStatus?: number } | undefined)?.httpStatus ?? null;
      await done({ ...base, status: 'failed', reason: `${e.name}: ${e.message}`.slice(0, 500), httpStatus });
      if (unreachableInARow >= UNREACHABLE_STOP_AFTER) {
        // The API host can't be reached at all: the sessions after this one would each fail the same way, after
        // their own retries. Stop, and say how to resume once the network is back.
        stopped ??= fail('ExportStoppedUnreachable', ExitCode.Unreachable, [String(unreachableInARow), `${e.name}: ${e.message}`.slice(0, 300), String(finished), String(sessions)]);
        queue.clear();
      }
    } finally {
      result.requests += stats.requests;
      result.retries += stats.retries;
    }
  };

  fetchStartedAt = Date.now();
  // A session's failure is in its manifest line; only the journal itself failing (a full disk) stops the run.
  let broken: unknown;
  try {
    for await (const row of rows) {
      if (broken ?? stopped) break;
      // Backpressure: never read more sessions than the workers can take, so memory stays flat.
      await queue.onSizeLessThan(input.concurrency);
      if (stopped) break;
      result.selected++;
      // Once the run stopped, the sessions still queued are dropped (queue.clear rejects them): not an error of theirs.
      queue.add(() => exportOne(row)).catch((error: unknown) => (broken ??= stopped ? undefined : error));
    }
  } catch (error) {
    // The selection's next page failed: let the sessions in flight finish and journal, then stop.
    broken ??= error;
  }
  await queue.onIdle();
  broken ??= stopped;
  if (broken) {
    await journal.close();
    throw broken;
  }
  for (const sessionId of missing) {
    result.selected++;
    // eslint-disable-next-line no-await-in-loop -- a journal line each, in order
    await record({ sessionId, conversationIdentifier: null, status: 'failed', reason: messages.getMessage('reason.sessionNotFound'), httpStatus: null, at: new Date().toISOString(), durationMs: 0 });
  }
  // The per-session statuses only when asked for (--json): a run without them holds nothing per session at the end.
  await journal.finish(
    input.statuses === false
      ? undefined
      : (line): void => {
          const status: Partial<JournalLine> = { ...line };
          delete status.at;
          delete status.durationMs;
          result.sessions.push(status as SessionStatus);
        }
  );
  result.elapsedMs = Date.now() - startedAt;
  return result;
}

/** A dry run: what would be exported, with no entries request and nothing written. */
async function listDryRun(rows: Selected['rows'], missing: string[], empty: ExportResult, startedAt: number): Promise<ExportResult> {
  const result: ExportResult = { ...empty, sessions: [] };
  for await (const row of rows) {
    result.selected++;
    if (!row.conversationIdentifier) result.noConversation++;
    result.sessions.push({ sessionId: row.sessionId, conversationIdentifier: row.conversationIdentifier, status: row.conversationIdentifier ? 'would-export' : 'no-conversation' });
  }
  for (const sessionId of missing) {
    result.selected++;
    result.failed++;
    result.sessions.push({ sessionId, conversationIdentifier: null, status: 'failed', reason: messages.getMessage('reason.sessionNotFound'), httpStatus: null });
  }
  result.elapsedMs = Date.now() - startedAt;
  return result;
}
