/*
 * npm run bench:table: the table of every row in bench-results/latest.json (sections measured at different times
 * included), with when each section was measured; for the README.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TABLE_HEAD, tableRow, type TableRow } from './bench/table.js';

type Saved = {
  machine?: { cpus: string; memoryGb: number; node: string };
  rows: Array<TableRow & { bench?: string; measured?: string }>;
  extraPackages?: string[];
  notes?: Array<{ text: string }>;
};
const saved = JSON.parse(readFileSync(fileURLToPath(new URL('../bench-results/latest.json', import.meta.url)), 'utf8')) as Saved;
const when = new Map<string, string>();
for (const row of saved.rows) if (row.bench && row.measured) when.set(row.bench, row.measured.slice(0, 16).replace('T', ' '));
const machine = saved.machine ? `${saved.machine.cpus}, ${saved.machine.memoryGb} GB, Node ${saved.machine.node}` : 'unknown machine';
const packages = saved.extraPackages?.length ? [`Packages the command loads beyond the floor: ${saved.extraPackages.join(', ')}`] : [];
const notes = (saved.notes ?? []).map((note) => note.text);
const table = [...TABLE_HEAD, ...saved.rows.map(tableRow)].join('\n');
process.stdout.write(`${[`On ${machine}. Measured (UTC): ${[...when].map(([bench, at]) => `${bench} ${at}`).join(', ')}.`, table, ...packages, ...notes].join('\n\n')}\n`);
