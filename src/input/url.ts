/*
 * Whether a URL may carry a bearer token, and how a URL is shown in messages.
 */
import { ExitCode, fail } from '../messages.js';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** A URL for messages: without user info, query or fragment, which may carry secrets. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

export const isLoopback = (url: URL): boolean => LOOPBACK.test(url.hostname);

export function assertSafeForToken(url: URL, source: string): void {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw fail('InsecureApiUrl', ExitCode.InvalidInput, [displayUrl(url), source]);
  }
}
