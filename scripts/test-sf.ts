/*
 * npm run test:sf: the plugin through the real sf CLI, as users get it. Installs @salesforce/cli 2.150.x and Node 22
 * from npm into a cache folder outside the repo (reused when present), packs the plugin (`npm pack` in a copy of the
 * tree: prepack builds the release bundle) and installs it with `sf plugins install <tarball>` into an isolated home
 * (--plugin tarball; --tarball <file> installs that tarball instead of packing), authorises the
 * local org emulator with `sf org login access-token` (all of that in scripts/sfCli.ts, shared with the bench), and
 * runs get (every format), export and doctor; every command's help; errors from the flag parser, sf-plugins-core
 * and the plugin (each renders, no "Missing message"); the org-api-version config default; sf's log file (the
 * plugin's lines, no token); and last a token refresh (a refresh-token org whose access tokens the emulator revokes).
 *
 * npm run test:sf:link (--plugin link, the default here): the same with `sf plugins link` of the working tree, as a
 * developer runs it.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/server.js';
import { CLIENT_APPS, CONVERSATIONS, LONG_ENTRY_COUNT, SESSIONS, entriesOf } from '../test/emulator/seed.js';
import type { ProcessRun as Run } from '../test/helpers/process.js';
import { runTsx } from '../test/helpers/sfHome.js';
import { ROOT, createSfCli, installedPluginRoot } from './sfCli.js';

const { values: options } = parseArgs({ options: { plugin: { type: 'string', default: 'link' }, tarball: { type: 'string' } } });
if (options.plugin !== 'link' && options.plugin !== 'tarball') throw new Error(`--plugin ${String(options.plugin)}: use link or tarball`);
const emu = await startEmulator();
const cli = await createSfCli(emu, { alias: 'emu', plugin: options.plugin, tarball: options.tarball }).catch(async (error: unknown) => {
  await emu.stop();
  throw error;
});
const out = mkdtempSync(join(tmpdir(), 'test-sf-out-'));
const { token } = cli;
const secrets = [token];
const sf = (args: string[], env?: NodeJS.ProcessEnv): Promise<Run> => cli.sf(args, { env });

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
  const run = await cli.sf(args, { env: { CONVERSATION_CLIENT_SECRET: secret, SF_LOG_LEVEL: 'trace' } });
  check('get --client-id, secret in CONVERSATION_CLIENT_SECRET, SF_LOG_LEVEL=trace: exit 0, entries read with a client-credentials token', run.code === 0 && ccEntries(), `${run.code}\n${run.stdout.slice(0, 400)}${run.stderr.slice(0, 400)}`);
  const logs = sfLogs();
  check('  sf wrote its trace log, and logged the environment (so the check below reads something)', logs.length > 0 && logs.some((file) => readFileSync(file, 'utf8').includes('SF_LOG_LEVEL')), logs.join(', '));
  const leaked = filesWith(secret);
  check('  the secret is in no file under the sf home (its logs included)', leaked.length === 0, leaked.join(', '));
  check('  the secret is in no output, and nothing warns', !run.stdout.includes(secret) && !run.stderr.includes(secret) && warningsOf(run).length === 0, warningsOf(run).join(' | '));

  emu.clearLog();
  const old = await cli.sf(args, { env: { SF_CONVERSATION_CLIENT_SECRET: secret, SF_LOG_LEVEL: 'trace' } });
  const warned = warningsOf(old).some((w) => w.includes('SF_CONVERSATION_CLIENT_SECRET') && w.includes(' CONVERSATION_CLIENT_SECRET') && w.includes('log file'));
  check('get --client-id, secret in the old SF_CONVERSATION_CLIENT_SECRET: still works, and warns to rename it and why', old.code === 0 && ccEntries() && warned, `${old.code}\n${old.stdout.slice(0, 600)}`);
  check('  the secret is in no output', !old.stdout.includes(secret) && !old.stderr.includes(secret));
  // Why the variable was renamed, and proof that the log check above can fail: sf itself logs the old name.
  check('  sf itself wrote the old variable, secret and all, to its log', filesWith(secret).some((file) => sfLogs().includes(file)), filesWith(secret).join(', '));
}
/** Text no rendered message may contain: a message key or bundle that failed to load. */
const unrendered = (run: Run): string | undefined => /Missing message|Missing bundle|MissingBundle|Missing messages/i.exec(run.stdout + run.stderr)?.[0];
type ErrorJson = { status?: number; name?: string; message?: string; exitCode?: number; warnings?: string[]; result?: { entryCount?: number } };
const json = (run: Run): ErrorJson => {
  try {
    return JSON.parse(run.stdout) as ErrorJson;
  } catch {
    return {};
  }
};

try {
  for (const step of cli.setup) check(step.name, step.ok, step.run.stdout + step.run.stderr);
  if (options.plugin === 'tarball') {
    const bundled = existsSync(join(installedPluginRoot(cli.home) ?? '', 'lib', 'bundle.json'));
    // Packed here, prepack must have made the release bundle; a given tarball may be either build.
    if (options.tarball) process.stdout.write(`     (installed from ${options.tarball}: ${bundled ? 'the release bundle' : 'lib/ as tsc wrote it'})\n`);
    else check('the installed plugin is the release bundle (lib/bundle.json)', bundled);
  }

  for (const format of ['human', 'csv', 'jsonl', 'markdown']) {
    // eslint-disable-next-line no-await-in-loop -- one sf process at a time, as a user would run them
    const run = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '-r', format]);
    const expected = entriesOf(CONVERSATIONS.short).length;
    const lines = run.stdout.trimEnd().split('\n');
    const count = format === 'human' || format === 'jsonl' ? lines.length : format === 'csv' ? lines.length - 1 : (run.stdout.match(/^\*\*/gm) ?? []).length;
    check(`get -r ${format}: exit 0 and ${expected} entries`, run.code === 0 && count === expected, `${run.code} ${count}\n${run.stdout}${run.stderr}`);
    noSecrets(`get -r ${format}`, run);
  }
  const long = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.long.slice(0, 15), '-o', 'emu', '--json']);
  const result = (JSON.parse(long.stdout) as { result?: { entryCount: number; entries: Array<{ identifier: string }> } }).result;
  check(
    `get --json: the long conversation, ${LONG_ENTRY_COUNT} entries in order, 15-char id`,
    long.code === 0 && result?.entryCount === LONG_ENTRY_COUNT && JSON.stringify(result.entries.map((e) => e.identifier)) === JSON.stringify(entriesOf(CONVERSATIONS.long).map((e) => e.identifier)),
    long.stdout.slice(0, 300)
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
  check('doctor: exit 0 and no failed check', doctor.code === 0 && checks.length >= 8 && !checks.some((c) => c.status === 'fail'), doctor.stdout.slice(0, 600));
  noSecrets('doctor', doctor);
  const doctorText = await sf(['conversation', 'doctor', '-o', 'emu']);
  check('doctor (human output): exit 0, every check on its own line', doctorText.code === 0 && doctorText.stdout.trim().split('\n').length >= checks.length && !unrendered(doctorText), doctorText.stdout.slice(0, 600) + doctorText.stderr.slice(0, 300));

  // What the release bundle loads only when needed (its own chunks), from an install that has only its one dependency.
  const cloud = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '--api', 'data-cloud', '--json']);
  const cloudEntries = (JSON.parse(cloud.stdout) as { result?: { entryCount?: number } }).result?.entryCount;
  check(`get --api data-cloud: exit 0 and ${entriesOf(CONVERSATIONS.short).length} entries`, cloud.code === 0 && cloudEntries === entriesOf(CONVERSATIONS.short).length, `${cloud.code}\n${cloud.stdout.slice(0, 400)}${cloud.stderr.slice(0, 400)}`);
  noSecrets('get --api data-cloud', cloud);
  const page = join(out, 'short.html');
  const html = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '-r', 'html', '-f', page]);
  const pageText = existsSync(page) ? readFileSync(page, 'utf8') : '';
  check('get -r html -f <file>: exit 0, a page with every entry and no script', html.code === 0 && pageText.startsWith('<!DOCTYPE html>') && (pageText.match(/<li class="(?:msg|note)\b/g) ?? []).length === entriesOf(CONVERSATIONS.short).length && !/<script\b/i.test(pageText), `${html.code}\n${html.stderr.slice(0, 400)}${pageText.slice(0, 200)}`);
  noSecrets('get -r html', html);
  const help = await sf(['conversation', 'entries', 'get', '--help']);
  check('get --help lists the exit codes', help.code === 0 && help.stdout.includes('ERROR CODES'), help.stdout.slice(-400));

  await clientSecretChecks();
  // Every command's help (the ids and summaries from the manifest the package ships): it renders, nothing missing.
  const manifest = JSON.parse(readFileSync(join(installedPluginRoot(cli.home) ?? ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { summary?: string }> };
  for (const [id, command] of Object.entries(manifest.commands)) {
    // eslint-disable-next-line no-await-in-loop -- one sf process at a time
    const run = await sf([...id.split(':'), '--help']);
    check(`${id.split(':').join(' ')} --help renders`, run.code === 0 && !unrendered(run) && run.stdout.includes(command.summary ?? '\u0000') && run.stdout.includes('FLAGS'), `${run.code} ${run.stdout.slice(0, 400)}${run.stderr}`);
  }

  // Errors raised by oclif's parser, by sf-plugins-core (its messages are inlined in the bundle) and by the plugin:
  // a named error with a message, a non-zero exit, nothing unrendered, no token.
  const errorCases: Array<{ name: string; args: string[]; exit?: number; env?: NodeJS.ProcessEnv; message?: RegExp }> = [
    { name: 'neither --session-id nor --conversation-id', args: ['conversation', 'entries', 'get', '-o', 'emu'], exit: 2 },
    { name: 'a flag value below its minimum', args: ['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '--limit', '0'], exit: 2 },
    { name: 'an invalid --api-version (sf-plugins-core)', args: ['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '--api-version', 'abc'], exit: 2, message: /abc/ },
    { name: 'an unknown org', args: ['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'no-such-org'] },
    { name: 'a malformed session id (the plugin)', args: ['conversation', 'entries', 'get', '-s', 'bad', '-o', 'emu'], exit: 2, message: /"bad"/ },
    { name: 'an unknown flag', args: ['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '--no-such-flag'], exit: 2 },
    { name: 'no --target-org and no default', args: ['conversation', 'entries', 'get', '-s', SESSIONS.short] },
  ];
  for (const c of errorCases) {
    // eslint-disable-next-line no-await-in-loop -- one sf process at a time
    const run = await sf([...c.args, '--json'], c.env);
    const e = json(run);
    const ok =
      run.code !== 0 && (c.exit === undefined || run.code === c.exit) && typeof e.name === 'string' && Boolean(e.message) && !unrendered(run) && (c.message?.test(e.message ?? '') ?? true);
    check(`error, ${c.name}: exit ${String(run.code)}, ${String(e.name)}`, ok, `${run.stdout.slice(0, 500)}${run.stderr.slice(0, 300)}`);
    noSecrets(`error, ${c.name}`, run);
  }

  // The org-api-version config value is the --api-version default (sf-plugins-core imports core's ConfigAggregator
  // for it, a dynamic import the bundle rewrites): used, with sf-plugins-core's override warning.
  const set = await sf(['config', 'set', 'org-api-version', '62.0', '--global', '--json']);
  const configured = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu', '--json']);
  await sf(['config', 'unset', 'org-api-version', '--global', '--json']);
  const warnings = json(configured).warnings ?? [];
  check(
    'get with org-api-version set: exit 0 and sf-plugins-core\'s override warning',
    set.code === 0 && configured.code === 0 && warnings.some((w) => w.includes('62.0')) && !unrendered(configured),
    `${configured.stdout.slice(0, 400)}${configured.stderr}`
  );

  // sf's log file, as users have it (SF_LOG_LEVEL=debug to see the plugin's lines): core's logger in the plugin
  // writes its connection's lines there, named as core names them: in the release bundle through sf's own root logger
  // (one log worker), in a tsc build through its own copy's worker and the log transform.
  const logDir = join(cli.home, '.sf');
  const logLines = (): Array<{ name?: string; msg?: string }> =>
    (existsSync(logDir) ? readdirSync(logDir).filter((f) => /^sf-.*\.log$/.test(f)) : []).flatMap((f) =>
      readFileSync(join(logDir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { name?: string; msg?: string })
    );
  const before = logLines().length;
  const logged = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu'], { SF_LOG_LEVEL: 'debug' });
  const lines = logLines().slice(before);
  check(
    'sf log file: the plugin\'s core logs its connection (sf:connection, sf:AuthInfo) at debug',
    logged.code === 0 && lines.some((l) => l.name === 'sf:connection') && lines.some((l) => l.name === 'sf:AuthInfo'),
    `${logged.code} ${lines.length} new lines: ${[...new Set(lines.map((l) => l.name))].join(', ')}`
  );
  check('sf log file: no token', !readdirSync(logDir).some((f) => readFileSync(join(logDir, f), 'utf8').includes(token)));

  // Last, as it revokes every access token: a refresh-token org (what a web login leaves), its tokens revoked. The
  // plugin's core refreshes (one token request) and stores the new token; the next get and sf's own data query read
  // it back (no token request).
  const credentials = emu.credentialsFor('jwt');
  const authorized = await runTsx(
    join(ROOT, 'test', 'helpers', 'authorize.ts'),
    [],
    cli.env,
    { cwd: cli.home, stdin: JSON.stringify({ home: cli.home, url: emu.url, ...credentials, alias: 'emu-refresh', refreshable: true, setDefault: false }) }
  );
  check('a refresh-token org authorised in the sf home', authorized.code === 0, authorized.stderr.slice(0, 400));
  secrets.push(credentials.accessToken, credentials.refreshToken);
  emu.revokeAccessTokens();
  emu.clearLog();
  const refreshed = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu-refresh', '--json']);
  const tokenRequests = (): number => emu.requests.filter((r) => r.path.includes('/oauth2/token')).length;
  check(
    'refresh: get with a revoked token refreshes it (one token request) and gets every entry',
    refreshed.code === 0 && json(refreshed).result?.entryCount === entriesOf(CONVERSATIONS.short).length && tokenRequests() === 1,
    `${refreshed.code} token requests ${tokenRequests()} ${refreshed.stdout.slice(0, 300)}`
  );
  noSecrets('refresh', refreshed);
  emu.clearLog();
  const again = await sf(['conversation', 'entries', 'get', '-s', SESSIONS.short, '-o', 'emu-refresh', '--json']);
  const query = await sf(['data', 'query', '-q', `SELECT Id FROM MessagingSession WHERE Id = '${SESSIONS.short}'`, '-o', 'emu-refresh', '--json']);
  check(
    'refresh: the stored token is read back by the next get and by sf data query (no token request)',
    again.code === 0 && query.code === 0 && tokenRequests() === 0,
    `${again.code} ${query.code} token requests ${tokenRequests()}`
  );
} finally {
  await emu.stop();
  await cli.cleanup();
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed ? 1 : 0;
