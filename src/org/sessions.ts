/*
 * From a MessagingSession Id to its conversation's identifier, with one SOQL query through the org's Connection.
 */
import type { Connection } from '@salesforce/core';
import { ExitCode, fail } from '../messages.js';
import { sanitizeLine } from '../sanitize.js';
import { coreProxy, unreachableError } from './network.js';
import { isAuthFailure } from './org.js';

type SessionRecord = { Conversation?: { ConversationIdentifier?: string | null } | null };

export const sessionQuery = (sessionId18: string): string =>
  `SELECT Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${sessionId18}'`;

/**
 * Returns the ConversationIdentifier of the session. `sessionId18` must already be validated (ids.ts),
 * which is what makes it safe to put in the query.
 */
export async function resolveConversationIdentifier(conn: Connection, sessionId18: string, orgId: string): Promise<string> {
  let records: SessionRecord[];
  try {
    records = (await conn.query<SessionRecord>(sessionQuery(sessionId18))).records;
  } catch (error) {
    throw queryError(error, sessionId18, orgId, conn.instanceUrl);
  }
  if (records.length === 0) throw fail('SessionNotFound', ExitCode.NotFound, [sessionId18, orgId], [sessionId18]);
  const identifier = records[0].Conversation?.ConversationIdentifier;
  if (!identifier) throw fail('NoConversation', ExitCode.NotFound, [sessionId18]);
  return identifier;
}

function queryError(error: unknown, sessionId18: string, orgId: string, instanceUrl: string): Error {
  return classifyQueryError(error, orgId, instanceUrl) ?? queryFailed(error, (detail, code) =>
    fail('QueryFailed', ExitCode.ApiFailed, [sessionId18, detail, code], [sessionId18])
  );
}

/** Network, auth and Messaging-availability failures of any MessagingSession query, or undefined for other errors. */
export function classifyQueryError(error: unknown, orgId: string, instanceUrl: string): Error | undefined {
  const unreachable = unreachableError(error, instanceUrl, coreProxy());
  if (unreachable) return unreachable;
  const e = error as { errorCode?: string; name?: string };
  if (isAuthFailure(error)) return fail('SessionExpired', ExitCode.Auth, [orgId, instanceUrl]);
  if ((e.errorCode ?? e.name) === 'INVALID_TYPE') return fail('MessagingNotAvailable', ExitCode.NotAvailable, [orgId, 'INVALID_TYPE']);
  return undefined;
}

/** The last line of a query error (where Salesforce says what is wrong) and its code, inert (sanitize.ts), for a named error. */
export function queryFailed(error: unknown, make: (detail: string, code: string) => Error): Error {
  const e = error as { errorCode?: string; name?: string; message?: string };
  const detail = (e.message ?? '').trim().split('\n').pop() ?? '';
  return make(sanitizeLine(detail.slice(0, 300)), sanitizeLine(e.errorCode ?? e.name ?? 'UNKNOWN'));
}
