/*
 * `sf conversation doctor`: checks, in order, everything a `get` needs, through the same code `get` takes (the org,
 * the lookups, the sources with their tokens, client credentials, host choice and sandbox fallback, and the decision
 * `--api auto` makes), and names the fix for each failure. It never reads a real conversation (which would mark it
 * active for 30 minutes) unless --session-id, --voice-call-id or --case asks for it: the API probes use a random
 * conversation identifier, whose 404 means "token accepted". With --report, it writes what each source it reached
 * answered, without a single value (sources/contract.ts), for users to attach to an issue.
 */
import { randomUUID } from 'node:crypto';
import type { Connection, Org, SfError } from '@salesforce/core';
import { checkAccess, type AccessInput, type CheckedAccess } from '../input/access.js';
import { checkCase, checkSessionId, checkVoiceCallId, type CaseKey } from '../input/ids.js';
import { displayUrl } from '../input/url.js';
import { missingClientSecret } from '../input/settings.js';
import { checkOutputFile, writeFileAtomically, type FileFlag } from '../files/output.js';
import { bundle, ExitCode } from '../messages.js';
import { caseConversations, kindOf, voiceCallConversation } from '../org/conversations.js';
import { coreProxy, ownProxy, showProxy, unreachableError } from '../org/network.js';
import { connectionFor, loadOrg, refresh } from '../org/org.js';
import { lookupSession } from '../org/sessions.js';
import { sanitizeText } from '../sanitize.js';
import { decide, explain, type Decision } from '../sources/auto.js';
import { contractRecorder, type Observe, type Recorder } from '../sources/contract.js';
import { isNotReadable } from '../sources/conversationEntry.js';
import type { DataCloudSource } from '../sources/dataCloud.js';
import { autoContext, openSource, sourceLabel, type RunSource } from '../sources/open.js';
import type { ConversationRef, SourceName } from '../sources/source.js';

const messages = bundle('doctor');
/** The checks of the sources added since: ConversationEntry, VoiceCall, what auto would pick, and the report. */
const sources = bundle('doctor.sources');
/** Doctor's --report, as the errors about its file name it. */
const REPORT_FILE: FileFlag = { flag: '--report', example: 'conversation-contract.json', stdout: false };

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Check = { name: string; status: CheckStatus; detail: string; action: string | null };
/** `report`: the path of the contract report, when one was written. */
export type DoctorResult = { checks: Check[]; report?: string };
export type DoctorInput = AccessInput & {
  targetOrg?: string;
  sessionId?: string;
  voiceCallId?: string;
  /** A Case Id or CaseNumber. */
  case?: string;
  /** Write the contract report to this file (atomically). */
  report?: string;
  /** Replace the report file if it exists. */
  force?: boolean;
  /** The plugin's version, for the report. */
  pluginVersion?: string;
};

/** Probes retry once, briefly: they check a setup, they don't need to outlast an outage. */
const PROBE = { limit: 1, baseDelayMs: 300, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
/** Entries a probe of a real conversation asks for: enough to see which way a page runs, and its fields. */
const PROBE_ENTRIES = 10;

const text = (key: string, tokens: string[] = []): string => (sources.has(key) ? sources.text(key, tokens) : messages.text(key, tokens));
const has = (key: string): boolean => sources.has(key) || messages.has(key);

/**
 * A check's result. Its details quote the org and the servers (messages, identifiers), so each is made inert
 * (sanitize.ts). The detail is `detail.<key>.<status>`, or `detail.<key>.<variant>` when a status has several.
 */
const check = (key: string, status: CheckStatus, detailTokens: string[] = [], action?: string | null, variant: string = status): Check => ({
  name: text(`name.${key}`),
  status,
  detail: text(`detail.${key}.${variant}`, detailTokens.map(sanitizeText)),
  action: action ? sanitizeText(action) : action ?? (status === 'fail' || status === 'warn' ? actionOf(key, status) : null),
});

const actionOf = (key: string, status: CheckStatus): string | null => {
  const k = `action.${key}.${status}`;
  return has(k) ? text(k) : null;
};

/** The actions of a named error, as one string. */
const actionsOf = (error: unknown): string => ((error as SfError).actions ?? []).join(' ');
const messageOf = (error: unknown): string => (error as Error).message ?? String(error);
const isUnreachable = (error: unknown): boolean => (error as SfError | undefined)?.exitCode === ExitCode.Unreachable;

/** What a probe of one source found: the source (if it could be opened), and the error of opening or reading it. */
type Probe = { source?: RunSource; error?: unknown; status?: number };

/** The records the user named, checked before any request. */
type Named = { sessionId18?: string; voiceCallId18?: string; caseKey?: CaseKey };

function checkNamed(input: DoctorInput): Named {
  const given = [input.sessionId, input.voiceCallId, input.case].filter((v) => v !== undefined).length;
  if (given > 1) throw sources.fail('OneRecord', ExitCode.InvalidInput);
  return {
    sessionId18: input.sessionId === undefined ? undefined : checkSessionId(input.sessionId),
    voiceCallId18: input.voiceCallId === undefined ? undefined : checkVoiceCallId(input.voiceCallId),
    caseKey: input.case === undefined ? undefined : checkCase(input.case),
  };
}

export async function runDoctor(input: DoctorInput, warn: (message: string) => void = (): void => undefined): Promise<DoctorResult> {
  // Bad flag values stop here, as in `get`, before any request; a missing client secret is a failed check instead.
  const named = checkNamed(input);
  const access = checkAccess(input, { requireSecret: false });
  if (input.report !== undefined) await checkOutputFile(input.report, input.force ?? false, REPORT_FILE);
  access.settings.warnings.forEach(warn);
  const recorder = input.report === undefined ? undefined : contractRecorder();
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
    skip('apiVersion', 'objects', 'entriesObject', 'voiceCall', 'session', 'token', 'conversationData', 'connect', 'pick');
    checks.push(dataCloudCheck.skipped());
    checks.push(proxyCheck(access, instanceUrl, unreachable));
    return finish(checks, input, recorder, [], undefined);
  }

  // connectionFor has already raised an older version to 55.0 on the connection.
  checks.push(raisedFrom ? check('apiVersion', 'warn', [raisedFrom]) : check('apiVersion', 'pass', [conn.getApiVersion()]));

  try {
    await Promise.all([conn.describe('MessagingSession'), conn.describe('Conversation')]);
    checks.push(check('objects', 'pass'));
  } catch (error) {
    checks.push(check('objects', 'fail', [messageOf(error).split('\n').pop() ?? '']));
  }

  const entriesReadable = await entriesObjectCheck(conn, checks);
  checks.push(await voiceCallCheck(conn));

  const orgId = org.getOrgId();
  const targets = await lookup(conn, orgId, named, checks);
  // The first conversation with a Conversation is read for real by the APIs (it is named, so it may be marked active).
  const real = targets.find((t) => t.conversationIdentifier)?.conversationIdentifier ?? undefined;

  const observe = recorder?.observe;
  const data = await probe('conversation-data', access, { org, conn, observe }, real);
  // Connect reads the real conversation only for a report (it is already marked active by the probe above).
  const connectReal = input.report === undefined ? undefined : real;
  const connect = await probe('connect', access, { org, conn, observe }, connectReal);
  const connectOk = !connect.error || acceptedWith404(connect, connectReal);
  checks.push(...conversationDataChecks(access, data, real, connectOk));
  checks.push(connectCheck(conn, connect, connectReal));
  for (const p of [data, connect]) if (isUnreachable(p.error)) unreachable.push(p.error);

  const context = autoContext({ ...access, api: 'auto', conn });
  const decisions = targets.map((ref) => ({ ref, decision: decide(ref, context) }));
  // The ConversationEntry records of the first record auto reads them for (or, for a report, of the first record).
  const entriesTarget = decisions.find((d) => d.decision.source === 'conversation-entry')?.ref ?? (recorder ? targets.find((t) => t.recordId) : undefined);
  const entries = entriesTarget ? await probe('conversation-entry', access, { org, conn, observe }, undefined, entriesTarget) : undefined;
  checks.push(pickCheck(decisions, context, entriesReadable, entries, entriesTarget));
  checks.push(await dataCloudCheck(access, { org, conn }, unreachable));
  checks.push(proxyCheck(access, conn.instanceUrl, unreachable));
  return finish(checks, input, recorder, decisions.map((d) => d.decision), conn.getApiVersion());
}

/** ConversationEntry readable: the "Access Conversation Entries" permission (a warning: only some channels need it). */
async function entriesObjectCheck(conn: Connection, checks: Check[]): Promise<boolean> {
  try {
    await conn.query('SELECT Id FROM ConversationEntry LIMIT 1');
    checks.push(check('entriesObject', 'pass'));
    return true;
  } catch (error) {
    const code = (error as { errorCode?: string }).errorCode ?? (error as Error).name ?? 'UNKNOWN';
    checks.push(isNotReadable(error) ? check('entriesObject', 'warn', [code]) : check('entriesObject', 'warn', [messageOf(error).split('\n').pop() ?? ''], null, 'failed'));
    return false;
  }
}

/** VoiceCall.ConversationId: there with call monitoring; without it, calls are read from their ConversationEntry records. */
async function voiceCallCheck(conn: Connection): Promise<Check> {
  try {
    const described = await conn.describe('VoiceCall');
    return described.fields.some((f) => f.name === 'ConversationId') ? check('voiceCall', 'pass') : check('voiceCall', 'warn');
  } catch {
    // No describe: the org has no Service Cloud Voice (or the user can't see calls): nothing to check.
    return check('voiceCall', 'skip', [], null, 'noVoice');
  }
}

/** The records named, looked up as get looks them up: one session, one call, or a case's conversations. */
async function lookup(conn: Connection, orgId: string, named: Named, checks: Check[]): Promise<ConversationRef[]> {
  const { sessionId18, voiceCallId18, caseKey } = named;
  if (!sessionId18 && !voiceCallId18 && !caseKey) {
    checks.push(check('session', 'skip'));
    return [];
  }
  try {
    let refs: ConversationRef[];
    if (sessionId18) refs = [refOf(await lookupSession(conn, sessionId18, orgId))];
    else if (voiceCallId18) refs = [refOf(await voiceCallConversation(conn, voiceCallId18, orgId))];
    else refs = (await caseConversations(conn, caseKey as CaseKey, orgId)).conversations.map(refOf);
    const lines = refs.map((r) =>
      sources.text(r.conversationIdentifier ? 'record.withConversation' : 'record.withoutConversation', [r.kind ?? 'MessagingSession', r.recordId ?? '', r.conversationIdentifier ?? ''])
    );
    checks.push(refs.length ? check('session', 'pass', [lines.join('; ')], null, 'found') : check('session', 'warn', [], null, 'emptyCase'));
    return refs;
  } catch (error) {
    checks.push(check('session', 'fail', [messageOf(error)], actionsOf(error)));
    return [];
  }
}

const refOf = (row: { sessionId: string; conversationIdentifier: string | null; kind?: 'MessagingSession' | 'VoiceCall' }): ConversationRef => ({
  recordId: row.sessionId,
  conversationIdentifier: row.conversationIdentifier,
  kind: kindOf(row),
});

/**
 * Opens the source as `get` would (its warnings are this command's checks) and reads one conversation's first page:
 * the APIs a random conversation unless a real one is given; the ConversationEntry source the given record's records.
 */
async function probe(
  api: SourceName,
  access: CheckedAccess,
  { org, conn, observe }: { org: Org; conn: Connection; observe?: Observe },
  real?: string,
  record?: ConversationRef
): Promise<Probe> {
  let source: RunSource | undefined;
  try {
    const clientId = api === 'conversation-data' ? access.clientId : undefined;
    if (clientId !== undefined && !access.settings.clientSecret) throw missingClientSecret();
    source = await openSource({ ...access, api, clientId, org, conn, warn: () => undefined, retry: PROBE, observe });
    // A random identifier: the answer says whether the token is accepted without touching a real conversation.
    await source.read(record ?? { recordId: null, conversationIdentifier: real ?? randomUUID() }, { limit: real !== undefined || record ? PROBE_ENTRIES : 1 });
    return { source, status: 200 };
  } catch (error) {
    return { source, error };
  }
}

/** With a random conversation, "not found" is the answer of an API that accepted the token. */
const acceptedWith404 = (p: Probe, real?: string): boolean => !real && (p.error as Error | undefined)?.name === 'ConversationNotFoundError';

/**
 * The token check and the Conversation Data API check, decided together so they never contradict each other: the
 * API's answer is the evidence, the token's shape only explains it. An org token the API refuses is not a broken
 * setup when Connect takes it (`--api auto` then reads Connect, text only, as get does): both are warnings that say so
 * and name the setup for the full payload. With --client-id the API was asked for, so its refusal fails.
 */
function conversationDataChecks(access: CheckedAccess, p: Probe, real: string | undefined, connectOk: boolean): Check[] {
  const where = displayUrl(access.settings.baseUrl);
  const accepted = !p.error || acceptedWith404(p, real);
  const refused = (p.error as { exitCode?: number } | undefined)?.exitCode === ExitCode.Auth;
  if (p.source?.token && !accepted && refused && connectOk && access.clientId === undefined) {
    return [
      check('token', 'warn', [p.source.token.description], text('action.token.fail'), 'textOnly'),
      check('conversationData', 'warn', [where, messageOf(p.error).split('\n')[0]], text('action.token.fail'), 'textOnly'),
    ];
  }
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

function connectCheck(conn: Connection, p: Probe, real?: string): Check {
  const instance = displayUrl(new URL(conn.instanceUrl));
  if (!p.error || acceptedWith404(p, real)) return check('connect', 'pass', [instance]);
  return check('connect', 'fail', [instance, messageOf(p.error)], actionsOf(p.error) || null);
}

/**
 * Which source `--api auto` picks for each record named, and why (sources/auto.ts, the code get and export run). It
 * fails when a record needs its ConversationEntry records and they can't be read.
 */
function pickCheck(
  decisions: Array<{ ref: ConversationRef; decision: Decision }>,
  context: ReturnType<typeof autoContext>,
  entriesReadable: boolean,
  entries: Probe | undefined,
  entriesTarget: ConversationRef | undefined
): Check {
  if (!decisions.length) return check('pick', 'skip');
  const lines = decisions.map(({ ref, decision }) =>
    sources.text('pick.line', [ref.kind ?? 'MessagingSession', ref.recordId ?? '', sourceLabel(decision.source), explain(decision, context)])
  );
  const needsEntries = decisions.some((d) => d.decision.source === 'conversation-entry');
  const entriesFailed = entries?.error && (entries.error as Error).name !== 'NoConversationError' ? entries.error : undefined;
  if (needsEntries && (!entriesReadable || entriesFailed)) {
    const why = entriesFailed ? messageOf(entriesFailed) : sources.text('pick.notReadable');
    const actions = entriesFailed ? actionsOf(entriesFailed) : '';
    return check('pick', 'fail', [lines.join(' '), why], actions === '' ? null : actions);
  }
  const read = entries && entriesTarget && !entries.error ? ` ${sources.text('pick.entriesRead', [entriesTarget.recordId ?? ''])}` : '';
  return check('pick', 'pass', [`${lines.join(' ')}${read}`]);
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
    const { model } = source as unknown as DataCloudSource;
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

/** The report's format version: raised when a field changes meaning. */
export const REPORT_VERSION = 1;

/**
 * The contract report: each check's name and status (never its detail, which quotes the org), what auto decided for
 * each record named (the kind of record, the source and why, no Id), and each source's exchanges, described without
 * values (sources/contract.ts). Written atomically; the report holds no text, id, name, token or org host.
 */
async function finish(checks: Check[], input: DoctorInput, recorder: Recorder | undefined, decisions: Decision[], apiVersion: string | undefined): Promise<DoctorResult> {
  if (input.report === undefined || !recorder) return { checks };
  const report = {
    report: 'sf conversation doctor --report',
    reportVersion: REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    plugin: { name: 'plugin-conversation', version: input.pluginVersion ?? null },
    node: process.version,
    apiVersion: apiVersion ?? null,
    checks: checks.map((c) => ({ check: c.name, status: c.status })),
    autoDecisions: decisions.map((d) => ({ source: d.source, reason: d.reason, fallback: d.fallback ?? null })),
    sources: recorder.records(),
  };
  await writeFileAtomically(input.report, [`${JSON.stringify(report, null, 2)}\n`], input.force ?? false, REPORT_FILE);
  return { checks, report: input.report };
}
