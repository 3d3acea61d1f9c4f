/*
 * Opens the source a run reads entries from: which API and host, with which token, and how that token is renewed.
 * Worked out once per command (a client-credentials token is requested once), shared by every conversation of the
 * run: get reads one, export thousands, doctor probes with a random one. This is the only place that decides.
 *
 * Host order for the Conversation Data API: SF_CONVERSATION_API_URL when set, then the api_instance_url a
 * client-credentials token names, then https://api.salesforce.com; for a sandbox or scratch org a first 404 is tried
 * once on test.api.salesforce.com (UNCONFIRMED; Salesforce's agents library does it), and the host that answered is
 * kept. The Connect REST API lives on the org's own instance and takes the org's token.
 */
import { Org, type Connection } from '@salesforce/core';
import type { Settings } from '../input/settings.js';
import { assertSafeForToken } from '../input/url.js';
import { bundle } from '../messages.js';
import { refresh } from '../org/org.js';
import { noConversation } from '../org/sessions.js';
import { sanitizeLine } from '../sanitize.js';
import { SANDBOX_API_URL } from './api/apiUrl.js';
import { connectEntriesUrl, createEntriesClient, entriesUrl, type EntriesTarget, type HttpStats } from './api/client.js';
import { apiBaseFor, clientCredentialsToken } from './api/clientCredentials.js';
import { collectEntries, incompleteReason, pagingWarnings } from './api/paging.js';
import type { RetryPolicy } from './api/retry.js';
import { classifyToken, describeToken, tokenProblem } from './api/token.js';
import { rateLimiter, type RateLimit } from './rateLimit.js';
import type { ConversationRef, EntrySource, Read, ReadOptions, SourceName } from './source.js';

const messages = bundle('sources');

export type OpenInput = {
  /** The source the user chose (default: the Conversation Data API). */
  api?: SourceName;
  /** An External Client App consumer key: the entries token comes by client credentials (settings hold the secret). */
  clientId?: string;
  settings: Settings;
  org: Org;
  conn: Connection;
  warn: (message: string) => void;
  retry?: RetryPolicy;
  /** At most this many requests in any window (export's --rate-limit), retries and pages included. */
  rateLimit?: RateLimit;
};

/** The source's token for doctor and the up-front warning: its kind, scopes and expiry in words, and whether it can work. */
export type TokenCheck = { description: string; ok: boolean };

export type OpenedSource = EntrySource & {
  /** The source's own token, described; undefined for Connect (the org's token is all it needs). */
  readonly token?: TokenCheck;
  /** Every request, retry and token refresh of every read so far. */
  readonly stats: HttpStats;
  /** A source that lags the live conversation (Data Cloud): the newest entry time it has returned so far, epoch ms. */
  readonly newestEntry?: () => number | undefined;
};

/** A source's name in words, for messages and the transcript's header. */
export const sourceLabel = (name: SourceName): string =>
  name === 'data-cloud' ? bundle('dataCloud').text('source') : messages.text(`source.${name}`);

const looksLikeSandbox = (org: Org, instanceUrl: string): boolean =>
  Boolean(org.getField(Org.Fields.IS_SANDBOX)) ||
  Boolean(org.getField(Org.Fields.IS_SCRATCH)) ||
  /(\.sandbox\.my\.salesforce\.com|\.scratch\.my\.salesforce\.com)$/.test(new URL(instanceUrl).hostname);

/** The token side of a source: the current token, how to renew it, why it can't work, and each conversation's target. */
type Access = {
  token?: TokenCheck;
  getToken(): string;
  refresh(): Promise<void>;
  diagnose?(): string | undefined;
  target(conversationIdentifier: string): EntriesTarget;
};

async function openAccess(input: OpenInput): Promise<Access> {
  const { org, conn, settings } = input;
  if (input.api === 'connect') {
    const instance = new URL(conn.instanceUrl);
    assertSafeForToken(instance, "the org's instance URL");
    return {
      getToken: () => conn.accessToken ?? '',
      refresh: () => refresh(org, conn.instanceUrl),
      target: (conversationIdentifier) => ({
        endpoint: connectEntriesUrl(conn.instanceUrl, conn.getApiVersion(), conversationIdentifier),
        baseUrl: instance,
        conversationIdentifier,
      }),
    };
  }
  if (input.clientId && settings.clientSecret) {
    const { clientId } = input;
    const { clientSecret, timeoutMs } = settings;
    let token = await clientCredentialsToken(conn.instanceUrl, clientId, clientSecret, timeoutMs);
    const baseUrl = apiBaseFor(token, settings.baseUrl, settings.apiUrlFromEnv);
    return {
      getToken: () => token.accessToken,
      refresh: async (): Promise<void> => {
        token = await clientCredentialsToken(conn.instanceUrl, clientId, clientSecret, timeoutMs);
      },
      diagnose: () => diagnosis(token.accessToken),
      target: (conversationIdentifier) => ({ endpoint: entriesUrl(baseUrl, conversationIdentifier), baseUrl, conversationIdentifier }),
      token: tokenCheck(token.accessToken),
    };
  }
  return {
    getToken: () => conn.accessToken ?? '',
    refresh: () => refresh(org, conn.instanceUrl),
    diagnose: () => diagnosis(conn.accessToken),
    target: hostFor(settings.baseUrl, !settings.apiUrlFromEnv && looksLikeSandbox(org, conn.instanceUrl)),
    token: tokenCheck(conn.accessToken),
  };
}

/**
 * Opens the run's source. With the org's own token on the Conversation Data API, a token that can't work there is
 * warned about once, up front; Connect's warning says it is text only.
 */
export async function openSource(input: OpenInput): Promise<OpenedSource> {
  // Loaded only when asked for: nothing of it is on the other sources' start-up path.
  if (input.api === 'data-cloud') return (await import('./dataCloud.js')).openDataCloudSource(input);
  const name = input.api ?? 'conversation-data';
  if (name === 'connect') input.warn(messages.text('warning.ConnectApi'));
  const access = await openAccess(input);
  if (name === 'conversation-data' && !input.clientId && access.token && !access.token.ok) {
    input.warn(messages.text('warning.TokenCantWork', [access.token.description]));
  }
  // One refresh at a time, shared by every conversation in flight that sees a 401.
  let refreshing: Promise<void> | undefined;
  const refreshOnce = (): Promise<void> => (refreshing ??= access.refresh().finally(() => (refreshing = undefined)));
  const client = createEntriesClient({
    api: name,
    getToken: () => access.getToken(),
    refresh: refreshOnce,
    diagnose: () => access.diagnose?.(),
    timeoutMs: input.settings.timeoutMs,
    maxResponseBytes: input.settings.maxResponseBytes,
    retry: input.retry,
    beforeRequest: input.rateLimit && rateLimiter(input.rateLimit),
  });
  const stats: HttpStats = { requests: 0, retries: 0, refreshes: 0 };
  return {
    name,
    token: access.token,
    stats,
    async read(conversation: ConversationRef, options: ReadOptions = {}): Promise<Read> {
      const conversationIdentifier = conversation.conversationIdentifier;
      if (!conversationIdentifier) throw noConversation(conversation.recordId ?? '');
      const fetcher = client.fetcher(access.target(conversationIdentifier));
      try {
        const collected = await collectEntries(fetcher.fetchPage, options);
        return { entries: collected.entries, incomplete: incompleteReason(collected), warnings: pagingWarnings(collected) };
      } finally {
        stats.requests += fetcher.stats.requests;
        stats.retries += fetcher.stats.retries;
        stats.refreshes += fetcher.stats.refreshes;
      }
    },
  };
}

/**
 * Each conversation's resource on `baseUrl`. For a sandbox or scratch org, a first page that gets a 404 is tried
 * once more on test.api.salesforce.com. The first host that answers is kept for the conversations after it, so an
 * export doesn't pay the 404 on every one.
 */
export function hostFor(baseUrl: URL, sandbox: boolean): (conversationIdentifier: string) => EntriesTarget {
  const fallbackUrl = new URL(SANDBOX_API_URL);
  let settled: URL | undefined;
  return (conversationIdentifier) => {
    const base = settled ?? baseUrl;
    const target: EntriesTarget = { endpoint: entriesUrl(base, conversationIdentifier), baseUrl: base, conversationIdentifier };
    if (!sandbox || settled) return target;
    return {
      ...target,
      fallback: { baseUrl: fallbackUrl, endpoint: entriesUrl(fallbackUrl, conversationIdentifier) },
      onServed: (served): void => {
        settled ??= served;
      },
    };
  };
}

/** The token described (its claims come from its issuer, so they are made inert), and whether it can work. */
function tokenCheck(token: string | null | undefined): TokenCheck {
  const info = classifyToken(token ?? undefined);
  return { description: sanitizeLine(describeToken(info)), ok: !tokenProblem(info) };
}

/** A printable description of the token when it can't work on the Conversation Data API; undefined when it looks right. */
function diagnosis(token: string | null | undefined): string | undefined {
  const check = token ? tokenCheck(token) : undefined;
  return check && !check.ok ? check.description : undefined;
}
