/*
 * The transcript in each output format, as generators of text chunks: a 10,000-entry conversation is written
 * piece by piece and never built as one string.
 */
import { stringify, type Options as CsvOptions } from 'csv-stringify/sync';
import { sanitizeLine, sanitizeText } from '../../sanitize.js';
import { formatInstant } from '../../input/time.js';
import { senderLabel, type TranscriptEntry } from '../normalize.js';
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
    // Continuation lines are indented, so every entry still starts its line with the time; the sender stays on one line.
    yield `${when}  ${sanitizeLine(senderLabel(e))}: ${sanitizeText(e.text).replace(/\r?\n/g, '\n    ')}\n`;
  }
}

/** The documented CSV columns, in order. */
export const CSV_COLUMNS = ['time', 'sender_role', 'sender_app_type', 'sender_subject', 'entry_type', 'text', 'identifier'];

/**
 * A cell that starts with = + - @, a tab or a carriage return (or a fullwidth ＝ ＋ － ＠) gets a leading apostrophe,
 * as OWASP recommends against CSV injection, so a spreadsheet shows it as text and never runs it as a formula.
 */
// eslint-disable-next-line camelcase -- csv-stringify's option name
const CSV_OPTIONS: CsvOptions = { escape_formulas: true };

export function* csvChunks(entries: Iterable<TranscriptEntry>): Generator<string> {
  yield stringify([CSV_COLUMNS], CSV_OPTIONS);
  for (const e of entries) {
    const cells = [iso(e.time), e.senderRole ?? '', e.senderAppType ?? '', e.senderSubject ?? '', e.entryType ?? '', e.text, e.identifier ?? ''];
    yield stringify([cells.map(sanitizeText)], CSV_OPTIONS);
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

/**
 * A word joiner (U+2060, which shows as nothing) written as an entity. Put inside `://`, `www.` and before `@`, it
 * keeps GFM's autolink extension from making a link (GitHub's cmark-gfm and remark-gfm look for these in the text
 * after escapes and entities are decoded, so a backslash or an entity for the character itself would not do).
 */
const NO_LINK = '&#8288;';

/** Chat text's URLs (with a scheme, or `www.`) and email addresses, broken so a GFM renderer shows them as text. */
const breakAutolinks = (markdown: string): string =>
  markdown
    .replace(/:(?=\/\/)/g, `${NO_LINK}:`)
    .replace(/www(?=\.)/gi, `$&${NO_LINK}`)
    .replace(/@/g, `${NO_LINK}@`);

/**
 * Text that renders as itself in Markdown: no emphasis, links, autolinks, HTML, tables or headings out of chat text,
 * and controls shown as escapes (sanitize.ts).
 */
export function escapeMarkdown(text: string): string {
  return breakAutolinks(
    sanitizeText(text)
      .replace(/[\\`*_[\]{}|~]/g, '\\$&')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/^(\s*)([#+=-])/gm, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/gm, '$1\\$2')
      .replace(/\r?\n/g, '  \n')
  );
}

/**
 * A value for the header table, on one line: in a code span when it can be, else as escaped text. A backtick, a
 * backslash or a `|` in a code span inside a table is read differently by GFM renderers (cmark-gfm and micromark
 * disagree on `\\|`), while escaped text splits no cell in either.
 */
export function markdownCell(value: string): string {
  const line = sanitizeLine(value);
  return line && !/[`\\|]/.test(line) ? `\`${line}\`` : escapeMarkdown(line);
}

export function* markdownLines(entries: TranscriptEntry[], header: TranscriptHeader, utc: boolean): Generator<string> {
  const times = entries.map((e) => e.time).filter((t): t is number => t !== undefined);
  const range = times.length ? `${formatInstant(Math.min(...times), utc)} – ${formatInstant(Math.max(...times), utc)}` : 'unknown';
  yield '# Conversation transcript\n\n';
  yield '| Field | Value |\n| --- | --- |\n';
  if (header.sessionId) yield `| MessagingSession | ${markdownCell(header.sessionId)} |\n`;
  yield `| Conversation | ${markdownCell(header.conversationIdentifier)} |\n`;
  yield `| Org | ${markdownCell(header.orgId)} |\n`;
  yield `| Time range | ${range} |\n`;
  yield `| Entries | ${header.entryCount} |\n`;
  for (const e of entries) {
    const when = e.time === undefined ? 'no time' : formatInstant(e.time, utc);
    yield `\n**${escapeMarkdown(sanitizeLine(senderLabel(e)))}** · ${when}  \n${escapeMarkdown(e.text)}\n`;
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
