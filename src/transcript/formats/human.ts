/*
 * `human`: one line per entry for a terminal: the time, the sender, the text. Everything from the org or the API is
 * made inert (sanitize.ts): a customer's control sequences are shown as escapes, never sent to the terminal.
 */
import { sanitizeLine, sanitizeText } from '../../sanitize.js';
import { senderLabel } from '../normalize.js';
import { formatInstant } from '../time.js';
import type { Format } from './format.js';

export const human: Format = {
  extension: 'txt',
  *render({ entries, utc }) {
    for (const e of entries) {
      const when = e.time === undefined ? '(no time)'.padEnd(utc ? 20 : 25) : formatInstant(e.time, utc);
      // Continuation lines are indented, so every entry still starts its line with the time; the sender stays on one line.
      yield `${when}  ${sanitizeLine(senderLabel(e))}: ${sanitizeText(e.text).replace(/\r?\n/g, '\n    ')}\n`;
    }
  },
};
