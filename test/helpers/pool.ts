/*
 * A small promise pool: runs `items` through `fn`, at most `limit` at a time, keeping their order. `fn` also gets the
 * index of the worker running it (0 … limit-1), so each worker can own a resource (an emulator, a home).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, worker: number, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const work = async (worker: number): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      // eslint-disable-next-line no-await-in-loop -- one item at a time per worker
      results[i] = await fn(items[i], worker, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, w) => work(w)));
  return results;
}
