/*
 * Keeping an export's heap near what it actually holds.
 *
 * An export retains nearly the same whatever its size (the live heap after a full GC: 40 MB at 1,000 sessions, 48 at
 * 10,000, most of the difference being the id list itself), but every session makes garbage, and after each full GC
 * V8 lets the old generation grow to up to 4× the live size before the next one. A run long enough to reach that
 * limit peaks far higher than a short one (--trace-gc, 10,000 sessions: 144.9 → 47.4 MB), so peak RSS grew with the
 * number of sessions although nothing leaked: 197 MB at 1,000 sessions, 341 at 10,000.
 *
 * `--heap-growing-percent` fixes V8's growing factor at 1 + n/100. V8 reads it at every full GC, so it can be set
 * while the process runs; a plugin can't pass node options to the sf process. The flag has no getter: it is set for
 * the export and put back to 0 (V8's default, the dynamic factor) afterwards.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * The old generation may grow to 1.2× what survived the last full GC. Measured on 10,000 sessions, 3 runs each: peak
 * RSS 198–202 MB (20) and 211–216 (50) against 323–326 (V8's default); CPU time 20–28 s either way, within the noise.
 */
export const HEAP_GROWING_PERCENT = 20;

/** Runs `work` with V8's heap growing factor fixed at HEAP_GROWING_PERCENT, and restores the default after. */
export async function withCompactHeap<T>(work: () => Promise<T>): Promise<T> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  try {
    return await work();
  } finally {
    setFlagsFromString('--heap-growing-percent=0');
  }
}
