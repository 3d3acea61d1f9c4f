/*
 * `sf conversation entries get`: one conversation's transcript. Every value is checked before the org is loaded (bad
 * input makes no request), then the session's conversation is resolved, its entries read from the run's source,
 * put in their one order, redacted if asked, and written to a file if asked. The outcome says whether the transcript
 * is known to be incomplete; the command maps that to an exit code.
 */
import { basename, dirname } from 'node:path';
import { checkAccess, type AccessInput, type CheckedAccess } from '../input/access.js';
import { checkConversationIdentifier, checkSessionId } from '../input/ids.js';
import { checkWindow } from '../input/time.js';
import { checkOutputFile, removeStaleTempFiles, writeFileAtomically } from '../files/output.js';
import { connectionFor, loadOrg, refresh } from '../org/org.js';
import { resolveConversationIdentifier } from '../org/sessions.js';
import type { RetryPolicy } from '../sources/api/retry.js';
import { openSource, sourceLabel } from '../sources/open.js';
import { conversationDocument, formatOf, type ConversationDocument, type FormatName, type TranscriptHeader } from '../transcript/formats/index.js';
import { toTranscript, type TranscriptEntry } from '../transcript/normalize.js';
import { orderEntries } from '../transcript/order.js';
import { redactConversation, redactionWarning } from '../transcript/redaction.js';


export type GetInput = AccessInput & {
  targetOrg?: string;
  sessionId?: string;
  conversationId?: string;
  start?: string;
  end?: string;
  limit?: number;
  /** Default human. */
  format?: FormatName;
  utc?: boolean;
  redact?: boolean;
  /** A file to write the transcript to; `-` means standard output. */
  outputFile?: string;
  force?: boolean;
  /** How entries requests are retried (default: the client's policy). Tests shorten the backoff. */
  retry?: RetryPolicy;
};

export type GetEvents = {
  warn: (message: string) => void;
  debug?: (message: string) => void;
  phase?: (phase: 'lookup' | 'fetch') => void;
  progress?: (entries: number, pages: number) => void;
};

/** get's --json result: the conversation as one document (the same object export writes as a json file). */
export type GetResult = ConversationDocument;

export type GetOutcome = {
  result: GetResult;
  header: TranscriptHeader;
  /** The chosen format, rendered lazily: only when something is written. */
  lines: () => Iterable<string>;
  /** Set when the transcript was written to a file. */
  file?: string;
  /** True when the transcript is known to be incomplete (the command exits Partial). */
  partial: boolean;
};

/** What getTranscript checked before any request. */
export type CheckedGet = {
  sessionId18?: string;
  conversationId?: string;
  window: ReturnType<typeof checkWindow>;
  access: CheckedAccess;
  /** The file to write, or undefined for standard output. */
  outputFile?: string;
};

/** Every check that needs no network: throws a named error (exit 2) for the first bad value. */
export async function checkGetInput(input: GetInput): Promise<CheckedGet> {
  const sessionId18 = input.sessionId === undefined ? undefined : checkSessionId(input.sessionId);
  const conversationId = input.conversationId === undefined ? undefined : checkConversationIdentifier(input.conversationId);
  const window = checkWindow(input);
  const access = checkAccess(input);
  const outputFile = input.outputFile === '-' ? undefined : input.outputFile;
  if (outputFile !== undefined) await checkOutputFile(outputFile, input.force ?? false);
  return { sessionId18, conversationId, window, access, outputFile };
}

export async function getTranscript(input: GetInput, events: GetEvents): Promise<GetOutcome> {
  const { sessionId18, conversationId: givenConversation, window, access, outputFile } = await checkGetInput(input);
  access.settings.warnings.forEach(events.warn);

  const org = await loadOrg(input.targetOrg);
  const { conn, warning } = connectionFor(org, input.apiVersion);
  if (warning) events.warn(warning);
  const orgId = org.getOrgId();

  events.phase?.('lookup');
  let conversationIdentifier: string;
  if (sessionId18) {
    // The query runs through the Connection, which refreshes an expired token, so the token read below is current.
    conversationIdentifier = await resolveConversationIdentifier(conn, sessionId18, orgId);
  } else {
    conversationIdentifier = givenConversation as string;
    // No query has checked the org's token yet; with client credentials it is not used at all.
    if (!access.clientId) await refresh(org, conn.instanceUrl);
  }

  events.phase?.('fetch');
  const source = await openSource({ ...access, org, conn, warn: events.warn, retry: input.retry });
  const read = await source.read({ recordId: sessionId18 ?? null, conversationIdentifier }, { ...window, onPage: events.progress });
  read.warnings.forEach(events.warn);
  events.debug?.(`requests ${source.stats.requests}, retries ${source.stats.retries}, token refreshes ${source.stats.refreshes}`);

  let entries = orderEntries(read.entries, window.limit);
  let transcript: TranscriptEntry[] | undefined;
  if (input.redact) {
    // Redacted before anything is shown, so the warning's counts cover every format (transcript/redaction.ts).
    const redacted = redactConversation(entries);
    ({ entries, transcript } = redacted);
    events.warn(redactionWarning(redacted.counts));
  }
  const header: TranscriptHeader = {
    sessionId: sessionId18 ?? null,
    conversationIdentifier,
    orgId,
    entryCount: entries.length,
    complete: read.incomplete === null,
    incompleteReason: read.incomplete,
    source: sourceLabel(source.name),
    ...(read.columns ? { columns: read.columns } : {}),
  };
  const result = conversationDocument(header, entries);
  const lines = (): Iterable<string> =>
    formatOf(input.format ?? 'human').render({ header, entries: (transcript ??= toTranscript(entries)), utc: input.utc ?? false });
  const outcome: GetOutcome = { result, header, lines, partial: read.incomplete !== null };
  if (outputFile === undefined) return outcome;
  // A get killed while writing leaves its temp file; the next one writing that file tidies it (as export does).
  await removeStaleTempFiles(dirname(outputFile), basename(outputFile));
  await writeFileAtomically(outputFile, lines(), input.force ?? false);
  return { ...outcome, file: outputFile };
}
