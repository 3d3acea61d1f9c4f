/*
 * `sf conversation entries get`, as a domain function: validate everything, resolve the session's conversation,
 * fetch every entry. Input is checked before the org is even loaded, so bad input makes no request.
 */
import type { Org } from '@salesforce/core';
import { resolveApiBaseUrl } from './apiUrl.js';
import { DEFAULT_TIMEOUT_MS, createEntriesFetcher, type HttpStats } from './entries/client.js';
import { collectEntries, type Collected } from './entries/paging.js';
import type { ConversationEntry } from './entries/page.js';
import { MESSAGING_SESSION_PREFIX, checkConversationId, checkRecordId, printable, to18 } from './ids.js';
import { ExitCode, fail, messages } from './messages.js';
import { connectionFor, isAuthFailure, loadOrg, MIN_API_VERSION, compareVersions } from './org.js';
import { resolveConversationIdentifier } from './session.js';
import { parseInstant } from './time.js';

export const TIMEOUT_ENV = 'SF_CONVERSATION_HTTP_TIMEOUT';

export type GetEntriesInput = {
  targetOrg?: string;
  sessionId?: string;
  conversationId?: string;
  apiVersion?: string;
  start?: string;
  end?: string;
  limit?: number;
  env?: NodeJS.ProcessEnv;
};

export type GetEntriesEvents = {
  warn: (message: string) => void;
  phase?: (phase: 'lookup' | 'fetch') => void;
  progress?: (entries: number, pages: number) => void;
};

export type ConversationEntriesResult = {
  /** The 18-character MessagingSession Id, or null when the conversation was given directly. */
  sessionId: string | null;
  conversationIdentifier: string;
  entryCount: number;
  /** The API's entry objects exactly as returned, oldest first. */
  entries: ConversationEntry[];
};

type Checked = {
  sessionId18?: string;
  conversationId?: string;
  start?: number;
  end?: number;
  limit?: number;
  baseUrl: URL;
  timeoutMs: number;
};

/** Every check that needs no network. Throws a named error (exit code 2) for the first bad value. */
export function checkInput(input: GetEntriesInput): Checked {
  const env = input.env ?? process.env;
  let sessionId18: string | undefined;
  if (input.sessionId !== undefined) {
    const check = checkRecordId(input.sessionId, MESSAGING_SESSION_PREFIX);
    if (!check.ok) {
      const tokens = check.problem === 'length' ? [input.sessionId.length] : check.problem === 'checksum' ? [to18(input.sessionId.slice(0, 15))] : [];
      const reason = messages.getMessage(`reason.${check.problem}`, tokens.map(String));
      throw fail('InvalidSessionId', ExitCode.InvalidInput, [printable(input.sessionId), reason]);
    }
    sessionId18 = check.id18;
  }
  if (input.conversationId !== undefined) {
    const problem = checkConversationId(input.conversationId);
    if (problem) {
      const key = problem === 'empty' ? 'reason.empty' : problem === 'length' ? 'reason.tooLong' : 'reason.whitespace';
      const reason = messages.getMessage(key, [String(input.conversationId.length)]);
      throw fail('InvalidConversationId', ExitCode.InvalidInput, [printable(input.conversationId), reason]);
    }
  }
  const instant = (flag: 'start' | 'end', value?: string): number | undefined => {
    if (value === undefined) return undefined;
    const ms = parseInstant(value);
    if (ms === undefined) throw fail('InvalidInstant', ExitCode.InvalidInput, [flag, printable(value)]);
    return ms;
  };
  const start = instant('start', input.start);
  const end = instant('end', input.end);
  if (start !== undefined && end !== undefined && start > end) {
    throw fail('EmptyWindow', ExitCode.InvalidInput, [new Date(start).toISOString(), new Date(end).toISOString()]);
  }
  if (input.limit !== undefined && (!Number.isSafeInteger(input.limit) || input.limit < 1)) {
    throw fail('InvalidLimit', ExitCode.InvalidInput, [input.limit]);
  }
  if (input.apiVersion && compareVersions(input.apiVersion, MIN_API_VERSION) < 0) {
    throw fail('ApiVersionTooLow', ExitCode.InvalidInput, [input.apiVersion]);
  }
  const rawTimeout = env[TIMEOUT_ENV]?.trim();
  const timeoutMs = rawTimeout ? Number(rawTimeout) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw fail('InvalidTimeout', ExitCode.InvalidInput, [printable(rawTimeout ?? '')]);
  }
  return { sessionId18, conversationId: input.conversationId, start, end, limit: input.limit, baseUrl: resolveApiBaseUrl(env), timeoutMs };
}

/** A warning for the ways paging can end short of the whole conversation. */
function stopWarning({ stop, pages, entries }: Collected): string | undefined {
  if (stop === 'page-cap') return messages.getMessage('warning.PageCap', [String(pages), String(entries.length)]);
  if (stop === 'stuck') return messages.getMessage('warning.NothingNewOnFullPage', [String(entries.length)]);
  if (stop === 'no-timestamp') return messages.getMessage('warning.NoTimestamps', [String(entries.length)]);
}

export async function getConversationEntries(
  input: GetEntriesInput,
  events: GetEntriesEvents
): Promise<ConversationEntriesResult & { stats: HttpStats }> {
  const checked = checkInput(input);
  const org: Org = await loadOrg(input.targetOrg);
  const { conn, warning } = connectionFor(org, input.apiVersion);
  if (warning) events.warn(messages.getMessage('warning.ApiVersionRaised', warning));
  const orgId = org.getOrgId();

  let conversationIdentifier: string;
  events.phase?.('lookup');
  if (checked.sessionId18) {
    // The query runs through the Connection, which refreshes an expired token, so the token read below is current.
    conversationIdentifier = await resolveConversationIdentifier(conn, checked.sessionId18, orgId);
  } else {
    conversationIdentifier = checked.conversationId as string;
    await refresh(org, conn.instanceUrl);
  }

  events.phase?.('fetch');
  const { fetchPage, stats } = createEntriesFetcher({
    baseUrl: checked.baseUrl,
    conversationIdentifier,
    getToken: () => conn.accessToken ?? '',
    refresh: () => refresh(org, conn.instanceUrl),
    timeoutMs: checked.timeoutMs,
  });
  const collected = await collectEntries(fetchPage, {
    start: checked.start,
    end: checked.end,
    limit: checked.limit,
    onPage: events.progress,
  });
  const stopped = stopWarning(collected);
  if (stopped) events.warn(stopped);
  if (collected.unrecognised) events.warn(messages.getMessage('warning.UnrecognisedEnvelope', [collected.unrecognised.join(', ') || '(none)']));

  return {
    sessionId: checked.sessionId18 ?? null,
    conversationIdentifier,
    entryCount: collected.entries.length,
    entries: collected.entries,
    stats,
  };
}

/** Asks the org to check the token and refresh it if it expired. A refresh that fails means re-authorising. */
async function refresh(org: Org, instanceUrl: string): Promise<void> {
  try {
    await org.refreshAuth();
  } catch (error) {
    if (isAuthFailure(error) || (error as Error).name === 'AuthInfoRefreshError') {
      throw fail('SessionExpired', ExitCode.Auth, [org.getOrgId(), instanceUrl]);
    }
    throw error;
  }
}
