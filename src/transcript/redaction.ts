/*
 * `--redact` for one conversation: the one place that decides what every output shows. The raw entries are
 * redacted value by value (redact.ts: on the decoded text), the transcript every format renders is built from
 * those redacted entries, and its shown fields are checked once more, because the transcript joins several values
 * into one line (a payload's text, choices and attachments; a summary of an event's fields). Each masked item is
 * counted once: what was masked in the raw entries is already a placeholder in the transcript, and placeholders
 * are never masked or counted again.
 */
import type { ConversationEntry } from '../sources/api/page.js';
import { bundle } from '../messages.js';
import { REDACTION_KINDS, emptyCounts, redactEntry, redactText, type RedactionCounts } from './redact.js';
import { toTranscript, type TranscriptEntry } from './normalize.js';

const messages = bundle('transcript');

export type RedactedConversation = {
  /** The raw entries, for --json and the JSON Lines `raw`: every value where something was masked is decoded. */
  entries: ConversationEntry[];
  /** The transcript every format renders, built from those entries. */
  transcript: TranscriptEntry[];
  /** How many of each kind were masked, each item once. */
  counts: RedactionCounts;
};

export function redactConversation(entries: ConversationEntry[]): RedactedConversation {
  const counts = emptyCounts();
  const redacted = entries.map((entry) => redactEntry(entry, counts));
  const shown = (value: string | undefined): string | undefined => (value === undefined ? undefined : redactText(value, counts));
  const transcript = toTranscript(redacted).map((entry) => ({
    ...entry,
    text: redactText(entry.text, counts),
    senderSubject: shown(entry.senderSubject),
    senderName: shown(entry.senderName),
  }));
  return { entries: redacted, transcript, counts };
}

/** What --redact says after a conversation: how many of each kind it masked, or that it found nothing. */
export function redactionWarning(counts: RedactionCounts): string {
  return REDACTION_KINDS.some((kind) => counts[kind] > 0)
    ? messages.text('warning.Redacted', REDACTION_KINDS.map((kind) => String(counts[kind])))
    : messages.text('warning.RedactedNothing');
}
