/*
 * Running a process and capturing it: output, exit code, wall time and CPU time, without blocking the event loop
 * (the emulator often runs in the same process). Shared by the test helpers and the scripts (test:sf, bench).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type ProcessRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time, spawn to close. */
  ms: number;
  /**
   * CPU time (user + system, all threads, and its own children) of the process, where /proc gives it (Linux), at the
   * kernel's 10 ms resolution. Only meaningful when no other child of this process ends meanwhile (one at a time).
   */
  cpuMs?: number;
};

/** CPU time of this process's waited-for children so far (cutime + cstime of /proc/self/stat), or undefined. */
function childrenCpuMs(): number | undefined {
  try {
    // Fields after the ")" that ends the command name: state is field 3, cutime 16 and cstime 17 (man 5 proc).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

export type RunOptions = {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is /dev/null (so nothing can wait for a prompt). */
  input?: string;
  /** Killed (SIGKILL) after this long; default 180 s. */
  timeoutMs?: number;
};

/** Runs a process without blocking the event loop, capturing its output and wall time. */
export function runProcess(file: string, args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpuBefore = childrenCpuMs();
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (!child.stdout || !child.stderr) throw new Error('runProcess: no stdout/stderr pipe');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when it exits without reading
      child.stdin.end(options.input);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const cpuAfter = childrenCpuMs();
      resolve({ code, stdout, stderr, ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore });
    });
  });
}
