import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS } from '../../src/transcript/formats/csv.js';
import { formatOf, type FormatName, type TranscriptHeader } from '../../src/transcript/formats/index.js';
import { escapeMarkdown } from '../../src/transcript/formats/markdown.js';
import { toTranscript } from '../../src/transcript/normalize.js';
import { CONVERSATIONS, ORG_ID, SESSIONS, entriesOf } from '../emulator/seed.js';

const golden = (name: string): URL => new URL(`../fixtures/golden/${name}`, import.meta.url);
const header: TranscriptHeader = {
  sessionId: SESSIONS.short,
  conversationIdentifier: CONVERSATIONS.short,
  orgId: ORG_ID,
  entryCount: entriesOf(CONVERSATIONS.short).length,
  complete: true,
  incompleteReason: null,
};
const text = (format: FormatName, utc = true): string =>
  [...formatOf(format).render({ entries: toTranscript(entriesOf(CONVERSATIONS.short)), utc, header })].join('');

describe('output formats', () => {
  const files: Record<FormatName, string> = { human: 'short.txt', csv: 'short.csv', jsonl: 'short.jsonl', markdown: 'short.md', html: 'short.html', json: 'short.json' };
  for (const [format, file] of Object.entries(files) as Array<[FormatName, string]>) {
    it(`${format} matches the golden file (UPDATE_GOLDEN=1 rewrites it)`, () => {
      const out = text(format);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden(file), out);
      expect(out).to.equal(readFileSync(golden(file), 'utf8'));
    });
  }

  it('CSV parses back, with the csv library, to the same fields', () => {
    const rows: Array<Record<string, string>> = parse(text('csv'), { columns: true });
    const entries = toTranscript(entriesOf(CONVERSATIONS.short));
    expect(Object.keys(rows[0])).to.deep.equal(CSV_COLUMNS);
    expect(rows).to.have.length(entries.length);
    rows.forEach((row, i) => {
      const e = entries[i];
      // The documented CSV column names are snake_case.
      /* eslint-disable camelcase */
      expect(row).to.deep.equal({
        time: new Date(e.time as number).toISOString(),
        sender_role: e.senderRole ?? '',
        sender_app_type: e.senderAppType ?? '',
        sender_subject: e.senderSubject ?? '',
        entry_type: e.entryType ?? '',
        text: e.text,
        identifier: e.identifier ?? '',
      });
      /* eslint-enable camelcase */
    });
  });

  it('CSV survives commas, quotes, newlines and formula-like text', () => {
    const tricky = [{ identifier: 'x', messageText: 'a, "b"\nc\r\n=SUM(A1)', serverReceivedTimestamp: 1_736_508_081_203 }];
    const csv = [...formatOf('csv').render({ entries: toTranscript(tricky), utc: true, header })].join('');
    const rows: Array<Record<string, string>> = parse(csv, { columns: true });
    expect(rows[0].text).to.equal('a, "b"\nc\r\n=SUM(A1)');
  });

  it('JSONL keeps the raw entry and one object per line', () => {
    const lines = text('jsonl').trimEnd().split('\n');
    const raw = entriesOf(CONVERSATIONS.short);
    expect(lines).to.have.length(raw.length);
    const parsed = lines.map((l) => JSON.parse(l) as { raw: unknown; time: string });
    expect(parsed.map((p) => p.raw)).to.deep.equal(raw);
  });

  it('human and markdown show local time with offset, or UTC with --utc', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      expect(text('human', false).split('\n')[0]).to.match(/^2025-01-10 16:50:00\+05:30 {2}/);
      expect(text('markdown', false)).to.include('· 2025-01-10 16:50:00+05:30');
      expect(text('human', true).split('\n')[0]).to.match(/^2025-01-10 11:20:00Z {2}/);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('markdown escapes chat text so it renders as itself', () => {
    expect(escapeMarkdown('*bold* <script> [x](y) # h\n- item')).to.equal('\\*bold\\* &lt;script&gt; \\[x\\](y) # h  \n\\- item');
  });

  it('renders 10,000 entries in every format as a stream of chunks', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ identifier: `e${i}`, messageText: `m${i}`, serverReceivedTimestamp: 1_736_508_081_203 + i }));
    for (const format of ['human', 'csv', 'jsonl', 'markdown'] as const) {
      let chunks = 0;
      let biggest = 0;
      for (const chunk of formatOf(format).render({ entries: toTranscript(many), utc: true, header })) {
        chunks++;
        biggest = Math.max(biggest, chunk.length);
      }
      expect(chunks, format).to.be.at.least(10_000);
      expect(biggest, format).to.be.lessThan(1000);
    }
  });
});
