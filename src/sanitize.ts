/*
 * Text from a customer, the org or an API, made inert for a reader's screen: every character that can drive a
 * terminal or reorder what is shown becomes a visible escape. Pure functions, applied when something is rendered or
 * printed (after HTML entities are decoded, so `&#27;` is caught too), never to the data itself: --json, jsonl and the
 * export's json files keep the API's values exactly.
 *
 * Escaped, each as `\u` and four lower-case hex digits (the JSON and JavaScript notation: ESC is `\u001b`, a lone
 * carriage return `\u000d`, RIGHT-TO-LEFT OVERRIDE `\u202e`):
 * - C0 controls U+0000–U+001F except tab and line feed, DEL U+007F, and C1 controls U+0080–U+009F (ESC, CSI, OSC
 *   and the rest: cursor moves, screen clears, clipboard writes, hyperlinks, window titles);
 * - a carriage return not followed by a line feed (which would let a line overwrite itself); CR LF is a newline;
 * - bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069, and the marks U+200E, U+200F, U+061C
 *   (which make text display in another order than it is read: "Trojan Source");
 * - the line and paragraph separators U+2028 and U+2029.
 * A backslash already in the text is left as it is: the escapes are for reading, not a reversible encoding.
 */

/** Everything that is escaped, except tab, line feed and CR LF. */
// eslint-disable-next-line no-control-regex
const IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/** The same, and tab, line feed and every carriage return: for what must stay on one line. */
// eslint-disable-next-line no-control-regex
const IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Multi-line text (a message): controls escaped; tabs, line feeds and CR LF kept. */
export function sanitizeText(text: string): string {
  return text.replace(IN_TEXT, escape);
}

/** A one-line value (a sender name, an identifier, a server's message): controls, tabs and line breaks escaped. */
export function sanitizeLine(text: string): string {
  return text.replace(IN_LINE, escape);
}
