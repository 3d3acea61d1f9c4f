/*
 * `sf conversation entries get`: one conversation's transcript (a MessagingSession, a VoiceCall, or a conversation
 * identifier), or every conversation of a Case, oldest first. Every value is checked before the org is loaded (bad
 * input makes no request), then the record is looked up (one query; a case 2 or 3, org/conversations.ts), each
 * conversation's entries read from the source --api chose (auto: per conversation, sources/auto.ts), put in their one
 * order, redacted if asked, and written to a file if asked. The outcome says whether a transcript is known to be
 * incomplete; the command maps that to an exit code.
 */
import { basename, dirname } from 'node:path';
import PQueue from 'p-queue';
import type { SfError } from '@salesforce/core';
import { checkAccess, type AccessInput, type CheckedAccess } from '../input/access.js';
import { checkCase, checkConversationIdentifier, checkSessionId, checkVoiceCallId, type CaseKey } from '../input/ids.js';
import { checkWindow } from '../input/time.js';
import { checkOutputFile, removeStaleTempFiles, writeFileAtomically } from '../files/output.js';
import { bundle, ExitCode } from '../messages.js';
import { caseConversations, kindOf, voiceCallConversation } from '../org/conversations.js';
import { connectionFor, loadOrg, refresh } from '../org/org.js';
import { lookupSession, type SessionRow } from '../org/sessions.js';
import type { RetryPolicy } from '../sources/api/retry.js';
import { needsRecord } from '../sources/conversationEntry.js';
import { openSource, sourceLabel, type RunSource, type SourcedRead } from '../sources/open.js';
import type { ConversationRef, RawEntry } from '../sources/source.js';
import {
  caseConversationDocument,
  conversationDocument,
  formatOf,
  renderConversations,
  type CaseDocument,
  type ConversationDocument,
  type FormatName,
  type Rendering,
  type TranscriptHeader,
} from '../transcript/formats/index.js';
import { recordLabel } from '../transcript/formats/format.js';
import { labelText } from '../transcript/labels.js';
import { toTranscript, type TranscriptEntry } from '../transcript/normalize.js';
import { orderEntries } from '../transcript/order.js';
import { emptyCounts, REDACTION_KINDS, type RedactionCounts } from '../transcript/redact.js';
import { redactConversation, redactionWarning } from '../transcript/redaction.js';
import { soqlDateTime } from '../sources/conversationEntryTime.js';

const own = bundle('get.conversations');

export type GetInput = AccessInput & {
  targetOrg?: string;
  sessionId?: string;
  conversationId?: string;
  voiceCallId?: string;
  /** A Case Id or CaseNumber: every conversation of the case. */
  case?: string;
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

/**
 * get's --json result: one conversation as one document (the same object export writes as a json file), or, for
 * --case, the case document with one such document per conversation (transcript/formats/json.ts).
 */
export type GetResult = ConversationDocument | CaseDocument;

/** What is shown and written, whichever kind of get it was. */
type Rendered = {
  /** The chosen format, rendered lazily: only when something is written. */
  lines: () => Iterable<string>;
  /** Set when the transcript was written to a file. */
  file?: string;
  /** True when a transcript is known to be incomplete, or a case's conversation could not be read (exit Partial). */
  partial: boolean;
};

/** One conversation (--session-id, --voice-call-id, --conversation-id): its document and its header. */
export type GetOutcome = Rendered & { result: ConversationDocument; header: TranscriptHeader };

/** Every conversation of a case (--case): the case document, and each conversation's header, in order. */
export type CaseOutcome = Rendered & {
  result: CaseDocument;
  /** None for an empty case. */
  headers: TranscriptHeader[];
  case: { caseId: string; caseNumber: string | null };
};

/** What getTranscript checked before any request. */
export type CheckedGet = {
  sessionId18?: string;
  conversationId?: string;
  voiceCallId18?: string;
  caseKey?: CaseKey;
  window: ReturnType<typeof checkWindow>;
  access: CheckedAccess;
  /** The file to write, or undefined for standard output. */
  outputFile?: string;
};

/** Every check that needs no network: throws a named error (exit 2) for the first bad value. */
export async function checkGetInput(input: GetInput): Promise<CheckedGet> {
  const given = [input.sessionId, input.conversationId, input.voiceCallId, input.case].filter((v) => v !== undefined).length;
  if (given !== 1) throw own.fail('OneConversation', ExitCode.InvalidInput);
  const sessionId18 = input.sessionId === undefined ? undefined : checkSessionId(input.sessionId);
  const conversationId = input.conversationId === undefined ? undefined : checkConversationIdentifier(input.conversationId);
  const voiceCallId18 = input.voiceCallId === undefined ? undefined : checkVoiceCallId(input.voiceCallId);
  const caseKey = input.case === undefined ? undefined : checkCase(input.case);
  const window = checkWindow(input);
  const access = checkAccess(input);
  // ConversationEntry records belong to a record: a bare conversation identifier names none.
  if (conversationId !== undefined && access.api === 'conversation-entry') throw needsRecord();
  const outputFile = input.outputFile === '-' ? undefined : input.outputFile;
  if (outputFile !== undefined) await checkOutputFile(outputFile, input.force ?? false);
  return { sessionId18, conversationId, voiceCallId18, caseKey, window, access, outputFile };
}

/** A conversation to read, and what its header says about it before it is read. */
type Target = { ref: ConversationRef; row?: SessionRow };

const startOf = (row?: SessionRow): number | undefined => (row?.startTime ? soqlDateTime(row.startTime) : undefined);

const targetOf = (row: SessionRow): Target => ({
  ref: { recordId: row.sessionId, conversationIdentifier: row.conversationIdentifier, kind: kindOf(row) },
  row,
});

/** Read, ordered, redacted (counting into `counts`) and described: one conversation. */
type Done = { rendering: Omit<Rendering, 'utc'>; raw: RawEntry[]; read?: SourcedRead; error?: SfError };

function headerOf(target: Target, orgId: string, entries: readonly RawEntry[], read: SourcedRead | undefined, source: RunSource): TranscriptHeader {
  const { ref, row } = target;
  const sourceName = read?.source ?? source.decide(ref).source;
  return {
    sessionId: ref.kind === 'VoiceCall' ? null : ref.recordId,
    ...(ref.kind === 'VoiceCall' ? { voiceCallId: ref.recordId } : {}),
    conversationIdentifier: ref.conversationIdentifier,
    orgId,
    entryCount: entries.length,
    complete: read ? read.incomplete === null : true,
    incompleteReason: read?.incomplete ?? null,
    source: sourceLabel(sourceName),
    sourceName,
    ...(row ? { startTime: startOf(row), channel: row.channel } : {}),
    ...(read?.columns ? { columns: read.columns } : {}),
  };
}

/** One conversation's transcript: --session-id, --voice-call-id or --conversation-id (a --case is getCaseTranscripts'). */
export async function getTranscript(input: GetInput, events: GetEvents): Promise<GetOutcome> {
  const checked = await checkGetInput(input);
  if (checked.caseKey) throw own.fail('OneConversation', ExitCode.InvalidInput);
  return (await run(input, checked, events)) as GetOutcome;
}

/** Every conversation of a case (--case), oldest first, each under its own header. */
export async function getCaseTranscripts(input: GetInput, events: GetEvents): Promise<CaseOutcome> {
  const checked = await checkGetInput(input);
  if (!checked.caseKey) throw own.fail('OneConversation', ExitCode.InvalidInput);
  return (await run(input, checked, events)) as CaseOutcome;
}

async function run(input: GetInput, checked: CheckedGet, events: GetEvents): Promise<GetOutcome | CaseOutcome> {
  const { sessionId18, conversationId, voiceCallId18, caseKey, window, access, outputFile } = checked;
  access.settings.warnings.forEach(events.warn);

  const org = await loadOrg(input.targetOrg);
  const { conn, warning } = connectionFor(org, input.apiVersion);
  if (warning) events.warn(warning);
  const orgId = org.getOrgId();

  events.phase?.('lookup');
  // The lookups run through the Connection, which refreshes an expired token, so the token read below is current.
  let targets: Target[];
  let caseFound: Awaited<ReturnType<typeof caseConversations>> | undefined;
  if (sessionId18) {
    targets = [targetOf(await lookupSession(conn, sessionId18, orgId))];
  } else if (voiceCallId18) {
    targets = [targetOf(await voiceCallConversation(conn, voiceCallId18, orgId))];
  } else if (caseKey) {
    caseFound = await caseConversations(conn, caseKey, orgId);
    caseFound.warnings.forEach(events.warn);
    targets = caseFound.conversations.map(targetOf);
    if (!targets.length) events.warn(own.text('warning.EmptyCase', [caseFound.caseNumber ?? caseFound.caseId]));
  } else {
    targets = [{ ref: { recordId: null, conversationIdentifier: conversationId as string } }];
    // No query has checked the org's token yet; with client credentials it is not used at all.
    if (!access.clientId) await refresh(org, conn.instanceUrl);
  }

  events.phase?.('fetch');
  const source = await openSource({ ...access, org, conn, warn: events.warn, retry: input.retry });
  const counts: RedactionCounts = emptyCounts();
  const done: Done[] = [];
  const context: ReadContext = { source, window, redact: input.redact ?? false, counts, orgId, events, many: Boolean(caseKey) };
  // A case's conversations are read a few at a time; each is then taken in the case's order (its warnings too).
  const reads = readAll(targets, context);
  for (const [i, target] of targets.entries()) {
    // eslint-disable-next-line no-await-in-loop -- in order: the first failure that stops the run is the first in order
    done.push(finishOne(target, await reads[i], context));
  }
  events.debug?.(`requests ${source.stats.requests}, retries ${source.stats.retries}, token refreshes ${source.stats.refreshes}`);
  if (input.redact) {
    // Redacted before anything is shown, so the warning's counts cover every format (transcript/redaction.ts).
    events.warn(redactionWarning(counts));
  }

  const utc = input.utc ?? false;
  const format = input.format ?? 'human';
  const renderings: Rendering[] = done.map((d) => ({ ...d.rendering, utc }));
  const headers = renderings.map((r) => r.header);
  let outcome: GetOutcome | CaseOutcome;
  if (caseKey && caseFound) {
    const conversations = done.map((d) =>
      caseConversationDocument(d.rendering.header, d.raw, d.error ? { name: d.error.name, message: d.error.message } : null)
    );
    const result: CaseDocument = {
      caseId: caseFound.caseId,
      caseNumber: caseFound.caseNumber,
      conversationCount: conversations.length,
      complete: conversations.every((c) => c.complete),
      conversations,
    };
    outcome = {
      result,
      headers,
      case: { caseId: caseFound.caseId, caseNumber: caseFound.caseNumber },
      lines: () => renderConversations(format, renderings),
      partial: !result.complete,
    };
  } else {
    const [only] = done;
    outcome = {
      result: conversationDocument(only.rendering.header, only.raw),
      header: only.rendering.header,
      lines: () => formatOf(format).render(renderings[0]),
      partial: !only.rendering.header.complete,
    };
  }
  if (outputFile === undefined) return outcome;
  // A get killed while writing leaves its temp file; the next one writing that file tidies it (as export does).
  await removeStaleTempFiles(dirname(outputFile), basename(outputFile));
  await writeFileAtomically(outputFile, outcome.lines(), input.force ?? false);
  return { ...outcome, file: outputFile };
}

type ReadContext = {
  source: RunSource;
  window: ReturnType<typeof checkWindow>;
  redact: boolean;
  counts: RedactionCounts;
  orgId: string;
  events: GetEvents;
  /** One of a case's conversations: one that has no entries, or can't be read, is listed rather than ending the run. */
  many: boolean;
};

/** Exit codes that mean no conversation of the run can be read: the whole command stops with them. */
const FATAL = new Set<number>([ExitCode.Auth, ExitCode.Unreachable, ExitCode.InvalidInput]);

/** How many of a case's conversations are read at once: a case has a few, and a rate limit is shared by all. */
const READS_AT_ONCE = 4;

type ReadResult = { read: SourcedRead } | { error: unknown };

/**
 * Starts reading every target, READS_AT_ONCE at a time, in order: one promise per target, which never rejects. The
 * progress is the sum over the conversations read so far. After an error that stops the run, the reads not yet
 * started are skipped (the caller stops at that error, before it would look at them).
 */
function readAll(targets: readonly Target[], { source, window, events }: ReadContext): Array<Promise<ReadResult>> {
  const seen = targets.map(() => ({ entries: 0, pages: 0 }));
  const progress = (i: number) => (entries: number, pages: number): void => {
    seen[i] = { entries, pages };
    events.progress?.(
      seen.reduce((sum, s) => sum + s.entries, 0),
      seen.reduce((sum, s) => sum + s.pages, 0)
    );
  };
  const queue = new PQueue({ concurrency: READS_AT_ONCE });
  let stopped: unknown;
  return targets.map(
    (target, i) =>
      queue.add(async (): Promise<ReadResult> => {
        if (stopped) return { error: stopped };
        try {
          return { read: await source.read(target.ref, { ...window, onPage: progress(i) }) };
        } catch (error) {
          if (FATAL.has((error as SfError).exitCode ?? -1)) stopped = error;
          return { error };
        }
      })
  );
}

function finishOne(target: Target, result: ReadResult, context: ReadContext): Done {
  const { source, window, orgId, events } = context;
  if ('error' in result) {
    const error = result.error as SfError;
    if (!context.many || FATAL.has(error.exitCode ?? -1)) throw error;
    const header = headerOf(target, orgId, [], undefined, source);
    if (error.name === 'NoConversationError') return { rendering: { header: { ...header, note: labelText('note.noEntries') }, entries: [] }, raw: [] };
    // Listed with why it couldn't be read; the case is incomplete (exit Partial), and a warning says which and why.
    events.warn(`${recordLabel(header)}: ${error.message}`);
    return {
      rendering: { header: { ...header, complete: false, note: labelText('note.failed', [error.name]) }, entries: [] },
      raw: [],
      error,
    };
  }
  const { read } = result;
  const label = context.many ? `${recordLabel(headerOf(target, orgId, [], read, source))}: ` : '';
  read.warnings.forEach((warning) => events.warn(`${label}${warning}`));
  let entries = orderEntries(read.entries, window.limit);
  let transcript: TranscriptEntry[];
  if (context.redact) {
    const redacted = redactConversation(entries);
    ({ entries, transcript } = redacted);
    // eslint-disable-next-line no-param-reassign -- the run's counts, one warning for every conversation
    for (const kind of REDACTION_KINDS) context.counts[kind] += redacted.counts[kind];
  } else {
    transcript = toTranscript(entries);
  }
  const header = headerOf(target, orgId, entries, read, source);
  return { rendering: { header: entries.length || !context.many ? header : { ...header, note: labelText('note.noEntries') }, entries: transcript }, raw: entries, read };
}
