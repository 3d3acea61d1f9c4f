/*
 * Opens the source a run reads entries from: which API and host, with which token, and how that token is renewed.
 * Worked out once per command (a client-credentials token is requested once), shared by every conversation of the
 * run: get reads one, export thousands, doctor probes with a random one. This is the only place that decides; with
 * --api auto (the default) it opens every source a conversation may need, and sources/auto.ts picks one per
 * conversation.
 *
 * Host order for the Conversation Data API: SF_CONVERSATION_API_URL when set, then the api_instance_url a
 * client-credentials token names, then https://api.salesforce.com; for a sandbox or scratch org a first 404 is tried
 * once on test.api.salesforce.com (UNCONFIRMED; Salesforce's agents library does it), and the host that answered is
 * kept. The Connect REST API lives on the org's own instance and takes the org's token.
 */
import { Org } from '@salesforce/core';
import { assertSafeForToken } from '../input/url.js';
import { bundle } from '../messages.js';
import { refresh } from '../org/org.js';
import { noConversation } from '../org/sessions.js';
import { sanitizeLine } from '../sanitize.js';
import { SANDBOX_API_URL } from './api/apiUrl.js';
import { connectEntriesUrl, createEntriesClient, entriesUrl, type EntriesTarget, type HttpStats } from './api/client.js';
import { apiBaseFor, clientCredentialsToken } from './api/clientCredentials.js';
import { collectEntries, incompleteReason, pagingWarnings } from './api/paging.js';
import { classifyToken, describeToken, tokenProblem } from './api/token.js';
import { decide, type AutoContext, type Decision } from './auto.js';
import { conversationEntrySource } from './conversationEntry.js';
import type { OpenInput, TokenCheck } from './opened.js';
import { rateLimiter } from './rateLimit.js';
import type { ApiChoice, BatchReader, ConversationRef, Read, ReadOptions, SourceName } from './source.js';

const own = bundle('sources.auto');

const messages = bundle('sources');

export type { OpenedSource, OpenInput, TokenCheck } from './opened.js';

/** What a read returned, and which source returned it. */
export type SourcedRead = Read & { source: SourceName };

/** The run's source, as get, export and doctor use it: one source (--api <source>), or each conversation's (auto). */
export type RunSource = {
  /** The source chosen for the run: one source, or auto (chosen per conversation). */
  readonly name: ApiChoice;
  /** The Conversation Data API's token, described; undefined when the run can't use that API. */
  readonly token?: TokenCheck;
  /** Every request (entries requests and ConversationEntry queries), retry and token refresh of every read so far. */
  readonly stats: HttpStats;
  /** A source that lags the live conversation (Data Cloud): the newest entry time it has returned so far, epoch ms. */
  readonly newestEntry?: () => number | undefined;
  /** A source that reads many conversations per request (Data Cloud): export reads through it instead of read(). */
  readonly batch?: BatchReader;
  /** Which source would read this conversation, and why (sources/auto.ts); no request. */
  decide(conversation: ConversationRef): Decision;
  /** Reads one conversation's entries; throws a named error when it can't. */
  read(conversation: ConversationRef, options?: ReadOptions): Promise<SourcedRead>;
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

async function openAccess(api: 'conversation-data' | 'connect', input: OpenInput): Promise<Access> {
  const { org, conn, settings } = input;
  if (api === 'connect') {
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

/** What `--api auto` decides by, known without a request: the choice, --client-id, and the org's token (sources/auto.ts). */
export function autoContext(input: Pick<OpenInput, 'api' | 'clientId' | 'settings' | 'conn'>): AutoContext {
  const info = classifyToken(input.conn.accessToken ?? undefined);
  const problem = tokenProblem(info);
  return {
    api: input.api ?? 'auto',
    clientCredentials: Boolean(input.clientId && input.settings.clientSecret),
    // A JWT with sfap_api that has merely expired can work: the client refreshes it on the API's 401.
    orgToken: { description: sanitizeLine(describeToken(info)), ok: problem === undefined || problem === 'expired' },
  };
}

type ApiSource = { token?: TokenCheck; stats: HttpStats; read(conversation: ConversationRef, options?: ReadOptions): Promise<Read> };

/** One of the two APIs, with its access, client and counters. */
async function openApi(name: 'conversation-data' | 'connect', input: OpenInput): Promise<ApiSource> {
  const access = await openAccess(name, input);
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
    observe: input.observe,
  });
  const stats: HttpStats = { requests: 0, retries: 0, refreshes: 0 };
  return {
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
 * Opens the run's source. An explicit --api opens that one source; with the org's own token on the Conversation Data
 * API, a token that can't work there is warned about once, up front; Connect's warning says it is text only. With
 * auto (the default), the Conversation Data API is opened up front only with --client-id (its token is requested
 * before anything is written); Connect is opened when a conversation first needs it, with one warning that says it
 * is text only and which setup gives the full payload; the ConversationEntry source costs nothing to open.
 */
export async function openSource(input: OpenInput): Promise<RunSource> {
  const api: ApiChoice = input.api ?? 'auto';
  const context = autoContext(input);
  // Loaded only when asked for: nothing of it is on the other sources' start-up path.
  if (api === 'data-cloud') {
    const dataCloud = await (await import('./dataCloud.js')).openDataCloudSource(input);
    return {
      // Its own fields too (doctor reads the DMOs it found).
      ...dataCloud,
      name: api,
      decide: (conversation) => decide(conversation, context),
      read: async (conversation, options) => ({ ...(await dataCloud.read(conversation, options)), source: api }),
    };
  }
  const entriesSource = conversationEntrySource({ conn: input.conn, orgId: input.org.getOrgId(), observe: input.observe });
  // Every source opened so far, for the run's counters.
  const opened = new Set<{ stats: HttpStats }>([entriesSource]);
  const apis: Partial<Record<'conversation-data' | 'connect', Promise<ApiSource>>> = {};
  const apiSource = (name: 'conversation-data' | 'connect'): Promise<ApiSource> =>
    (apis[name] ??= openApi(name, input).then((source) => opened.add(source) && source));

  if (api === 'connect') input.warn(messages.text('warning.ConnectApi'));
  let token: TokenCheck | undefined;
  if (api === 'conversation-data' || (api === 'auto' && context.clientCredentials)) {
    const data = await apiSource('conversation-data');
    token = data.token;
    if (api === 'conversation-data' && !input.clientId && token && !token.ok) input.warn(messages.text('warning.TokenCantWork', [token.description]));
  } else if (api === 'connect') {
    await apiSource('connect');
  } else if (api === 'auto') {
    token = context.orgToken;
  }

  let connectWarned = false;
  const sourceFor = async (name: SourceName): Promise<{ read: ApiSource['read'] }> => {
    if (name === 'conversation-entry') return entriesSource;
    // Data Cloud is opened on its own, above: auto never picks it.
    if (name === 'data-cloud') throw new Error('Data Cloud is read only with --api data-cloud');
    if (name === 'connect' && api === 'auto' && !connectWarned) {
      connectWarned = true;
      input.warn(own.text('warning.AutoConnect', [context.orgToken.description]));
    }
    return apiSource(name);
  };

  const sum = (key: keyof HttpStats): number => [...opened].reduce((total, s) => total + s.stats[key], 0);
  return {
    name: api,
    token,
    stats: {
      get requests(): number {
        return sum('requests');
      },
      get retries(): number {
        return sum('retries');
      },
      get refreshes(): number {
        return sum('refreshes');
      },
    } as HttpStats,
    decide: (conversation) => decide(conversation, context),
    async read(conversation: ConversationRef, options: ReadOptions = {}): Promise<SourcedRead> {
      const decision = decide(conversation, context);
      const source = await sourceFor(decision.source);
      try {
        return { ...(await source.read(conversation, options)), source: decision.source };
      } catch (error) {
        if (!decision.fallback || (error as Error).name !== 'ConversationNotFoundError') throw error;
        // The API has no such conversation: the record's ConversationEntry records may still hold it.
        const fallback = await entriesSource.read(conversation, options).catch(() => undefined);
        if (!fallback) throw error;
        // A window with nothing in it: whether the record has any ConversationEntry records at all decides between
        // "not found" (the API's answer stands) and an empty window.
        const windowed = options?.start !== undefined || options?.end !== undefined;
        if (windowed && !fallback.entries.length && !(await entriesSource.read(conversation, { limit: 1 }).then(() => true, () => false))) throw error;
        const note = own.text('warning.FallbackToEntries', [sourceLabel(decision.source), conversation.kind ?? 'MessagingSession', conversation.recordId ?? '']);
        // The source's own warnings first: an incomplete read says why in its first warning (export journals it).
        return { ...fallback, warnings: [...fallback.warnings, note], source: 'conversation-entry' };
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
