/*
 * `csv`: one row per entry, the documented columns, for a spreadsheet. No cell can run as a formula.
 */
import { stringify, type Options as CsvOptions } from 'csv-stringify/sync';
import { sanitizeText } from '../../sanitize.js';
import { iso, type Format, type TranscriptHeader } from './format.js';

/** The documented CSV columns, in order. */
export const CSV_COLUMNS = ['time', 'sender_role', 'sender_app_type', 'sender_subject', 'entry_type', 'text', 'identifier'];
/** The columns in front of those when several conversations share one file (get --case): each row says whose it is. */
export const CSV_CONVERSATION_COLUMNS = ['record_type', 'record_id', 'conversation_start', 'channel', 'source'];

const conversationCells = (h: TranscriptHeader): string[] => [
  h.voiceCallId ? 'VoiceCall' : 'MessagingSession',
  h.voiceCallId ?? h.sessionId ?? '',
  iso(h.startTime),
  h.channel ?? '',
  h.sourceName ?? '',
];

/**
 * A cell that starts with = + - @, a tab or a carriage return (or a fullwidth ＝ ＋ － ＠) gets a leading apostrophe,
 * as OWASP recommends against CSV injection, so a spreadsheet shows it as text and never runs it as a formula.
 */
// eslint-disable-next-line camelcase -- csv-stringify's option name
const CSV_OPTIONS: CsvOptions = { escape_formulas: true };

export const csv: Format = {
  extension: 'csv',
  *render({ entries }) {
    yield stringify([CSV_COLUMNS], CSV_OPTIONS);
    for (const e of entries) {
      const cells = [iso(e.time), e.senderRole ?? '', e.senderAppType ?? '', e.senderSubject ?? '', e.entryType ?? '', e.text, e.identifier ?? ''];
      yield stringify([cells.map(sanitizeText)], CSV_OPTIONS);
    }
  },
  // One table: each row starts with its conversation's columns; a conversation without entries is one row with its note.
  *renderMany(renderings) {
    yield stringify([[...CSV_CONVERSATION_COLUMNS, ...CSV_COLUMNS]], CSV_OPTIONS);
    for (const { header, entries } of renderings) {
      const conversation = conversationCells(header);
      if (!entries.length) yield stringify([[...conversation, '', '', '', '', '', header.note ?? '', ''].map(sanitizeText)], CSV_OPTIONS);
      for (const e of entries) {
        const cells = [iso(e.time), e.senderRole ?? '', e.senderAppType ?? '', e.senderSubject ?? '', e.entryType ?? '', e.text, e.identifier ?? ''];
        yield stringify([[...conversation, ...cells].map(sanitizeText)], CSV_OPTIONS);
      }
    }
  },
};
