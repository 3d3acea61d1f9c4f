// Bench helper, preloaded with --import (NODE_OPTIONS): how long the main thread waits, once the process is exiting,
// for log worker threads (pino's thread-stream ends each transport at exit with Atomics.wait until its worker has
// closed the log file; the worker checks for that on a timer that backs off to 1 s while it is idle). Appends one
// line per wait longer than 1 ms to EXIT_WAIT_FILE: the milliseconds waited.
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.env.EXIT_WAIT_FILE) {
  const file = process.env.EXIT_WAIT_FILE;
  let exiting = false;
  process.on('exit', () => {
    exiting = true;
  });
  const wait = Atomics.wait;
  Atomics.wait = function (...args) {
    const started = performance.now();
    const result = wait.apply(this, args);
    const ms = performance.now() - started;
    if (exiting && ms > 1) appendFileSync(file, `${ms.toFixed(1)}\n`);
    return result;
  };
}
