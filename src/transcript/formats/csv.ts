/*
 * `csv`: one row per entry, the documented columns, for a spreadsheet. No cell can run as a formula.
 */
import { stringify, type Options as CsvOptions } from 'csv-stringify/sync';
import { sanitizeText } from '../../sanitize.js';
import { iso, type Format } from './format.js';

/** The documented CSV columns, in order. */
export const CSV_COLUMNS = ['time', 'sender_role', 'sender_app_type', 'sender_subject', 'entry_type', 'text', 'identifier'];

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
};
