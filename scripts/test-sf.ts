/*
 * npm run test:sf: the plugin through the real sf CLI. Installs @salesforce/cli 2.150.x and Node 22 from npm into a
 * cache folder outside the repo (reused when present), links this plugin into sf in an isolated home, authorises the
 * local org emulator with `sf org login access-token`, and runs get (every format), export and doctor.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../test/emulator/server.js';
import { CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../test/emulator/seed.js';
import { isolatedEnv } from '../test/helpers/sfHome.js';

const SF_VERSION = '2.150.6';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plugin-conversation', `sf-cli-${SF_VERSION}`);
const BIN = join(CACHE, 'node_modules', '.bin');

if (!existsSync(join(BIN, 'sf'))) {
  mkdirSync(CACHE, { recursive: true });
  process.stdout.write(`Installing @salesforce/cli@${SF_VERSION} and node@22 into ${CACHE} (once)...\n`);
  const install = spawnSync('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--no-save', `@salesforce/cli@${SF_VERSION}`, 'node@22'], { stdio: 'inherit' });
  if (install.status !== 0) throw new Error('installing the sf CLI failed');
}

const emu = await startEmulator();
const home = mkdtempSync(join(tmpdir(), 'test-sf-home-'));
const out = mkdtempSync(join(tmpdir(), 'test-sf-out-'));
const token = emu.tokenFor('jwt');
const env = { ...isolatedEnv(home, emu.url), PATH: [BIN, isolatedEnv(home, emu.url).PATH].join(delimiter), SF_ACCESS_TOKEN: token };
const secrets = [token];

type Run = { code: number | null; stdout: string; stderr: string };
const sf = (args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(join(BIN, 'sf'), args, { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

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
  const version = await sf(['version']);
  check(`sf ${SF_VERSION} runs`, version.code === 0 && version.stdout.includes(SF_VERSION), version.stdout + version.stderr);
  const link = await sf(['plugins', 'link', ROOT, '--no-install']);
  check('sf plugins link .', link.code === 0, link.stdout + link.stderr);
  const login = await sf(['org', 'login', 'access-token', '--instance-url', emu.url, '--alias', 'emu', '--no-prompt']);
  check('sf org login access-token', login.code === 0, login.stdout + login.stderr);

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
  rmSync(home, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed ? 1 : 0;
