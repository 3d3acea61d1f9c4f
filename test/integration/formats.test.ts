/*
 * Output formats, --output-file and --redact through the command, in-process (helpers/command.ts), against the
 * emulator over loopback HTTP.
 */
import { mkdtemp, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { decodeHTML } from 'entities';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';

describe('conversation entries get: formats, files, redaction (integration)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let dir: string;
  const outputs: string[] = [];

  const get = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCommand(['conversation', 'entries', 'get', '-o', 'formats', ...args], { env: { SF_CONVERSATION_API_URL: emu.url, ...env } });
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  before(async () => {
    emu = await startEmulator({ username: 'formats@conversation-emulator.example' });
    await authorizeInProcess(emu, 'formats');
    dir = await mkdtemp(join(tmpdir(), 'transcripts-'));
  });
  beforeEach(() => emu.clearLog());
  after(async () => {
    const token = emu.accessToken;
    for (const text of outputs) expect(text).not.to.include(token);
    for (const file of await readdir(dir)) expect(await readFile(join(dir, file), 'utf8')).not.to.include(token);
    await rm(dir, { recursive: true, force: true });
    await emu?.stop();
  });

  it('every format comes out complete and ordered for the long conversation', async () => {
    const ids = entriesOf(CONVERSATIONS.long).map((e) => e.identifier);
    const human = await get(['-s', SESSIONS.long, '--utc']);
    const humanLines = human.stdout.trimEnd().split('\n');
    expect(humanLines).to.have.length(LONG_ENTRY_COUNT);
    const times = humanLines.map((l) => l.slice(0, 20));
    expect([...times].sort()).to.deep.equal(times);

    const csv: Array<{ identifier: string; time: string }> = parse((await get(['-s', SESSIONS.long, '-r', 'csv'])).stdout, { columns: true });
    expect(new Set(csv.map((r) => r.identifier))).to.deep.equal(new Set(ids));
    expect(csv.map((r) => r.time)).to.deep.equal([...csv.map((r) => r.time)].sort());

    const jsonl = (await get(['-s', SESSIONS.long, '-r', 'jsonl'])).stdout.trimEnd().split('\n');
    expect(jsonl.map((l) => (JSON.parse(l) as { identifier: string }).identifier).sort()).to.deep.equal([...ids].sort());

    const md = (await get(['-s', SESSIONS.long, '-r', 'markdown'])).stdout;
    expect(md.match(/^\*\*/gm)).to.have.length(LONG_ENTRY_COUNT);
    expect(md).to.include(`| Entries | ${LONG_ENTRY_COUNT} |`);
  });

  it('--output-file writes the format atomically with mode 0600 and names the file and count', async () => {
    const file = join(dir, 'short.csv');
    const result = await get(['-s', SESSIONS.short, '-r', 'csv', '--output-file', file]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal(`Wrote ${entriesOf(CONVERSATIONS.short).length} entries to ${file}.\n`);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    const toStdout = await get(['-s', SESSIONS.short, '-r', 'csv']);
    expect(await readFile(file, 'utf8')).to.equal(toStdout.stdout);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('refuses to overwrite an existing file unless --force, before any request', async () => {
    const file = join(dir, 'existing.md');
    await writeFile(file, 'keep me');
    const refused = await get(['-s', SESSIONS.short, '-r', 'markdown', '--output-file', file, '--json']);
    expect(refused.code).to.equal(2);
    expect(refused.json?.name).to.equal('OutputFileExistsError');
    expect(await readFile(file, 'utf8')).to.equal('keep me');
    expect(emu.requests).to.have.length(0);
    const forced = await get(['-s', SESSIONS.short, '-r', 'markdown', '--output-file', file, '--force']);
    expect(forced.code).to.equal(0);
    expect(await readFile(file, 'utf8')).to.match(/^# Conversation transcript/);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
  });

  it('refuses a missing directory before any request', async () => {
    const result = await get(['-s', SESSIONS.short, '--output-file', join(dir, 'nope', 'x.txt'), '--json']);
    expect(result.code).to.equal(2);
    expect(result.json?.name).to.equal('OutputDirMissingError');
    expect(emu.requests).to.have.length(0);
  });

  it('--redact masks personal data in every format and in --json, keeps look-alikes, and reports counts', async () => {
    const secrets = ['jane.doe+orders@example.co.uk', '+44 20 7946 0958', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '+14155552671'];
    const survivors = ['123-456-789', '1Z999AA10123456784', '$1,299.00', '4111 1111 1111 1112', '2025-01-09', '2025-0042'];
    const json = await get(['-s', SESSIONS.pii, '--redact', '--json']);
    expect(json.code, json.stdout).to.equal(0);
    const body = JSON.stringify(json.json?.result);
    for (const s of secrets) expect(body, s).not.to.include(s);
    for (const s of survivors) expect(body, s).to.include(s);
    expect(body).to.include('[email]').and.include('[phone]').and.include('[card]').and.include('[iban]');
    // Counted per masked value: each entry carries its text twice (messageText and the payload), and the customer's
    // WhatsApp number is the sender subject of 3 entries.
    expect(json.json?.warnings?.join(' ')).to.match(/masked 2 email addresses, 5 phone numbers, 2 payment card numbers and 2 IBANs/);
    const raw = entriesOf(CONVERSATIONS.pii);
    const redacted = (json.json?.result as { entries: Array<Record<string, unknown>> }).entries;
    expect(redacted.map((e) => e.identifier)).to.deep.equal(raw.map((e) => e.identifier));
    for (const format of ['human', 'csv', 'jsonl', 'markdown']) {
      const out = await get(['-s', SESSIONS.pii, '--redact', '-r', format]);
      expect(out.code).to.equal(0);
      for (const s of secrets) expect(out.stdout, `${format}: ${s}`).not.to.include(s);
      expect(out.stderr).to.match(/masked/);
    }
  });

  it('--redact reads entity-encoded personal data: none is left, decoded or encoded, in any format, and each item is counted once', async () => {
    const conversation = CONVERSATIONS.encodedPii;
    /** What a reader of the output sees: entities decoded (twice-escaped text too), no-break spaces as spaces. */
    const seen = (text: string): string => decodeHTML(decodeHTML(text)).replace(/\u00a0/g, ' ');
    const leaks = [/[\p{L}.]+@example\.(?:com|de|org)/u, /4111 1111 1111 1111/, /4111.1111.1111.1111(?!\d)/, /5555.5555.5555.4444/, /DE89/, /3704/];
    const check = (output: string, label: string): void => {
      for (const leak of leaks) {
        expect(output, `${label}: ${String(leak)}`).not.to.match(leak);
        expect(seen(output), `${label}, as read: ${String(leak)}`).not.to.match(leak);
      }
      // Look-alikes survive: a Luhn-invalid order number, a ticket number, a price, a date.
      for (const kept of ['4111 1111 1111 1112', '#55123', '€ 49.90', '2025-01-10']) expect(seen(output), `${label}: ${kept}`).to.include(kept);
    };
    // messageText and the payload text each hold 2 addresses, 2 cards and 1 IBAN, and one more address escaped twice.
    const counts = /--redact masked 6 email addresses, 0 phone numbers, 4 payment card numbers and 2 IBANs\./;

    const json = await get(['-c', conversation, '--redact', '--json']);
    expect(json.code, json.stdout).to.equal(0);
    expect(json.json?.warnings?.join(' ')).to.match(counts);
    check(JSON.stringify(json.json?.result), '--json');
    const seeded = entriesOf(conversation);
    const entries = (json.json?.result as { entries: Array<Record<string, unknown>> }).entries;
    expect(entries.map((e) => e.identifier)).to.deep.equal(seeded.map((e) => e.identifier));
    // A value where something was masked comes back decoded; the agent's reply, with nothing to mask, exactly as sent.
    expect(entries[1].messageText).to.equal('I paid with [card] & then [card].');
    expect(entries[3]).to.deep.equal(seeded[3]);

    for (const format of ['human', 'csv', 'jsonl', 'markdown']) {
      const out = await get(['-c', conversation, '--redact', '-r', format]);
      expect(out.code, out.stderr).to.equal(0);
      expect(out.stderr, format).to.match(counts);
      check(out.stdout, format);
      if (format !== 'markdown') expect(out.stdout, format).to.include('I paid with [card] & then [card].');
    }

    // Connect escapes the payload text once more (jane&amp;commat;…): still read, and counted once per message.
    const connect = await get(['-c', conversation, '--redact', '--api', 'connect']);
    expect(connect.code, connect.stderr).to.equal(0);
    expect(connect.stderr).to.match(/--redact masked 3 email addresses, 0 phone numbers, 2 payment card numbers and 1 IBANs\./);
    check(connect.stdout, 'connect');
  });

  it('without --redact, the data is shown as is', async () => {
    const out = await get(['-s', SESSIONS.pii]);
    expect(out.stdout).to.include('jane.doe+orders@example.co.uk');
  });
});
