/*
 * The bench's Markdown table, shared by `npm run bench` (this run's rows) and `npm run bench:table` (every row in
 * bench-results/latest.json, with the date each section was measured).
 */
export type TableRow = { section: string; name: string; value: number; unit: string; ratio?: number; against?: string; goal?: string };

export const TABLE_HEAD = ['| Section | Measurement | Value | Ratio |', '| --- | --- | --- | --- |'];

export const tableRow = (r: TableRow): string =>
  `| ${r.section} | ${r.name} | ${r.value.toFixed(r.unit.startsWith('MB') ? 1 : 0)} ${r.unit} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.against}${r.goal ? ` (goal ${r.goal})` : ''}`} |`;
