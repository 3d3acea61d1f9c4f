/*
 * Export's rate limiter, decided on a fake clock: which call is let through when, never how long a test waited.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { RATE_WINDOW_MS, rateLimiter } from '../../src/sources/rateLimit.js';
import { mulberry32 } from '../emulator/prng.js';

/** Calls arriving at the given times (ms from 0) through a limiter; resolves with each call's release time. */
async function releases(limit: number, windowMs: number, arrivals: number[]): Promise<number[]> {
  const clock = sinon.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  try {
    const limit$ = rateLimiter({ limit, windowMs });
    const released: number[] = new Array<number>(arrivals.length);
    const pending: Array<Promise<void>> = [];
    const order = arrivals.map((at, i) => ({ at, i })).sort((a, b) => a.at - b.at || a.i - b.i);
    for (const { at, i } of order) {
      // eslint-disable-next-line no-await-in-loop -- the fake clock moves to each arrival in turn
      await clock.tickAsync(at - Date.now());
      pending.push(limit$().then(() => void (released[i] = Date.now())));
    }
    // Far enough for every call: each window lets `limit` through.
    await clock.tickAsync(Math.ceil(arrivals.length / limit + 1) * windowMs * 2);
    await Promise.all(pending);
    return released;
  } finally {
    clock.restore();
  }
}

describe('export rate limiter (fake clock)', () => {
  it('--rate-limit 5 with 8 calls at once: 5 go at 0, the 6th not before 60 s, the 8th by 2 windows', async () => {
    const at = await releases(5, RATE_WINDOW_MS, new Array<number>(8).fill(0));
    const sorted = [...at].sort((a, b) => a - b);
    expect(sorted.slice(0, 5)).to.deep.equal([0, 0, 0, 0, 0]);
    expect(sorted[5]).to.equal(RATE_WINDOW_MS);
    for (let i = 5; i < 8; i++) expect(sorted[i] - sorted[i - 5], `call ${i + 1}`).to.be.at.least(RATE_WINDOW_MS);
    expect(sorted[7]).to.be.below(2 * RATE_WINDOW_MS);
  });

  it('generated arrival schedules: never more than the limit in any window, never before arrival, never held beyond the windows it needs', async () => {
    const next = mulberry32(7);
    for (let round = 0; round < 40; round++) {
      const limit = 1 + Math.floor(next() * 6);
      const windowMs = 1000 * (1 + Math.floor(next() * 60));
      const count = 1 + Math.floor(next() * 25);
      const arrivals = Array.from({ length: count }, () => Math.floor(next() * windowMs * 3));
      // eslint-disable-next-line no-await-in-loop -- each round has its own fake clock
      const at = await releases(limit, windowMs, arrivals);
      const label = `round ${round}: limit ${limit}, window ${windowMs}, arrivals ${JSON.stringify(arrivals)}, releases ${JSON.stringify(at)}`;
      at.forEach((t, i) => expect(t, label).to.be.at.least(arrivals[i]));
      const sorted = [...at].sort((a, b) => a - b);
      for (let i = limit; i < sorted.length; i++) expect(sorted[i] - sorted[i - limit], label).to.be.at.least(windowMs);
      // Liveness: the last call goes within the windows the whole schedule needs after the last arrival.
      expect(sorted.at(-1), label).to.be.at.most(Math.max(...arrivals) + Math.ceil(count / limit) * windowMs);
    }
  });
});
