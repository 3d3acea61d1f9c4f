/*
 * npm run test:sf: the plugin through the real sf CLI. Installs @salesforce/cli 2.150.x and Node 22 from npm into a
 * cache folder outside the repo (reused when present), links this plugin into sf in an isolated home, authorises the
 * local org emulator with `sf org login access-token` (all of that in scripts/sfCli.ts, shared with the bench), and
 * runs get (every format), export and doctor, and checks that the client secret stays out of sf's trace log.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../test/emulator/server.js';
import { CLIENT_APPS, CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../test/emulator/seed.js';
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

/** Every file under `dir` (the sf home: its log files, config and data), recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
/** The files under the sf home that contain `text`. */
const filesWith = (text: string): string[] => filesUnder(cli.home).filter((file) => readFileSync(file, 'utf8').includes(text));
const sfLogs = (): string[] => filesUnder(join(cli.home, '.sf')).filter((file) => /sf-[\d-]+\.log$/.test(file));

/**
 * The client secret through the real sf at SF_LOG_LEVEL=trace. sf writes every SF_* and SFDX_* environment variable
 * to its log when it starts (@salesforce/cli dist/cli.js, debugCliInfo), so the secret lives in CONVERSATION_CLIENT_SECRET.
 * Runs before the old name is tried, which does put the secret into the log.
 */
async function clientSecretChecks(): Promise<void> {
  const { clientId, clientSecret } = CLIENT_APPS.clientCredentials;
  const secret = clientSecret as string;
  const args = ['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '--client-id', clientId, '--json'];
  const ccEntries = (): boolean => emu.requests.some((q) => q.path.endsWith('/conversation-entries') && q.status === 200 && q.tokenApp === 'clientCredentials');
  const warningsOf = (run: Run): string[] => {
    try {
      return (JSON.parse(run.stdout) as { warnings?: string[] }).warnings ?? [];
    } catch {
      return [];
    }
  };

  emu.clearLog();
  const run = await cli.sf(args, {}, { CONVERSATION_CLIENT_SECRET: secret, SF_LOG_LEVEL: 'trace' });
  check('get --client-id, secret in CONVERSATION_CLIENT_SECRET, SF_LOG_LEVEL=trace: exit 0, entries read with a client-credentials token', run.code === 0 && ccEntries(), `${run.code}\n${run.stdout.slice(0, 400)}${run.stderr.slice(0, 400)}`);
  const logs = sfLogs();
  check('  sf wrote its trace log, and logged the environment (so the check below reads something)', logs.length > 0 && logs.some((file) => readFileSync(file, 'utf8').includes('SF_LOG_LEVEL')), logs.join(', '));
  const leaked = filesWith(secret);
  check('  the secret is in no file under the sf home (its logs included)', leaked.length === 0, leaked.join(', '));
  check('  the secret is in no output, and nothing warns', !run.stdout.includes(secret) && !run.stderr.includes(secret) && warningsOf(run).length === 0, warningsOf(run).join(' | '));

  emu.clearLog();
  const old = await cli.sf(args, {}, { SF_CONVERSATION_CLIENT_SECRET: secret, SF_LOG_LEVEL: 'trace' });
  const warned = warningsOf(old).some((w) => w.includes('SF_CONVERSATION_CLIENT_SECRET') && w.includes(' CONVERSATION_CLIENT_SECRET') && w.includes('log file'));
  check('get --client-id, secret in the old SF_CONVERSATION_CLIENT_SECRET: still works, and warns to rename it and why', old.code === 0 && ccEntries() && warned, `${old.code}\n${old.stdout.slice(0, 600)}`);
  check('  the secret is in no output', !old.stdout.includes(secret) && !old.stderr.includes(secret));
  // Why the variable was renamed, and proof that the log check above can fail: sf itself logs the old name.
  check('  sf itself wrote the old variable, secret and all, to its log', filesWith(secret).some((file) => sfLogs().includes(file)), filesWith(secret).join(', '));
}

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

  await clientSecretChecks();
} finally {
  await emu.stop();
  await cli.cleanup();
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed ? 1 : 0;
