/*
 * The conversations an admin names without a session Id: a VoiceCall (0LQ…) and a Case (its Id or its CaseNumber),
 * with the fewest queries, through the org's Connection (api-notes §8.2, §8.3). What `--api auto` needs to decide
 * (does it have a Conversation?) comes in the same query as the record.
 *
 *   get --voice-call-id   1 query (2 in an org without call monitoring, where VoiceCall.ConversationId is unknown).
 *   get --case <Id>       2 queries at once (its sessions, its calls); a 3rd only when both are empty, to tell an
 *                         empty case from a missing one.
 *   get --case <Number>   1 query for the Case's Id, then the same 2 at once.
 *   export                the same, one query per batch of 200 Ids or CaseNumbers.
 *
 * Every Id put in a query is a validated 18-character Id (input/ids.ts); a CaseNumber is only ever compared with
 * CaseNumber, as an escaped string literal.
 */
import type { Connection } from '@salesforce/core';
import PQueue from 'p-queue';
import { soqlString, type CaseKey } from '../input/ids.js';
import { bundle, ExitCode } from '../messages.js';
import type { RecordKind } from '../input/ids.js';
import { classifyQueryError, ID_BATCH, queryAllPages, queryFailed, sessionsOfCases, soqlIds, type SessionRow } from './sessions.js';
import { coreProxy, unreachableError } from './network.js';
import { isAuthFailure } from './org.js';

const messages = bundle('org.conversations');

type CallRecord = {
  Id: string;
  CallStartDateTime?: string | null;
  RelatedRecordId?: string | null;
  Conversation?: { ConversationIdentifier?: string | null } | null;
};
type CaseRecord = { Id: string; CaseNumber?: string | null };

/** A call as a conversation row: its channel is Voice. */
const toRow = (r: CallRecord): SessionRow => ({
  sessionId: r.Id,
  kind: 'VoiceCall',
  conversationIdentifier: r.Conversation?.ConversationIdentifier ?? null,
  startTime: r.CallStartDateTime ?? undefined,
  channel: 'Voice',
  ...(r.RelatedRecordId ? { caseId: r.RelatedRecordId } : {}),
});

const codeOf = (error: unknown): string | undefined => (error as { errorCode?: string }).errorCode ?? (error as { name?: string }).name;

/** VoiceCall.ConversationId exists only with call monitoring (API 48.0+): without it, the relationship is unknown. */
const noConversationField = (error: unknown): boolean => codeOf(error) === 'INVALID_FIELD' && ((error as Error).message ?? '').includes('Conversation');

/** A batch's Ids as a SOQL list. */
const idList = soqlIds;

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ID_BATCH) out.push(items.slice(i, i + ID_BATCH));
  return out;
}

/**
 * VoiceCall queries, sharing what the first one learnt: whether the org has VoiceCall.ConversationId (call monitoring)
 * and whether it has VoiceCall at all (Service Cloud Voice).
 */
export type VoiceCalls = {
  /** Set once a query found the org without Voice (VoiceCall INVALID_TYPE). */
  readonly unavailable: boolean;
  /** Set once a query found VoiceCall without ConversationId (no call monitoring): calls are read from ConversationEntry records. */
  readonly unmonitored: boolean;
  /** Calls by Id (validated 18-character Ids), one query per 200. */
  byId(ids: readonly string[]): Promise<SessionRow[]>;
  /** Calls linked to cases (VoiceCall.RelatedRecordId), one query per 200 case Ids; none when the org has no Voice. */
  ofCases(caseIds: readonly string[]): Promise<SessionRow[]>;
};

export function voiceCalls(conn: Connection, orgId: string, concurrency = 1): VoiceCalls {
  let monitored = true;
  let unavailable = false;
  const queue = new PQueue({ concurrency });
  const fields = (): string => `Id, CallStartDateTime, RelatedRecordId${monitored ? ', Conversation.ConversationIdentifier' : ''}`;

  const run = async (where: string, label: string): Promise<CallRecord[]> => {
    for (;;) {
      const soql = `SELECT ${fields()} FROM VoiceCall WHERE ${where}`;
      try {
        // eslint-disable-next-line no-await-in-loop -- retried once, without the field the org doesn't have
        return (await queue.add(() => queryAllPages<CallRecord>(conn, soql)))?.records ?? [];
      } catch (error) {
        if (monitored && noConversationField(error)) {
          monitored = false;
          continue;
        }
        if (codeOf(error) === 'INVALID_TYPE') {
          unavailable = true;
          throw messages.fail('VoiceNotAvailable', ExitCode.NotAvailable, [orgId, 'INVALID_TYPE']);
        }
        throw named(conn, error, orgId, (detail, code) => messages.fail('VoiceCallQueryFailed', ExitCode.ApiFailed, [label, detail, code]));
      }
    }
  };

  return {
    get unavailable(): boolean {
      return unavailable;
    },
    get unmonitored(): boolean {
      return !monitored;
    },
    async byId(ids): Promise<SessionRow[]> {
      const found = await Promise.all(batches(ids).map((batch) => run(`Id IN (${idList(batch)})`, batch.length === 1 ? batch[0] : `${batch.length} Ids`)));
      return found.flat().map(toRow);
    },
    async ofCases(caseIds): Promise<SessionRow[]> {
      if (!caseIds.length || unavailable) return [];
      try {
        const found = await Promise.all(batches(caseIds).map((batch) => run(`RelatedRecordId IN (${idList(batch)})`, messages.text('label.ofCases'))));
        return found.flat().map(toRow);
      } catch (error) {
        // A case's calls are a part of it: an org without Voice simply has none.
        if (unavailable) return [];
        throw error;
      }
    },
  };
}

/** Auth and network failures as their named errors, anything else as the caller's. */
function named(conn: Connection, error: unknown, orgId: string, make: (detail: string, code: string) => Error): Error {
  const unreachable = unreachableError(error, conn.instanceUrl, coreProxy());
  if (unreachable) return unreachable;
  if (isAuthFailure(error)) return classifyQueryError(error, orgId, conn.instanceUrl) ?? queryFailed(error, make);
  return queryFailed(error, make);
}

/** Case records by Id (validated) or CaseNumber (compared as escaped strings only), one query per 200 of each. */
async function findCases(conn: Connection, orgId: string, keys: { ids?: readonly string[]; numbers?: readonly string[]; either?: string }): Promise<CaseRecord[]> {
  const wheres: string[] = [
    ...batches(keys.ids ?? []).map((batch) => `Id IN (${idList(batch)})`),
    ...batches(keys.numbers ?? []).map((batch) => `CaseNumber IN (${batch.map(soqlString).join(',')})`),
    // A value that is a valid Id may still be a CaseNumber (an all-digit one): both comparisons, in one query.
    ...(keys.either ? [`Id = '${keys.either}' OR CaseNumber = ${soqlString(keys.either)}`] : []),
  ];
  const found = await Promise.all(
    wheres.map(async (where) => {
      try {
        return (await conn.query<CaseRecord>(`SELECT Id, CaseNumber FROM Case WHERE ${where}`)).records;
      } catch (error) {
        throw named(conn, error, orgId, (detail, code) => messages.fail('CaseQueryFailed', ExitCode.ApiFailed, [detail, code]));
      }
    })
  );
  return found.flat();
}

/** A failed query of the cases' sessions. */
const caseSessionsFailed = (detail: string, code: string): Error => messages.fail('CaseSessionsQueryFailed', ExitCode.ApiFailed, [detail, code]);

/** Newest last; ties by record Id. The one order of a case's conversations. */
export function oldestFirst(rows: readonly SessionRow[]): SessionRow[] {
  const at = (r: SessionRow): number => (r.startTime ? Date.parse(r.startTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN);
  return [...rows].sort((a, b) => {
    const x = at(a);
    const y = at(b);
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    return (Number.isNaN(x) ? 0 : x - y) || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0);
  });
}

export type CaseConversations = {
  caseId: string;
  /** The CaseNumber when it was given or a query returned it; null when the case was named by Id and no query needed it. */
  caseNumber: string | null;
  /** Its sessions and calls, oldest first. */
  conversations: SessionRow[];
  warnings: string[];
};

/** A case's sessions and calls, oldest first (get --case). */
export async function caseConversations(conn: Connection, key: CaseKey, orgId: string): Promise<CaseConversations> {
  let caseId = key.caseId;
  let caseNumber: string | null = key.caseNumber ?? null;
  if (caseNumber !== null) {
    const found = await findCases(conn, orgId, { numbers: [caseNumber] });
    if (!found.length) throw messages.fail('CaseNotFound', ExitCode.NotFound, [caseNumber, orgId]);
    caseId = found[0].Id;
  }
  const id = caseId as string;
  const calls = voiceCalls(conn, orgId, 2);
  const [{ rows: sessions, unavailable: noMessaging }, callRows] = await Promise.all([sessionsOfCases(conn, [id], orgId, caseSessionsFailed), calls.ofCases([id])]);
  const conversations = oldestFirst([...sessions, ...callRows]);
  if (!conversations.length && key.caseId) {
    // Nothing linked: an empty case, or none at all (or a CaseNumber that looks like an Id).
    const found = await findCases(conn, orgId, { either: key.caseId });
    if (!found.length) throw messages.fail('CaseNotFound', ExitCode.NotFound, [key.caseId, orgId]);
    if (found[0].Id !== key.caseId) return caseConversations(conn, { caseNumber: found[0].CaseNumber ?? key.caseId }, orgId);
    caseNumber = found[0].CaseNumber ?? null;
  }
  const warnings = [...(calls.unavailable ? [messages.text('warning.NoVoice')] : []), ...(noMessaging ? [messages.text('warning.NoMessaging')] : [])];
  return { caseId: id, caseNumber, conversations, warnings };
}

/** One call (get --voice-call-id): the row, or VoiceCallNotFound. */
export async function voiceCallConversation(conn: Connection, voiceCallId: string, orgId: string): Promise<SessionRow> {
  const [row] = await voiceCalls(conn, orgId).byId([voiceCallId]);
  if (!row) throw messages.fail('VoiceCallNotFound', ExitCode.NotFound, [voiceCallId, orgId], [voiceCallId]);
  return row;
}

export type RecordSelection = { voiceCallIds: readonly string[]; cases: readonly CaseKey[] };

export type SelectedRecords = {
  /** The calls and the cases' sessions and calls, each record once. */
  rows: SessionRow[];
  /** Call Ids given that no call matched. */
  missingCalls: string[];
  /** Cases given (Id or CaseNumber) that no case matched. */
  missingCases: string[];
  warnings: string[];
};

/**
 * An export's calls and cases: calls by Id, cases by CaseNumber (for their Ids), then the cases' sessions and calls,
 * each one query per batch of 200; case Ids that brought nothing are checked for existence in one more query per 200.
 */
export async function selectRecords(conn: Connection, selection: RecordSelection, orgId: string, concurrency = 1): Promise<SelectedRecords> {
  const calls = voiceCalls(conn, orgId, concurrency);
  const numbers = [...new Set(selection.cases.flatMap((c) => (c.caseNumber === undefined ? [] : [c.caseNumber])))];
  const givenIds = [...new Set(selection.cases.flatMap((c) => (c.caseId === undefined ? [] : [c.caseId])))];
  const [byNumber, direct] = await Promise.all([
    numbers.length ? findCases(conn, orgId, { numbers }) : Promise.resolve([]),
    selection.voiceCallIds.length ? calls.byId(selection.voiceCallIds) : Promise.resolve([]),
  ]);
  const foldNumber = (n: string): string => n.toLowerCase();
  const numberIds = new Map(byNumber.map((c) => [foldNumber(c.CaseNumber ?? ''), c.Id]));
  const missingCases = numbers.filter((n) => !numberIds.has(foldNumber(n)));
  const caseIds = [...new Set([...givenIds, ...numberIds.values()])];
  const [{ rows: sessions, unavailable: noMessaging }, caseCalls] = caseIds.length
    ? await Promise.all([sessionsOfCases(conn, caseIds, orgId, caseSessionsFailed, concurrency), calls.ofCases(caseIds)])
    : [{ rows: [], unavailable: false }, []];
  const linked = new Set([...sessions, ...caseCalls].map((r) => r.caseId));
  const unlinked = givenIds.filter((id) => !linked.has(id));
  if (unlinked.length) {
    const existing = new Set((await findCases(conn, orgId, { ids: unlinked })).map((c) => c.Id));
    missingCases.push(...unlinked.filter((id) => !existing.has(id)));
  }
  const seen = new Set<string>();
  const rows = [...direct, ...oldestFirst([...sessions, ...caseCalls])].filter((r) => !seen.has(r.sessionId) && seen.add(r.sessionId));
  const foundCalls = new Set(direct.map((r) => r.sessionId));
  return {
    rows,
    missingCalls: selection.voiceCallIds.filter((id) => !foundCalls.has(id)),
    missingCases,
    warnings: [...(calls.unavailable ? [messages.text('warning.NoVoice')] : []), ...(noMessaging ? [messages.text('warning.NoMessaging')] : [])],
  };
}

export const kindOf = (row: Pick<SessionRow, 'kind'>): RecordKind => row.kind ?? 'MessagingSession';
