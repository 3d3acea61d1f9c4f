/*
 * Where the Conversation Data API lives, and whether the org's token may be sent there.
 */
import { ExitCode, fail } from '../../messages.js';

export const DEFAULT_API_URL = 'https://api.salesforce.com';
export const API_URL_ENV = 'SF_CONVERSATION_API_URL';
export const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** A URL for messages: without user info, query or fragment, which may carry secrets. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

export const isLoopback = (url: URL): boolean => LOOPBACK.test(url.hostname);

/** Where sandboxes and scratch orgs may live instead (UNCONFIRMED for this API; Salesforce's agents library tries it). */
export const SANDBOX_API_URL = 'https://test.api.salesforce.com';

/** SF_CONVERSATION_API_URL, trimmed; an empty value means unset, as for most sf environment variables. */
const apiUrlFromEnv = (env: NodeJS.ProcessEnv): string | undefined => {
  const value = env[API_URL_ENV]?.trim();
  return value ? value : undefined;
};

export const apiUrlOverridden = (env: NodeJS.ProcessEnv = process.env): boolean => apiUrlFromEnv(env) !== undefined;

/**
 * The base URL of the entries API: SF_CONVERSATION_API_URL when set, else https://api.salesforce.com.
 * A bearer token is only ever sent over HTTPS, or plain HTTP to a loopback host.
 */
export function resolveApiBaseUrl(env: NodeJS.ProcessEnv = process.env): URL {
  const raw = apiUrlFromEnv(env);
  const source = raw ? API_URL_ENV : 'the default';
  let url: URL;
  try {
    url = new URL(raw ?? DEFAULT_API_URL);
  } catch {
    throw fail('InvalidApiUrl', ExitCode.InvalidInput, [redactRaw(raw ?? ''), source]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // As typed (user info removed): rebuilt from the parsed URL, `mailto:x@y` would read `mailto://x@y`.
    throw fail('InvalidApiUrl', ExitCode.InvalidInput, [redactRaw(raw ?? url.href), source]);
  }
  assertSafeForToken(url, source);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

export function assertSafeForToken(url: URL, source: string): void {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw fail('InsecureApiUrl', ExitCode.InvalidInput, [displayUrl(url), source]);
  }
}

/** Something that failed to parse as a URL, with anything that looks like user info removed. */
const redactRaw = (raw: string): string => raw.replace(/\/\/[^/@]*@/, '//').slice(0, 200);
