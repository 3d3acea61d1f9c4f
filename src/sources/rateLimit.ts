/*
 * A strict rate limit on a source's requests (export's --rate-limit: the Conversation Data API allows 90 requests
 * per minute per user). p-throttle's strict mode tracks each call, not fixed windows, so no window of `windowMs`
 * ever holds more than `limit` requests; retries and later pages count like any request.
 */
import pThrottle from 'p-throttle';

export type RateLimit = { limit: number; windowMs: number };

/** --rate-limit counts requests per minute. */
export const RATE_WINDOW_MS = 60_000;

/** Resolves when the next request may go. */
export function rateLimiter({ limit, windowMs }: RateLimit): () => Promise<void> {
  return pThrottle({ limit, interval: windowMs, strict: true })((): Promise<void> => Promise.resolve());
}
