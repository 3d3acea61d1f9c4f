/*
 * Runs the built plugin (bin/run.js) as a child process, the way a user's shell would, and captures everything.
 * Asynchronous only: the emulator runs in the test's own process, so a synchronous spawn would block the server the
 * child is talking to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export type CliResult = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed stdout when --json was passed. */
  json?: { status: number; result?: unknown; name?: string; message?: string; exitCode?: number; actions?: string[]; warnings?: string[] };
};

export type CliExit = CliResult & {
  /** The signal that ended the process (SIGKILL when a test killed it), else null. */
  signal: NodeJS.Signals | null;
};

export type CliOptions = {
  /** Written to the command's standard input, which is then closed; without it, stdin is not connected. */
  input?: string;
  /** The working directory (default: the test's own), so a relative path the command writes lands somewhere known. */
  cwd?: string;
};

export type CliProcess = {
  child: ChildProcess;
  /** Settles when the process has exited and its output is closed; never rejects. */
  done: Promise<CliExit>;
};

/** Starts the command and hands back the child while it runs, so a test can watch it and kill it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, options: CliOptions = {}): CliProcess {
  // process.execPath is the Node 22 that runs the tests (from the node@22 devDependency).
  const child = spawn(process.execPath, [RUN_JS, ...args], {
    env,
    cwd: options.cwd,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // EPIPE when the command exits without reading it
    child.stdin.end(options.input);
  }
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliExit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, stdout, stderr: `${stderr}\nspawn failed: ${error.message}` }));
    child.once('close', (code, signal) => {
      const result: CliExit = { code, signal, stdout, stderr };
      if (args.includes('--json')) {
        try {
          result.json = JSON.parse(stdout) as CliResult['json'];
        } catch {
          // left undefined: the test asserting on json will show stdout
        }
      }
      resolve(result);
    });
  });
  return { child, done };
}

/** Runs the command to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, options: CliOptions = {}): Promise<CliExit> {
  return startCli(args, env, options).done;
}
