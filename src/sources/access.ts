/*
 * How an org's conversations are reached: which API and host, with which token, and how that token is renewed.
 * Worked out once per command (a client-credentials token is requested once), then a target per conversation; get
 * uses it for one conversation, export for thousands.
 */
import { Org, type Connection } from '@salesforce/core';
import { ExitCode, fail, messages } from '../messages.js';
import { coreProxy, unreachableError } from '../org/network.js';
import { isAuthFailure } from '../org/org.js';
import { sanitizeLine } from '../sanitize.js';
import { apiBaseFor, clientCredentialsToken } from './api/clientCredentials.js';
import { SANDBOX_API_URL, assertSafeForToken } from './api/apiUrl.js';
import { classifyToken, describeToken, tokenProblem } from './api/token.js';
import { connectEntriesUrl, entriesUrl, type EntriesClientOptions, type EntriesTarget } from './api/client.js';

export const ENTRIES_APIS = ['conversation-data', 'connect'] as const;
export type EntriesApi = (typeof ENTRIES_APIS)[number];

/** What the user chose: the API, and an External Client App for client credentials. */
export type AccessInput = { api?: EntriesApi; clientId?: string };
/** What checkInput worked out from the environment. */
export type AccessSettings = {
  baseUrl: URL;
  apiUrlFromEnv: boolean;
  clientSecret?: string;
  timeoutMs: number;
  /** The largest response body read (SF_CONVERSATION_MAX_RESPONSE_MB); for the entries client's maxResponseBytes. */
  maxResponseBytes?: number;
};

/** The token side of the entries client, and each conversation's resource. */
export type EntriesAccess = Pick<EntriesClientOptions, 'getToken' | 'refresh' | 'diagnose'> & {
  target(conversationIdentifier: string): EntriesTarget;
};

const looksLikeSandbox = (org: Org, instanceUrl: string): boolean =>
  Boolean(org.getField(Org.Fields.IS_SANDBOX)) ||
  Boolean(org.getField(Org.Fields.IS_SCRATCH)) ||
  /(\.sandbox\.my\.salesforce\.com|\.scratch\.my\.salesforce\.com)$/.test(new URL(instanceUrl).hostname);

/**
 * Where the entries come from and with which token. Host order: SF_CONVERSATION_API_URL when set, then the
 * api_instance_url a client-credentials token names, then https://api.salesforce.com.
 */
export async function entriesAccess(
  input: AccessInput,
  settings: AccessSettings,
  { org, conn }: { org: Org; conn: Connection },
  warn: (message: string) => void
): Promise<EntriesAccess> {
  if (input.api === 'connect') {
    warn(messages.getMessage('warning.ConnectApi'));
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
    };
  }
  const problem = diagnosis(conn.accessToken);
  if (problem) warn(messages.getMessage('warning.TokenCantWork', [problem]));
  return {
    getToken: () => conn.accessToken ?? '',
    refresh: () => refresh(org, conn.instanceUrl),
    diagnose: () => diagnosis(conn.accessToken),
    target: hostFor(settings.baseUrl, !settings.apiUrlFromEnv && looksLikeSandbox(org, conn.instanceUrl)),
  };
}

/**
 * Each conversation's resource on `baseUrl`. For a sandbox or scratch org, a first page that gets a 404 is tried
 * once more on test.api.salesforce.com (UNCONFIRMED for this API; Salesforce's agents library does it). The first
 * host that answers is kept for the conversations after it, so an export doesn't pay the 404 on every one.
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

/**
 * A printable description of the token when it can't work on the Conversation Data API; undefined when it looks right.
 * The claims it quotes (scopes, tenant) come from the token's issuer, so they are made inert (sanitize.ts).
 */
export function diagnosis(token: string | null | undefined): string | undefined {
  if (!token) return undefined;
  const info = classifyToken(token);
  return tokenProblem(info) ? sanitizeLine(describeToken(info)) : undefined;
}

/** Asks the org to check the token and refresh it if it expired. A refresh that fails means re-authorising. */
export async function refresh(org: Org, instanceUrl: string): Promise<void> {
  try {
    await org.refreshAuth();
  } catch (error) {
    if (isAuthFailure(error) || (error as Error).name === 'AuthInfoRefreshError') {
      throw fail('SessionExpired', ExitCode.Auth, [org.getOrgId(), instanceUrl]);
    }
    throw unreachableError(error, instanceUrl, coreProxy()) ?? error;
  }
}
