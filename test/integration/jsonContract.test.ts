/*
 * The --json contract scripts rely on, checked the way a script reads it: every command run in-process as sf runs it
 * (helpers/command.ts) against the emulator, through its successes, partial results and failures, and each document
 * checked against the command's published schema (schemas/*.json, which schema:compare keeps in step with the result
 * types) with ajv. An error's document has the shape sf-plugins-core gives every command's errors: status equal to
 * the exit code, a named error, a message, and actions.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, CONVERSATIONS, SESSION_RECORDS, SESSIONS } from '../emulator/seed.js';
import { CASES, OBJECT_SESSIONS, VOICE_CALLS } from '../emulator/seedObjects.js';
import type { CliResult } from '../helpers/cli.js';
import { QUICK_RETRY, runCommand } from '../helpers/command.js';
import { authorizeInProcess, setDefaultOrg } from '../helpers/inProcessOrg.js';

const SCHEMAS = join(realpathSync(new URL('../..', import.meta.url).pathname), 'schemas');
const COMMANDS = ['conversation entries get', 'conversation entries export', 'conversation doctor'] as const;
type Command = (typeof COMMANDS)[number];
const conversationOf = (id: string): string => SESSION_RECORDS.find((r) => r.id18 === id)?.conversationIdentifier as string;

describe('--json: every document matches the published schema (integration, in-process)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let root: string;
  let unsetDefault: (() => Promise<void>) | undefined;
  let n = 0;
  const validators = new Map<Command, ValidateFunction>();
  /** The commands whose results were checked, and with which exit codes: every command, success and failure. */
  const seen = new Map<Command, Set<number>>();

  const run = async (command: Command, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCommand([...command.split(' '), ...args, '--json'], { env: { SF_CONVERSATION_API_URL: emu.url, ...env }, retry: QUICK_RETRY });
    const json = result.json;
    expect(json, `${command} ${args.join(' ')}: one JSON document on stdout\n${result.stdout.slice(0, 300)}${result.stderr.slice(0, 300)}`).to.not.equal(undefined);
    expect(JSON.parse(result.stdout), 'stdout is that document alone').to.deep.equal(json);
    expect(json?.status, 'status is the exit code').to.equal(result.code);
    if (json && 'result' in json) {
      const validate = validators.get(command) as ValidateFunction;
      expect(validate(json.result), `${command} ${args.join(' ')}: ${JSON.stringify(validate.errors?.slice(0, 3))} in ${JSON.stringify(json.result).slice(0, 400)}`).to.equal(true);
      expect(json.warnings, 'warnings is a list').to.be.an('array');
    } else {
      // An error: named, with its message and what to do; never a stack trace for a script to parse.
      expect(result.code, 'an error exits non-zero').to.not.equal(0);
      expect(json?.name).to.be.a('string').and.match(/Error$/);
      expect(json?.message).to.be.a('string').and.not.equal('');
      expect(json?.exitCode).to.equal(result.code);
    }
    seen.set(command, (seen.get(command) ?? new Set()).add(result.code ?? -1));
    return result;
  };
  const newDir = (): string => join(root, `out-${++n}`);

  before(async () => {
    for (const command of COMMANDS) {
      const file = join(SCHEMAS, `${command.replaceAll(' ', '-')}.json`);
      const ajv = new Ajv({ allErrors: true, strict: false });
      validators.set(command, ajv.compile(JSON.parse(await readFile(file, 'utf8')) as object));
    }
    emu = await startEmulator({ seedObjects: true, username: 'contract@conversation-emulator.example', retryAfterSeconds: 0 });
    await authorizeInProcess(emu, 'contract');
    unsetDefault = await setDefaultOrg('contract');
    root = await mkdtemp(join(realpathSync(tmpdir()), 'json-contract-'));
  });
  afterEach(() => {
    emu.set({ faultRate: 0 });
    emu.clearFaults?.();
  });
  after(async () => {
    await unsetDefault?.();
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
    // Every command was checked on success and on failure.
    for (const command of COMMANDS) {
      const codes = [...(seen.get(command) ?? [])];
      expect(codes, `${command}: a success`).to.include(0);
      expect(codes.some((c) => c !== 0), `${command}: a failure`).to.equal(true);
    }
  });

  it('get: every source and shape of conversation, and its failures', async () => {
    for (const session of [SESSIONS.short, SESSIONS.long, SESSIONS.pii, SESSIONS.hostile]) {
      // eslint-disable-next-line no-await-in-loop
      expect((await run('conversation entries get', ['-s', session])).code).to.equal(0);
    }
    expect((await run('conversation entries get', ['-c', CONVERSATIONS.short, '--redact'])).code).to.equal(0);
    expect((await run('conversation entries get', ['-s', SESSIONS.short, '--api', 'connect'])).code).to.equal(0);
    expect((await run('conversation entries get', ['-s', SESSIONS.short, '--api', 'data-cloud'])).code).to.equal(0);
    // Every kind of conversation: a standard channel (ConversationEntry records), voice calls, cases (one document each).
    expect((await run('conversation entries get', ['-s', OBJECT_SESSIONS.sms])).code).to.equal(0);
    expect((await run('conversation entries get', ['--voice-call-id', VOICE_CALLS.monitored])).code).to.equal(0);
    expect((await run('conversation entries get', ['--voice-call-id', VOICE_CALLS.unmonitored])).code).to.equal(0);
    expect((await run('conversation entries get', ['--case', CASES.full])).code).to.equal(0);
    expect([0, 7], 'a case whose conversations are all read, or one marked incomplete').to.include((await run('conversation entries get', ['--case', CASES.mixed])).code);
    expect((await run('conversation entries get', ['-s', SESSIONS.noConversation, '--api', 'conversation-data'])).code).to.equal(4);
    expect((await run('conversation entries get', ['-s', '0Mw5g00000AbCdEXXX'])).code).to.equal(2);
    expect((await run('conversation entries get', ['-s', SESSIONS.short, '-o', 'no-such-org'])).code).to.not.equal(0);
  });

  it('export: a clean run, a dry run, html with its index, failures (exit 7), the guard (exit 8), Data Cloud, bad input', async () => {
    const ids = BULK_SESSIONS.slice(100, 104);
    const selection = ids.flatMap((s) => ['-s', s]);
    const first = await run('conversation entries export', ['-d', newDir(), ...selection, '--rate-limit', '0']);
    expect(first.code, first.stdout).to.equal(0);
    expect((await run('conversation entries export', ['-d', newDir(), ...selection, '--dry-run'])).code).to.equal(0);
    expect((await run('conversation entries export', ['-d', newDir(), ...selection, '-r', 'html', '--rate-limit', '0'])).code).to.equal(0);
    emu.injectFaults('500', 10, `conversationIdentifier=${conversationOf(ids[1])}`);
    const failed = await run('conversation entries export', ['-d', newDir(), ...selection, '--rate-limit', '0']);
    expect(failed.code).to.equal(7);
    expect(JSON.stringify(failed.json?.result)).to.include('"status":"failed"');
    expect((await run('conversation entries export', ['-d', newDir(), ...selection, '--max-conversations', '2'])).code).to.equal(8);
    expect((await run('conversation entries export', ['-d', newDir(), ...selection, '--api', 'data-cloud'])).code).to.equal(0);
    expect((await run('conversation entries export', ['-d', newDir(), '--case', CASES.full, '--voice-call-id', VOICE_CALLS.unmonitored])).code).to.equal(0);
    expect((await run('conversation entries export', ['-d', newDir(), '--since', 'yesterday-ish'])).code).to.equal(2);
  });

  it('doctor: a working setup, and one whose API host is unreachable', async () => {
    expect((await run('conversation doctor', [])).code).to.equal(0);
    expect((await run('conversation doctor', ['-s', SESSIONS.short, '--report', join(root, 'report.json')])).code).to.equal(0);
    const down = await run('conversation doctor', [], { SF_CONVERSATION_API_URL: 'http://127.0.0.1:9' });
    expect(down.code).to.not.equal(0);
  });
});
