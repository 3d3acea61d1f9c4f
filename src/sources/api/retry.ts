/*
 * When to retry a request to the entries API, and how long to wait. got runs the loop; this decides.
 */

export type RetryPolicy = {
  /** Retries after the first attempt. */
  limit: number;
  /** Backoff before retry n is drawn from [base·2^(n-1)/2, base·2^(n-1)], capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After this command will wait; a longer one ends the retries. */
  maxRetryAfterMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  limit: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
};

/** 429, and every 5xx that can be transient. 501 and 505 can't get better by retrying. */
export const RETRY_STATUS_CODES = [429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524, 529];

/** Network failures, timeouts, and bodies cut short or not parseable (a truncated JSON body is worth a retry). */
export const RETRY_ERROR_CODES = [
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPROTO',
  'ERR_BODY_PARSE_FAILURE',
  'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
  'ERR_READING_RESPONSE_STREAM',
  'ERR_STREAM_PREMATURE_CLOSE',
];

/**
 * The wait before retry `attempt` (1-based), in ms, or 0 to stop retrying.
 * A Retry-After from the server (on 429/503) is honoured exactly, up to maxRetryAfterMs; otherwise jittered backoff.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random
): number {
  if (attempt > policy.limit) return 0;
  if (retryAfterMs !== undefined) {
    return retryAfterMs > policy.maxRetryAfterMs ? 0 : Math.max(1, retryAfterMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}
