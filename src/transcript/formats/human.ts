/*
 * `human`: one line per entry for a terminal: the time, the sender, the text. Everything from the org or the API is
 * made inert (sanitize.ts): a customer's control sequences are shown as escapes, never sent to the terminal.
 */
import { sanitizeLine, sanitizeText } from '../../sanitize.js';
import { senderLabel } from '../normalize.js';
import { formatInstant } from '../time.js';
import { headerLine, type Format, type Rendering } from './format.js';

function* lines({ entries, utc }: Rendering): Generator<string> {
  for (const e of entries) {
    const when = e.time === undefined ? '(no time)'.padEnd(utc ? 20 : 25) : formatInstant(e.time, utc);
    // Continuation lines are indented, so every entry still starts its line with the time; the sender stays on one line.
    yield `${when}  ${sanitizeLine(senderLabel(e))}: ${sanitizeText(e.text).replace(/\r?\n/g, '\n    ')}\n`;
  }
}

export const human: Format = {
  extension: 'txt',
  render: lines,
  // Each conversation under a header line (record, start, channel, source, count), a blank line between them.
  *renderMany(renderings) {
    let first = true;
    for (const rendering of renderings) {
      yield `${first ? '' : '\n'}=== ${sanitizeLine(headerLine(rendering.header, rendering.utc))} ===\n`;
      first = false;
      yield* lines(rendering);
    }
  },
};
