/*
 * What must not outlive an interrupted command: the temp file being written, the output directory's lock. Each is
 * registered while it exists; the command's interrupt handler (cli/command.ts) runs them, synchronously, before the
 * process exits, so Ctrl-C leaves no temp file and no stale lock behind.
 */
const cleanups = new Set<() => void>();

/** Registers `cleanup` until the returned function is called. */
export function whileInterruptible(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup (each at most once); a cleanup that fails doesn't stop the others. */
export function cleanUpNow(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: the process is about to exit.
    }
  }
}
