/*
 * Bad input, generated from a seed (badInputs.ts): every case is a real run of the built CLI against the emulator, and
 * must exit non-zero with an error that names the bad value (or, for an empty one, the flag), before any request:
 * not an entries request, not a SOQL query, not even an OAuth refresh. Three workers, each with its own emulator and
 * sf home, so a request on an emulator's log belongs to the one case its worker was running.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { Emulator } from '../emulator/server.js';
import { CONVERSATIONS, SESSIONS } from '../emulator/seed.js';
import type { CliExit } from '../helpers/cli.js';
import { mapLimit } from '../helpers/pool.js';
import type { SfHome } from '../helpers/sfHome.js';
import { generateBadInputs, type BadCase } from './badInputs.js';
import { afterCheckingSecrets, EXPORT, GET, Rig } from './support.js';

const SEED = 20_251_124;
const WORKERS = 3;

type Worker = { emu: Emulator; home: SfHome };
type Outcome = { c: BadCase; argv: string[]; r: CliExit; requests: string[]; dir?: string };

/** The error as the user sees it: the JSON message (plus actions when asked), or stderr up to its "Try this:" part. */
function errorText(c: BadCase, r: CliExit): string | undefined {
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
  if (r.code !== 2) out.push(`exit ${String(r.code)}${r.signal ? ` (${r.signal})` : ''}, expected 2 (bad input)`);
  const text = errorText(c, r);
  if (text === undefined) out.push(`no JSON on stdout: ${r.stdout.slice(0, 300)}`);
  else for (const alternatives of c.names) if (!alternatives.some((a) => text.includes(a))) out.push(`the error does not name ${JSON.stringify(alternatives)}: ${JSON.stringify(text.slice(0, 400))}`);
  if (requests.length) out.push(`${requests.length} request(s) made: ${requests.join(', ')}`);
  if (dir && existsSync(dir)) out.push(`the output directory ${dir} was created`);
  return out;
}

describe('reliability: generated bad input (get and export) is refused before any request', function () {
  this.timeout(1_200_000);
  let rig: Rig | undefined;
  const workers: Worker[] = [];
  let cases: BadCase[] = [];

  before(async function () {
    this.timeout(120_000);
    rig = await Rig.create('bad-input');
    const r = rig;
    workers.push(
      ...(await Promise.all(
        Array.from({ length: WORKERS }, async (_, i) => {
          const emu = await r.emulator();
          return { emu, home: await r.home(emu, { alias: `bad${i}` }) };
        })
      ))
    );
    // Authorising a home talks to its emulator; from here on, every request on a worker's log is a case's.
    for (const w of workers) w.emu.clearLog();
    cases = generateBadInputs(SEED, { root: r.root, goodConversation: CONVERSATIONS.short });
    for (const c of cases) {
      for (const d of c.dirs ?? []) await mkdir(d, { recursive: true });
      for (const f of c.files ?? []) await writeFile(f.path, f.content);
    }
  });
  afterCheckingSecrets(() => rig);

  /** Runs one case on a worker: the emulator's log must not grow while it runs. */
  const runCase = async (c: BadCase, w: Worker): Promise<Outcome> => {
    const r = rig as Rig;
    const dir = c.command === 'export' && c.outputDir !== false ? r.newPath('export') : undefined;
    const argv = [...(c.command === 'get' ? GET : EXPORT), '-o', w.home.alias, ...(dir ? ['-d', dir] : []), ...c.args, ...(c.json ? ['--json'] : [])];
    const before = w.emu.requests.length;
    const result = await r.run(w.home, argv, { env: c.env, input: c.input, label: `${c.kind} ${JSON.stringify(c.args)}` });
    const requests = w.emu.requests.slice(before).map((q) => `${q.method} ${q.path}`);
    return { c, argv, r: result, requests, dir };
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

    const outcomes = await mapLimit(cases, WORKERS, (c, worker) => runCase(c, workers[worker]));
    const failures = outcomes.flatMap((o) => {
      const found = problems(o);
      return found.length ? [`[${o.c.kind}] ${JSON.stringify(o.argv.slice(3))}${o.c.env ? ` env ${JSON.stringify(o.c.env)}` : ''}\n    ${found.join('\n    ')}`] : [];
    });
    expect(failures, `${failures.length} of ${outcomes.length} cases broke the rules:\n${failures.join('\n')}`).to.deep.equal([]);
    // Not one request on any emulator, over the whole run.
    for (const w of workers) expect(w.emu.requests.map((q) => `${q.method} ${q.path}`)).to.deep.equal([]);
  });

  /* Output paths: each used to get past the checks (found by this suite), so each is kept as its own case. */
  describe('output paths', () => {
    const known: Array<{ title: string; command: 'get' | 'export'; args: (r: Rig) => string[]; names: string[] }> = [
      { title: "export -d '' (empty output directory)", command: 'export', args: () => ['-d', '', '-s', SESSIONS.short], names: ['--output-dir'] },
      {
        title: 'export -d <an existing regular file>',
        command: 'export',
        args: (r) => ['-d', `${r.root}/regular-file.txt`, '-s', SESSIONS.short],
        names: ['regular-file.txt'],
      },
      { title: "get --output-file '' (empty)", command: 'get', args: () => ['-s', SESSIONS.short, '--output-file', ''], names: ['--output-file'] },
      { title: "get --output-file '   ' (blank)", command: 'get', args: () => ['-s', SESSIONS.short, '--output-file', '   '], names: ['--output-file'] },
      { title: "get --output-file 'dir/  ' (a blank name in a directory)", command: 'get', args: (r) => ['-s', SESSIONS.short, '--output-file', `${r.root}/  `], names: ['--output-file'] },
    ];
    for (const bug of known) {
      it(`${bug.title}: exit 2, the value named, no request`, async () => {
        const r = rig as Rig;
        await writeFile(`${r.root}/regular-file.txt`, 'not a directory\n');
        const w = workers[0];
        const c: BadCase = { kind: 'known-bug', command: bug.command, args: bug.args(r), json: true, outputDir: false, names: [bug.names] };
        const outcome = await runCase(c, w);
        expect(problems(outcome)).to.deep.equal([]);
      });
    }
  });
});
