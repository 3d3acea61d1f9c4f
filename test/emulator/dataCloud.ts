/*
 * Data Cloud's Query SQL API and metadata endpoint on the emulated org's instance (api-notes §8.4), under
 * /services/data/vXX.X/ssot/:
 *
 *   GET    metadata?entityType=DataModelObject           the DMOs and their fields (dataCloudData.ts)
 *   POST   query-sql {sql}                               starts a query: its status (Running, or done with the first
 *                                                        rows and the column metadata when it runs in no time)
 *   GET    query-sql/{id}[?waitTimeMs=]                  its status, held up to waitTimeMs while it runs
 *   GET    query-sql/{id}/rows?offset=&rowLimit=&omitSchema=   a page of rows
 *   DELETE query-sql/{id}                                cancels it (the request log shows it)
 *
 * Queries are evaluated by a strict evaluator of the plugin's one SQL shape (dataCloudSql.ts) when they are posted;
 * the rows are kept with the query until it is cancelled or pushed out by newer ones. Knobs (DataCloudKnobs): which
 * DMO spelling the org has (or none), Data Cloud not enabled (the "cdp tenant id" error), access to the DMOs
 * refused, how long a query runs, the status a finished query reports, a silent row cap, conversations not ingested,
 * the volume generator, and a server without the rows resource.
 */
import type { Reply } from './http.js';
import { json, NOT_FOUND, sfErrors } from './http.js';
import { evaluate, parse, SqlError, type SqlColumn, type SqlValue } from './dataCloudSql.js';
import { dataCloudTables, DMO_NAMES, metadataBody, type DataCloudContent, type DmoSpelling, type Volume } from './dataCloudData.js';

export type DataCloudKnobs = {
  /** 'noTenant': every ssot resource answers with the "Couldn't find CDP tenant ID" error (an org without Data Cloud). */
  enabled: 'yes' | 'noTenant';
  /** Which spelling of the DMOs the org has: ssot__ConversationEntry__dlm (default), std__ConversationEntryDmo__dlm, or neither. */
  dmo: DmoSpelling | 'none';
  /** 'denied': the DMOs are listed, but querying them is refused (no data-governance access). */
  access: 'granted' | 'denied';
  /** How long a query runs before its rows are there, in ms; 0: done at once (the POST then carries the first rows). */
  queryMs: number;
  /** What a finished query reports: Finished (default) or ResultsProduced (as a field report saw). */
  doneStatus: 'Finished' | 'ResultsProduced';
  /** A silent cap: no query serves more rows than this, while its rowCount says how many it has. 0: none. */
  rowCap: number;
  /** Conversation identifiers Data Cloud has not ingested. */
  missing: string[];
  /** Conversation identifiers Data Cloud holds with no entries. */
  withoutEntries: string[];
  /** Generated conversations (dataCloudData.ts volumeSessions gives their MessagingSessions). */
  volume?: Volume;
  /** 'absent': …/rows answers 404 (a server without it; the plugin then pages by LIMIT/OFFSET). */
  rowsResource: 'yes' | 'absent';
  /** Every query is refused (400) with this message, as Data Cloud words a query it can't run (e.g. hostile text). */
  rejectQueries?: string;
};

export const DEFAULT_DATA_CLOUD_KNOBS: DataCloudKnobs = {
  enabled: 'yes',
  dmo: 'ssot',
  access: 'granted',
  queryMs: 30,
  doneStatus: 'Finished',
  rowCap: 0,
  missing: [],
  withoutEntries: [],
  rowsResource: 'yes',
};

/** GUESS: rows the POST carries when a query is done at once (the field report saw about 1,400–1,700). */
const FIRST_ROWS = 1000;
/** GUESS: the longest a status request is held (waitTimeMs beyond it is cut to it). */
const MAX_WAIT_MS = 10_000;
/** GUESS: rowLimit's range. */
const MAX_ROW_LIMIT = 10_000;
/** Queries kept at most; older ones are forgotten (GUESS: Data Cloud expires results after a while). */
const KEPT_QUERIES = 64;
/** The ssot resources exist from this API version (GUESS). */
export const MIN_SSOT_VERSION = 60;

type Stored = {
  id: string;
  columns: SqlColumn[];
  rows: SqlValue[][];
  readyAt: number;
  cancelled: boolean;
};

/** Datetimes as Data Cloud's JSON gives them. GUESS: ISO-8601 with milliseconds and Z. */
const datetime = (ms: SqlValue): SqlValue => (typeof ms === 'number' ? new Date(ms).toISOString() : ms);

// GUESS: Data Cloud's error bodies follow the core REST array of {errorCode, message}.
const badRequest = (message: string): Reply => sfErrors(400, 'INVALID_ARGUMENT', message);

export type DataCloud = {
  /** Every query posted so far, as sent (for tests). */
  readonly sqls: string[];
  /** Answers a request to …/ssot/<rest>; `rest` without the leading /ssot/. */
  handle(method: string, rest: string, query: URLSearchParams, body: string, version: number): Promise<Reply>;
};

export function createDataCloud(knobsOf: () => DataCloudKnobs, orgId: string, wait: (ms: number) => Promise<void>): DataCloud {
  const queries = new Map<string, Stored>();
  const sqls: string[] = [];
  let next = 0;

  const statusOf = (q: Stored, knobs: DataCloudKnobs): Record<string, unknown> => {
    if (q.cancelled) return { queryId: q.id, completionStatus: 'Cancelled', rowCount: 0, chunkCount: 0 };
    const done = Date.now() >= q.readyAt;
    return {
      queryId: q.id,
      completionStatus: done ? knobs.doneStatus : 'Running',
      ...(done ? { rowCount: q.rows.length, chunkCount: Math.ceil(q.rows.length / FIRST_ROWS), progress: 1 } : { progress: 0 }),
      expirationTime: new Date(Date.now() + 3_600_000).toISOString(),
    };
  };

  /** The rows `from` … `from + limit` as served: the silent cap cuts what any query serves. */
  const served = (q: Stored, knobs: DataCloudKnobs, from: number, limit: number): SqlValue[][] => {
    const end = Math.min(from + limit, q.rows.length, knobs.rowCap > 0 ? knobs.rowCap : Infinity);
    return from >= end ? [] : q.rows.slice(from, end).map((row) => row.map((v, i) => (q.columns[i]?.type === 'DATETIME' ? datetime(v) : v)));
  };
  const metadata = (q: Stored): unknown[] => q.columns.map((c, i) => ({ name: c.name, type: c.type, placeInOrder: i, nullable: true }));

  function post(body: string, knobs: DataCloudKnobs): Reply {
    let sql: unknown;
    try {
      sql = (JSON.parse(body) as { sql?: unknown }).sql;
    } catch {
      return badRequest('The request body must be JSON with a "sql" string.');
    }
    if (typeof sql !== 'string' || !sql.trim()) return badRequest('The request body must be JSON with a "sql" string.');
    sqls.push(sql);
    if (knobs.rejectQueries !== undefined) return badRequest(knobs.rejectQueries);
    let result: ReturnType<typeof evaluate>;
    try {
      const content: DataCloudContent = { spelling: knobs.dmo, missing: knobs.missing, withoutEntries: knobs.withoutEntries, volume: knobs.volume };
      const tables = knobs.dmo === 'none' ? [] : dataCloudTables(knobs.dmo, content);
      const parsed = parse(sql);
      if (knobs.access === 'denied' && knobs.dmo !== 'none') {
        const names = Object.values(DMO_NAMES[knobs.dmo]);
        const named = [parsed.from.table, parsed.join?.table].find((t) => t && names.includes(t));
        // GUESS: status and wording of a query on a DMO the user has no data-governance access to.
        if (named) return sfErrors(403, 'INSUFFICIENT_ACCESS', `Insufficient access to the data model object ${named}.`);
      }
      result = evaluate(parsed, (name) => tables.find((t) => t.name === name));
    } catch (error) {
      if (error instanceof SqlError) return badRequest(error.message);
      throw error;
    }
    const id = `20260101_000000_${String(++next).padStart(5, '0')}_emul`;
    const q: Stored = { id, columns: result.columns, rows: result.rows, readyAt: Date.now() + knobs.queryMs, cancelled: false };
    queries.set(id, q);
    for (const old of queries.keys()) if (queries.size > KEPT_QUERIES) queries.delete(old);
    const first = statusOf(q, knobs);
    if (knobs.queryMs > 0) return json(201, { status: first, returnedRows: 0, data: [], metadata: metadata(q) });
    const data = served(q, knobs, 0, FIRST_ROWS);
    return json(201, { status: first, returnedRows: data.length, data, metadata: metadata(q) });
  }

  async function status(q: Stored, query: URLSearchParams, knobs: DataCloudKnobs): Promise<Reply> {
    const waitText = query.get('waitTimeMs');
    if (waitText !== null && !/^\d{1,9}$/.test(waitText)) return badRequest(`Invalid value for waitTimeMs: ${waitText}`);
    const waitMs = Math.min(Number(waitText ?? 0), MAX_WAIT_MS, Math.max(0, q.readyAt - Date.now()));
    if (waitMs > 0 && !q.cancelled) await wait(waitMs);
    return json(200, statusOf(q, knobs));
  }

  function rows(q: Stored, query: URLSearchParams, knobs: DataCloudKnobs): Reply {
    if (knobs.rowsResource === 'absent') return NOT_FOUND();
    const offsetText = query.get('offset') ?? '0';
    const limitText = query.get('rowLimit') ?? String(FIRST_ROWS);
    if (!/^\d{1,9}$/.test(offsetText)) return badRequest(`Invalid value for offset: ${offsetText}`);
    if (!/^\d{1,9}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_ROW_LIMIT) return badRequest(`Invalid value for rowLimit: ${limitText}`);
    // GUESS: rows of a query still running (or cancelled) are refused.
    if (q.cancelled) return badRequest(`Query ${q.id} was cancelled.`);
    if (Date.now() < q.readyAt) return badRequest(`Query ${q.id} is still running.`);
    const data = served(q, knobs, Number(offsetText), Number(limitText));
    const omit = (query.get('omitSchema') ?? 'false').toLowerCase() === 'true';
    return json(200, { returnedRows: data.length, data, ...(omit ? {} : { metadata: metadata(q) }) });
  }

  return {
    sqls,
    async handle(method, rest, query, body, version): Promise<Reply> {
      const knobs = knobsOf();
      if (version < MIN_SSOT_VERSION) return NOT_FOUND();
      if (knobs.enabled === 'noTenant') {
        // GUESS: the status and errorCode; the text is what public code matches ("cdp tenant id").
        return sfErrors(500, 'UNKNOWN_EXCEPTION', `Couldn't find CDP tenant ID for org ${orgId}`);
      }
      // GUESS: a data space other than the default one doesn't exist in the emulated org.
      const dataspace = query.get('dataspace');
      if (dataspace !== null && dataspace !== 'default') return badRequest(`Data space ${dataspace} not found.`);
      if (rest === 'metadata' || rest === 'metadata/') {
        if (method !== 'GET') return sfErrors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
        const content: DataCloudContent = { spelling: knobs.dmo, missing: [], withoutEntries: [], volume: knobs.volume };
        return json(200, metadataBody(content));
      }
      if (rest === 'query-sql' || rest === 'query-sql/') {
        return method === 'POST' ? post(body, knobs) : sfErrors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are POST`);
      }
      const m = /^query-sql\/([^/]+)(\/rows)?\/?$/.exec(rest);
      if (!m) return NOT_FOUND();
      const q = queries.get(decodeURIComponent(m[1]));
      if (!q) return NOT_FOUND();
      if (m[2]) return method === 'GET' ? rows(q, query, knobs) : sfErrors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
      if (method === 'DELETE') {
        q.cancelled = true;
        // GUESS: a cancel answers 200 with the query's status.
        return json(200, statusOf(q, knobs));
      }
      return method === 'GET' ? status(q, query, knobs) : sfErrors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET, DELETE`);
    },
  };
}
