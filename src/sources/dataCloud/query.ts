/*
 * Running one query through Data Cloud's Query SQL API and streaming its rows, page by page:
 *
 *   POST …/ssot/query-sql {sql}                → the query's id and first status (and, when it is done at once, the
 *                                                first rows, with the column metadata)
 *   GET  …/ssot/query-sql/{id}?waitTimeMs=…    → its status, long-polled while it is Running
 *   GET  …/ssot/query-sql/{id}/rows?offset=&rowLimit=&omitSchema=  → the next rows
 *   DELETE …/ssot/query-sql/{id}               → cancelled: on Ctrl-C (files/cleanup.ts), on a timeout, or when the
 *                                                reader stops early
 *
 * The status's rowCount says how many rows the query has. The rows received are checked against it: a field report
 * saw results capped silently (about 1,400–1,700 rows). When fewer arrive, the rest is read by the query's own
 * order, one `LIMIT n OFFSET m` query at a time (n: what the capped query did serve, at most a page), each checked
 * the same way; the result is only complete when a query's rows all arrived and it had fewer than it was asked for.
 * What can't be completed ends as not complete, never as complete.
 */
import { bundle, ExitCode } from '../../messages.js';
import { whileInterruptibleAsync } from '../../files/cleanup.js';
import type { Column } from '../source.js';
import { DataCloudAnswer, type DataCloudHttp } from './http.js';
import type { SqlPage } from './sql.js';

const messages = bundle('dataCloud');

/** Rows asked for per page (sfdx-hardis's default; GUESS: the Query SQL API's page limit is not documented). */
export const PAGE_ROWS = 2000;
/** The longest a status request waits for the query (GUESS: the server caps waitTimeMs; sfdx-hardis waits 5 s). */
const WAIT_TIME_MS = 5000;
/** How long a cancel on Ctrl-C may take: the process exits right after. */
export const CANCEL_TIMEOUT_MS = 1500;

export type Row = unknown[];
export type QueryOptions = {
  /** How long one query may run, in ms, before it is cancelled (QueryTimedOut). */
  timeoutMs: number;
};
/** How a query's rows ended: complete, or short of the rowCount Data Cloud gave. */
export type QueryOutcome = { complete: boolean; expected: number; received: number; queries: number };

type Status = { queryId: string; state: 'running' | 'done' | 'failed'; completionStatus: string; rowCount?: number };
type Answer = { status: Status; rows: Row[]; columns?: Column[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** GUESS: Running (and Queued, Unspecified) still runs; ResultsProduced and Finished have their rows; anything else failed. */
function stateOf(completionStatus: string): Status['state'] {
  const s = completionStatus.toLowerCase();
  if (s === 'resultsproduced' || s === 'finished') return 'done';
  if (s === 'running' || s === 'queued' || s === 'unspecified' || s === '') return 'running';
  return 'failed';
}

function statusOf(body: unknown, queryId?: string): Status | undefined {
  const s = isObject(body) && isObject(body.status) ? body.status : body;
  if (!isObject(s)) return undefined;
  const id = typeof s.queryId === 'string' && s.queryId ? s.queryId : queryId;
  if (!id) return undefined;
  const completionStatus = typeof s.completionStatus === 'string' ? s.completionStatus : '';
  const rowCount = typeof s.rowCount === 'number' && Number.isSafeInteger(s.rowCount) && s.rowCount >= 0 ? s.rowCount : undefined;
  return { queryId: id, state: stateOf(completionStatus), completionStatus, ...(rowCount === undefined ? {} : { rowCount }) };
}

const columnsOf = (body: Record<string, unknown>): Column[] | undefined =>
  Array.isArray(body.metadata)
    ? body.metadata.filter(isObject).map((c) => ({ name: typeof c.name === 'string' ? c.name : '', ...(typeof c.type === 'string' ? { type: c.type } : {}) }))
    : undefined;

const rowsOf = (body: Record<string, unknown>): Row[] => (Array.isArray(body.data) ? body.data.filter((r): r is Row => Array.isArray(r)) : []);

/** The whole of one query as rows, page by page. The `sql` function gives the query, or one page of it by its order. */
export type SqlFor = (page?: SqlPage) => string;

/** A query failed: Data Cloud's words, named by what was asked (the caller knows which DMOs the SQL names). */
export type FailureNamer = (answer: DataCloudAnswer) => Error;

/**
 * Streams the rows of `sql()`, completing a silently capped result by `LIMIT/OFFSET` pages of the same order. Yields
 * the columns first (once known), then pages of rows; returns how it ended.
 */
export async function* streamQuery(http: DataCloudHttp, sql: SqlFor, options: QueryOptions, named: FailureNamer): AsyncGenerator<Row[] | Column[], QueryOutcome> {
  const whole = yield* oneQuery(http, sql(), options, named);
  let { received } = whole;
  let queries = 1;
  if (received >= whole.expected) return { complete: true, expected: whole.expected, received, queries };
  // Capped: the rest by the query's order, a query per page, each no bigger than what the capped query did serve.
  let limit = whole.received > 0 ? Math.min(PAGE_ROWS, whole.received) : PAGE_ROWS;
  for (;;) {
    queries++;
    // eslint-disable-next-line no-await-in-loop
    const page = yield* oneQuery(http, sql({ limit, offset: received }), options, named);
    received += page.received;
    if (page.received < page.expected) {
      // This page was capped too: smaller pages, or stop when none of it arrived (never a short result as complete).
      if (page.received === 0) return { complete: false, expected: Math.max(whole.expected, received + page.expected), received, queries };
      limit = page.received;
      continue;
    }
    if (page.expected < limit) return { complete: true, expected: received, received, queries };
  }
}

/** One query, start to end: its rows as they come, and how many it counted and served. */
async function* oneQuery(http: DataCloudHttp, sql: string, options: QueryOptions, named: FailureNamer): AsyncGenerator<Row[] | Column[], { expected: number; received: number }> {
  const deadline = Date.now() + options.timeoutMs;
  const first = await submit(http, sql, named);
  let status = first.status;
  // From here until its rows are in, Ctrl-C cancels the query (a short, bounded wait before the process exits).
  const release = whileInterruptibleAsync(() => cancelQuery(http, status.queryId, CANCEL_TIMEOUT_MS));
  let finished = false;
  try {
    let received = 0;
    if (first.columns?.length) yield first.columns;
    if (first.rows.length) {
      received += first.rows.length;
      yield first.rows;
    }
    status = await settle(http, status, deadline, options, named);
    let pagesByRows = true;
    let rechecked = status.completionStatus.toLowerCase() === 'finished';
    for (;;) {
      const expected = status.rowCount;
      if (expected !== undefined && received >= expected) {
        // ResultsProduced may not be final (GUESS): one more look at the status before its count is trusted.
        if (rechecked) break;
        rechecked = true;
        // eslint-disable-next-line no-await-in-loop
        status = await settle(http, await statusNow(http, status, 0, named), deadline, options, named);
        if ((status.rowCount ?? received) <= received) break;
        continue;
      }
      if (!pagesByRows) break;
      let page: Answer;
      try {
        // GUESS: without a rowCount, rows are read until an empty page.
        const rowLimit = expected === undefined ? PAGE_ROWS : Math.min(PAGE_ROWS, expected - received);
        // eslint-disable-next-line no-await-in-loop
        page = await rowsPage(http, status.queryId, received, rowLimit, named);
      } catch (error) {
        // GUESS: a server without the rows resource (404): the rest comes by LIMIT/OFFSET, as for a capped result.
        if (error instanceof DataCloudAnswer && error.status === 404) {
          pagesByRows = false;
          continue;
        }
        throw error;
      }
      if (page.columns?.length && received === 0) yield page.columns;
      // An empty page before the count: the result was cut short.
      if (page.rows.length === 0) break;
      received += page.rows.length;
      yield page.rows;
    }
    finished = true;
    return { expected: status.rowCount ?? received, received };
  } finally {
    release();
    // Timed out, failed, or a reader that stopped early: the query is of no use any more.
    if (!finished) await cancelQuery(http, status.queryId, CANCEL_TIMEOUT_MS);
  }
}

async function submit(http: DataCloudHttp, sql: string, named: FailureNamer): Promise<Answer> {
  let body: unknown;
  try {
    body = await http.request({ method: 'POST', path: 'query-sql', body: { sql } });
  } catch (error) {
    throw error instanceof DataCloudAnswer ? named(error) : error;
  }
  const status = statusOf(body);
  if (!status || !isObject(body)) throw badResponse(http, 'POST query-sql', messages.text('reason.noQueryId'));
  if (status.state === 'failed') throw named(new DataCloudAnswer(0, messages.text('reason.queryStatus', [status.completionStatus]), http.where));
  return { status, rows: rowsOf(body), columns: columnsOf(body) };
}

/** The query's status now (waiting up to `waitTimeMs` for it to finish). */
async function statusNow(http: DataCloudHttp, status: Status, waitTimeMs: number, named: FailureNamer): Promise<Status> {
  let body: unknown;
  try {
    body = await http.request({
      method: 'GET',
      path: `query-sql/${encodeURIComponent(status.queryId)}`,
      ...(waitTimeMs > 0 ? { query: { waitTimeMs }, timeoutMs: waitTimeMs + 30_000 } : {}),
    });
  } catch (error) {
    throw error instanceof DataCloudAnswer ? named(error) : error;
  }
  const next = statusOf(body, status.queryId);
  if (!next) throw badResponse(http, 'GET query-sql status', messages.text('reason.noStatus'));
  return next;
}

/** Waits (long-polling) until the query is no longer running; a failed query and the deadline are named errors. */
async function settle(http: DataCloudHttp, status: Status, deadline: number, options: QueryOptions, named: FailureNamer): Promise<Status> {
  let current = status;
  while (current.state === 'running') {
    const left = deadline - Date.now();
    if (left <= 0) {
      // The caller cancels it.
      throw messages.fail('DataCloudQueryTimedOut', ExitCode.ApiFailed, [current.queryId, Math.round(options.timeoutMs / 1000)], [String(Math.round(options.timeoutMs / 1000))]);
    }
    // eslint-disable-next-line no-await-in-loop
    current = await statusNow(http, current, Math.max(1, Math.min(WAIT_TIME_MS, left)), named);
  }
  if (current.state === 'failed') throw named(new DataCloudAnswer(0, messages.text('reason.queryStatus', [current.completionStatus]), http.where));
  return current;
}

async function rowsPage(http: DataCloudHttp, queryId: string, offset: number, rowLimit: number, named: FailureNamer): Promise<Answer> {
  const body = await http
    .request({ method: 'GET', path: `query-sql/${encodeURIComponent(queryId)}/rows`, query: { offset, rowLimit: Math.max(1, rowLimit), omitSchema: offset > 0 } })
    .catch((error: unknown) => {
      throw error instanceof DataCloudAnswer && error.status !== 404 ? named(error) : error;
    });
  if (!isObject(body)) throw badResponse(http, 'GET query-sql rows', messages.text('reason.noRows'));
  return { status: { queryId, state: 'done', completionStatus: '' }, rows: rowsOf(body), columns: columnsOf(body) };
}

/** Cancels a query, best effort: a query that ended already answers with an error, which doesn't matter. */
export async function cancelQuery(http: DataCloudHttp, queryId: string, timeoutMs?: number): Promise<void> {
  await http.request({ method: 'DELETE', path: `query-sql/${encodeURIComponent(queryId)}`, once: true, ...(timeoutMs ? { timeoutMs } : {}) }).catch(() => undefined);
}

const badResponse = (http: DataCloudHttp, what: string, problem: string): Error => messages.fail('DataCloudBadResponse', ExitCode.ApiFailed, [http.where, what, problem]);
