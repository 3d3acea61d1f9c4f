/*
 * npm run bench: measurements printed as one table of side-by-side ratios from this run, and written to
 * bench-results/latest.json with the date and machine. Not a test: the machines are shared and noisy, so each
 * row is the median of several runs, and ratios (not absolute times) are what to compare.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
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

largeTranscript();

const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const table = rows.map((r) =>
  `| ${r.section} | ${r.name} | ${r.value.toFixed(r.unit === 'ms' ? 0 : 1)} ${r.unit} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.against}`} |`
);
const text = [
  `Measured ${new Date().toISOString()} on ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}; median of ${RUNS} runs.`,
  '',
  '| Section | Measurement | Value | Ratio |',
  '| --- | --- | --- | --- |',
  ...table,
].join('\n');
process.stdout.write(`${text}\n`);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results', 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, rows }, null, 2)}\n`);
