/*
 * npm run bench:startup-sf: the start-up of `sf conversation entries get` with the plugin packed and installed as
 * users get it (`npm pack`, then `sf plugins install <tarball>` into an isolated home: scripts/sfCli.ts, plugin
 * 'tarball'), the plain tsc build against the release bundle (scripts/bundle.mjs), side by side with what sf does
 * without the plugin, against the local org emulator (in this process), with sf's log file on as users have it:
 *
 *   get (tsc build)   sf conversation entries get -s <session> -o emu     plugin packed from lib/ as `npm run build` leaves it
 *   get (bundle)      the same, plugin packed with prepack (the release bundle)
 *   sf data query     sf data query -q "<the SOQL get runs>" -o emu       sf's own command, as a user would type it
 *   manual path       sf data query … --json, sf org auth show-access-token --json, then one GET of the entries API
 *                     with curl (token on stdin), each step's output feeding the next
 *
 * Every run is checked (exit 0, every entry printed / the identifier found). One warm-up round, then BENCH_RUNS rounds
 * (default 21), interleaved: each round runs all four, starting at a different one each round, so the load of a shared
 * machine hits all alike. Reported: median, quartiles and range of the wall times; CPU medians (user + sys); ratios,
 * both of the medians and as the median (and quartiles) of the per-round ratios.
 * Then one traced run of each get (scripts/bench/trace-files.mjs): the module files loaded, by where they live.
 *
 * Then, untimed, BENCH_DIAG_RUNS (default 7) runs of each get and of sf data query with scripts/bench/exit-wait.mjs
 * preloaded: how long each process waits at exit for its log worker threads (sf's, and the plugin's own core's).
 *
 * Environment: BENCH_RUNS=n; BENCH_TSC_TARBALL / BENCH_BUNDLE_TARBALL=<.tgz> to reuse tarballs instead of packing;
 * BENCH_LOG_OFF=1 also times the bundled get and sf data query with SF_DISABLE_LOG_FILE=true, in the same rounds;
 * BENCH_CPU_PROF=<dir> also writes one V8 CPU profile (--cpu-prof) of each get's sf process there.
 * Writes bench-results/startup-sf.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { startEmulator } from '../../test/emulator/server.js';
import { CONVERSATIONS, SESSIONS, entriesOf } from '../../test/emulator/seed.js';
import { runProcess, type ProcessRun } from '../../test/helpers/process.js';
import { ROOT, SF_BIN, SF_VERSION, createSfCli, installedPluginRoot, packPlugin, type PackedPlugin, type SfCli } from '../sfCli.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const median = (xs: number[]): number => quantile(xs, 0.5);

async function npmRunBuild(): Promise<void> {
  const code = await new Promise<number | null>((resolve) => spawn('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).on('close', resolve));
  if (code !== 0) throw new Error(`npm run build exited ${String(code)}`);
}

/** The two tarballs: the tsc build (packed without scripts after npm run build) and the release bundle (prepack). */
async function tarballs(dir: string): Promise<{ tsc: PackedPlugin | string; bundle: PackedPlugin | string }> {
  const tscGiven = process.env.BENCH_TSC_TARBALL;
  const bundleGiven = process.env.BENCH_BUNDLE_TARBALL;
  let tsc: PackedPlugin | string | undefined = tscGiven;
  if (!tsc) {
    await npmRunBuild();
    tsc = await packPlugin(join(dir, 'tsc'), { scripts: false });
    if (tsc.bundled) throw new Error('npm run build left a bundle in lib/');
  }
  const bundle = bundleGiven ?? (await packPlugin(join(dir, 'bundle')));
  if (typeof bundle !== 'string' && !bundle.bundled) throw new Error('npm pack did not pack the release bundle (prepack)');
  return { tsc, bundle };
}

function onPath(name: string, path: string): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, name))
    .find((file) => existsSync(file));
}

type Sample = { ms: number; cpuMs?: number };
type Measurement = { key: string; name: string; run: () => Promise<Sample> };

const emu = await startEmulator();
const work = mkdtempSync(join(tmpdir(), 'bench-startup-sf-'));
const clis: SfCli[] = [];
const secrets = new Set<string>();
const describe = (label: string, run: ProcessRun): string => {
  let text = `${run.stdout}\n${run.stderr}`.slice(0, 800);
  for (const secret of secrets) text = text.split(secret).join('<token>');
  return `${label} (exit ${String(run.code)}): ${text}`;
};
const ensure = (ok: boolean, label: string, run: ProcessRun): void => {
  if (!ok || run.code !== 0) throw new Error(describe(label, run));
};
try {
  const packed = await tarballs(work);
  const file = (p: PackedPlugin | string): string => (typeof p === 'string' ? p : p.file);
  const emulator = { url: emu.url, tokenFor: (app: 'jwt'): string => emu.tokenFor(app) };
  for (const tarball of [file(packed.tsc), file(packed.bundle)]) {
    // eslint-disable-next-line no-await-in-loop -- one sf at a time
    const cli = await createSfCli(emulator, { alias: 'emu', plugin: 'tarball', tarball });
    clis.push(cli);
    secrets.add(cli.token);
    const failed = cli.setup.find((step) => !step.ok);
    if (failed) throw new Error(describe(`set-up: ${failed.name}`, failed.run));
  }
  const [tscCli, bundleCli] = clis;
  const bundled = (cli: SfCli): boolean => existsSync(join(installedPluginRoot(cli.home) ?? '', 'lib', 'bundle.json'));
  if (bundled(tscCli) || !bundled(bundleCli)) throw new Error('the installed plugins are not the tsc build and the bundle');

  const expectedEntries = entriesOf(CONVERSATIONS.short).length;
  const soql = `SELECT Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${SESSIONS.short}'`;
  const curl = onPath('curl', bundleCli.env.PATH ?? '');
  if (!curl) throw new Error('curl is not on PATH: the manual path needs it');
  const get = async (cli: SfCli, label: string, env?: NodeJS.ProcessEnv): Promise<Sample> => {
    const run = await cli.sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu'], { env });
    const lines = run.stdout.trimEnd().split('\n').filter(Boolean).length;
    ensure(lines === expectedEntries, `${label}: printed ${lines} lines, not ${expectedEntries} entries`, run);
    return run;
  };
  const query = async (env?: NodeJS.ProcessEnv): Promise<Sample> => {
    const run = await bundleCli.sf(['data', 'query', '-q', soql, '-o', 'emu'], { env });
    ensure(run.stdout.includes(CONVERSATIONS.short), 'sf data query: no ConversationIdentifier in the output', run);
    return run;
  };
  const stepSamples: Sample[][] = [[], [], []];
  const manual = async (): Promise<Sample> => {
    const started = performance.now();
    const q = await bundleCli.sf(['data', 'query', '-q', soql, '-o', 'emu', '--json']);
    const identifier = (JSON.parse(q.stdout) as { result?: { records?: Array<{ Conversation?: { ConversationIdentifier?: string } }> } }).result?.records?.[0]?.Conversation?.ConversationIdentifier;
    ensure(identifier === CONVERSATIONS.short, 'manual path: sf data query --json', q);
    const t = await bundleCli.sf(['org', 'auth', 'show-access-token', '-o', 'emu', '--json']);
    const token = (JSON.parse(t.stdout) as { result?: { accessToken?: string } }).result?.accessToken ?? '';
    ensure(token.length > 0, 'manual path: sf org auth show-access-token', t);
    secrets.add(token);
    const url = `${emu.url}/platform/engagement/v1.0/conversation-entries?conversationIdentifier=${encodeURIComponent(identifier ?? '')}`;
    const h = await runProcess(curl, ['--silent', '--show-error', '--fail', '-H', '@-', url], { env: bundleCli.env, input: `Authorization: Bearer ${token}\n` });
    const entries = (JSON.parse(h.stdout) as { conversationEntries?: unknown[] }).conversationEntries?.length;
    ensure(entries === expectedEntries, `manual path: the GET returned ${String(entries)} entries`, h);
    [q, t, h].forEach((step, n) => stepSamples[n].push(step));
    const cpu = [q, t, h].map((r) => r.cpuMs);
    return { ms: performance.now() - started, cpuMs: cpu.every((x) => x !== undefined) ? cpu.reduce((a: number, x) => a + (x ?? 0), 0) : undefined };
  };
  const measurements: Measurement[] = [
    { key: 'getTsc', name: 'sf conversation entries get (installed tarball, tsc build)', run: () => get(tscCli, 'get (tsc build)') },
    { key: 'getBundle', name: 'sf conversation entries get (installed tarball, release bundle)', run: () => get(bundleCli, 'get (bundle)') },
    { key: 'query', name: 'sf data query -q "<same SOQL>" -o emu', run: () => query() },
    { key: 'manual', name: 'manual path: sf data query --json + sf org auth show-access-token --json + curl', run: manual },
  ];
  const logOff = { SF_DISABLE_LOG_FILE: 'true' };
  if (process.env.BENCH_LOG_OFF) {
    measurements.push(
      { key: 'getBundleNoLog', name: 'get (release bundle), SF_DISABLE_LOG_FILE=true', run: () => get(bundleCli, 'get (bundle, no log file)', logOff) },
      { key: 'queryNoLog', name: 'sf data query, SF_DISABLE_LOG_FILE=true', run: () => query(logOff) }
    );
  }

  const samples: Record<string, Sample[]> = Object.fromEntries(measurements.map((m) => [m.key, []]));
  for (const m of measurements) await m.run(); // eslint-disable-line no-await-in-loop -- warm-up: sf's and oclif's caches
  stepSamples.forEach((s) => s.splice(0));
  for (let round = 0; round < RUNS; round++) {
    for (let i = 0; i < measurements.length; i++) {
      const m = measurements[(round + i) % measurements.length];
      // eslint-disable-next-line no-await-in-loop -- one process at a time, interleaved
      samples[m.key].push(await m.run());
    }
    process.stderr.write(`\rround ${round + 1}/${RUNS}`);
  }
  process.stderr.write('\n');

  /* Module files loaded by one get of each build. */
  const traceRun = async (cli: SfCli, args: string[], nodeOptions: string): Promise<ProcessRun> =>
    runProcess(join(SF_BIN, 'sf'), args, { env: { ...cli.env, NODE_OPTIONS: nodeOptions } });
  const getArgs = ['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu'];
  const trace = async (cli: SfCli): Promise<Record<string, { files: number; bytes: number }>> => {
    const out = join(work, `trace-${clis.indexOf(cli)}.txt`);
    const run = await runProcess(join(SF_BIN, 'sf'), getArgs, { env: { ...cli.env, NODE_OPTIONS: `--import=${join(ROOT, 'scripts/bench/trace-files.mjs')}`, TRACE_FILES_FILE: out } });
    ensure(true, 'traced get', run);
    const pluginRoot = installedPluginRoot(cli.home) ?? '';
    const dataDir = join(cli.home, '.local', 'share', 'sf');
    const groups: Record<string, { files: number; bytes: number }> = {};
    for (const path of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
      const group = path.startsWith(pluginRoot + sep) ? (path.includes(`${sep}node_modules${sep}`, pluginRoot.length) ? 'plugin dependencies' : 'plugin package') : path.startsWith(dataDir + sep) ? 'plugin dependencies' : 'sf';
      groups[group] ??= { files: 0, bytes: 0 };
      groups[group].files++;
      groups[group].bytes += statSync(path).size;
    }
    return groups;
  };
  const traced = { tsc: await trace(tscCli), bundle: await trace(bundleCli) };

  /* Untimed: the wait at exit for log worker threads, per process (sum of its waits). */
  const diagRuns = Number(process.env.BENCH_DIAG_RUNS ?? 7);
  const exitWaitOf = async (cli: SfCli, args: string[]): Promise<{ total: number; waits: number[] }> => {
    const out = join(work, 'exit-wait.txt');
    rmSync(out, { force: true });
    const run = await runProcess(join(SF_BIN, 'sf'), args, { env: { ...cli.env, NODE_OPTIONS: `--import=${join(ROOT, 'scripts/bench/exit-wait.mjs')}`, EXIT_WAIT_FILE: out } });
    ensure(true, 'exit-wait run', run);
    const waits = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    return { total: waits.reduce((a, b) => a + b, 0), waits };
  };
  const exitWaits: Record<string, Array<{ total: number; waits: number[] }>> = { getTsc: [], getBundle: [], query: [] };
  for (let i = 0; i < diagRuns; i++) {
    exitWaits.getTsc.push(await exitWaitOf(tscCli, getArgs)); // eslint-disable-line no-await-in-loop
    exitWaits.getBundle.push(await exitWaitOf(bundleCli, getArgs)); // eslint-disable-line no-await-in-loop
    exitWaits.query.push(await exitWaitOf(bundleCli, ['data', 'query', '-q', soql, '-o', 'emu'])); // eslint-disable-line no-await-in-loop
  }
  if (process.env.BENCH_CPU_PROF) {
    mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
    for (const [name, cli] of [['tsc', tscCli], ['bundle', bundleCli]] as const) {
      const dir = join(process.env.BENCH_CPU_PROF, name);
      // eslint-disable-next-line no-await-in-loop
      ensure(true, `profiled get (${name})`, await traceRun(cli, getArgs, `--cpu-prof --cpu-prof-dir=${dir}`));
    }
  }

  /* Report. */
  const wall = (key: string): number[] => samples[key].map((s) => s.ms);
  const cpu = (key: string): number | undefined => (samples[key].every((s) => s.cpuMs !== undefined) ? median(samples[key].map((s) => s.cpuMs ?? 0)) : undefined);
  const stats = (xs: number[]): { median: number; p25: number; p75: number; min: number; max: number } => ({
    median: median(xs),
    p25: quantile(xs, 0.25),
    p75: quantile(xs, 0.75),
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  const paired = (a: string, b: string): number[] => samples[a].map((s, i) => s.ms / samples[b][i].ms);
  const ms = (x: number): string => `${Math.round(x)}`;
  const lines: string[] = [];
  lines.push(`sf ${SF_VERSION}, Node ${process.version} (bench), ${cpus().length} CPUs; ${RUNS} interleaved rounds after one warm-up; log file on (SF_LOG_LEVEL unset: warn).`);
  lines.push('', '| measurement | median ms | p25–p75 ms | min–max ms | CPU median ms |', '| --- | ---: | ---: | ---: | ---: |');
  for (const m of measurements) {
    const s = stats(wall(m.key));
    lines.push(`| ${m.name} | ${ms(s.median)} | ${ms(s.p25)}–${ms(s.p75)} | ${ms(s.min)}–${ms(s.max)} | ${cpu(m.key) === undefined ? '' : ms(cpu(m.key) ?? 0)} |`);
  }
  ['sf data query --json', 'sf org auth show-access-token --json', 'curl GET'].forEach((name, n) => {
    const s = stats(stepSamples[n].map((x) => x.ms));
    lines.push(`| manual path, step ${n + 1}: ${name} | ${ms(s.median)} | ${ms(s.p25)}–${ms(s.p75)} | ${ms(s.min)}–${ms(s.max)} | |`);
  });
  const ratios: Record<string, unknown> = {};
  lines.push('', '| ratio | of medians | per-round median (p25–p75) | goal |', '| --- | ---: | ---: | ---: |');
  const pairs: Array<[string, string, string]> = [
    ['getTsc', 'query', '≤ 1.0×'],
    ['getBundle', 'query', '≤ 1.0×'],
    ['getTsc', 'manual', '≤ 0.5×'],
    ['getBundle', 'manual', '≤ 0.5×'],
    ['getBundle', 'getTsc', ''],
  ];
  if (process.env.BENCH_LOG_OFF) pairs.push(['getBundleNoLog', 'queryNoLog', '(log file off)']);
  for (const [a, b, goal] of pairs) {
    const pr = paired(a, b);
    const ofMedians = median(wall(a)) / median(wall(b));
    ratios[`${a}/${b}`] = { ofMedians, perRound: stats(pr) };
    const name = (key: string): string =>
      ({ getTsc: 'get (tsc build)', getBundle: 'get (bundle)', query: 'sf data query', manual: 'manual path', getBundleNoLog: 'get (bundle, no log file)', queryNoLog: 'sf data query (no log file)' })[key] ?? key;
    lines.push(`| ${name(a)} ÷ ${name(b)} | ${ofMedians.toFixed(2)}× | ${median(pr).toFixed(2)}× (${quantile(pr, 0.25).toFixed(2)}–${quantile(pr, 0.75).toFixed(2)}) | ${goal} |`);
  }
  lines.push('', '| module files loaded by one get | sf | plugin package | plugin dependencies |', '| --- | ---: | ---: | ---: |');
  for (const [name, groups] of Object.entries(traced)) {
    const cell = (g: string): string => (groups[g] ? `${groups[g].files} (${(groups[g].bytes / 1e6).toFixed(1)} MB)` : '0');
    lines.push(`| ${name === 'tsc' ? 'tsc build' : 'release bundle'} | ${cell('sf')} | ${cell('plugin package')} | ${cell('plugin dependencies')} |`);
  }
  lines.push(
    '',
    `| wait at exit for log worker threads (${diagRuns} untimed runs) | median ms | min–max ms | each run's waits, in exit order (sf's worker first) |`,
    '| --- | ---: | ---: | --- |'
  );
  for (const [key, name] of [['getTsc', 'get (tsc build)'], ['getBundle', 'get (release bundle)'], ['query', 'sf data query']] as const) {
    const totals = exitWaits[key].map((w) => w.total);
    const each = exitWaits[key].map((w) => w.waits.map((x) => ms(x)).join('+') || '0').join(', ');
    lines.push(`| ${name} | ${ms(median(totals))} | ${ms(Math.min(...totals))}–${ms(Math.max(...totals))} | ${each} |`);
  }
  const sizes = (p: PackedPlugin | string): string => (typeof p === 'string' ? p : `${p.entryCount} files, ${(p.size / 1e6).toFixed(2)} MB packed, ${(p.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
  lines.push('', `Tarballs: tsc build ${sizes(packed.tsc)}; release bundle ${sizes(packed.bundle)}.`);
  process.stdout.write(`${lines.join('\n')}\n`);

  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench-results', 'startup-sf.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        sfVersion: SF_VERSION,
        runs: RUNS,
        machine: { cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}` },
        measurements: measurements.map((m) => ({ key: m.key, name: m.name, wall: stats(wall(m.key)), cpuMedianMs: cpu(m.key), samplesMs: wall(m.key).map(Math.round) })),
        manualSteps: stepSamples.map((s) => stats(s.map((x) => x.ms))),
        ratios,
        filesLoaded: traced,
        exitWaits,
        tarballs: packed,
      },
      null,
      2
    )}\n`
  );
} finally {
  for (const cli of clis) await cli.cleanup(); // eslint-disable-line no-await-in-loop
  await emu.stop();
  rmSync(work, { recursive: true, force: true });
}
