/*
 * `markdown`: a header table and one paragraph per entry. Chat text renders as itself: no emphasis, links,
 * autolinks, HTML, tables or headings out of what a customer typed, and controls shown as escapes (sanitize.ts).
 */
import { bundle } from '../../messages.js';
import { sanitizeLine, sanitizeText } from '../../sanitize.js';
import { senderLabel } from '../normalize.js';
import { formatInstant } from '../time.js';
import { renderEach, type Format } from './format.js';

const labels = bundle('transcript');

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

/** Text that renders as itself in Markdown. */
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

export const markdown: Format = {
  extension: 'md',
  *render({ header, entries, utc }) {
    const times = entries.map((e) => e.time).filter((t): t is number => t !== undefined);
    const range = times.length ? `${formatInstant(Math.min(...times), utc)} – ${formatInstant(Math.max(...times), utc)}` : labels.text('markdown.unknownRange');
    const row = (key: string, value: string): string => `| ${labels.text(`markdown.${key}`)} | ${value} |\n`;
    yield `# ${labels.text('markdown.title')}\n\n`;
    yield `| ${labels.text('markdown.field')} | ${labels.text('markdown.value')} |\n| --- | --- |\n`;
    if (header.sessionId) yield row('session', markdownCell(header.sessionId));
    if (header.voiceCallId) yield row('voiceCall', markdownCell(header.voiceCallId));
    if (header.conversationIdentifier) yield row('conversation', markdownCell(header.conversationIdentifier));
    yield row('org', markdownCell(header.orgId));
    if (header.startTime !== undefined) yield row('started', formatInstant(header.startTime, utc));
    if (header.channel) yield row('channel', markdownCell(header.channel));
    if (header.source) yield row('source', escapeMarkdown(header.source));
    yield row('timeRange', range);
    yield row('entries', String(header.entryCount));
    if (!header.complete) yield row('incomplete', escapeMarkdown(header.incompleteReason ?? ''));
    if (header.note) yield row('note', escapeMarkdown(header.note));
    for (const e of entries) {
      const when = e.time === undefined ? labels.text('markdown.noTime') : formatInstant(e.time, utc);
      yield `\n**${escapeMarkdown(sanitizeLine(senderLabel(e)))}** · ${when}  \n${escapeMarkdown(e.text)}\n`;
    }
  },
  // Each conversation as its own document (its header table says which), a thematic break between them.
  renderMany: (renderings) => renderEach(markdown, renderings, '\n---\n\n'),
};
