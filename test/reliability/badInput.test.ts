/*
 * Bad input, generated from a seed (badInputs.ts): every case is a whole command line run in-process
 * (helpers/command.ts: the command's own parse, then the use case's checks, checkGetInput and runExport's checks
 * before any request) against the emulator, and must exit 2 with an error that names the bad value (or, for an empty
 * one, the flag), before any request: not an entries request, not a SOQL query, not even an OAuth refresh; export's
 * output directory must not be created.
 *
 * A few runs go through the built CLI in a child process, for oclif's own parse errors as a shell user meets them: an
 * unknown flag, a flag given twice, an option value none matches (and one in another case, accepted), a bad integer.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { CONVERSATIONS, SESSIONS, entriesOf } from '../emulator/seed.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';
import { generateBadInputs, type BadCase } from './badInputs.js';
import { EXPORT, GET, leaksLeft, show } from './support.js';

const SEED = 20_251_124;

type Outcome = { c: BadCase; argv: string[]; r: CliResult; requests: string[]; dir?: string };

/** The error as the user sees it: the JSON message (plus actions when asked), or stderr up to its "Try this:" part. */
function errorText(c: BadCase, r: CliResult): string | undefined {
  if (c.json) {
    if (!r.json) return undefined;
    return [r.json.message ?? '', ...(c.withActions ? r.json.actions ?? [] : [])].join('\n');
  }
  return c.withActions ? r.stderr : r.stderr.split(/\n\s*Try this:/)[0];
}

/** Why an outcome breaks the rules (empty when it doesn't). */
function problems({ c, r, requests, dir }: Outcome): string[] {
  const out: string[] = [];
  // Bad input is exit 2, as every command's help documents.
  if (r.code !== 2) out.push(`exit ${String(r.code)}, expected 2 (bad input)`);
  const text = errorText(c, r);
  if (text === undefined) out.push(`no JSON on stdout: ${r.stdout.slice(0, 300)}`);
  else for (const alternatives of c.names) if (!alternatives.some((a) => text.includes(a))) out.push(`the error does not name ${JSON.stringify(alternatives)}: ${JSON.stringify(text.slice(0, 400))}`);
  if (requests.length) out.push(`${requests.length} request(s) made: ${requests.join(', ')}`);
  if (dir && existsSync(dir)) out.push(`the output directory ${dir} was created`);
  return out;
}

describe('reliability: generated bad input (get and export) is refused before any request (in-process)', function () {
  this.timeout(300_000);
  let emu: Emulator;
  let root: string;
  let dirs = 0;
  let cases: BadCase[] = [];
  const outputs: CliResult[] = [];

  before(async () => {
    emu = await startEmulator({ username: 'bad-input@conversation-emulator.example' });
    await authorizeInProcess(emu, 'bad', { refreshable: true });
    root = await mkdtemp(join(realpathSync(tmpdir()), 'reliability-bad-input-'));
    cases = generateBadInputs(SEED, { root, goodConversation: CONVERSATIONS.short });
    for (const c of cases) {
      for (const d of c.dirs ?? []) await mkdir(d, { recursive: true });
      for (const f of c.files ?? []) await writeFile(f.path, f.content);
    }
    // Authorising talks to the emulator; from here on, every request on its log is a case's.
    emu.clearLog();
  });
  after(async () => {
    // No token anywhere a run could have left one: its output, or a file under the root.
    const leaks = await leaksLeft(outputs, root, [emu.accessToken, emu.refreshToken]);
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
    expect(leaks, 'secrets found in outputs or files').to.deep.equal([]);
  });

  /** Runs one case: the emulator's log must not grow while it runs. */
  const runCase = async (c: BadCase): Promise<Outcome> => {
    const dir = c.command === 'export' && c.outputDir !== false ? join(root, `export-${++dirs}`) : undefined;
    const argv = [...(c.command === 'get' ? GET : EXPORT), '-o', 'bad', ...(dir ? ['-d', dir] : []), ...c.args, ...(c.json ? ['--json'] : [])];
    const before = emu.requests.length;
    const r = await runCommand(argv, { env: { SF_CONVERSATION_API_URL: emu.url, ...c.env }, input: c.input, cwd: root });
    outputs.push(r);
    const requests = emu.requests.slice(before).map((q) => `${q.method} ${q.path}`);
    return { c, argv, r, requests, dir };
  };

  it('at least 200 generated cases, every one refused with the value named and no request', async () => {
    expect(cases.length).to.be.at.least(200);
    // The generator covers what the rules are about (whatever the seed).
    const kinds = new Set(cases.map((c) => c.kind));
    for (const k of ['session-id/quote', 'session-id/soql', 'session-id/unicode', 'session-id/length', 'session-id/prefix', 'session-id/checksum', 'session-id/blank']) {
      expect([...kinds], k).to.include(k);
    }
    for (const k of ['date/get', 'date/export', 'date/window', 'combo/no-selector', 'combo/output-file-exists', 'number--concurrency', 'number--rate-limit', 'result-format']) {
      expect([...kinds], k).to.include(k);
    }
    for (const k of ['session-file/no-id-column', 'session-file/bad-line', 'session-file/bad-csv-id', 'session-file/missing', 'session-file/no-ids']) {
      expect([...kinds], k).to.include(k);
    }
    expect(new Set(cases.map((c) => c.command))).to.deep.equal(new Set(['get', 'export']));

    const outcomes: Outcome[] = [];
    // eslint-disable-next-line no-await-in-loop -- one run at a time (the emulator's log belongs to the case running)
    for (const c of cases) outcomes.push(await runCase(c));
    const failures = outcomes.flatMap((o) => {
      const found = problems(o);
      return found.length ? [`[${o.c.kind}] ${JSON.stringify(o.argv.slice(3))}${o.c.env ? ` env ${JSON.stringify(o.c.env)}` : ''}\n    ${found.join('\n    ')}`] : [];
    });
    expect(failures, `${failures.length} of ${outcomes.length} cases broke the rules:\n${failures.join('\n')}`).to.deep.equal([]);
    // Not one request, over the whole run.
    expect(emu.requests.map((q) => `${q.method} ${q.path}`)).to.deep.equal([]);
  });

  /* Output paths: each used to get past the checks (found by this suite), so each is kept as its own case. */
  describe('output paths', () => {
    const known: Array<{ title: string; command: 'get' | 'export'; args: () => string[]; names: string[] }> = [
      { title: "export -d '' (empty output directory)", command: 'export', args: () => ['-d', '', '-s', SESSIONS.short], names: ['--output-dir'] },
      {
        title: 'export -d <an existing regular file>',
        command: 'export',
        args: () => ['-d', `${root}/regular-file.txt`, '-s', SESSIONS.short],
        names: ['regular-file.txt'],
      },
      { title: "get --output-file '' (empty)", command: 'get', args: () => ['-s', SESSIONS.short, '--output-file', ''], names: ['--output-file'] },
      { title: "get --output-file '   ' (blank)", command: 'get', args: () => ['-s', SESSIONS.short, '--output-file', '   '], names: ['--output-file'] },
      { title: "get --output-file 'dir/  ' (a blank name in a directory)", command: 'get', args: () => ['-s', SESSIONS.short, '--output-file', `${root}/  `], names: ['--output-file'] },
    ];
    for (const bug of known) {
      it(`${bug.title}: exit 2, the value named, no request`, async () => {
        await writeFile(`${root}/regular-file.txt`, 'not a directory\n');
        const c: BadCase = { kind: 'known-bug', command: bug.command, args: bug.args(), json: true, outputDir: false, names: [bug.names] };
        const outcome = await runCase(c);
        expect(problems(outcome)).to.deep.equal([]);
      });
    }
  });
});

describe('reliability: oclif parse errors through the built CLI (spawned)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let home: SfHome;
  let runs: Promise<Record<'unknownFlag' | 'twice' | 'badOption' | 'badInteger' | 'upperCase', CliResult>>;

  before(async () => {
    emu = await startEmulator();
    home = await createSfHome(emu, { alias: 'parse' });
    emu.clearLog();
    const get = (args: string[]): Promise<CliResult> => runCli([...GET, '-o', 'parse', ...args], home.env);
    // The refused ones first, side by side; then one that is accepted (it makes requests).
    const refused = Promise.all([
      get(['-s', SESSIONS.short, '--no-such-flag', '--json']),
      get(['-c', CONVERSATIONS.short, '-c', CONVERSATIONS.short, '--json']),
      get(['-s', SESSIONS.short, '-r', 'nope', '--json']),
      runCli([...EXPORT, '-o', 'parse', '-s', SESSIONS.short, '-d', join(home.home, 'out'), '--concurrency', 'four', '--json'], home.env),
    ]);
    runs = refused.then(async ([unknownFlag, twice, badOption, badInteger]) => {
      const requestsWhileRefused = emu.requests.length;
      const upperCase = await get(['-s', SESSIONS.short, '-r', 'CSV']);
      return { unknownFlag, twice, badOption, badInteger, upperCase: { ...upperCase, stderr: `${upperCase.stderr}${requestsWhileRefused ? `\n${requestsWhileRefused} requests while refusing` : ''}` } };
    });
  });
  after(async () => {
    await home?.cleanup();
    await emu?.stop();
  });

  for (const [name, what, value] of [
    ['unknownFlag', 'an unknown flag', '--no-such-flag'],
    ['twice', 'a flag that takes one value, given twice', '--conversation-id'],
    ['badOption', 'an option value none matches', 'nope'],
    ['badInteger', 'a number that is not an integer', 'four'],
  ] as const) {
    it(`${what}: exit 2 (bad input), the JSON error names ${value}`, async () => {
      const r = (await runs)[name];
      expect(r.code, show({ ...r, signal: null })).to.equal(2);
      expect(r.json?.status).to.equal(2);
      expect(r.json?.message).to.include(value);
    });
  }

  it('an option value in another case is accepted (-r CSV is csv): exit 0, a CSV transcript; nothing was requested while refusing', async () => {
    const r = (await runs).upperCase;
    expect(r.code, show({ ...r, signal: null })).to.equal(0);
    expect(r.stderr).not.to.match(/requests while refusing/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('time,sender_role,sender_app_type,sender_subject,entry_type,text,identifier');
    expect(lines).to.have.length(entriesOf(CONVERSATIONS.short).length + 1);
  });
});
