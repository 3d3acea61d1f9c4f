/*
 * npm run bench: measurements printed as one table of side-by-side ratios from this run, and written to
 * bench-results/latest.json with the date and machine. Not a test: the machines are shared and noisy, so each
 * row is the median of several runs, and ratios (not absolute times) are what to compare.
 *
 * Environment:
 *   BENCH_RUNS=n        runs per measurement (default 3; the start-up and real-sf rows take at least 5)
 *   BENCH_ONLY=a,b,...  only these sections, of: startup, realsf, large, memory, bulk, datacloud (default: all)
 *   BENCH_DC_SESSIONS=n,m  the datacloud section's two sizes (default 10000,100000)
 *   BENCH_SKIP_MEMORY=1 leave out the memory section
 *   BENCH_BUNDLE_TARBALL=<.tgz>  the release bundle the bulk section runs, instead of packing one (npm pack)
 *   BENCH_ONLY_EXPORT=1 old spelling of BENCH_ONLY=memory,bulk (ignored when BENCH_ONLY is set)
 * A run of some sections only prints those, and replaces only their rows in latest.json: the other sections' rows
 * are kept from the previous file, each row with the date it was measured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TABLE_HEAD, tableRow } from './bench/table.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Seed 10,000 bulk sessions for the memory row; set before anything imports the emulator's seed.
process.env.EMULATOR_BULK_SESSIONS ??= '10000';
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Row = {
  section: string;
  name: string;
  value: number;
  unit: string;
  ratio?: number;
  against?: string;
  /** The goal for the ratio, e.g. '≤ 0.55×' (shown with the ratio). */
  goal?: string;
  /** The runs behind the median, in the order measured. */
  samples?: number[];
  /** Anything else worth keeping with the row in latest.json. */
  details?: Record<string, unknown>;
  /** The bench section (BENCH_ONLY name) and run date it came from; set when the section is done. */
  bench?: Section;
  measured?: string;
};
const rows: Row[] = [];

const SECTIONS = ['startup', 'realsf', 'large', 'memory', 'bulk', 'datacloud'] as const;
type Section = (typeof SECTIONS)[number];
/** The sections to run: BENCH_ONLY (comma list), else BENCH_ONLY_EXPORT's memory + bulk, else all; minus BENCH_SKIP_MEMORY. */
function selectedSections(): Set<Section> {
  const only = process.env.BENCH_ONLY ?? (process.env.BENCH_ONLY_EXPORT ? 'memory,bulk' : undefined);
  const names = only === undefined ? [...SECTIONS] : only.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length || !names.length) throw new Error(`BENCH_ONLY: unknown section(s) '${unknown.join(', ')}'; use a comma list of ${SECTIONS.join(', ')}`);
  const selected = new Set(names as Section[]);
  if (process.env.BENCH_SKIP_MEMORY) selected.delete('memory');
  return selected;
}

function largeTranscript(): void {
  const entries = 10_000;
  const out = join(tmpdir(), `bench-transcript-${process.pid}`);
  const measure = (format: string): { ms: number; rssMb: number; bytes: number } => {
    const samples = Array.from({ length: RUNS }, () => {
      const line = execFileSync(TSX, [join(ROOT, 'scripts/bench/render-large.ts'), format, String(entries), out], { encoding: 'utf8' });
      return JSON.parse(line) as { ms: number; maxRssKb: number };
    });
    const bytes = format === 'none' ? 0 : statSync(out).size;
    return { ms: median(samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.maxRssKb)) / 1024, bytes };
  };
  const floor = measure('none');
  rows.push({ section: 'large transcript (10,000 entries)', name: 'build + normalise only (floor)', value: floor.ms, unit: 'ms' });
  rows.push({ section: 'large transcript (10,000 entries)', name: 'build + normalise only (floor)', value: floor.rssMb, unit: 'MB peak RSS' });
  const names: Record<string, string> = { json: '--json document, as the commands write it off a terminal', 'json-oclif': "--json document through oclif's colorizeJson (SfCommand's default)" };
  for (const format of ['human', 'csv', 'jsonl', 'markdown', 'json', 'json-oclif']) {
    const m = measure(format);
    const name = `${names[format] ?? format} (${(m.bytes / 1024 / 1024).toFixed(1)} MB written)`;
    rows.push({ section: 'large transcript (10,000 entries)', name, value: m.ms, unit: 'ms', ratio: m.ms / floor.ms, against: 'floor time' });
    rows.push({ section: 'large transcript (10,000 entries)', name, value: m.rssMb, unit: 'MB peak RSS', ratio: m.rssMb / floor.rssMb, against: 'floor RSS' });
  }
  rmSync(out, { force: true });
}

/**
 * The release bundle (npm pack with prepack, as users get it, or BENCH_BUNDLE_TARBALL), unpacked into a temporary
 * directory whose node_modules is the repo's (the bundle needs only pino from it): its bin/run.js, and a clean-up.
 */
let bundleOnce: Promise<{ runJs: string; cleanup: () => void }> | undefined;
/** The bundle, packed and unpacked once for every section that runs it; removed when the bench ends. */
const unpackedBundle = (): Promise<{ runJs: string; cleanup: () => void }> => (bundleOnce ??= unpackBundle());

async function unpackBundle(): Promise<{ runJs: string; cleanup: () => void }> {
  const { packPlugin } = await import('./sfCli.js');
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  const tarball = process.env.BENCH_BUNDLE_TARBALL ?? (await packPlugin(dir)).file;
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  if (!existsSync(join(dir, 'package', 'lib', 'bundle.json'))) throw new Error(`${tarball} holds no release bundle (lib/bundle.json)`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'package', 'node_modules'), 'junction');
  return { runJs: join(dir, 'package', 'bin', 'run.js'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * 1,000 sessions at 25 ms latency and concurrency 8, with the plain tsc build (bin/run.js of this tree) and the
 * release bundle, interleaved run by run. The ideal is the fewest requests at that latency and concurrency, with
 * nothing else: no process start, no log file. Each run's phases come from the emulator's log, and the time the
 * process spent at exit waiting for core's log worker (scripts/bench/exit-wait.mjs) is reported on its own.
 */
async function bulkExport(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { BULK_SESSIONS } = await import('../test/emulator/seed.js');
  const { createSfHome } = await import('../test/helpers/sfHome.js');
  const { runProcess } = await import('../test/helpers/process.js');
  const { RUN_JS } = await import('../test/helpers/cli.js');
  const sessions = 1000;
  const latencyMs = 25;
  const concurrency = 8;
  const bundle = await unpackedBundle();
  const emu = await startEmulator({ latencyMs });
  const home = await createSfHome(emu, { alias: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  const idFile = join(dir, 'ids.txt');
  writeFileSync(idFile, `${BULK_SESSIONS.slice(0, sessions).join('\n')}\n`);
  type Sample = { wall: number; fetch: number; requests: number; toFirst: number; selection: number; toExit: number; exitWait: number };
  const builds = [
    { key: 'tsc', name: 'tsc build (bin/run.js of this tree)', runJs: RUN_JS, samples: [] as Sample[] },
    { key: 'bundle', name: 'release bundle (packed, as installed)', runJs: bundle.runJs, samples: [] as Sample[] },
  ];
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const build of run % 2 ? [...builds].reverse() : builds) {
        emu.clearLog();
        const out = join(dir, `out-${build.key}-${run}`);
        const exitWaitFile = join(dir, `exit-wait-${build.key}-${run}.txt`);
        const args = ['conversation', 'entries', 'export', '-o', 'bench', '--session-file', idFile, '-d', out, '--concurrency', String(concurrency), '--rate-limit', '0', '--max-conversations', String(sessions), '--json'];
        const env = { ...home.env, EXIT_WAIT_FILE: exitWaitFile, NODE_OPTIONS: `--import ${join(ROOT, 'scripts/bench/exit-wait.mjs')}` };
        const started = performance.now();
        const startedAt = Date.now();
        // eslint-disable-next-line no-await-in-loop -- runs are measured one after another
        const result = await runProcess(process.execPath, [build.runJs, ...args], { env });
        const wall = performance.now() - started;
        const endedAt = Date.now();
        if (result.code !== 0) throw new Error(`export (${build.key}) failed: ${result.stdout.slice(0, 500)}`);
        const entries = emu.requests.filter((r) => r.path.endsWith('/conversation-entries'));
        const soql = emu.requests.filter((r) => (r.query.q ?? '').includes('FROM MessagingSession'));
        const fetch = entries.length ? entries[entries.length - 1].at - entries[0].at + latencyMs : 0;
        // Phases, from the emulator's log (arrival times): start-up to the first request of any kind, the selection
        // queries (first query to first entries request), and from the last entries response to the process's exit.
        const first = Math.min(...emu.requests.map((r) => r.at));
        const exitWait = existsSync(exitWaitFile) ? readFileSync(exitWaitFile, 'utf8').split('\n').filter(Boolean).reduce((sum, ms) => sum + Number(ms), 0) : 0;
        build.samples.push({
          wall,
          fetch,
          requests: entries.length + soql.length,
          toFirst: first - startedAt,
          selection: (entries[0]?.at ?? first) - (soql[0]?.at ?? first),
          toExit: endedAt - ((entries.at(-1)?.at ?? endedAt) + latencyMs),
          exitWait,
        });
      }
    }
    const minimum = Math.ceil(sessions / 200) + sessions;
    const ideal = (minimum * latencyMs) / concurrency;
    const section = `bulk export (${sessions} sessions, ${latencyMs} ms latency, concurrency ${concurrency}, no rate limit)`;
    for (const { name: build, samples } of builds) {
      const of = (key: keyof Sample): number[] => samples.map((x) => x[key]);
      const wall = median(of('wall'));
      const exitWait = median(of('exitWait'));
      rows.push({ section, name: `${build}: whole command, wall time`, value: wall, unit: 'ms', ratio: wall / ideal, against: `ideal ${Math.round(ideal)} ms`, goal: '≤ 1.3×', samples: of('wall') });
      const ours = median(samples.map((x) => x.wall - x.exitWait));
      rows.push({ section, name: `${build}: whole command less the wait at exit for core's log worker`, value: ours, unit: 'ms', ratio: ours / ideal, against: `ideal ${Math.round(ideal)} ms` });
      rows.push({ section, name: `${build}: first to last entries request`, value: median(of('fetch')), unit: 'ms', ratio: median(of('fetch')) / ideal, against: `ideal ${Math.round(ideal)} ms` });
      for (const [key, name] of [['toFirst', 'phase: start to the first request'], ['selection', 'phase: the selection queries (first query to first entries request)'], ['toExit', 'phase: last entries response to exit']] as const) {
        rows.push({ section, name: `${build}: ${name}`, value: median(of(key)), unit: 'ms', samples: of(key) });
      }
      rows.push({ section, name: `${build}: of which, at exit, waiting for core's log worker (pino's thread-stream)`, value: exitWait, unit: 'ms', samples: of('exitWait') });
      rows.push({ section, name: `${build}: requests (SOQL + entries)`, value: median(of('requests')), unit: 'requests', ratio: median(of('requests')) / minimum, against: `minimum ${minimum}`, goal: '= 1.00×' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await home.cleanup();
    await emu.stop();
  }
}

async function startUp(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { SESSIONS } = await import('../test/emulator/seed.js');
  const { createSfHome } = await import('../test/helpers/sfHome.js');
  const { runCli } = await import('../test/helpers/cli.js');
  const { spawn } = await import('node:child_process');
  const emu = await startEmulator();
  const home = await createSfHome(emu, { alias: 'bench' });
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const floor = (): Promise<unknown> =>
    new Promise((resolve) => spawn(process.execPath, [join(ROOT, 'scripts/bench/floor.mjs')], { cwd: ROOT }).on('close', resolve));
  const getArgs = ['conversation', 'entries', 'get', '-o', 'bench', '-s', SESSIONS.short, '--limit', '5'];
  const command = (): Promise<unknown> => runCli(getArgs, home.env);
  const { runJs: bundleRunJs } = await unpackedBundle();
  const { runProcess } = await import('../test/helpers/process.js');
  // Run as the tsc build's get is (runCli: output captured, stdin closed), and checked.
  const bundled = async (): Promise<void> => {
    const run = await runProcess(process.execPath, [bundleRunJs, ...getArgs], { env: home.env });
    if (run.code !== 0) throw new Error(`the bundle's get exited ${String(run.code)}: ${run.stderr.slice(0, 300)}`);
  };
  try {
    await command(); // warm the file cache and the auth file's cached fields
    await bundled();
    const floors: number[] = [];
    const commands: number[] = [];
    const bundles: number[] = [];
    for (let i = 0; i < Math.max(RUNS, 5); i++) {
      // eslint-disable-next-line no-await-in-loop -- interleave the three, so noise hits all alike
      floors.push(await time(floor));
      // eslint-disable-next-line no-await-in-loop
      commands.push(await time(command));
      // eslint-disable-next-line no-await-in-loop
      bundles.push(await time(bundled));
    }
    const section = 'start-up (entries get, 5 entries, emulator)';
    rows.push({ section, name: 'floor: a process importing sf-plugins-core and core', value: median(floors), unit: 'ms' });
    rows.push({ section, name: 'bin/run.js conversation entries get (tsc build)', value: median(commands), unit: 'ms', ratio: median(commands) / median(floors), against: 'floor', goal: '≤ 1.3×' });
    rows.push({ section, name: 'bin/run.js conversation entries get (release bundle, packed)', value: median(bundles), unit: 'ms', ratio: median(bundles) / median(floors), against: 'floor', goal: '≤ 1.3×' });
    // Which packages the command loads beyond the floor.
    const traced = (file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string[]> =>
      new Promise((resolve) => {
        spawn(process.execPath, ['--import', join(ROOT, 'scripts/bench/trace-packages.mjs'), ...args], { cwd: ROOT, env: { ...env, TRACE_PACKAGES_FILE: file } }).on('close', () =>
          resolve(readFileSync(file, 'utf8').split('\n').filter(Boolean))
        );
      });
    const floorPackages = new Set(await traced(join(tmpdir(), 'bench-floor.txt'), [join(ROOT, 'scripts/bench/floor.mjs')], process.env));
    const commandPackages = await traced(join(tmpdir(), 'bench-command.txt'), [join(ROOT, 'bin/run.js'), 'conversation', 'entries', 'get', '-o', 'bench', '-s', SESSIONS.short, '--limit', '5'], home.env);
    extraPackages = commandPackages.filter((p) => !floorPackages.has(p));
  } finally {
    await home.cleanup();
    await emu.stop();
  }
}

/** An executable of that name on PATH, or undefined. */
function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));
}

/** The no-curl fallback's GET: node --input-type=module -e FETCH_ONCE <url>, the token in BENCH_TOKEN. */
const FETCH_ONCE =
  'const r = await fetch(process.argv[1], { headers: { authorization: `Bearer ${process.env.BENCH_TOKEN}` } }); process.stdout.write(await r.text()); if (!r.ok) process.exitCode = 22;';

/**
 * The plugin through the real sf CLI (scripts/sfCli.ts: sf 2.150.6, logged in to the emulator with
 * `sf org login access-token`) against what a user does by hand without it, all on the short session
 * (SESSIONS.short: its whole conversation, 10 entries today, which the API's default page of 25 holds: one request).
 * A is `sf conversation entries get -s <session> -o bench` (human output), with the plugin linked as npm run test:sf:link
 * does (`sf plugins link`); A2 the same with the plugin registered as installed, as users get it from npm: a linked
 * plugin pays for typescript + tsx on every run (see SfCliOptions.plugin), an installed one doesn't.
 * B is the manual path: `sf data query` for the ConversationIdentifier, `sf org auth show-access-token` for the token
 * (sf 2.150.6 has it, in plugin-org 6.0.11; it first checks the token against the org), then one GET of the entries
 * API with curl; one after another, each step's output feeding the next, timed from the first spawn to the last exit.
 * C is `sf data query` alone (the same query as B's first step).
 * Warmed up once (every measurement: the first sf runs build caches), then A, A2, B, C interleaved per run, medians of
 * at least 5. Every run is checked (exit 0; get prints every entry, the query returns the identifier, the GET returns
 * every entry): a failed run throws rather than being timed. Ratios are of wall times; CPU times (user + sys, Linux)
 * are kept in latest.json and printed below the table, as they suffer less from a busy machine.
 */
async function realSf(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { CONVERSATIONS, SESSIONS, entriesOf } = await import('../test/emulator/seed.js');
  const { createSfCli, SF_BIN, SF_VERSION } = await import('./sfCli.js');
  const { runProcess } = await import('../test/helpers/process.js');
  type Run = Awaited<ReturnType<typeof runProcess>>;
  type Cli = Awaited<ReturnType<typeof createSfCli>>;
  const runs = Math.max(RUNS, 5);
  const expectedEntries = entriesOf(CONVERSATIONS.short).length;
  const identifier = CONVERSATIONS.short;
  const emu = await startEmulator();
  const clis: Cli[] = [];
  const secrets = new Set<string>();
  const describe = (label: string, run: Run): string => {
    let text = `${run.stdout}\n${run.stderr}`.slice(0, 600);
    for (const secret of secrets) text = text.split(secret).join('<token>');
    return `real sf: ${label} (exit ${String(run.code)}): ${text}`;
  };
  const ensure = (ok: boolean, label: string, run: Run): void => {
    if (!ok || run.code !== 0) throw new Error(describe(label, run));
  };
  const parse = <T>(run: Run, label: string): T => {
    try {
      return JSON.parse(run.stdout) as T;
    } catch {
      throw new Error(describe(`${label}: stdout is not JSON`, run));
    }
  };
  try {
    const base = emu.url;
    const emulator = { url: base, tokenFor: (app: 'jwt'): string => emu.tokenFor(app) };
    // 'tarball': npm pack (the release bundle, packed from a copy of the tree) and sf plugins install, as users get it.
    for (const plugin of ['link', 'tarball'] as const) {
      // eslint-disable-next-line no-await-in-loop -- one sf at a time
      const cli = await createSfCli(emulator, { alias: 'bench', plugin });
      clis.push(cli);
      secrets.add(cli.token);
      const failed = cli.setup.find((step) => !step.ok);
      if (failed) throw new Error(describe(`set-up (${plugin}): ${failed.name} failed`, failed.run));
    }
    const [linked, installed] = clis;

    const tokenCommand = ['org', 'auth', 'show-access-token', '-o', 'bench', '--json'];
    const soql = `SELECT Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${SESSIONS.short}'`;
    const queryCommand = ['data', 'query', '-q', soql, '-o', 'bench', '--json'];
    const entriesUrl = (conversationIdentifier: string): string => `${base}/platform/engagement/v1.0/conversation-entries?conversationIdentifier=${encodeURIComponent(conversationIdentifier)}`;
    // curl as a user would run it; the header goes in on stdin (-H @-) so the token is not in argv (visible in ps on
    // a shared machine), which costs curl nothing. Without curl: one GET from a fresh node process (sf's own Node 22).
    const curl = onPath('curl', linked.env.PATH);
    const httpClient = curl ? `curl (${curl})` : 'NO CURL: node -e fetch(…) (a fresh Node 22 process doing one GET)';
    const httpGet = (url: string, token: string): Promise<Run> =>
      curl
        ? runProcess(curl, ['--silent', '--show-error', '--fail', '-H', '@-', url], { env: linked.env, input: `Authorization: Bearer ${token}\n` })
        : runProcess(join(SF_BIN, 'node'), ['--input-type=module', '-e', FETCH_ONCE, url], { env: { ...linked.env, BENCH_TOKEN: token } });

    type Sample = { ms: number; cpuMs?: number };
    type QueryJson = { result?: { records?: Array<{ Conversation?: { ConversationIdentifier?: string } }> } };
    const identifierOf = (run: Run): string => parse<QueryJson>(run, 'sf data query').result?.records?.[0]?.Conversation?.ConversationIdentifier ?? '';
    const query = async (): Promise<Run> => {
      const run = await linked.sf(queryCommand);
      const found = identifierOf(run);
      ensure(found === identifier, `sf data query returned '${found}', not ${identifier}`, run);
      return run;
    };
    const get = async (cli: Cli): Promise<Run> => {
      const run = await cli.sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'bench']);
      const lines = run.stdout.trimEnd().split('\n').filter(Boolean).length;
      ensure(lines === expectedEntries, `sf conversation entries get printed ${lines} lines, not ${expectedEntries} entries`, run);
      return run;
    };
    const manual = async (): Promise<Sample & { steps: Run[] }> => {
      const started = performance.now();
      const q = await query();
      const t = await linked.sf(tokenCommand);
      const token = parse<{ result?: { accessToken?: string } }>(t, 'sf org auth show-access-token').result?.accessToken ?? '';
      ensure(token.length > 0, 'manual path: sf org auth show-access-token returned no token', t);
      secrets.add(token);
      const h = await httpGet(entriesUrl(identifierOf(q)), token);
      const entries = parse<{ conversationEntries?: unknown[] }>(h, 'GET entries').conversationEntries?.length;
      ensure(entries === expectedEntries, `manual path: GET entries returned ${String(entries)} entries, not ${expectedEntries}`, h);
      const cpu = [q, t, h].map((r) => r.cpuMs);
      const cpuMs = cpu.every((x) => x !== undefined) ? cpu.reduce((sum: number, x) => sum + (x ?? 0), 0) : undefined;
      return { ms: performance.now() - started, cpuMs, steps: [q, t, h] };
    };

    const measurements: Array<{ key: string; run: () => Promise<Sample & { steps?: Run[] }> }> = [
      { key: 'getLinked', run: () => get(linked) },
      { key: 'getInstalled', run: () => get(installed) },
      { key: 'manual', run: manual },
      { key: 'query', run: query },
    ];
    const samples: Record<string, Sample[]> = Object.fromEntries(measurements.map((m) => [m.key, []]));
    const stepSamples: Sample[][] = [[], [], []];
    // Warm-up: the first sf runs build caches (oclif's, tsx's for the linked plugin, the auth file's cached fields).
    for (const m of measurements) await m.run(); // eslint-disable-line no-await-in-loop
    for (let i = 0; i < runs; i++) {
      for (const m of measurements) {
        // eslint-disable-next-line no-await-in-loop -- one process at a time, interleaved so noise hits all alike
        const sample = await m.run();
        samples[m.key].push({ ms: sample.ms, cpuMs: sample.cpuMs });
        sample.steps?.forEach((step, n) => stepSamples[n].push({ ms: step.ms, cpuMs: step.cpuMs }));
      }
    }

    const wall = (key: string): number[] => samples[key].map((x) => x.ms);
    const cpuOf = (list: Sample[]): number[] | undefined => (list.every((x) => x.cpuMs !== undefined) ? list.map((x) => x.cpuMs ?? 0) : undefined);
    const cpuMedian = (list: Sample[]): number | undefined => {
      const cpu = cpuOf(list);
      return cpu ? median(cpu) : undefined;
    };
    const section = `Real sf against the manual path (sf ${SF_VERSION}, ${expectedEntries} entries, emulator; median of ${runs})`;
    const tokenCommandText = `sf ${tokenCommand.join(' ')}`;
    const httpName = curl ? 'curl' : 'node fetch (no curl)';
    const details = { tokenCommand: tokenCommandText, queryCommand: `sf data query -q "${soql}" -o bench --json`, httpClient };
    const row = (name: string, key: string, extra: Partial<Row> = {}): Row => ({
      section,
      name,
      value: median(wall(key)),
      unit: 'ms',
      samples: wall(key),
      details: { cpuMedianMs: cpuMedian(samples[key]), cpuSamplesMs: cpuOf(samples[key]) },
      ...extra,
    });
    const versus = (key: string, name: string): Row[] => [
      row(name, key, { ratio: median(wall(key)) / median(wall('manual')), against: 'manual path', goal: '≤ 0.5×' }),
      row(name, key, { ratio: median(wall(key)) / median(wall('query')), against: 'sf data query', goal: '≤ 1.0×' }),
    ];
    rows.push(row('sf data query (alone)', 'query'));
    const manualRow = row(`manual path: sf data query + sf org auth show-access-token --json + ${httpName} GET`, 'manual');
    manualRow.details = {
      ...manualRow.details,
      ...details,
      steps: ['sf data query', tokenCommandText, httpName].map((name, n) => ({ name, medianMs: median(stepSamples[n].map((x) => x.ms)), cpuMedianMs: cpuMedian(stepSamples[n]), samplesMs: stepSamples[n].map((x) => x.ms) })),
    };
    rows.push(manualRow);
    rows.push(...versus('getInstalled', 'sf conversation entries get, packed tarball installed (release bundle, as users get it)'));
    rows.push(...versus('getLinked', 'sf conversation entries get, plugin linked (sf plugins link, as npm run test:sf:link)'));
    ['sf data query', 'sf org auth show-access-token', `${httpName} GET`].forEach((name, n) =>
      rows.push({ section, name: `manual path, step ${n + 1}: ${name}`, value: median(stepSamples[n].map((x) => x.ms)), unit: 'ms', samples: stepSamples[n].map((x) => x.ms), details: { cpuMedianMs: cpuMedian(stepSamples[n]) } })
    );
    const cpu = Object.fromEntries(measurements.map((m) => [m.key, cpuMedian(samples[m.key])]));
    if (cpu.query !== undefined && cpu.manual !== undefined && cpu.getLinked !== undefined && cpu.getInstalled !== undefined) {
      const r = (x: number, y: number): string => `${(x / y).toFixed(2)}×`;
      notes.push({
        bench: 'realsf',
        text:
          `Real sf, CPU time (user + sys) medians: get installed ${Math.round(cpu.getInstalled)} ms (${r(cpu.getInstalled, cpu.manual)} manual, ${r(cpu.getInstalled, cpu.query)} query), ` +
          `get linked ${Math.round(cpu.getLinked)} ms (${r(cpu.getLinked, cpu.manual)} manual, ${r(cpu.getLinked, cpu.query)} query), manual path ${Math.round(cpu.manual)} ms, sf data query ${Math.round(cpu.query)} ms. ` +
          `Token command: ${tokenCommandText}; HTTP client: ${httpClient}.`,
      });
    }
  } finally {
    for (const cli of clis) await cli.cleanup(); // eslint-disable-line no-await-in-loop
    await emu.stop();
  }
}

/** Peak RSS of the export command for 1,000 and 10,000 sessions: it should not grow with the number of sessions. */
async function exportMemory(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { BULK_SESSIONS } = await import('../test/emulator/seed.js');
  const { createSfHome } = await import('../test/helpers/sfHome.js');
  const { spawn } = await import('node:child_process');
  if (BULK_SESSIONS.length < 10_000) {
    rows.push({ section: 'export memory', name: 'skipped: the emulator seed was loaded before EMULATOR_BULK_SESSIONS was set', value: 0, unit: 'ms' });
    return;
  }
  const emu = await startEmulator();
  const home = await createSfHome(emu, { alias: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  /**
   * One export of `sessions` sessions; returns what the preload wrote, in MB. 'rss': the process's peak RSS, GC left
   * alone. 'live': the largest heap still in use after a forced full GC (sampled every 250 ms; --expose-gc), i.e. what
   * the command retains apart from garbage V8 hasn't collected yet.
   */
  const measure = async (sessions: number, what: 'rss' | 'live'): Promise<number> => {
    const ids = join(dir, `ids-${sessions}.txt`);
    writeFileSync(ids, `${BULK_SESSIONS.slice(0, sessions).join('\n')}\n`);
    const report = join(dir, `${what}-${sessions}`);
    const preload = what === 'rss' ? ['--import', join(ROOT, 'scripts/bench/report-rss.mjs')] : ['--expose-gc', '--import', join(ROOT, 'scripts/bench/report-live-heap.mjs')];
    const out = join(dir, `out-${what}-${sessions}`);
    const args = [...preload, join(ROOT, 'bin/run.js'), 'conversation', 'entries', 'export', '-o', 'bench', '--session-file', ids, '-d', out, '--concurrency', '8', '--rate-limit', '0', '--max-conversations', String(sessions), '--json'];
    const env = { ...home.env, REPORT_RSS_FILE: report, REPORT_LIVE_FILE: report };
    const code = await new Promise<number | null>((resolve) => spawn(process.execPath, args, { env, stdio: 'ignore' }).on('close', resolve));
    if (code !== 0) throw new Error(`export of ${sessions} sessions exited ${String(code)}`);
    rmSync(out, { recursive: true, force: true });
    const value = Number(readFileSync(report, 'utf8'));
    return what === 'rss' ? value / 1024 : value / 2 ** 20; // maxRSS is in KB, heapUsed in bytes
  };
  try {
    const section = `export memory (concurrency 8, no rate limit, --json; median of ${RUNS})`;
    /** RUNS runs of each size, alternating, so both see the same machine load; the medians. */
    const pair = async (what: 'rss' | 'live'): Promise<{ small: number; large: number; samples: { small: number[]; large: number[] } }> => {
      const samples = { small: [] as number[], large: [] as number[] };
      for (let i = 0; i < RUNS; i++) {
        samples.small.push(await measure(1000, what)); // eslint-disable-line no-await-in-loop -- one at a time
        samples.large.push(await measure(10_000, what)); // eslint-disable-line no-await-in-loop -- one at a time
      }
      return { small: median(samples.small), large: median(samples.large), samples };
    };
    const rss = await pair('rss');
    rows.push({ section, name: '1,000 sessions', value: rss.small, unit: 'MB peak RSS', samples: rss.samples.small });
    rows.push({ section, name: '10,000 sessions', value: rss.large, unit: 'MB peak RSS', ratio: rss.large / rss.small, against: '1,000 sessions', goal: '≤ 1.2×', samples: rss.samples.large });
    const live = await pair('live');
    rows.push({ section, name: '1,000 sessions, retained (heap in use after a full GC, largest sample)', value: live.small, unit: 'MB live heap', samples: live.samples.small });
    rows.push({ section, name: '10,000 sessions, retained (heap in use after a full GC, largest sample)', value: live.large, unit: 'MB live heap', ratio: live.large / live.small, against: '1,000 sessions', samples: live.samples.large });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await home.cleanup();
    await emu.stop();
  }
}

/**
 * Export through Data Cloud (--api data-cloud) of the emulator's generated volume: N sessions × 20 entries, selected by
 * time window (one SOQL query plus queryMore pages), one SQL query per batch. For N (10,000): requests by kind, wall
 * time and peak RSS, against the goal of at most one request per 2,000 rows plus a fixed few; the same selection's
 * minimum time through the per-conversation API at 90 requests a minute, from its request count (one entries request
 * per conversation of 20 entries, as the bulk section measures, plus the same SOQL); and peak RSS for 10 × N against N.
 * The CLI is spawned (bin/run.js, so build first) without --json (whose result lists every session's status, which
 * grows with the selection by design); the emulator runs in this process. Medians of BENCH_RUNS for N, one run of
 * 10 × N unless BENCH_RUNS says more (it takes minutes on a 2-core machine).
 */
async function dataCloudExport(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { volumeSessions } = await import('../test/emulator/dataCloudData.js');
  const { createSfHome } = await import('../test/helpers/sfHome.js');
  const { spawn } = await import('node:child_process');
  const [small, large] = (process.env.BENCH_DC_SESSIONS ?? '10000,100000').split(',').map(Number);
  const entries = 20;
  const pageRows = 2000;
  const emu = await startEmulator({ extraSessions: volumeSessions(large), dataCloud: { volume: { conversations: large, entries } } });
  const home = await createSfHome(emu, { alias: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-datacloud-'));
  const base = Date.UTC(2030, 0, 1);
  type Sample = { wall: number; rssMb: number; soql: number; metadata: number; posts: number; statuses: number; pages: number; deletes: number; other: number; exported: number };
  const measure = async (sessions: number, run: number): Promise<Sample> => {
    emu.clearLog();
    const out = join(dir, `out-${sessions}-${run}`);
    const report = join(dir, `rss-${sessions}-${run}`);
    const until = new Date(base + (sessions - 1) * 1000).toISOString();
    const args = ['--import', join(ROOT, 'scripts/bench/report-rss.mjs'), join(ROOT, 'bin/run.js'), 'conversation', 'entries', 'export', '-o', 'bench', '--api', 'data-cloud', '--since', '2030-01-01T00:00:00Z', '--until', until, '-d', out];
    let stdout = '';
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { env: { ...home.env, REPORT_RSS_FILE: report }, stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('close', resolve);
    });
    const wall = performance.now() - started;
    if (code !== 0) throw new Error(`Data Cloud export of ${sessions} sessions exited ${String(code)}: ${stdout.slice(0, 500)}`);
    const exported = readFileSync(join(out, 'manifest.jsonl'), 'utf8').split('\n').filter((line) => line.includes('"status":"exported"')).length;
    rmSync(out, { recursive: true, force: true });
    const ssot = emu.requests.filter((r) => r.path.includes('/ssot/'));
    const count = (test: (r: (typeof ssot)[number]) => boolean): number => ssot.filter(test).length;
    // The selection: the MessagingSession query and its queryMore pages.
    const soql = emu.requests.filter((r) => (r.query.q ?? '').includes('FROM MessagingSession') || /\/query(All)?\/[^/]+$/.test(r.path)).length;
    return {
      wall,
      rssMb: Number(readFileSync(report, 'utf8')) / 1024,
      soql,
      metadata: count((r) => r.path.endsWith('/metadata')),
      posts: count((r) => r.method === 'POST'),
      statuses: count((r) => r.method === 'GET' && /\/query-sql\/[^/]+$/.test(r.path)),
      pages: count((r) => r.path.endsWith('/rows')),
      deletes: count((r) => r.method === 'DELETE'),
      other: emu.requests.length - soql - ssot.length,
      exported,
    };
  };
  try {
    const smallRuns: Sample[] = [];
    for (let i = 0; i < RUNS; i++) smallRuns.push(await measure(small, i)); // eslint-disable-line no-await-in-loop -- one at a time
    const largeRuns: Sample[] = [];
    for (let i = 0; i < Math.max(1, RUNS - 2); i++) largeRuns.push(await measure(large, i)); // eslint-disable-line no-await-in-loop
    for (const s of [...smallRuns, ...largeRuns]) if (s.exported !== (smallRuns.includes(s) ? small : large)) throw new Error(`exported ${s.exported} sessions`);
    const m = (key: keyof Sample, samples = smallRuns): number => median(samples.map((x) => x[key]));
    const rowsCount = small * entries;
    const dataCloud = m('metadata') + m('posts') + m('statuses') + m('pages') + m('deletes');
    const requests = m('soql') + dataCloud + m('other');
    const section = `export through Data Cloud (${small.toLocaleString('en')} sessions × ${entries} entries = ${rowsCount.toLocaleString('en')} rows, emulator)`;
    const goal = Math.ceil(rowsCount / pageRows);
    rows.push({
      section,
      name: `requests: ${m('other')} org (core's start-up) + ${m('soql')} SOQL + ${m('metadata')} metadata + ${m('posts')} queries (batches) + ${m('statuses')} status + ${m('pages')} rows pages + ${m('deletes')} cancels`,
      value: requests,
      unit: 'requests',
      ratio: requests / goal,
      against: `rows ÷ ${pageRows} = ${goal}`,
      goal: '≤ 1.0× + a fixed few',
      samples: smallRuns.map((x) => x.other + x.soql + x.metadata + x.posts + x.statuses + x.pages + x.deletes),
      details: { runs: smallRuns },
    });
    rows.push({ section, name: 'whole command, wall time', value: m('wall'), unit: 'ms', samples: smallRuns.map((x) => x.wall) });
    const apiRequests = small + Math.ceil(small / 2000);
    const apiMinutes = small / 90;
    rows.push({
      section,
      name: `the same selection through the per-conversation API at 90 requests/min: ${apiRequests.toLocaleString('en')} requests (${small.toLocaleString('en')} entries requests + ${Math.ceil(small / 2000)} SOQL), at least`,
      value: apiMinutes * 60_000,
      unit: 'ms',
      ratio: (apiMinutes * 60_000) / m('wall'),
      against: 'Data Cloud wall time',
    });
    rows.push({ section, name: `${small.toLocaleString('en')} sessions`, value: m('rssMb'), unit: 'MB peak RSS', samples: smallRuns.map((x) => x.rssMb) });
    rows.push({
      section,
      name: `${large.toLocaleString('en')} sessions (${(large * entries).toLocaleString('en')} rows; ${m('posts', largeRuns)} queries, ${m('other', largeRuns) + m('soql', largeRuns) + m('metadata', largeRuns) + m('posts', largeRuns) + m('statuses', largeRuns) + m('pages', largeRuns)} requests, ${(m('wall', largeRuns) / 1000).toFixed(0)} s)`,
      value: m('rssMb', largeRuns),
      unit: 'MB peak RSS',
      ratio: m('rssMb', largeRuns) / m('rssMb'),
      against: `${small.toLocaleString('en')} sessions`,
      goal: '≤ 1.2×',
      samples: largeRuns.map((x) => x.rssMb),
      details: { runs: largeRuns },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await home.cleanup();
    await emu.stop();
  }
}

let extraPackages: string[] = [];
/** Lines printed under the table, by section. */
const notes: Array<{ bench: Section; text: string }> = [];
const sections = selectedSections();
const measured = new Date().toISOString();
const RUNNERS: Record<Section, () => unknown> = { startup: startUp, realsf: realSf, large: largeTranscript, memory: exportMemory, bulk: bulkExport, datacloud: dataCloudExport };
try {
  for (const section of SECTIONS) {
    if (!sections.has(section)) continue;
    const before = rows.length;
    await RUNNERS[section](); // eslint-disable-line no-await-in-loop -- sections run one after another
    for (const row of rows.slice(before)) Object.assign(row, { bench: section, measured });
  }
} finally {
  if (bundleOnce) (await bundleOnce).cleanup();
}

const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const table = rows.map(tableRow);
const text = [
  `Measured ${measured} on ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}; median of ${RUNS} runs (start-up and real sf: at least 5).`,
  '',
  ...TABLE_HEAD,
  ...table,
].join('\n');
const packagesLine = sections.has('startup') ? `\n\nPackages the command loads beyond the floor: ${extraPackages.join(', ') || 'none'}` : '';
process.stdout.write(`${text}${packagesLine}${notes.map((note) => `\n\n${note.text}`).join('')}\n`);

// latest.json: this run's sections, plus the other sections' rows (and notes, packages) from the previous file.
type Saved = { date?: string; rows?: Row[]; extraPackages?: string[]; notes?: Array<{ bench: Section; text: string }> };
/** Sections of rows written before rows carried `bench`, by their titles. */
const LEGACY: Array<[RegExp, Section]> = [[/^start-up/, 'startup'], [/^Real sf/, 'realsf'], [/^large transcript/, 'large'], [/^export memory/, 'memory'], [/^bulk export/, 'bulk'], [/^export through Data Cloud/, 'datacloud']];
const file = join(ROOT, 'bench-results', 'latest.json');
let previous: Saved = {};
try {
  previous = JSON.parse(readFileSync(file, 'utf8')) as Saved;
} catch {
  // no previous results (or unreadable): write this run's only
}
const kept = (previous.rows ?? [])
  .map((row) => ({ ...row, bench: row.bench ?? LEGACY.find(([title]) => title.test(row.section))?.[1], measured: row.measured ?? previous.date }))
  .filter((row) => row.bench !== undefined && !sections.has(row.bench));
const order = (row: Row): number => SECTIONS.indexOf(row.bench ?? 'bulk');
const allRows = [...kept, ...rows].sort((a, b) => order(a) - order(b));
const allNotes = [...(previous.notes ?? []).filter((note) => typeof note === 'object' && !sections.has(note.bench)), ...notes];
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ date: measured, machine, runs: RUNS, sections: [...sections], rows: allRows, extraPackages: sections.has('startup') ? extraPackages : previous.extraPackages ?? [], notes: allNotes }, null, 2)}\n`
);
