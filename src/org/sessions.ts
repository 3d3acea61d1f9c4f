/*
 * Every MessagingSession query, through the org's Connection, with one error mapper: a session's conversation
 * identifier (get: one query), and an export's selection (ids in batches of 200; a filter-only selection streamed
 * through queryMore, so a large selection never sits in memory).
 */
import type { Connection } from '@salesforce/core';
import PQueue from 'p-queue';
import type { Selection } from '../input/selection.js';
import { bundle, ExitCode } from '../messages.js';
import { isRecordId, printable, type RecordKind } from '../input/ids.js';
import { sanitizeLine } from '../sanitize.js';
import { coreProxy, unreachableError } from './network.js';
import { isAuthFailure } from './org.js';

const messages = bundle('org');

type SessionRecord = { StartTime?: string | null; ChannelType?: string | null; Conversation?: { ConversationIdentifier?: string | null } | null };

export const sessionQuery = (sessionId18: string): string =>
  `SELECT StartTime, ChannelType, Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${sessionId18}'`;

/** The session (or call) has no conversation to read. */
export const noConversation = (recordId: string): Error => messages.fail('NoConversation', ExitCode.NotFound, [recordId]);

/**
 * The session: its ConversationIdentifier, or null when it has no Conversation (a standard channel's session, whose
 * entries are ConversationEntry records), its start and its channel. One query, all that `--api auto` needs to
 * decide and a header shows. `sessionId18` must already be validated (ids.ts), which is what makes it safe to put in
 * the query.
 */
export async function lookupSession(conn: Connection, sessionId18: string, orgId: string): Promise<SessionRow> {
  let records: SessionRecord[];
  try {
    records = (await conn.query<SessionRecord>(sessionQuery(sessionId18))).records;
  } catch (error) {
    throw queryError(error, sessionId18, orgId, conn.instanceUrl);
  }
  if (records.length === 0) throw messages.fail('SessionNotFound', ExitCode.NotFound, [sessionId18, orgId], [sessionId18]);
  const [record] = records;
  return {
    sessionId: sessionId18,
    kind: 'MessagingSession',
    conversationIdentifier: record.Conversation?.ConversationIdentifier ?? null,
    startTime: record.StartTime ?? undefined,
    channel: record.ChannelType ?? undefined,
  };
}

/** The ConversationIdentifier of the session; a session without a Conversation is NoConversationError. */
export async function resolveConversationIdentifier(conn: Connection, sessionId18: string, orgId: string): Promise<string> {
  const identifier = (await lookupSession(conn, sessionId18, orgId)).conversationIdentifier;
  if (!identifier) throw noConversation(sessionId18);
  return identifier;
}

function queryError(error: unknown, sessionId18: string, orgId: string, instanceUrl: string): Error {
  return classifyQueryError(error, orgId, instanceUrl) ?? queryFailed(error, (detail, code) =>
    messages.fail('QueryFailed', ExitCode.ApiFailed, [sessionId18, detail, code], [sessionId18])
  );
}

/** Network, auth and Messaging-availability failures of any MessagingSession query, or undefined for other errors. */
export function classifyQueryError(error: unknown, orgId: string, instanceUrl: string): Error | undefined {
  const unreachable = unreachableError(error, instanceUrl, coreProxy());
  if (unreachable) return unreachable;
  const e = error as { errorCode?: string; name?: string };
  if (isAuthFailure(error)) return messages.fail('SessionExpired', ExitCode.Auth, [orgId, instanceUrl]);
  if ((e.errorCode ?? e.name) === 'INVALID_TYPE') return messages.fail('MessagingNotAvailable', ExitCode.NotAvailable, [orgId, 'INVALID_TYPE']);
  return undefined;
}

/** The last line of a query error (where Salesforce says what is wrong) and its code, inert (sanitize.ts), for a named error. */
export function queryFailed(error: unknown, make: (detail: string, code: string) => Error): Error {
  const e = error as { errorCode?: string; name?: string; message?: string };
  const detail = (e.message ?? '').trim().split('\n').pop() ?? '';
  return make(sanitizeLine(detail.slice(0, 300)), sanitizeLine(e.errorCode ?? e.name ?? 'UNKNOWN'));
}

export const ID_BATCH = 200;

/**
 * Record Ids as a SOQL IN list. Every Id is checked to be a record Id first (15 or 18 letters and digits): the user's
 * were checked already, and an Id the org returned that isn't one never becomes part of a query.
 */
export function soqlIds(ids: readonly string[]): string {
  const bad = ids.find((id) => !isRecordId(id));
  if (bad !== undefined) throw messages.fail('UnusableRecordId', ExitCode.ApiFailed, [printable(bad)]);
  return ids.map((id) => `'${id}'`).join(',');
}

/** Every record a query matches, page after page (queryMore), not only its first 2,000. */
export async function queryAllPages<T extends Record<string, unknown>>(conn: Connection, soql: string): Promise<{ records: T[] }> {
  return conn.query<T>(soql, { autoFetch: true, maxFetch: Number.MAX_SAFE_INTEGER });
}

export type SessionRow = {
  /** The conversation's record Id: a MessagingSession's, or a VoiceCall's when `kind` says so (org/conversations.ts). */
  sessionId: string;
  conversationIdentifier: string | null;
  /** MessagingSession.StartTime (VoiceCall.CallStartDateTime; ISO-8601) and ChannelType ('Voice' for a call), for headers and an export's index page. */
  startTime?: string;
  channel?: string;
  /** Which object sessionId is; a MessagingSession when absent. */
  kind?: RecordKind;
  /** The Case the session (MessagingSession.CaseId) or call (VoiceCall.RelatedRecordId) is linked to, when it was selected by case. */
  caseId?: string;
};

const soqlDateTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The filter conditions, ANDed; the raw --where is wrapped in parentheses. */
export function conditions(selection: Selection): string[] {
  const out: string[] = [];
  if (selection.since !== undefined) out.push(`StartTime >= ${soqlDateTime(selection.since)}`);
  if (selection.until !== undefined) out.push(`StartTime <= ${soqlDateTime(selection.until)}`);
  if (selection.channels.length) out.push(`ChannelType IN (${selection.channels.map((c) => `'${c}'`).join(', ')})`);
  if (selection.where) out.push(`(${selection.where})`);
  return out;
}

const FIELDS = 'SELECT Id, StartTime, ChannelType, Conversation.ConversationIdentifier FROM MessagingSession';

type Row = {
  Id: string;
  StartTime?: string | null;
  ChannelType?: string | null;
  CaseId?: string | null;
  Conversation?: { ConversationIdentifier?: string | null } | null;
};

const toSession = (r: Row): SessionRow => ({
  sessionId: r.Id,
  conversationIdentifier: r.Conversation?.ConversationIdentifier ?? null,
  startTime: r.StartTime ?? undefined,
  channel: r.ChannelType ?? undefined,
  ...(r.CaseId ? { caseId: r.CaseId } : {}),
});

/** The SOQL statements for an id selection: one per batch of 200 ids. */
export function idQueries(selection: Selection): string[] {
  const filters = conditions(selection);
  const batches: string[] = [];
  for (let i = 0; i < selection.ids.length; i += ID_BATCH) {
    const ids = selection.ids.slice(i, i + ID_BATCH).map((id) => `'${id}'`).join(',');
    batches.push(`${FIELDS} WHERE ${[`Id IN (${ids})`, ...filters].join(' AND ')}`);
  }
  return batches;
}

export const filterQuery = (selection: Selection, afterId?: string): string =>
  `${FIELDS} WHERE ${[...conditions(selection), ...(afterId ? [`Id > ${soqlIds([afterId])}`] : [])].join(' AND ')} ORDER BY Id`;

/** A query cursor the org no longer has (it expired, or was released for a newer one). */
const cursorGone = (error: unknown): boolean => (error as { errorCode?: string }).errorCode === 'INVALID_QUERY_LOCATOR';

/**
 * Sessions of an id selection, queried in batches of 200 (small: at most the ids given), plus the ids not found.
 */
export async function sessionsById(conn: Connection, selection: Selection, orgId: string, concurrency = 1): Promise<{ found: SessionRow[]; missing: string[] }> {
  const queue = new PQueue({ concurrency });
  const batches = await Promise.all(idQueries(selection).map((soql) => queue.add(() => query(conn, orgId, selection, () => conn.query<Row>(soql)))));
  const found = batches.flatMap((batch) => batch.records.map(toSession));
  const seen = new Set(found.map((r) => r.sessionId));
  return { found, missing: selection.ids.filter((id) => !seen.has(id)) };
}

/**
 * Sessions of a filter selection, streamed page by page through queryMore. The first page says the total. The next
 * page is asked for only as the export gets to it, so on a long run the org may have dropped the cursor by then
 * (INVALID_QUERY_LOCATOR: expired, or released for newer ones): the selection then goes on from the last Id seen, by
 * the same query (it is ordered by Id) with `Id > last`, so no session is skipped or read twice.
 */
export async function streamSessions(conn: Connection, selection: Selection, orgId: string): Promise<{ total: number; rows: AsyncGenerator<SessionRow> }> {
  const first = await query(conn, orgId, selection, () => conn.query<Row>(filterQuery(selection)));
  async function* rows(): AsyncGenerator<SessionRow> {
    let page = first;
    let last: string | undefined;
    for (;;) {
      for (const record of page.records) {
        const row = toSession(record);
        last = row.sessionId;
        yield row;
      }
      if (page.done || !page.nextRecordsUrl) return;
      const next: string = page.nextRecordsUrl;
      const after = last;
      // eslint-disable-next-line no-await-in-loop -- pages are sequential
      page = await query(conn, orgId, selection, () =>
        conn.queryMore<Row>(next).catch(async (error: unknown) => {
          if (!cursorGone(error) || after === undefined) throw error;
          return conn.query<Row>(filterQuery(selection, after));
        })
      );
    }
  }
  return { total: first.totalSize, rows: rows() };
}

export type Selected = {
  rows: AsyncIterable<SessionRow> | SessionRow[];
  /** The conversations the guard counts: the sessions with one, or for a filter the query's total (a conservative count). */
  conversations: number;
  /** The sessions progress counts: known up front, or the query's total. */
  sessions: number;
  /** Ids given that no session matched: each is a failed line. */
  missing: string[];
  /** Ids given that the filters excluded (or that don't exist: one query can't tell them apart): not selected. */
  notSelected: number;
};

/** The selected sessions: by id (with or without filters), or streamed from a filter query. */
/** `concurrency`: how many id batches are queried at once (export's --concurrency). */
export async function selectSessions(conn: Connection, selection: Selection, orgId: string, concurrency = 1): Promise<Selected> {
  if (!selection.ids.length) {
    const streamed = await streamSessions(conn, selection, orgId);
    return { rows: streamed.rows, conversations: streamed.total, sessions: streamed.total, missing: [], notSelected: 0 };
  }
  const { found, missing } = await sessionsById(conn, selection, orgId, concurrency);
  // Selectors combine with AND: an id the filters exclude is simply not selected.
  const filtered = conditions(selection).length > 0;
  return {
    rows: found,
    conversations: found.filter((r) => r.conversationIdentifier).length,
    sessions: found.length + (filtered ? 0 : missing.length),
    missing: filtered ? [] : missing,
    notSelected: filtered ? missing.length : 0,
  };
}

/**
 * The sessions of some cases (MessagingSession.CaseId), one query per batch of 200 case Ids (every page of it: a batch
 * of cases can have more than 2,000 sessions), run `concurrency` at a time. `failed` names a query's failure. An org
 * without Messaging (INVALID_TYPE) has no sessions for any case: `unavailable`, so that a case's calls still count.
 */
export async function sessionsOfCases(
  conn: Connection,
  caseIds: readonly string[],
  orgId: string,
  failed: (detail: string, code: string) => Error,
  concurrency = 1
): Promise<{ rows: SessionRow[]; unavailable: boolean }> {
  const queue = new PQueue({ concurrency });
  const batches: Array<Promise<{ records: Row[] }>> = [];
  let unavailable = false;
  for (let i = 0; i < caseIds.length; i += ID_BATCH) {
    const soql = `SELECT Id, StartTime, ChannelType, CaseId, Conversation.ConversationIdentifier FROM MessagingSession WHERE CaseId IN (${soqlIds(caseIds.slice(i, i + ID_BATCH))})`;
    batches.push(
      queue.add(async () => {
        try {
          return await queryAllPages<Row>(conn, soql);
        } catch (error) {
          const named = classifyQueryError(error, orgId, conn.instanceUrl);
          if (named?.name === 'MessagingNotAvailableError') {
            unavailable = true;
            return { records: [] };
          }
          throw named ?? queryFailed(error, failed);
        }
      }) as Promise<{ records: Row[] }>
    );
  }
  const rows = (await Promise.all(batches)).flatMap((batch) => batch.records.map(toSession));
  return { rows, unavailable };
}

/** Runs a selection query, turning its failures into named errors; the advice names --where only when one was given. */
async function query<T>(conn: Connection, orgId: string, selection: Selection, run: () => PromiseLike<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const key = selection.where ? 'SelectionQueryFailedWhere' : 'SelectionQueryFailed';
    throw classifyQueryError(error, orgId, conn.instanceUrl) ?? queryFailed(error, (detail, code) => messages.fail(key, ExitCode.ApiFailed, [detail, code]));
  }
}
