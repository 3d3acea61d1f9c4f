/*
 * `sf conversation doctor`: checks, in order, everything the entries call needs, and names the fix for each
 * failure. It never reads a real conversation (which would mark it active for 30 minutes) unless --session-id
 * asks for it: the API probes use a random conversation identifier.
 */
import { randomUUID } from 'node:crypto';
import { Messages, type Connection, type Org, type SfError } from '@salesforce/core';
import { getProxyForUrl } from 'proxy-from-env';
import { displayUrl } from '../sources/api/apiUrl.js';
import { apiBaseFor, clientCredentialsToken } from '../sources/api/clientCredentials.js';
import { connectEntriesUrl, createEntriesFetcher, entriesUrl } from '../sources/api/client.js';
import { diagnosis } from '../sources/access.js';
import { coreProxy, unreachableError } from '../org/network.js';
import { connectionFor, loadOrg } from '../org/org.js';
import { sanitizeText } from '../sanitize.js';
import { resolveConversationIdentifier } from '../org/sessions.js';
import { classifyToken, describeToken, tokenProblem } from '../sources/api/token.js';
import { checkInput } from './get.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-conversation', 'doctor');

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Check = { name: string; status: CheckStatus; detail: string; action: string | null };
export type DoctorResult = { checks: Check[] };
export type DoctorInput = { targetOrg?: string; sessionId?: string; apiVersion?: string; clientId?: string; env?: NodeJS.ProcessEnv };

const PROBE = { limit: 1, baseDelayMs: 300, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

/** A check's result. Its details quote the org and the servers (messages, identifiers), so each is made inert (sanitize.ts). */
const check = (key: string, status: CheckStatus, detailTokens: string[] = [], action?: string | null): Check => ({
  name: messages.getMessage(`name.${key}`),
  status,
  detail: messages.getMessage(`detail.${key}.${status}`, detailTokens.map(sanitizeText)),
  action: action ? sanitizeText(action) : action ?? (status === 'fail' || status === 'warn' ? actionOf(key, status) : null),
});

const actionOf = (key: string, status: CheckStatus): string | null => {
  const k = `action.${key}.${status}`;
  return messages.messages.has(k) ? messages.getMessage(k) : null;
};

/** The actions of a named error, as one string. */
const actionsOf = (error: unknown): string => ((error as SfError).actions ?? []).join(' ');
const messageOf = (error: unknown): string => (error as Error).message ?? String(error);

export async function runDoctor(input: DoctorInput, warn: (message: string) => void = (): void => undefined): Promise<DoctorResult> {
  const env = input.env ?? process.env;
  // Bad flag values stop here, as in `get`, before any request.
  const checked = checkInput({ sessionId: input.sessionId, apiVersion: input.apiVersion, clientId: input.clientId, env });
  checked.warnings.forEach((message) => warn(message));
  const checks: Check[] = [];
  const skipRest = (...keys: string[]): void => keys.forEach((key) => checks.push(check(key, 'skip')));

  let org: Org;
  let conn: Connection;
  let raisedFrom: [string] | undefined;
  let instanceUrl: string | undefined;
  try {
    org = await loadOrg(input.targetOrg);
    ({ conn, warning: raisedFrom } = connectionFor(org, input.apiVersion));
    instanceUrl = conn.instanceUrl;
    await org.refreshAuth();
    checks.push(check('auth', 'pass', [org.getOrgId(), conn.instanceUrl]));
  } catch (raw) {
    const error = unreachableError(raw, instanceUrl, coreProxy()) ?? raw;
    checks.push(check('auth', 'fail', [messageOf(error)], actionsOf(error) || null));
    skipRest('apiVersion', 'objects', 'session', 'token', 'conversationData', 'connect');
    checks.push(proxyCheck(env, []));
    return { checks };
  }

  // connectionFor has already raised an older version to 55.0 on the connection; it says so in its warning.
  checks.push(raisedFrom ? check('apiVersion', 'warn', raisedFrom) : check('apiVersion', 'pass', [conn.getApiVersion()]));

  try {
    await Promise.all([conn.describe('MessagingSession'), conn.describe('Conversation')]);
    checks.push(check('objects', 'pass'));
  } catch (error) {
    checks.push(check('objects', 'fail', [messageOf(error).split('\n').pop() ?? '']));
  }

  let conversationIdentifier: string | undefined;
  if (checked.sessionId18) {
    try {
      conversationIdentifier = await resolveConversationIdentifier(conn, checked.sessionId18, org.getOrgId());
      checks.push(check('session', 'pass', [checked.sessionId18, conversationIdentifier]));
    } catch (error) {
      checks.push(check('session', 'fail', [messageOf(error)], actionsOf(error)));
    }
  } else {
    checks.push(check('session', 'skip'));
  }

  // The token the entries call would use: client credentials when --client-id is given, else the org's own.
  let token = conn.accessToken ?? '';
  let baseUrl = checked.baseUrl;
  if (input.clientId && checked.clientSecret) {
    try {
      const cc = await clientCredentialsToken(conn.instanceUrl, input.clientId, checked.clientSecret, checked.timeoutMs);
      token = cc.accessToken;
      baseUrl = apiBaseFor(cc, baseUrl, checked.apiUrlFromEnv);
    } catch (error) {
      checks.push(check('token', 'fail', [messageOf(error)], actionsOf(error)));
      token = '';
    }
  }
  if (token) {
    const info = classifyToken(token);
    const problem = tokenProblem(info);
    checks.push(problem ? check('token', 'fail', [describeToken(info)]) : check('token', 'pass', [describeToken(info)]));
  }

  checks.push(await probeConversationData(baseUrl, token, conversationIdentifier, checked.timeoutMs));
  checks.push(await probeConnect(conn, checked.timeoutMs));
  checks.push(proxyCheck(env, [baseUrl.href, conn.instanceUrl]));
  return { checks };
}

async function probeConversationData(baseUrl: URL, token: string, real: string | undefined, timeoutMs: number): Promise<Check> {
  if (!token) return check('conversationData', 'skip');
  const where = displayUrl(baseUrl);
  // A random identifier: the answer says whether the token is accepted without touching a real conversation.
  const conversation = real ?? randomUUID();
  const { fetchPage } = createEntriesFetcher({
    endpoint: entriesUrl(baseUrl, conversation),
    baseUrl,
    conversationIdentifier: conversation,
    getToken: () => token,
    // A probe: a refresh is not what it is checking.
    refresh: () => Promise.resolve(),
    // As in `get`: a 401/403/404 with a token that can't work means the token was refused, not "authorised".
    diagnose: () => diagnosis(token),
    timeoutMs,
    retry: PROBE,
  });
  try {
    await fetchPage({ recordLimit: 1, queryDirection: 'FromStart' });
    return check('conversationData', 'pass', [where, '200']);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ConversationNotFoundError') {
      return real ? check('conversationData', 'fail', [where, messageOf(error)], actionsOf(error)) : check('conversationData', 'pass', [where, '404']);
    }
    return check('conversationData', 'fail', [where, messageOf(error)], actionsOf(error));
  }
}

async function probeConnect(conn: Connection, timeoutMs: number): Promise<Check> {
  const conversation = randomUUID();
  const instance = new URL(conn.instanceUrl);
  const { fetchPage } = createEntriesFetcher({
    endpoint: connectEntriesUrl(conn.instanceUrl, conn.getApiVersion(), conversation),
    baseUrl: instance,
    conversationIdentifier: conversation,
    getToken: () => conn.accessToken ?? '',
    // A probe: a refresh is not what it is checking.
    refresh: () => Promise.resolve(),
    timeoutMs,
    retry: PROBE,
  });
  try {
    await fetchPage({ recordLimit: 1, queryDirection: 'FromStart' });
    return check('connect', 'pass', [displayUrl(instance)]);
  } catch (error) {
    if ((error as Error).name === 'ConversationNotFoundError') return check('connect', 'pass', [displayUrl(instance)]);
    return check('connect', 'fail', [displayUrl(instance), messageOf(error)]);
  }
}

/** A proxy URL for display: never its user name or password. */
const showProxy = (proxy: string): string => {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return messages.getMessage('unreadableProxy');
  }
};

function proxyCheck(env: NodeJS.ProcessEnv, targets: string[]): Check {
  const vars = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
    .filter((name) => env[name])
    .map((name) => `${name}=${name.toLowerCase() === 'no_proxy' ? String(env[name]) : showProxy(String(env[name]))}`);
  const routes = targets.map((target) => {
    const proxy = getProxyForUrl(target);
    return `${displayUrl(new URL(target))} → ${proxy ? `via ${showProxy(proxy)}` : 'direct'}`;
  });
  return check('proxy', 'pass', [vars.length ? vars.join(', ') : messages.getMessage('none'), routes.join('; ') || '-']);
}

