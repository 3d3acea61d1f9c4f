/*
 * What must not outlive an interrupted command: the temp file being written, the output directory's lock, a query
 * still running on a server. Each is registered while it exists; the command's interrupt handler (cli/command.ts)
 * runs them before the process exits, so Ctrl-C leaves no temp file, no stale lock and no running query behind.
 * Synchronous cleanups (files) run first and always finish; asynchronous ones (a request that cancels a query) get a
 * short, bounded time together, then the process exits whether they are done or not.
 */
const cleanups = new Set<() => void>();
const asyncCleanups = new Set<() => Promise<void>>();

/** How long the asynchronous cleanups may take together on Ctrl-C, at most. */
export const ASYNC_CLEANUP_MS = 2000;

/** Registers `cleanup` until the returned function is called. */
export function whileInterruptible(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Registers an asynchronous `cleanup` (such as cancelling a server-side query) until the returned function is called. */
export function whileInterruptibleAsync(cleanup: () => Promise<void>): () => void {
  asyncCleanups.add(cleanup);
  return () => asyncCleanups.delete(cleanup);
}

/** Runs every registered synchronous cleanup (each at most once); a cleanup that fails doesn't stop the others. */
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

/**
 * Runs every registered cleanup: the synchronous ones, then the asynchronous ones together, for at most `withinMs`.
 * Resolves when they are all done or the time is up, whichever comes first; never rejects.
 */
export async function cleanUpAll(withinMs = ASYNC_CLEANUP_MS): Promise<void> {
  cleanUpNow();
  const pending = [...asyncCleanups].map((cleanup) => {
    asyncCleanups.delete(cleanup);
    try {
      return cleanup().catch(() => undefined);
    } catch {
      return Promise.resolve();
    }
  });
  if (!pending.length) return;
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, withinMs);
  });
  await Promise.race([Promise.all(pending), timeUp]);
  clearTimeout(timer);
}
