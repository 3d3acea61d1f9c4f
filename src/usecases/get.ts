/*
 * `sf conversation entries get`, as a domain function: validate everything, resolve the session's conversation,
 * fetch every entry. Input is checked before the org is even loaded, so bad input makes no request.
 */
import type { Org } from '@salesforce/core';
import { apiUrlOverridden, resolveApiBaseUrl } from '../sources/api/apiUrl.js';
import { clientSecretFrom } from '../sources/api/clientCredentials.js';
import { entriesAccess, refresh, type EntriesApi } from '../sources/access.js';
import { DEFAULT_MAX_RESPONSE_MB, DEFAULT_TIMEOUT_MS, createEntriesFetcher, type HttpStats } from '../sources/api/client.js';
import { collectEntries, incompleteReason, pagingWarnings, type IncompleteReason } from '../sources/api/paging.js';
import type { ConversationEntry } from '../sources/api/page.js';
import { MESSAGING_SESSION_PREFIX, checkConversationId, checkRecordId, printable, to18 } from '../input/ids.js';
import { ExitCode, fail, messages } from '../messages.js';
import { connectionFor, loadOrg, MIN_API_VERSION, compareVersions } from '../org/org.js';
import { resolveConversationIdentifier } from '../org/sessions.js';
import { ambiguousEpoch, isoInstant, parseInstant } from '../input/time.js';

export const TIMEOUT_ENV = 'SF_CONVERSATION_HTTP_TIMEOUT';
export const MAX_RESPONSE_ENV = 'SF_CONVERSATION_MAX_RESPONSE_MB';
/** The largest cap SF_CONVERSATION_MAX_RESPONSE_MB may set: a bigger body can't be read as one string anyway. */
export const MAX_RESPONSE_MB_LIMIT = 512;

export type GetEntriesInput = {
  targetOrg?: string;
  sessionId?: string;
  conversationId?: string;
  apiVersion?: string;
  start?: string;
  end?: string;
  limit?: number;
  /** Which API to read: the Conversation Data API (default) or the Connect REST fallback. */
  api?: EntriesApi;
  /** An External Client App consumer key: get the token by client credentials (secret from the environment). */
  clientId?: string;
  env?: NodeJS.ProcessEnv;
};


export type GetEntriesEvents = {
  warn: (message: string) => void;
  debug?: (message: string) => void;
  phase?: (phase: 'lookup' | 'fetch') => void;
  progress?: (entries: number, pages: number) => void;
};

export type ConversationEntriesResult = {
  /** The 18-character MessagingSession Id, or null when the conversation was given directly. */
  sessionId: string | null;
  conversationIdentifier: string;
  entryCount: number;
  /**
   * False when the transcript is known to be incomplete: paging had to stop before the API said there was nothing
   * more (the command then exits 7). True when every entry asked for (the window, the limit) was read.
   */
  complete: boolean;
  /** Why the transcript is incomplete: 'page-cap', 'stuck', 'no-timestamp' or 'unrecognised-envelope'; null when complete. */
  incompleteReason: IncompleteReason | null;
  /** The API's entry objects exactly as returned, oldest first by the server's clock (serverReceivedTimestamp). */
  entries: ConversationEntry[];
};

type Checked = {
  sessionId18?: string;
  conversationId?: string;
  start?: number;
  end?: number;
  limit?: number;
  baseUrl: URL;
  apiUrlFromEnv: boolean;
  clientSecret?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Warnings about the input that don't stop the command (the caller shows them). */
  warnings: string[];
};

/** A valid MessagingSession Id in its 18-character form; `where` names its source (a file and line) in the error. */
export function checkSessionId(value: string, where?: string): string {
  const check = checkRecordId(value, MESSAGING_SESSION_PREFIX);
  if (check.ok) return check.id18;
  const tokens = check.problem === 'length' ? [value.length] : check.problem === 'checksum' ? [to18(value.slice(0, 15))] : [];
  const reason = messages.getMessage(`reason.${check.problem}`, tokens.map(String));
  if (where) throw fail('InvalidSessionIdIn', ExitCode.InvalidInput, [printable(value), where, reason]);
  throw fail('InvalidSessionId', ExitCode.InvalidInput, [printable(value), reason]);
}

const CONVERSATION_ID_REASONS = { empty: 'reason.empty', length: 'reason.tooLong', characters: 'reason.whitespace' };

function checkConversationIdentifier(value: string): string {
  const problem = checkConversationId(value);
  if (!problem) return value;
  const reason = messages.getMessage(CONVERSATION_ID_REASONS[problem], problem === 'length' ? [String(value.length)] : []);
  throw fail('InvalidConversationId', ExitCode.InvalidInput, [printable(value), reason]);
}

/**
 * A time flag's value in epoch milliseconds, parsed by `parse` (get: parseInstant; export adds relative times). A bare
 * 10-digit number is refused as ambiguous (seconds or milliseconds?), with both readings and how to write each.
 */
export function checkInstant(flag: string, value: string | undefined, parse: (text: string) => number | undefined = parseInstant): number | undefined {
  if (value === undefined) return undefined;
  const readings = ambiguousEpoch(value);
  if (readings) {
    const [seconds, milliseconds] = [isoInstant(readings.asSeconds), isoInstant(readings.asMilliseconds)];
    throw fail('AmbiguousInstant', ExitCode.InvalidInput, [flag, printable(value), seconds, milliseconds], [flag, seconds, flag, String(readings.asSeconds), flag, milliseconds, flag]);
  }
  const ms = parse(value);
  if (ms === undefined) throw fail('InvalidInstant', ExitCode.InvalidInput, [flag, printable(value)]);
  return ms;
}

function checkTimeout(env: NodeJS.ProcessEnv): number {
  const raw = env[TIMEOUT_ENV]?.trim();
  const timeoutMs = raw ? Number(raw) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw fail('InvalidTimeout', ExitCode.InvalidInput, [printable(raw ?? '')]);
  }
  return timeoutMs;
}

function checkMaxResponse(env: NodeJS.ProcessEnv): number {
  const raw = env[MAX_RESPONSE_ENV]?.trim();
  const mb = raw ? (/^\d{1,4}$/.test(raw) ? Number(raw) : NaN) : DEFAULT_MAX_RESPONSE_MB;
  if (!(mb >= 1 && mb <= MAX_RESPONSE_MB_LIMIT)) {
    throw fail('InvalidMaxResponse', ExitCode.InvalidInput, [printable(raw ?? ''), MAX_RESPONSE_MB_LIMIT], [String(DEFAULT_MAX_RESPONSE_MB)]);
  }
  return mb * 1024 * 1024;
}

/** Every check that needs no network. Throws a named error (exit code 2) for the first bad value. */
export function checkInput(input: GetEntriesInput): Checked {
  const env = input.env ?? process.env;
  const sessionId18 = input.sessionId === undefined ? undefined : checkSessionId(input.sessionId);
  const conversationId = input.conversationId === undefined ? undefined : checkConversationIdentifier(input.conversationId);
  const start = checkInstant('start', input.start);
  const end = checkInstant('end', input.end);
  if (start !== undefined && end !== undefined && start > end) {
    throw fail('EmptyWindow', ExitCode.InvalidInput, ['start', new Date(start).toISOString(), 'end', new Date(end).toISOString()]);
  }
  if (input.limit !== undefined && (!Number.isSafeInteger(input.limit) || input.limit < 1)) {
    throw fail('InvalidLimit', ExitCode.InvalidInput, [input.limit]);
  }
  if (input.apiVersion && compareVersions(input.apiVersion, MIN_API_VERSION) < 0) {
    throw fail('ApiVersionTooLow', ExitCode.InvalidInput, [input.apiVersion]);
  }
  if (input.clientId !== undefined && !input.clientId.trim()) throw fail('InvalidClientId', ExitCode.InvalidInput, [printable(input.clientId)]);
  if (input.clientId !== undefined && input.api === 'connect') throw fail('ClientIdWithConnect', ExitCode.InvalidInput);
  const { secret: clientSecret, warning } = input.clientId ? clientSecretFrom(env) : {};
  if (input.clientId !== undefined && !clientSecret) throw fail('MissingClientSecret', ExitCode.InvalidInput);
  return {
    sessionId18,
    conversationId,
    start,
    end,
    limit: input.limit,
    baseUrl: resolveApiBaseUrl(env),
    apiUrlFromEnv: apiUrlOverridden(env),
    clientSecret,
    timeoutMs: checkTimeout(env),
    maxResponseBytes: checkMaxResponse(env),
    warnings: warning ? [warning] : [],
  };
}

export async function getConversationEntries(
  input: GetEntriesInput,
  events: GetEntriesEvents
): Promise<ConversationEntriesResult & { stats: HttpStats; orgId: string }> {
  const checked = checkInput(input);
  checked.warnings.forEach((message) => events.warn(message));
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
    // No query has checked the org's token yet; with client credentials it is not used at all.
    if (!input.clientId) await refresh(org, conn.instanceUrl);
  }

  events.phase?.('fetch');
  const access = await entriesAccess(input, checked, { org, conn }, (message) => events.warn(message));
  const { fetchPage, stats } = createEntriesFetcher({
    getToken: () => access.getToken(),
    refresh: () => access.refresh(),
    diagnose: () => access.diagnose?.(),
    ...access.target(conversationIdentifier),
    timeoutMs: checked.timeoutMs,
    maxResponseBytes: checked.maxResponseBytes,
  });
  const collected = await collectEntries(fetchPage, {
    start: checked.start,
    end: checked.end,
    limit: checked.limit,
    onPage: events.progress,
  });
  for (const message of pagingWarnings(collected)) events.warn(message);
  const reason = incompleteReason(collected);

  return {
    sessionId: checked.sessionId18 ?? null,
    conversationIdentifier,
    entryCount: collected.entries.length,
    complete: reason === null,
    incompleteReason: reason,
    entries: collected.entries,
    stats,
    orgId,
  };
}
