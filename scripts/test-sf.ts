/*
 * npm run test:sf: the plugin through the real sf CLI. Installs @salesforce/cli 2.150.x and Node 22 from npm into a
 * cache folder outside the repo (reused when present), links this plugin into sf in an isolated home, authorises the
 * local org emulator with `sf org login access-token` (all of that in scripts/sfCli.ts, shared with the bench), and
 * runs get (every format), export and doctor.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../test/emulator/server.js';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../test/emulator/seed.js';
import type { ProcessRun as Run } from '../test/helpers/process.js';
import { createSfCli } from './sfCli.js';

const emu = await startEmulator();
const cli = await createSfCli(emu, { alias: 'emu' }).catch(async (error: unknown) => {
  await emu.stop();
  throw error;
});
const out = mkdtempSync(join(tmpdir(), 'test-sf-out-'));
const { token } = cli;
const secrets = [token];
const sf = (args: string[]): Promise<Run> => cli.sf(args);

let passed = 0;
let failed = 0;
const check = (name: string, ok: boolean, detail = ''): void => {
  if (ok) passed++;
  else failed++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `\n     ${detail.slice(0, 600)}`}\n`);
};
const noSecrets = (name: string, run: Run): void =>
  check(`${name}: no token in the output`, !secrets.some((s) => run.stdout.includes(s) || run.stderr.includes(s)));

try {
  for (const step of cli.setup) check(step.name, step.ok, step.run.stdout + step.run.stderr);

  for (const format of ['human', 'csv', 'jsonl', 'markdown']) {
    // eslint-disable-next-line no-await-in-loop -- one sf process at a time, as a user would run them
    const run = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '-r', format]);
    const expected = entriesOf(CONVERSATIONS.short).length;
    const lines = run.stdout.trimEnd().split('\n');
    const count = format === 'human' || format === 'jsonl' ? lines.length : format === 'csv' ? lines.length - 1 : (run.stdout.match(/^\*\*/gm) ?? []).length;
    check(`get -r ${format}: exit 0 and ${expected} entries`, run.code === 0 && count === expected, `${run.code} ${count}\n${run.stdout}${run.stderr}`);
    noSecrets(`get -r ${format}`, run);
  }
  const json = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.long.slice(0, 15), '-o', 'emu', '--json']);
  const result = (JSON.parse(json.stdout) as { result?: { entryCount: number; entries: Array<{ identifier: string }> } }).result;
  check(
    `get --json: the long conversation, ${LONG_ENTRY_COUNT} entries in order, 15-char id`,
    json.code === 0 && result?.entryCount === LONG_ENTRY_COUNT && JSON.stringify(result.entries.map((e) => e.identifier)) === JSON.stringify(entriesOf(CONVERSATIONS.long).map((e) => e.identifier)),
    json.stdout.slice(0, 300)
  );
  const missing = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.noConversation, '-o', 'emu', '--json']);
  check('get: a session without a conversation exits 4', missing.code === 4, missing.stdout);
  emu.clearLog();
  const badChecksum = await sf(['conversation', 'entries', 'get', '-s', `${SESSIONS.short.slice(0, 17)}${SESSIONS.short.endsWith('A') ? 'B' : 'A'}`, '-o', 'emu', '--json']);
  check('get: a wrong checksum exits 2 with zero requests', badChecksum.code === 2 && emu.requests.length === 0, `${badChecksum.code} ${emu.requests.length}`);

  const exported = await sf(['conversation', 'entries', 'export', '-o', 'emu', '-s', SESSIONS.short, '-s', SESSIONS.long, '-s', SESSIONS.noConversation, '-d', out, '-r', 'csv', '--json']);
  const files = readdirSync(out).sort();
  check('export: exit 0, one file per conversation and a manifest', exported.code === 0 && files.join(',') === `${SESSIONS.short}.csv,${SESSIONS.long}.csv,manifest.jsonl`, `${exported.code} ${files.join(',')}\n${exported.stdout.slice(0, 400)}`);
  check('export: manifest has one line per session', readFileSync(join(out, 'manifest.jsonl'), 'utf8').trim().split('\n').length === 3);
  noSecrets('export', exported);
  for (const file of files) check(`export: no token in ${file}`, !readFileSync(join(out, file), 'utf8').includes(token));

  const doctor = await sf(['conversation', 'doctor', '-o', 'emu', '--json']);
  const checks = (JSON.parse(doctor.stdout) as { result?: { checks: Array<{ status: string }> } }).result?.checks ?? [];
  check('doctor: exit 0 and no failed check', doctor.code === 0 && checks.length === 8 && !checks.some((c) => c.status === 'fail'), doctor.stdout.slice(0, 600));
  noSecrets('doctor', doctor);
  const help = await sf(['conversation', 'entries', 'get', '--help']);
  check('get --help lists the exit codes', help.code === 0 && help.stdout.includes('ERROR CODES'), help.stdout.slice(-400));
} finally {
  await emu.stop();
  await cli.cleanup();
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed ? 1 : 0;
