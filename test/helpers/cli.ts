/*
 * Runs the built plugin (bin/run.js) as a child process, the way a user's shell would, and captures everything.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export type CliResult = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed stdout when --json was passed. */
  json?: { status: number; result?: unknown; name?: string; message?: string; exitCode?: number; actions?: string[]; warnings?: string[] };
};

export type CliOptions = {
  /** Written to the command's standard input, which is then closed; without it, stdin is not connected (as before). */
  input?: string;
};

export async function runCli(args: string[], env: NodeJS.ProcessEnv, options: CliOptions = {}): Promise<CliResult> {
  // process.execPath is the Node 22 that runs the tests (from the node@22 devDependency).
  const child = spawn(process.execPath, [RUN_JS, ...args], { env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (options.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // EPIPE when the command exits without reading it
    child.stdin.end(options.input);
  }
  if (!child.stdout || !child.stderr) throw new Error('runCli: no stdout/stderr pipe');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const result: CliResult = { code, stdout, stderr };
  if (args.includes('--json')) {
    try {
      result.json = JSON.parse(stdout) as CliResult['json'];
    } catch {
      // left undefined: the test asserting on json will show stdout
    }
  }
  return result;
}
