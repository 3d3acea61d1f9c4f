/*
 * The transcript in each output format, as generators of text chunks: a 10,000-entry conversation is written
 * piece by piece and never built as one string.
 */
import { stringify } from 'csv-stringify/sync';
import { formatInstant } from '../time.js';
import { senderLabel, type TranscriptEntry } from './normalize.js';
import { htmlTranscript } from './html.js';

export const RESULT_FORMATS = ['human', 'csv', 'jsonl', 'markdown', 'html'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export type TranscriptHeader = {
  sessionId: string | null;
  conversationIdentifier: string;
  orgId: string;
  entryCount: number;
  /** Where the entries came from (e.g. "Conversation Data API"), for the formats that show it. */
  source?: string;
};

export type RenderOptions = { format: ResultFormat; utc: boolean; header: TranscriptHeader };

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

export function* humanLines(entries: Iterable<TranscriptEntry>, utc: boolean): Generator<string> {
  for (const e of entries) {
    const when = e.time === undefined ? '(no time)'.padEnd(utc ? 20 : 25) : formatInstant(e.time, utc);
    // Continuation lines are indented, so every entry still starts its line with the time.
    yield `${when}  ${senderLabel(e)}: ${e.text.replace(/\r?\n/g, '\n    ')}\n`;
  }
}

/** The documented CSV columns, in order. */
export const CSV_COLUMNS = ['time', 'sender_role', 'sender_app_type', 'sender_subject', 'entry_type', 'text', 'identifier'];

export function* csvChunks(entries: Iterable<TranscriptEntry>): Generator<string> {
  yield stringify([CSV_COLUMNS]);
  for (const e of entries) {
    yield stringify([
      [iso(e.time), e.senderRole ?? '', e.senderAppType ?? '', e.senderSubject ?? '', e.entryType ?? '', e.text, e.identifier ?? ''],
    ]);
  }
}

/** One JSON object per line: the normalised fields, and the raw API entry under `raw`. */
export function* jsonlLines(entries: Iterable<TranscriptEntry>): Generator<string> {
  for (const e of entries) {
    yield `${JSON.stringify({
      time: e.time === undefined ? null : iso(e.time),
      senderRole: e.senderRole ?? null,
      senderAppType: e.senderAppType ?? null,
      senderSubject: e.senderSubject ?? null,
      senderName: e.senderName ?? null,
      entryType: e.entryType ?? null,
      text: e.text,
      identifier: e.identifier ?? null,
      raw: e.raw,
    })}\n`;
  }
}

/** Text that renders as itself in Markdown: no emphasis, links, HTML, tables or headings out of chat text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]{}|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([#+-]|\d+[.)])/gm, '$1\\$2')
    .replace(/\r?\n/g, '  \n');
}

export function* markdownLines(entries: TranscriptEntry[], header: TranscriptHeader, utc: boolean): Generator<string> {
  const times = entries.map((e) => e.time).filter((t): t is number => t !== undefined);
  const range = times.length ? `${formatInstant(Math.min(...times), utc)} – ${formatInstant(Math.max(...times), utc)}` : 'unknown';
  yield '# Conversation transcript\n\n';
  yield '| Field | Value |\n| --- | --- |\n';
  if (header.sessionId) yield `| MessagingSession | \`${header.sessionId}\` |\n`;
  yield `| Conversation | \`${header.conversationIdentifier.replace(/`/g, '')}\` |\n`;
  yield `| Org | \`${header.orgId}\` |\n`;
  yield `| Time range | ${range} |\n`;
  yield `| Entries | ${header.entryCount} |\n`;
  for (const e of entries) {
    const when = e.time === undefined ? 'no time' : formatInstant(e.time, utc);
    yield `\n**${escapeMarkdown(senderLabel(e))}** · ${when}  \n${escapeMarkdown(e.text)}\n`;
  }
}

export function render(entries: TranscriptEntry[], options: RenderOptions): Iterable<string> {
  switch (options.format) {
    case 'csv':
      return csvChunks(entries);
    case 'jsonl':
      return jsonlLines(entries);
    case 'markdown':
      return markdownLines(entries, options.header, options.utc);
    case 'html':
      return htmlTranscript(entries, options.header, options.utc);
    default:
      return humanLines(entries, options.utc);
  }
}
