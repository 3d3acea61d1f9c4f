/*
 * The whole of `conversation entries get` below the command: fetch the entries, redact them if asked, and write
 * the chosen format to a file if asked. The command only parses flags and renders to stdout.
 */
import { basename, dirname } from 'node:path';
import { messages } from '../messages.js';
import { REDACTION_KINDS } from '../transcript/redact.js';
import { render, type ResultFormat, type TranscriptHeader } from '../transcript/formats/index.js';
import { toTranscript, type TranscriptEntry } from '../transcript/normalize.js';
import { checkOutputFile, removeStaleTempFiles, writeFileAtomically } from '../files/output.js';
import { redactConversation } from '../transcript/redaction.js';
import { getConversationEntries, type ConversationEntriesResult, type GetEntriesEvents, type GetEntriesInput } from './get.js';

export type GetTranscriptInput = GetEntriesInput & {
  format: ResultFormat;
  utc: boolean;
  redact: boolean;
  outputFile?: string;
  force: boolean;
};

export type Transcript = {
  result: ConversationEntriesResult;
  header: TranscriptHeader;
  /** Rendered lazily, only when something is written. */
  lines: () => Iterable<string>;
  /** Set when the transcript was written to a file. */
  file?: string;
};

export async function getTranscript(input: GetTranscriptInput, events: GetEntriesEvents): Promise<Transcript> {
  if (input.outputFile !== undefined) await checkOutputFile(input.outputFile, input.force);
  // stats and orgId are for the caller's log and header, not part of the --json result.
  const { stats, orgId, ...fetched } = await getConversationEntries(input, events);
  let result: ConversationEntriesResult = fetched;
  let transcript: TranscriptEntry[] | undefined;
  if (input.redact) {
    // Redacted before anything is shown, so the warning's counts cover every format (see transcript/redaction.ts).
    const { entries, transcript: redacted, counts } = redactConversation(fetched.entries);
    result = { ...fetched, entries };
    transcript = redacted;
    events.warn(
      REDACTION_KINDS.some((kind) => counts[kind] > 0)
        ? messages.getMessage('warning.Redacted', REDACTION_KINDS.map((kind) => String(counts[kind])))
        : messages.getMessage('warning.RedactedNothing')
    );
  }
  events.debug?.(`requests ${stats.requests}, retries ${stats.retries}, token refreshes ${stats.refreshes}`);
  const header: TranscriptHeader = {
    sessionId: result.sessionId,
    conversationIdentifier: result.conversationIdentifier,
    orgId,
    entryCount: result.entryCount,
  };
  const lines = (): Iterable<string> =>
    render((transcript ??= toTranscript(result.entries)), { format: input.format, utc: input.utc, header });
  if (input.outputFile !== undefined) {
    // A get killed while writing leaves its temp file; the next one writing that file tidies it (as export does).
    await removeStaleTempFiles(dirname(input.outputFile), basename(input.outputFile));
    await writeFileAtomically(input.outputFile, lines(), input.force);
    return { result, header, lines, file: input.outputFile };
  }
  return { result, header, lines };
}
