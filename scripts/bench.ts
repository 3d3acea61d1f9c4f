/*
 * npm run bench: measurements printed as one table of side-by-side ratios from this run, and written to
 * bench-results/latest.json with the date and machine. Not a test: the machines are shared and noisy, so each
 * row is the median of several runs, and ratios (not absolute times) are what to compare.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Seed 10,000 bulk sessions for the memory row; set before anything imports the emulator's seed.
process.env.EMULATOR_BULK_SESSIONS ??= '10000';
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Row = { section: string; name: string; value: number; unit: string; ratio?: number; against?: string };
const rows: Row[] = [];

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
  for (const format of ['human', 'csv', 'jsonl', 'markdown']) {
    const m = measure(format);
    const name = `${format} (${(m.bytes / 1024 / 1024).toFixed(1)} MB written)`;
    rows.push({ section: 'large transcript (10,000 entries)', name, value: m.ms, unit: 'ms', ratio: m.ms / floor.ms, against: 'floor time' });
    rows.push({ section: 'large transcript (10,000 entries)', name, value: m.rssMb, unit: 'MB peak RSS', ratio: m.rssMb / floor.rssMb, against: 'floor RSS' });
  }
  rmSync(out, { force: true });
}

async function bulkExport(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { BULK_SESSIONS } = await import('../test/emulator/seed.js');
  const { createSfHome } = await import('../test/helpers/sfHome.js');
  const { runCli } = await import('../test/helpers/cli.js');
  const sessions = 1000;
  const latencyMs = 25;
  const concurrency = 8;
  const emu = await startEmulator({ latencyMs });
  const home = await createSfHome(emu, { alias: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  const idFile = join(dir, 'ids.txt');
  writeFileSync(idFile, `${BULK_SESSIONS.slice(0, sessions).join('\n')}\n`);
  try {
    const samples: Array<{ wall: number; fetch: number; requests: number }> = [];
    for (let run = 0; run < RUNS; run++) {
      emu.clearLog();
      const out = join(dir, `out-${run}`);
      const started = performance.now();
      // eslint-disable-next-line no-await-in-loop -- runs are measured one after another
      const result = await runCli(
        ['conversation', 'entries', 'export', '-o', 'bench', '--session-file', idFile, '-d', out, '--concurrency', String(concurrency), '--rate-limit', '0', '--max-conversations', String(sessions), '--json'],
        home.env
      );
      const wall = performance.now() - started;
      if (result.code !== 0) throw new Error(`export failed: ${result.stdout.slice(0, 500)}`);
      const entries = emu.requests.filter((r) => r.path.endsWith('/conversation-entries'));
      const soql = emu.requests.filter((r) => (r.query.q ?? '').includes('FROM MessagingSession'));
      const fetch = entries.length ? entries[entries.length - 1].at - entries[0].at + latencyMs : 0;
      samples.push({ wall, fetch, requests: entries.length + soql.length });
    }
    const minimum = Math.ceil(sessions / 200) + sessions;
    const ideal = (minimum * latencyMs) / concurrency;
    const wall = median(samples.map((x) => x.wall));
    const fetch = median(samples.map((x) => x.fetch));
    const section = `bulk export (${sessions} sessions, ${latencyMs} ms latency, concurrency ${concurrency}, no rate limit)`;
    rows.push({ section, name: 'whole command, wall time', value: wall, unit: 'ms', ratio: wall / ideal, against: `ideal ${Math.round(ideal)} ms` });
    rows.push({ section, name: 'first to last entries request', value: fetch, unit: 'ms', ratio: fetch / ideal, against: `ideal ${Math.round(ideal)} ms` });
    rows.push({ section, name: 'requests (SOQL + entries)', value: median(samples.map((x) => x.requests)), unit: 'requests', ratio: median(samples.map((x) => x.requests)) / minimum, against: `minimum ${minimum}` });
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
  const { readFileSync } = await import('node:fs');
  const emu = await startEmulator();
  const home = await createSfHome(emu, { alias: 'bench' });
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const floor = (): Promise<unknown> =>
    new Promise((resolve) => spawn(process.execPath, [join(ROOT, 'scripts/bench/floor.mjs')], { cwd: ROOT }).on('close', resolve));
  const command = (): Promise<unknown> => runCli(['conversation', 'entries', 'get', '-o', 'bench', '-s', SESSIONS.short, '--limit', '5'], home.env);
  try {
    await command(); // warm the file cache and the auth file's cached fields
    const floors: number[] = [];
    const commands: number[] = [];
    for (let i = 0; i < Math.max(RUNS, 5); i++) {
      // eslint-disable-next-line no-await-in-loop -- alternate the two, so noise hits both alike
      floors.push(await time(floor));
      // eslint-disable-next-line no-await-in-loop
      commands.push(await time(command));
    }
    const section = 'start-up (entries get, 5 entries, emulator)';
    rows.push({ section, name: 'floor: a process importing sf-plugins-core and core', value: median(floors), unit: 'ms' });
    rows.push({ section, name: 'bin/run.js conversation entries get', value: median(commands), unit: 'ms', ratio: median(commands) / median(floors), against: 'floor' });
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

/** Peak RSS of the export command for 1,000 and 10,000 sessions: it should not grow with the number of sessions. */
async function exportMemory(): Promise<void> {
  const { startEmulator } = await import('../test/emulator/server.js');
  const { BULK_SESSIONS } = await import('../test/emulator/seed.js');
  const { createSfHome } = await import('../test/helpers/sfHome.js');
  const { spawn } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  if (BULK_SESSIONS.length < 10_000) {
    rows.push({ section: 'export memory', name: 'skipped: the emulator seed was loaded before EMULATOR_BULK_SESSIONS was set', value: 0, unit: 'ms' });
    return;
  }
  const emu = await startEmulator();
  const home = await createSfHome(emu, { alias: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const peak = async (sessions: number): Promise<number> => {
    const ids = join(dir, `ids-${sessions}.txt`);
    writeFileSync(ids, `${BULK_SESSIONS.slice(0, sessions).join('\n')}\n`);
    const report = join(dir, `rss-${sessions}`);
    const args = ['--import', join(ROOT, 'scripts/bench/report-rss.mjs'), join(ROOT, 'bin/run.js'), 'conversation', 'entries', 'export', '-o', 'bench', '--session-file', ids, '-d', join(dir, `out-${sessions}`), '--concurrency', '8', '--rate-limit', '0', '--max-conversations', String(sessions), '--json'];
    const code = await new Promise<number | null>((resolve) => spawn(process.execPath, args, { env: { ...home.env, REPORT_RSS_FILE: report }, stdio: 'ignore' }).on('close', resolve));
    if (code !== 0) throw new Error(`export of ${sessions} sessions exited ${String(code)}`);
    return Number(readFileSync(report, 'utf8')) / 1024;
  };
  try {
    const small = await peak(1000);
    const large = await peak(10_000);
    const section = 'export memory (concurrency 8, no rate limit)';
    rows.push({ section, name: '1,000 sessions', value: small, unit: 'MB peak RSS' });
    rows.push({ section, name: '10,000 sessions', value: large, unit: 'MB peak RSS', ratio: large / small, against: '1,000 sessions' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await home.cleanup();
    await emu.stop();
  }
}

let extraPackages: string[] = [];
if (!process.env.BENCH_ONLY_EXPORT) {
  await startUp();
  largeTranscript();
}
if (!process.env.BENCH_SKIP_MEMORY) await exportMemory();
await bulkExport();

const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const table = rows.map((r) =>
  `| ${r.section} | ${r.name} | ${r.value.toFixed(r.unit === 'MB peak RSS' ? 1 : 0)} ${r.unit} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.against}`} |`
);
const text = [
  `Measured ${new Date().toISOString()} on ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}; median of ${RUNS} runs.`,
  '',
  '| Section | Measurement | Value | Ratio |',
  '| --- | --- | --- | --- |',
  ...table,
].join('\n');
process.stdout.write(`${text}\n\nPackages the command loads beyond the floor: ${extraPackages.join(', ') || 'none'}\n`);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results', 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, rows, extraPackages }, null, 2)}\n`);
