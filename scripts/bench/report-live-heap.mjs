// Bench helper, preloaded with --import into a process started with --expose-gc: every 250 ms forces a full GC and
// samples the heap still in use, so what is retained shows apart from garbage V8 has not collected yet. Writes the
// largest sample (bytes) to REPORT_LIVE_FILE at exit. It changes when GC runs, so peak RSS is measured in other runs.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && typeof globalThis.gc === 'function') {
  let max = 0;
  const sample = () => {
    globalThis.gc();
    max = Math.max(max, process.memoryUsage().heapUsed);
  };
  setInterval(sample, 250).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(process.env.REPORT_LIVE_FILE, String(max));
  });
}
