/*
 * Runs a command of the plugin inside the test process, the way the sf plugins' own unit tests do (`Cmd.run(argv,
 * config)` with the oclif Config loaded once from the repo root), instead of spawning bin/run.js: the same parse, the
 * same use case, real HTTP over loopback to the emulator, real auth files in the test process's home (test/setup.ts,
 * helpers/inProcessOrg.ts), without a second or two of process start-up per run.
 *
 * What a user would see is captured as written: everything the command writes to process.stdout and process.stderr
 * (SfCommand's log, warn and error output, the spinner's simple lines, transcripts written directly), its exit code
 * (the thrown error's, as bin/run.js exits with it, else process.exitCode, which is put back afterwards) and, with
 * --json, the parsed document. The environment given is set for the run and restored after it, and so is stdin
 * (`input`) and the working directory.
 *
 * @salesforce/core's TestContext is not used: it stubs the keychain, the config files and the Connection's requests,
 * and these runs go over real HTTP to the emulator with real auth files. sf-plugins-core's stubSfCommandUx would
 * replace the very output the tests read (warnings and errors as sf prints them), so the streams are captured instead.
 *
 * Runs are one at a time (a second call waits): the streams, process.exitCode and the environment belong to the
 * whole process. Where the process boundary is the point (kill -9, a terminal, a second process holding a lock,
 * sf's own log of the environment), tests spawn the built CLI (helpers/cli.ts) instead.
 *
 * With TEST_COMMANDS=spawn (npm run test:release), every run spawns bin/run.js instead, so the same tests run the
 * built lib/, which test:release makes the release bundle: the same argv, environment, stdin and working directory,
 * the error rebuilt from the --json document. The product's own retry policy applies there (its waits are real).
 */
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Config, ux } from '@oclif/core';
import { ConfigAggregator, Lifecycle, StateAggregator } from '@salesforce/core';
import ConversationDoctor from '../../src/commands/conversation/doctor.js';
import ConversationEntriesExport from '../../src/commands/conversation/entries/export.js';
import ConversationEntriesGet from '../../src/commands/conversation/entries/get.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/sources/api/retry.js';
import { runCli, type CliResult } from './cli.js';

/** npm run test:release: each command in a child process, running the built lib/ (the release bundle). */
export const SPAWNED = process.env.TEST_COMMANDS === 'spawn';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** What runCommand needs of a command class: oclif's static run. */
type Runnable = { run(argv: string[], config: Config): Promise<unknown> };

/** The commands by their words, as a user types them. */
const COMMANDS: Record<string, Runnable> = {
  'conversation entries get': ConversationEntriesGet,
  'conversation entries export': ConversationEntriesExport,
  'conversation doctor': ConversationDoctor,
};

export type CommandResult = CliResult & {
  /** The error the command ended with (SfCommand's SfCommandError), if it failed. */
  error?: Error & { exitCode?: number; actions?: string[] };
};

export type CommandOptions = {
  /** Set for the run (undefined: removed), then restored. */
  env?: NodeJS.ProcessEnv;
  /** What the command reads from standard input; without it, an empty stdin. */
  input?: string;
  /** The working directory during the run. */
  cwd?: string;
  /** The entries client's retry policy for the run (default: the product's; see QUICK_RETRY). */
  retry?: RetryPolicy;
};

let config: Promise<Config> | undefined;
/** The oclif Config of the repo, loaded once (as bin/run.js does per process). */
export const oclifConfig = (): Promise<Config> => (config ??= Config.load(REPO));

let queue: Promise<unknown> = Promise.resolve();

/** Sets each variable (undefined removes it); returns what puts them back. */
function setEnv(env: NodeJS.ProcessEnv): () => void {
  const before = Object.entries(env).map(([key]) => [key, Object.prototype.hasOwnProperty.call(process.env, key), process.env[key]] as const);
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, had, value] of before) {
      if (had) process.env[key] = value;
      else delete process.env[key];
    }
  };
}

/**
 * Puts `value` in place of `object[key]` (an own property over the prototype's, or over the own one); returns what
 * puts back exactly what was there.
 */
function replace<T extends object, K extends keyof T>(object: T, key: K, value: T[K]): () => void {
  const own = Object.getOwnPropertyDescriptor(object, key);
  Object.defineProperty(object, key, { value, configurable: true, writable: true, enumerable: own?.enumerable ?? false });
  return () => {
    if (own) Object.defineProperty(object, key, own);
    else Reflect.deleteProperty(object, key);
  };
}

type Write = typeof process.stdout.write;

/** A write function that keeps the text instead (and reports every chunk written at once). */
function recorder(): { write: Write; text: () => string } {
  const chunks: string[] = [];
  const write = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  };
  return { write: write as Write, text: () => chunks.join('') };
}

class ProcessExit extends Error {
  public constructor(public readonly code: number) {
    super(`process.exit(${code}) called in-process`);
  }
}

/** A run of bin/run.js with this process's environment and the run's own, as a user's shell would start it. */
async function spawnOnce(argv: string[], options: CommandOptions): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const run = await runCli(argv, env, { input: options.input ?? '', cwd: options.cwd });
  const code = run.code ?? 1;
  // The error: from the --json document, else from the first line sf prints for it (`Error (Name): message`).
  const printed = code === 0 ? null : /^Error \(([\w.]+)\): (.*)$/m.exec(run.stderr);
  const failed = run.json && run.json.status !== 0 ? run.json : printed ? { name: printed[1], message: printed[2], exitCode: code, actions: undefined } : undefined;
  const error = failed ? Object.assign(new Error(failed.message), { name: failed.name ?? 'Error', exitCode: failed.exitCode, actions: failed.actions }) : undefined;
  return { code, stdout: run.stdout, stderr: run.stderr, json: run.json, error };
}

async function runOnce(argv: string[], options: CommandOptions): Promise<CommandResult> {
  if (SPAWNED) return spawnOnce(argv, options);
  const words = argv.slice(0, argv[1] === 'entries' ? 3 : 2).join(' ');
  const Command = COMMANDS[words] as Runnable | undefined;
  if (!Command) throw new Error(`runCommand: no command "${words}" (argv ${JSON.stringify(argv)})`);
  const args = argv.slice(words.split(' ').length);
  const loaded = await oclifConfig();

  // As in a new process: sf's config (target-org, SF_* variables) and the auth files are read afresh.
  await ConfigAggregator.clearInstance();
  StateAggregator.clearInstance();
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  const cwd = process.cwd();
  const out = recorder();
  const err = recorder();
  // oclif's spinner (ux.action) writes through the stream methods it found when it was loaded.
  const action = ux.action as unknown as { stdmockOrigs: { stdout: Write; stderr: Write } };
  const restores = [
    setEnv(options.env ?? {}),
    replace(process, 'stdin', Readable.from([options.input ?? '']) as unknown as typeof process.stdin),
    // A command that ends the process (Ctrl-C, a closed stdout) is tested spawned; here it would end mocha.
    replace(process, 'exit', ((code?: number) => {
      throw new ProcessExit(code ?? 0);
    }) as typeof process.exit),
    replace(process.stdout, 'write', out.write),
    replace(process.stderr, 'write', err.write),
    replace(action, 'stdmockOrigs', { stdout: out.write, stderr: err.write }),
  ];
  const savedPolicy = { ...DEFAULT_RETRY_POLICY };
  if (options.retry) Object.assign(DEFAULT_RETRY_POLICY, options.retry);
  let error: CommandResult['error'];
  try {
    if (options.cwd) process.chdir(options.cwd);
    await Command.run(args, loaded);
  } catch (e) {
    error = e as CommandResult['error'];
  } finally {
    for (const restore of restores.reverse()) restore();
    Object.assign(DEFAULT_RETRY_POLICY, savedPolicy);
    // Each SfCommand adds a listener for core's warnings; the command is done.
    Lifecycle.getInstance().removeAllListeners('warning');
    process.chdir(cwd);
  }
  const thrown = error as (Error & { oclif?: { exit?: number }; exitCode?: number }) | undefined;
  // bin/run.js exits with the thrown error's code (oclif's handle), else with process.exitCode.
  const thrownCode = thrown instanceof ProcessExit ? thrown.code : thrown?.oclif?.exit ?? thrown?.exitCode ?? 1;
  const code = thrown ? thrownCode : typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = exitCodeBefore;
  const result: CommandResult = { code, stdout: out.text(), stderr: err.text(), error };
  if (args.includes('--json')) {
    try {
      result.json = JSON.parse(result.stdout) as CliResult['json'];
    } catch {
      // left undefined: the test asserting on json will show stdout
    }
  }
  return result;
}

/**
 * Runs `argv` (the command's words, then its flags, as for helpers/cli.ts's runCli) in this process. Never rejects
 * for a failing command: its exit code, output and error are in the result.
 */
export function runCommand(argv: string[], options: CommandOptions = {}): Promise<CommandResult> {
  const run = queue.then(() => runOnce(argv, options));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * A retry policy without real waiting: the same attempts (what is retried is what the tests assert), backoff of a
 * few ms. A command takes the product's default policy, so runCommand's `retry` puts this in its place for the run
 * (DEFAULT_RETRY_POLICY's fields, restored after); a use case called directly takes GetInput.retry / ExportInput.retry.
 * A server's Retry-After is still honoured: give the emulator retryAfterSeconds 0.
 */
export const QUICK_RETRY: RetryPolicy = { limit: DEFAULT_RETRY_POLICY.limit, baseDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs };
