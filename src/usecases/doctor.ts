/*
 * `sf conversation doctor`: checks, in order, everything a `get` needs, through the same code `get` takes (the org,
 * the session query, the source with its token, client credentials, host choice and sandbox fallback), and names the
 * fix for each failure. It never reads a real conversation (which would mark it active for 30 minutes) unless
 * --session-id asks for it: the API probes use a random conversation identifier, whose 404 means "token accepted".
 */
import { randomUUID } from 'node:crypto';
import type { Connection, Org, SfError } from '@salesforce/core';
import { checkAccess, type AccessInput, type CheckedAccess } from '../input/access.js';
import { checkSessionId } from '../input/ids.js';
import { displayUrl } from '../input/url.js';
import { missingClientSecret } from '../input/settings.js';
import { bundle, ExitCode } from '../messages.js';
import { coreProxy, ownProxy, showProxy, unreachableError } from '../org/network.js';
import { connectionFor, loadOrg, refresh } from '../org/org.js';
import { resolveConversationIdentifier } from '../org/sessions.js';
import { sanitizeText } from '../sanitize.js';
import type { DataCloudSource } from '../sources/dataCloud.js';
import { openSource, type OpenedSource } from '../sources/open.js';
import type { SourceName } from '../sources/source.js';

const messages = bundle('doctor');

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Check = { name: string; status: CheckStatus; detail: string; action: string | null };
export type DoctorResult = { checks: Check[] };
export type DoctorInput = AccessInput & { targetOrg?: string; sessionId?: string };

/** Probes retry once, briefly: they check a setup, they don't need to outlast an outage. */
const PROBE = { limit: 1, baseDelayMs: 300, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

/**
 * A check's result. Its details quote the org and the servers (messages, identifiers), so each is made inert
 * (sanitize.ts). The detail is `detail.<key>.<status>`, or `detail.<key>.<variant>` when a status has several.
 */
const check = (key: string, status: CheckStatus, detailTokens: string[] = [], action?: string | null, variant: string = status): Check => ({
  name: messages.text(`name.${key}`),
  status,
  detail: messages.text(`detail.${key}.${variant}`, detailTokens.map(sanitizeText)),
  action: action ? sanitizeText(action) : action ?? (status === 'fail' || status === 'warn' ? actionOf(key, status) : null),
});

const actionOf = (key: string, status: CheckStatus): string | null => {
  const k = `action.${key}.${status}`;
  return messages.has(k) ? messages.text(k) : null;
};

/** The actions of a named error, as one string. */
const actionsOf = (error: unknown): string => ((error as SfError).actions ?? []).join(' ');
const messageOf = (error: unknown): string => (error as Error).message ?? String(error);
const isUnreachable = (error: unknown): boolean => (error as SfError | undefined)?.exitCode === ExitCode.Unreachable;

/** What a probe of one source found: the source (if it could be opened), and the error of opening or reading it. */
type Probe = { source?: OpenedSource; error?: unknown; status?: number };

export async function runDoctor(input: DoctorInput, warn: (message: string) => void = (): void => undefined): Promise<DoctorResult> {
  // Bad flag values stop here, as in `get`, before any request; a missing client secret is a failed check instead.
  const sessionId18 = input.sessionId === undefined ? undefined : checkSessionId(input.sessionId);
  const access = checkAccess(input, { requireSecret: false });
  access.settings.warnings.forEach(warn);
  const checks: Check[] = [];
  const skip = (...keys: string[]): void => keys.forEach((key) => checks.push(check(key, 'skip')));
  const unreachable: unknown[] = [];

  let org: Org;
  let conn: Connection;
  let raisedFrom: string | undefined;
  let instanceUrl: string | undefined;
  try {
    org = await loadOrg(input.targetOrg);
    ({ conn, raisedFrom } = connectionFor(org, input.apiVersion));
    instanceUrl = conn.instanceUrl;
    await refresh(org, conn.instanceUrl);
    checks.push(check('auth', 'pass', [org.getOrgId(), conn.instanceUrl]));
  } catch (raw) {
    const error = unreachableError(raw, instanceUrl, coreProxy()) ?? raw;
    if (isUnreachable(error)) unreachable.push(error);
    checks.push(check('auth', 'fail', [messageOf(error)], actionsOf(error) || null));
    skip('apiVersion', 'objects', 'session', 'token', 'conversationData', 'connect');
    checks.push(dataCloudCheck.skipped());
    checks.push(proxyCheck(access, instanceUrl, unreachable));
    return { checks };
  }

  // connectionFor has already raised an older version to 55.0 on the connection.
  checks.push(raisedFrom ? check('apiVersion', 'warn', [raisedFrom]) : check('apiVersion', 'pass', [conn.getApiVersion()]));

  try {
    await Promise.all([conn.describe('MessagingSession'), conn.describe('Conversation')]);
    checks.push(check('objects', 'pass'));
  } catch (error) {
    checks.push(check('objects', 'fail', [messageOf(error).split('\n').pop() ?? '']));
  }

  let real: string | undefined;
  if (sessionId18) {
    try {
      real = await resolveConversationIdentifier(conn, sessionId18, org.getOrgId());
      checks.push(check('session', 'pass', [sessionId18, real]));
    } catch (error) {
      checks.push(check('session', 'fail', [messageOf(error)], actionsOf(error)));
    }
  } else {
    checks.push(check('session', 'skip'));
  }

  const data = await probe('conversation-data', access, { org, conn }, real);
  checks.push(...conversationDataChecks(access, data, real));
  const connect = await probe('connect', access, { org, conn });
  checks.push(connectCheck(conn, connect));
  for (const p of [data, connect]) if (isUnreachable(p.error)) unreachable.push(p.error);
  checks.push(await dataCloudCheck(access, { org, conn }, unreachable));
  checks.push(proxyCheck(access, conn.instanceUrl, unreachable));
  return { checks };
}

/** Opens the source as `get` would (its warnings are this command's checks) and reads one conversation's first page. */
async function probe(api: SourceName, access: CheckedAccess, { org, conn }: { org: Org; conn: Connection }, real?: string): Promise<Probe> {
  let source: OpenedSource | undefined;
  try {
    const clientId = api === 'connect' ? undefined : access.clientId;
    if (clientId !== undefined && !access.settings.clientSecret) throw missingClientSecret();
    source = await openSource({ ...access, api, clientId, org, conn, warn: () => undefined, retry: PROBE });
    // A random identifier: the answer says whether the token is accepted without touching a real conversation.
    await source.read({ recordId: null, conversationIdentifier: real ?? randomUUID() }, { limit: 1 });
    return { source, status: 200 };
  } catch (error) {
    return { source, error };
  }
}

/** With a random conversation, "not found" is the answer of an API that accepted the token. */
const acceptedWith404 = (p: Probe, real?: string): boolean => !real && (p.error as Error | undefined)?.name === 'ConversationNotFoundError';

/**
 * The token check and the Conversation Data API check, decided together so they never contradict each other: the
 * API's answer is the evidence, the token's shape only explains it.
 */
function conversationDataChecks(access: CheckedAccess, p: Probe, real?: string): Check[] {
  const where = displayUrl(access.settings.baseUrl);
  const accepted = !p.error || acceptedWith404(p, real);
  const token = p.source?.token;
  let tokenCheck: Check;
  if (!p.source) tokenCheck = check('token', 'fail', [messageOf(p.error)], actionsOf(p.error) || null, 'noToken');
  else if (!token) tokenCheck = check('token', 'skip');
  else if (token.ok) tokenCheck = check('token', 'pass', [token.description]);
  // Not what the API documents, yet accepted: a gateway or a setup this command doesn't know. Say so, don't fail.
  else tokenCheck = accepted ? check('token', 'warn', [token.description]) : check('token', 'fail', [token.description]);
  if (!p.source) return [tokenCheck, check('conversationData', 'skip')];
  if (accepted) return [tokenCheck, check('conversationData', 'pass', [where, p.error ? '404' : '200'])];
  return [tokenCheck, check('conversationData', 'fail', [where, messageOf(p.error)], actionsOf(p.error) || null)];
}

function connectCheck(conn: Connection, p: Probe): Check {
  const instance = displayUrl(new URL(conn.instanceUrl));
  if (!p.error || acceptedWith404(p)) return check('connect', 'pass', [instance]);
  return check('connect', 'fail', [instance, messageOf(p.error)], actionsOf(p.error) || null);
}

/**
 * Data Cloud, as `--api data-cloud` opens it (its metadata: Data Cloud enabled, the DMOs there) and one query of a
 * random conversation (the DMOs can be queried: "not in Data Cloud" is the answer of a query that ran). Only
 * --api data-cloud needs Data Cloud, so an org without it is a skipped check, and other problems a warning.
 */
async function dataCloudCheck(access: CheckedAccess, { org, conn }: { org: Org; conn: Connection }, unreachable: unknown[]): Promise<Check> {
  const dc = bundle('dataCloud');
  const name = dc.text('doctor.name');
  try {
    const source = await openSource({ ...access, api: 'data-cloud', clientId: undefined, org, conn, warn: () => undefined, retry: PROBE });
    await source.read({ recordId: null, conversationIdentifier: randomUUID() }).catch((error: Error) => {
      if (error.name !== 'NotInDataCloudError') throw error;
    });
    const { model } = source as DataCloudSource;
    return { name, status: 'pass', detail: dc.text('doctor.pass', [model.conversation.dmo, model.entry.dmo, displayUrl(new URL(conn.instanceUrl))].map(sanitizeText)), action: null };
  } catch (error) {
    if (isUnreachable(error)) unreachable.push(error);
    if ((error as Error).name === 'DataCloudNotEnabledError') return { name, status: 'skip', detail: dc.text('doctor.notEnabled', [sanitizeText(messageOf(error))]), action: null };
    return { name, status: 'warn', detail: dc.text('doctor.warn', [sanitizeText(messageOf(error))]), action: dc.text('doctor.action', [sanitizeText(actionsOf(error))]) };
  }
}
dataCloudCheck.skipped = (): Check => {
  const dc = bundle('dataCloud');
  return { name: dc.text('doctor.name'), status: 'skip', detail: dc.text('doctor.skip'), action: null };
};

/**
 * Which proxy each host is reached through, and whether that worked: a host that couldn't be reached through a proxy
 * fails this check too (a dead proxy is a proxy problem, whatever the other checks say).
 */
function proxyCheck(access: CheckedAccess, instanceUrl: string | undefined, unreachable: unknown[]): Check {
  const env = access.settings.env;
  const vars = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
    .filter((name) => env[name])
    .map((name) => `${name}=${name.toLowerCase() === 'no_proxy' ? String(env[name]) : showProxy(String(env[name]))}`);
  const routes: string[] = [];
  const apiUrl = access.settings.baseUrl.href;
  const apiProxy = ownProxy(apiUrl);
  routes.push(messages.text('route', [displayUrl(access.settings.baseUrl), apiProxy ? messages.text('route.via', [showProxy(apiProxy)]) : messages.text('route.direct')]));
  if (instanceUrl) {
    const orgProxy = coreProxy(env);
    routes.push(messages.text('route', [displayUrl(new URL(instanceUrl)), orgProxy ? messages.text('route.via', [showProxy(orgProxy)]) : messages.text('route.direct')]));
  }
  const tokens = [vars.length ? vars.join(', ') : messages.text('none'), routes.join('; ')];
  const throughProxy = vars.length > 0 && unreachable.length > 0;
  return throughProxy ? check('proxy', 'fail', [...tokens, messageOf(unreachable[0])]) : check('proxy', 'pass', tokens);
}
